// Retention: entries older than the retention period are removed and replaced by one signed
// summary entry that holds their place in the chain (range of seq, count, first and last hash),
// so the chain still verifies after a purge. A range that does not verify is never purged:
// summarizing it would sign over the tampering.
import type { SigningKeys } from '../tokens/signing-keys.ts';
import type { AuditEntry } from './audit-entry.ts';
import type { AuditStore } from './audit-log.ts';
import { isPurgeSummary, purgedRange, signPurgeSummary, type PurgedRange } from './audit-signatures.ts';
import { verifyAudit } from './chain-verification.ts';

export const DAY_MS = 24 * 3600 * 1000;

export interface PurgeResult {
  /** Entries removed by this run. */
  purged: number;
  /** The range the log's summary now covers (all purges so far), or null when nothing was purged. */
  summary: PurgedRange | null;
  cutoff: string;
}

export class PurgeRefused extends Error {
  override readonly name = 'PurgeRefused';
}

export async function purgeExpiredEntries(
  store: AuditStore,
  options: { keys: Pick<SigningKeys, 'kid' | 'privateKey' | 'publicKey'>; node: string; retentionDays: number; now: Date },
): Promise<PurgeResult> {
  const cutoff = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  const range: AuditEntry[] = [];
  let existing: AuditEntry | null = null;
  for await (const entry of store.scan()) {
    if (range.length === 0 && isPurgeSummary(entry)) {
      existing = entry;
      range.push(entry);
      continue;
    }
    if (!(Date.parse(entry.at) < cutoff.getTime())) break;
    range.push(entry);
  }
  const last = range.at(-1);
  if (!last || last === existing) return { purged: 0, summary: existing ? purgedRange(existing) : null, cutoff: cutoff.toISOString() };

  const checkpoints = (await store.checkpoints()).filter((c) => c.seq <= last.seq);
  const check = await verifyAudit(
    range.map((value) => ({ location: `seq ${value.seq}`, value })),
    checkpoints.map((value, index) => ({ location: `#${index + 1}`, value })),
    options.keys.publicKey,
  );
  if (!check.ok) throw new PurgeRefused(`refusing to purge a range that does not verify: ${check.problems[0]!.message}`);

  const before = existing ? purgedRange(existing)! : null;
  const first = existing ? null : range[0]!;
  const fromSeq = before?.fromSeq ?? first!.seq;
  const summary = await signPurgeSummary(
    options.keys,
    {
      fromSeq,
      toSeq: last.seq,
      count: last.seq - fromSeq + 1,
      prevHash: before?.prevHash ?? first!.prevHash,
      firstHash: before?.firstHash ?? first!.hash,
      lastHash: last.hash,
      before: cutoff.toISOString(),
    },
    options.node,
    options.now,
  );
  const replaced = await store.replacePrefix(summary, { summaryToSeq: existing?.seq ?? null });
  if (!replaced) return { purged: 0, summary: before, cutoff: cutoff.toISOString() }; // another node purged meanwhile
  return { purged: range.length - (existing ? 1 : 0), summary: purgedRange(summary), cutoff: cutoff.toISOString() };
}
