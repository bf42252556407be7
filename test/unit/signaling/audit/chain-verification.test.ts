import { beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, chainHash, sealEntry, type AuditEntry, type AuditEvent } from '../../../../signaling/audit/audit-entry.ts';
import {
  purgeSummaryProblem,
  signCheckpoint,
  signPurgeSummary,
  verifyCheckpoint,
  type AuditCheckpoint,
} from '../../../../signaling/audit/audit-signatures.ts';
import { parseCheckpoint, parseEntry, verifyAudit, type StoredRecord } from '../../../../signaling/audit/chain-verification.ts';
import { generateSigningJwk, signingKeysFromJwk, type SigningKeys } from '../../../../signaling/tokens/signing-keys.ts';

const event = (n: number): AuditEvent => ({
  action: `http GET /route-${n}`,
  outcome: 'allowed',
  actor: { id: `u-${n}`, role: 'supervisor', agencyId: 'police' },
  target: { incidentId: 'inc-1', agencyId: 'police' },
  source: { ip: '10.0.0.1', userAgent: 'test', node: 'node-a' },
  detail: { n },
});

function chain(n: number, from: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev = from;
  for (let i = 0; i < n; i += 1) {
    const entry = sealEntry(prev, event(prev.seq + 1), new Date(Date.UTC(2030, 0, 1, 0, 0, prev.seq + 1)));
    entries.push(entry);
    prev = entry;
  }
  return entries;
}

/** Recomputes every hash from `from` on, as an attacker who knows the algorithm would. */
function rehash(entries: AuditEntry[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (const { hash: _h, prevHash: _p, ...body } of entries) {
    const entry = { ...body, prevHash: prev.hash, hash: chainHash(prev.hash, body) };
    out.push(entry);
    prev = entry;
  }
  return out;
}

const lines = (entries: AuditEntry[]): StoredRecord<AuditEntry>[] => entries.map((value, i) => ({ location: `line ${i + 1}`, value }));
const cps = (list: AuditCheckpoint[]): StoredRecord<AuditCheckpoint>[] => list.map((value, i) => ({ location: `#${i + 1}`, value }));

describe('verifyAudit', () => {
  let keys: SigningKeys;
  let otherKeys: SigningKeys;
  beforeAll(async () => {
    keys = await signingKeysFromJwk(await generateSigningJwk());
    otherKeys = await signingKeysFromJwk(await generateSigningJwk());
  });
  const checkpoint = (entry: AuditEntry, k = keys) => signCheckpoint(k, entry, 'node-a', new Date(Date.UTC(2030, 0, 2)));
  const verify = (entries: StoredRecord<AuditEntry>[], checkpoints: AuditCheckpoint[] = []) => verifyAudit(entries, cps(checkpoints), keys.publicKey);
  const first = async (entries: StoredRecord<AuditEntry>[], checkpoints: AuditCheckpoint[] = []) => {
    const result = await verify(entries, checkpoints);
    expect(result.ok).toBe(false);
    return result.problems[0]!;
  };

  it('passes an intact chain with valid checkpoints, and an empty log', async () => {
    const entries = chain(10);
    const result = await verify(lines(entries), [await checkpoint(entries[4]!), await checkpoint(entries[9]!)]);
    expect(result).toMatchObject({ ok: true, entries: 10, lastSeq: 10, checkpoints: 2, problems: [] });
    expect(result.lastCheckpoint?.seq).toBe(10);
    expect(await verify([], [])).toMatchObject({ ok: true, entries: 0, lastSeq: 0, lastCheckpoint: null });
  });

  it('finds an edited entry', async () => {
    const entries = chain(6);
    entries[2] = { ...entries[2]!, outcome: 'denied' };
    expect(await first(lines(entries))).toMatchObject({ kind: 'edited', seq: 3, location: 'line 3' });
    expect((await first(lines(entries))).message).toMatch(/entry seq 3 \(line 3\) was edited/);
  });

  it('finds an edited entry whose hash was recomputed (its successor no longer links)', async () => {
    const entries = chain(6);
    const { hash: _h, prevHash, ...body } = entries[2]!;
    const forged = { ...body, outcome: 'denied' as const };
    entries[2] = { ...forged, prevHash, hash: chainHash(prevHash, forged) };
    const problem = await first(lines(entries));
    expect(problem).toMatchObject({ kind: 'edited', seq: 3 });
    expect(problem.message).toMatch(/entry seq 3 .* was altered and its hash recomputed/);
  });

  it('finds a line that is not an entry at all', async () => {
    const records = lines(chain(3));
    records.splice(1, 1, { location: 'line 2', value: parseEntry('{"seq": 2, garbage') });
    expect(await first(records)).toMatchObject({ kind: 'edited', location: 'line 2' });
  });

  it('finds deleted entries in the middle and at the start', async () => {
    const entries = chain(8);
    const middle = [...entries.slice(0, 3), ...entries.slice(5)];
    const problem = await first(lines(middle));
    expect(problem).toMatchObject({ kind: 'deleted', seq: 4 });
    expect(problem.message).toMatch(/entries seq 4\.\.5 are missing before line 4/);
    expect(await first(lines(entries.slice(2)))).toMatchObject({ kind: 'deleted', seq: 1 });
  });

  it('detects deletion at the end only against the last checkpoint', async () => {
    const entries = chain(10);
    const signed = [await checkpoint(entries[7]!)];
    // Without a checkpoint past the cut, a shorter log is indistinguishable from an older one.
    expect((await verify(lines(entries.slice(0, 9)), signed)).ok).toBe(true);
    const problem = await first(lines(entries.slice(0, 6)), signed);
    expect(problem).toMatchObject({ kind: 'truncated', seq: 7 });
    expect(problem.message).toMatch(/entries seq 7\.\.8 are missing after seq 6/);
  });

  it('finds an inserted entry: garbage, a fully re-hashed forgery, and a duplicate', async () => {
    const entries = chain(6);
    const garbage = [...entries.slice(0, 3), { ...entries[0]!, seq: 4, action: 'forged' }, ...entries.slice(3)];
    expect(await first(lines(garbage))).toMatchObject({ kind: 'inserted', location: 'line 4' });

    const forged = sealEntry(entries[2]!, { ...event(99), action: 'http POST /forged' }, new Date(0));
    const hashed = [...entries.slice(0, 3), forged, ...entries.slice(3)];
    const problem = await first(lines(hashed));
    expect(problem).toMatchObject({ kind: 'inserted', seq: 4, location: 'line 4' });
    expect(problem.message).toMatch(/inserted at line 4: it claims seq 4, which the genuine entry at line 5 holds/);

    const duplicate = [...entries.slice(0, 3), entries[2]!, ...entries.slice(3)];
    expect(await first(lines(duplicate))).toMatchObject({ kind: 'inserted', seq: 3, location: 'line 4' });
  });

  it('finds reordered entries, and reports a swap once', async () => {
    const entries = chain(6);
    const swapped = [...entries];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    const result = await verify(lines(swapped));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ kind: 'reordered', seq: 4 });
    expect(result.problems[0]!.message).toMatch(/entry seq 4 \(line 3\) comes before seq 3 \(line 4\)/);

    const moved = [entries[0]!, ...entries.slice(2), entries[1]!];
    expect(await first(lines(moved))).toMatchObject({ kind: 'reordered', seq: 3 });
  });

  it('catches a chain re-hashed after an edit, deletion or insertion against a checkpoint', async () => {
    const entries = chain(10);
    const signed = [await checkpoint(entries[2]!), await checkpoint(entries[7]!)];
    const edited = rehash(entries.map((e) => (e.seq === 5 ? { ...e, outcome: 'denied' as const } : e)));
    expect((await verify(lines(edited))).ok).toBe(true); // internally consistent …
    const problem = await first(lines(edited), signed); // … but not what was signed
    expect(problem).toMatchObject({ kind: 'rewritten', seq: 8 });
    expect(problem.message).toMatch(/entries after seq 3 up to seq 8 were edited, inserted or deleted and the chain re-hashed/);

    const deleted = rehash(entries.filter((e) => e.seq !== 5).map((e, i) => ({ ...e, seq: i + 1 })));
    expect((await first(lines(deleted), signed)).kind).toMatch(/rewritten|truncated/);
  });

  it('refuses checkpoints that are edited, forged with another key, or malformed', async () => {
    const entries = chain(5);
    const good = await checkpoint(entries[4]!);
    expect(await verifyCheckpoint(good, keys.publicKey)).toBe(true);
    const moved = { ...good, seq: 3, hash: entries[2]!.hash };
    expect(await first(lines(entries), [moved])).toMatchObject({ kind: 'checkpoint', seq: 3 });
    const foreign = await checkpoint(entries[4]!, otherKeys);
    expect(await first(lines(entries), [foreign])).toMatchObject({ kind: 'checkpoint' });
    const result = await verifyAudit(lines(entries), [{ location: '#1', value: parseCheckpoint('nope') }], keys.publicKey);
    expect(result.problems[0]).toMatchObject({ kind: 'checkpoint' });
  });

  describe('purge summaries', () => {
    const summarize = async (entries: AuditEntry[], toSeq: number, k = keys) => {
      const last = entries[toSeq - 1]!;
      return signPurgeSummary(
        k,
        {
          fromSeq: 1,
          toSeq,
          count: toSeq,
          prevHash: GENESIS_HASH,
          firstHash: entries[0]!.hash,
          lastHash: last.hash,
          before: '2030-01-01T00:00:05.000Z',
        },
        'node-a',
        new Date(Date.UTC(2031, 0, 1)),
      );
    };

    it('a validly signed summary stands in for the purged range', async () => {
      const entries = chain(10);
      const summary = await summarize(entries, 4);
      expect(summary).toMatchObject({ seq: 4, hash: entries[3]!.hash, prevHash: GENESIS_HASH, action: 'audit.purge' });
      expect(await purgeSummaryProblem(summary, keys.publicKey)).toBeNull();
      const result = await verify(lines([summary, ...entries.slice(4)]), [await checkpoint(entries[9]!)]);
      expect(result).toMatchObject({ ok: true, entries: 6, lastSeq: 10, purged: { fromSeq: 1, toSeq: 4, count: 4 } });
      // A summary alone (everything purged) verifies too.
      expect((await verify(lines([summary]))).ok).toBe(true);
    });

    it('an edited or foreign summary does not verify', async () => {
      const entries = chain(10);
      const summary = await summarize(entries, 4);
      const widened = { ...summary, detail: { ...summary.detail, toSeq: 6, count: 6 } };
      expect(await first(lines([widened, ...entries.slice(4)]))).toMatchObject({ kind: 'edited' });
      const foreign = await summarize(entries, 4, otherKeys);
      expect((await first(lines([foreign, ...entries.slice(4)]))).message).toMatch(/purge summary .* signature does not verify/);
    });

    it('entries deleted after a summary are found', async () => {
      const entries = chain(10);
      const summary = await summarize(entries, 4);
      expect(await first(lines([summary, ...entries.slice(6)]))).toMatchObject({ kind: 'deleted', seq: 5 });
    });
  });
});
