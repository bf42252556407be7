// Verification of a stored audit trail: the hash chain, the purge summary and every signed
// checkpoint. Reports the first edited, deleted, inserted or reordered entry in words, then any
// further problems. Used by `npm run audit:verify` and before a purge.
import type { CryptoKey } from 'jose';
import { GENESIS_HASH, chainHash, type AuditEntry } from './audit-entry.ts';
import {
  isPurgeSummary,
  purgeSummaryProblem,
  purgedRange,
  verifyCheckpoint,
  type AuditCheckpoint,
  type PurgedRange,
} from './audit-signatures.ts';

export interface StoredRecord<T> {
  /** Where it is stored, for messages: "line 12", "stream id 12-0". */
  location: string;
  /** The parsed value, or null when the stored text is not a well-formed record. */
  value: T | null;
}

export type ProblemKind = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'rewritten' | 'checkpoint';

export interface VerifyProblem {
  kind: ProblemKind;
  seq: number | null;
  location: string;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries in the log, the purge summary not counted. */
  entries: number;
  /** The seq the chain ends at (0 when empty). */
  lastSeq: number;
  purged: PurgedRange | null;
  checkpoints: number;
  lastCheckpoint: AuditCheckpoint | null;
  problems: VerifyProblem[];
}

/** Parses one stored line; anything that is not shaped like an entry is null. */
export function parseEntry(text: string | undefined): AuditEntry | null {
  if (text === undefined) return null;
  try {
    const value = JSON.parse(text) as Partial<AuditEntry> | null;
    if (!value || typeof value !== 'object') return null;
    if (!Number.isInteger(value.seq) || typeof value.hash !== 'string' || typeof value.prevHash !== 'string') return null;
    if (typeof value.action !== 'string' || typeof value.at !== 'string') return null;
    return value as AuditEntry;
  } catch {
    return null;
  }
}

export function parseCheckpoint(text: string | undefined): AuditCheckpoint | null {
  if (text === undefined) return null;
  try {
    const value = JSON.parse(text) as Partial<AuditCheckpoint> | null;
    if (!value || !Number.isInteger(value.seq) || typeof value.hash !== 'string' || typeof value.signature !== 'string') return null;
    if (typeof value.at !== 'string' || typeof value.node !== 'string') return null;
    return value as AuditCheckpoint;
  } catch {
    return null;
  }
}

function hashMatches(entry: AuditEntry): boolean {
  const { hash, prevHash, ...body } = entry;
  try {
    return chainHash(prevHash, body) === hash;
  } catch {
    return false;
  }
}

const seqRange = (from: number, to: number) => (from === to ? `entry seq ${from} is` : `entries seq ${from}..${to} are`);

export async function verifyAudit(
  records: ReadonlyArray<StoredRecord<AuditEntry>>,
  checkpoints: ReadonlyArray<StoredRecord<AuditCheckpoint>>,
  publicKey: CryptoKey,
): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [];
  const report = (kind: ProblemKind, seq: number | null, location: string, message: string) =>
    problems.push({ kind, seq, location, message });

  // Where each seq occurs, to tell reordering from deletion.
  const positions = new Map<number, number[]>();
  records.forEach((record, index) => {
    if (record.value) positions.set(record.value.seq, [...(positions.get(record.value.seq) ?? []), index]);
  });
  const summaryProblems = await Promise.all(
    records.map((record) => (record.value && isPurgeSummary(record.value) ? purgeSummaryProblem(record.value, publicKey) : null)),
  );
  const intact = (index: number): boolean => {
    const entry = records[index]?.value;
    if (!entry) return false;
    return isPurgeSummary(entry) ? summaryProblems[index] === null : hashMatches(entry);
  };

  /** Entries accepted into the chain, by seq (the hash as stored). */
  const accepted = new Map<number, { hash: string; location: string }>();
  let prev = { seq: 0, hash: GENESIS_HASH, location: 'the start of the log' };
  let purged: PurgedRange | null = null;
  let count = 0;
  const accept = (entry: AuditEntry, location: string) => {
    accepted.set(entry.seq, { hash: entry.hash, location });
    if (entry.seq > prev.seq) prev = { seq: entry.seq, hash: entry.hash, location };
  };

  for (let i = 0; i < records.length; i += 1) {
    const { location, value: entry } = records[i]!;
    if (!entry) {
      report('edited', null, location, `${location} is not a well-formed audit entry: it was edited or corrupted`);
      continue;
    }
    if (isPurgeSummary(entry)) {
      const range = purgedRange(entry);
      const problem = summaryProblems[i];
      if (problem || !range) {
        report('edited', entry.seq, location, `the purge summary at ${location} was edited or forged: ${problem ?? 'it has no range'}`);
      } else if (range.fromSeq !== prev.seq + 1 || range.prevHash !== prev.hash) {
        report(
          range.fromSeq > prev.seq + 1 ? 'deleted' : 'inserted',
          range.fromSeq,
          location,
          `the purge summary at ${location} (seq ${range.fromSeq}..${range.toSeq}) does not continue the chain after seq ${prev.seq}`,
        );
      } else {
        purged = range;
      }
      accept(entry, location);
      continue;
    }
    count += 1;
    const ok = hashMatches(entry);
    if (ok && entry.seq === prev.seq + 1 && entry.prevHash === prev.hash) {
      accept(entry, location);
      continue;
    }
    // After a reported problem, an intact entry that links to an accepted predecessor is part of
    // the same disturbance (the other half of a swap), not a new finding.
    if (ok && problems.length > 0 && !accepted.has(entry.seq) && accepted.get(entry.seq - 1)?.hash === entry.prevHash) {
      accept(entry, location);
      continue;
    }
    // An intact entry ahead of its turn, whose missing predecessors come later: reordered.
    const later = ok && entry.seq > prev.seq + 1 ? (positions.get(prev.seq + 1) ?? []).find((j) => j > i) : undefined;
    if (later !== undefined) {
      report('reordered', entry.seq, location, `entry seq ${entry.seq} (${location}) comes before seq ${prev.seq + 1} (${records[later]!.location}): entries were reordered`);
      accept(entry, location);
      continue;
    }
    const next = records[i + 1]?.value;
    if (next && !isPurgeSummary(next) && next.seq === prev.seq + 1 && next.prevHash === prev.hash && intact(i + 1)) {
      report('inserted', entry.seq, location, `${location} (claiming seq ${entry.seq}) is not part of the chain: it was inserted between seq ${prev.seq} and seq ${prev.seq + 1}`);
      continue;
    }
    if (!ok) {
      report('edited', entry.seq, location, `entry seq ${entry.seq} (${location}) was edited: its content no longer matches its hash`);
      accept(entry, location);
      continue;
    }
    if (entry.seq === prev.seq + 1) {
      const twin = (positions.get(entry.seq) ?? []).find((j) => j > i && records[j]!.value!.prevHash === prev.hash && intact(j));
      if (twin !== undefined) {
        report('inserted', entry.seq, location, `an entry was inserted at ${location}: it claims seq ${entry.seq}, which the genuine entry at ${records[twin]!.location} holds`);
        continue;
      }
      report(
        'edited',
        prev.seq,
        prev.location,
        `entry seq ${prev.seq} (${prev.location}) was altered and its hash recomputed: entry seq ${entry.seq} (${location}) no longer links to it`,
      );
      accept(entry, location);
      continue;
    }
    if (entry.seq > prev.seq + 1) {
      report('deleted', prev.seq + 1, location, `${seqRange(prev.seq + 1, entry.seq - 1)} missing before ${location}: deleted from the log`);
      accept(entry, location);
      continue;
    }
    const earlier = accepted.get(entry.seq);
    if (earlier && earlier.hash === entry.hash) {
      report('inserted', entry.seq, location, `${location} repeats entry seq ${entry.seq} (${earlier.location}): a copy was inserted`);
    } else if (earlier) {
      if (next && next.prevHash === entry.hash) {
        report('inserted', entry.seq, earlier.location, `an entry was inserted at ${earlier.location}: it claims seq ${entry.seq}, which the genuine entry at ${location} holds`);
        accepted.set(entry.seq, { hash: entry.hash, location });
        if (entry.seq === prev.seq) prev = { seq: entry.seq, hash: entry.hash, location };
      } else {
        report('inserted', entry.seq, location, `${location} claims seq ${entry.seq}, which ${earlier.location} already holds: an entry was inserted`);
      }
    } else {
      report('reordered', entry.seq, location, `entry seq ${entry.seq} (${location}) comes after seq ${prev.seq}: entries were reordered`);
      accept(entry, location);
    }
  }

  // Checkpoints: each must be validly signed and agree with the entry it attests.
  const lastSeq = prev.seq;
  const valid: AuditCheckpoint[] = [];
  for (const { location, value } of checkpoints) {
    if (!value) {
      report('checkpoint', null, `checkpoint ${location}`, `checkpoint ${location} is not well-formed: the checkpoint store was edited`);
    } else if (!(await verifyCheckpoint(value, publicKey))) {
      report('checkpoint', value.seq, `checkpoint ${location}`, `checkpoint ${location} (seq ${value.seq}) has no valid signature: it was edited or forged`);
    } else {
      valid.push(value);
    }
  }
  valid.sort((a, b) => a.seq - b.seq);
  let lastGood = 0;
  const range = purged as PurgedRange | null;
  for (const checkpoint of valid) {
    if (checkpoint.seq > lastSeq) break;
    if (range && checkpoint.seq < range.toSeq) continue; // attests a purged entry
    const stored = accepted.get(checkpoint.seq);
    if (!stored) continue; // already reported as missing
    if (stored.hash === checkpoint.hash) {
      lastGood = checkpoint.seq;
      continue;
    }
    report(
      'rewritten',
      checkpoint.seq,
      stored.location,
      `entry seq ${checkpoint.seq} (${stored.location}) is not the entry signed in the checkpoint of ${checkpoint.at} (${checkpoint.node}): ` +
        `entries after seq ${lastGood} up to seq ${checkpoint.seq} were edited, inserted or deleted and the chain re-hashed`,
    );
  }
  const latest = valid.at(-1) ?? null;
  if (latest && latest.seq > lastSeq) {
    report(
      'truncated',
      lastSeq + 1,
      'the end of the log',
      `${seqRange(lastSeq + 1, latest.seq)} missing after seq ${lastSeq}: the checkpoint of ${latest.at} (${latest.node}) attests the log reached seq ${latest.seq}; they were deleted from the end`,
    );
  }
  return {
    ok: problems.length === 0,
    entries: count,
    lastSeq,
    purged: range,
    checkpoints: valid.length,
    lastCheckpoint: latest,
    problems,
  };
}
