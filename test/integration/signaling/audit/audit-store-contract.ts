// The contract every audit store keeps, run against the file store and a real Redis:
// append order, the chain, concurrent appends, reopening, scans, checkpoints, purging, and
// failing closed when the store cannot be written.
import type { AuditAction } from '../../../../signaling/protocol/audit-actions.ts';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstBrokenEntry, type AuditEntry, type AuditEvent } from '../../../../signaling/audit/audit-entry.ts';
import type { AuditStore } from '../../../../signaling/audit/audit-log.ts';
import { DAY_MS } from '../../../../signaling/audit/audit-purge.ts';
import { AuditTrail } from '../../../../signaling/audit/audit-trail.ts';
import { Auditor } from '../../../../signaling/audit/auditor.ts';
import { verifyAudit } from '../../../../signaling/audit/chain-verification.ts';
import { SightlineError } from '../../../../signaling/errors.ts';
import { createLogger } from '../../../../signaling/logger.ts';
import { generateSigningJwk, signingKeysFromJwk, type SigningKeys } from '../../../../signaling/tokens/signing-keys.ts';
import { until } from '../../../helpers/until.ts';

export interface StoreHarness {
  /** Empties the store before each test. */
  reset(): Promise<void>;
  /** Opens a writer on the store (a new one each call: several stand for several nodes). */
  open(): Promise<AuditStore>;
  /** Makes the store unwritable: Redis stopped, the audit directory removed. */
  breakStore(): Promise<void>;
  /** Brings a broken store back, where that is possible (Redis restarted). */
  repair?: () => Promise<void>;
  /** Several writers may append at once (Redis); otherwise a second writer is refused (file). */
  sharedWriters: boolean;
}

const silent = createLogger({ LOG_LEVEL: 'silent' });

// The stores keep whatever action they are given; these tests name entries by arbitrary labels.
export const event = (action: string, n = 0): AuditEvent => ({
  action: action as AuditAction,
  outcome: 'allowed',
  actor: { id: `u-${n}`, role: 'supervisor', agencyId: 'metro-police' },
  target: { incidentId: 'inc-1', agencyId: 'metro-police' },
  source: { ip: '127.0.0.1', userAgent: 'contract', node: 'test' },
  detail: { n },
});

const records = (entries: AuditEntry[]) => entries.map((value, i) => ({ location: `#${i + 1}`, value }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(iterable: AsyncIterable<AuditEntry>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const entry of iterable) seqs.push(entry.seq);
  return seqs;
}

export function auditStoreContract(name: string, harness: () => StoreHarness): void {
  describe(`${name}: the audit store contract`, () => {
    let h: StoreHarness;
    let keys: SigningKeys;
    const opened: AuditStore[] = [];
    const open = async () => {
      const store = await h.open();
      opened.push(store);
      return store;
    };
    const verify = async (store: AuditStore) =>
      verifyAudit(
        records(await store.entries()),
        (await store.checkpoints()).map((value, i) => ({ location: `#${i + 1}`, value })),
        keys.publicKey,
      );

    beforeAll(async () => {
      h = harness();
      keys = await signingKeysFromJwk(await generateSigningJwk());
    });
    beforeEach(async () => h.reset());
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close().catch(() => undefined);
    });

    it('appends in order with seq 1..n and an intact chain', async () => {
      const store = await open();
      expect(await store.entries()).toEqual([]);
      const written = [];
      for (let i = 1; i <= 5; i += 1) written.push(await store.record(event(`a${i}`, i)));
      expect(written.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      const stored = await store.entries();
      expect(stored).toEqual(written);
      expect(firstBrokenEntry(stored)).toBeNull();
      expect(await store.head()).toEqual({ seq: 5, hash: written[4]!.hash });
    });

    it('keeps call order and the chain under concurrent appends from one writer', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => store.record(event(`c${i}`, i))));
      expect(results.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(results.map((e) => e.action)).toEqual(Array.from({ length: 40 }, (_, i) => `c${i}`));
      expect(firstBrokenEntry(await store.entries())).toBeNull();
    });

    it('keeps one linear chain when several writers append at once, or refuses a second writer', async () => {
      const first = await open();
      if (!h.sharedWriters) {
        await expect(h.open()).rejects.toThrow(/in use by process/);
        return;
      }
      const writers = [first, await open(), await open()];
      const results = await Promise.all(
        writers.flatMap((store, w) => Array.from({ length: 20 }, (_, i) => store.record(event(`w${w}-${i}`, i)))),
      );
      const stored = await first.entries();
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(firstBrokenEntry(stored)).toBeNull();
      // Every acknowledged entry is stored exactly as acknowledged.
      const bySeq = new Map(stored.map((e) => [e.seq, e]));
      for (const entry of results) expect(bySeq.get(entry.seq)).toEqual(entry);
      // Each writer's own entries keep their order.
      for (let w = 0; w < writers.length; w += 1) {
        const mine = stored.filter((e) => e.action.startsWith(`w${w}-`)).map((e) => e.action);
        expect(mine).toEqual(Array.from({ length: 20 }, (_, i) => `w${w}-${i}`));
      }
    });

    it('continues the chain after reopening', async () => {
      const store = await open();
      await store.record(event('one'));
      const second = await store.record(event('two'));
      await store.close();
      const reopened = await open();
      expect(await reopened.head()).toEqual({ seq: 2, hash: second.hash });
      const third = await reopened.record(event('three'));
      expect(third).toMatchObject({ seq: 3, prevHash: second.hash });
      expect(firstBrokenEntry(await reopened.entries())).toBeNull();
    });

    it('scans in either order, bounded by seq', async () => {
      const store = await open();
      for (let i = 1; i <= 6; i += 1) await store.record(event(`s${i}`));
      expect(await collect(store.scan())).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await collect(store.scan({ order: 'desc' }))).toEqual([6, 5, 4, 3, 2, 1]);
      expect(await collect(store.scan({ order: 'desc', beforeSeq: 4 }))).toEqual([3, 2, 1]);
      expect(await collect(store.scan({ afterSeq: 4 }))).toEqual([5, 6]);
      expect(await collect(store.scan({ afterSeq: 1, beforeSeq: 4 }))).toEqual([2, 3]);
    });

    it('answers indexed queries (incident, user, agency, time, cursor) by reading only the entries they return', async () => {
      const store = await open();
      const indexed = (i: number): AuditEvent => ({
        ...event(`e${i}`, i),
        actor: { id: `u-${i % 10}`, role: 'clinician', agencyId: `agency-${i % 3}` },
        target: { incidentId: i % 50 === 0 ? 'inc-rare' : `inc-${i % 7}`, userId: i % 100 === 0 ? 'u-target' : undefined },
      });
      const written: AuditEntry[] = [];
      for (let i = 1; i <= 400; i += 1) written.push(await store.record(indexed(i)));

      const read = async (query: Parameters<AuditStore['find']>[0], limit = Infinity) => {
        const before = store.entriesRead;
        const seqs: number[] = [];
        for await (const entry of store.find(query)) {
          seqs.push(entry.seq);
          if (seqs.length >= limit) break;
        }
        return { seqs, read: store.entriesRead - before };
      };
      expect(await read({ incidentId: 'inc-rare', order: 'asc' })).toEqual({ seqs: [50, 100, 150, 200, 250, 300, 350, 400], read: 8 });
      // The user is the actor or the target: u-target is the target of every 100th, u-0 acts in every 10th.
      expect(await read({ incidentId: 'inc-rare', userId: 'u-target' })).toEqual({ seqs: [400, 300, 200, 100], read: 4 });
      expect(await read({ incidentId: 'inc-rare', userId: 'u-5' })).toEqual({ seqs: [], read: 0 });
      // A supervisor's first page: newest first from the cursor, reading no more than the page.
      expect(await read({ agencyIds: ['agency-1'], beforeSeq: 200 }, 5)).toEqual({ seqs: [199, 196, 193, 190, 187], read: 5 });
      expect(await read({ agencyIds: ['agency-1', 'agency-2'], beforeSeq: 10 })).toEqual({ seqs: [8, 7, 5, 4, 2, 1], read: 6 });
      expect((await read({ agencyIds: ['nobody'] })).read).toBe(0);
      // Time bounds become a seq range: only entries written in [from, to] are read.
      const from = Date.parse(written[249]!.at);
      const to = Date.parse(written[259]!.at);
      const inTime = written.filter((e) => Date.parse(e.at) >= from && Date.parse(e.at) <= to).map((e) => e.seq);
      const timed = await read({ from, to, order: 'asc' });
      expect(timed.seqs).toEqual(inTime);
      expect(timed.read).toBe(inTime.length);

      // The index is rebuilt from the store when it is opened again.
      await store.close();
      const reopened = await open();
      const again = reopened.entriesRead;
      expect(await collect(reopened.find({ incidentId: 'inc-rare', order: 'asc' }))).toEqual([50, 100, 150, 200, 250, 300, 350, 400]);
      expect(reopened.entriesRead - again).toBe(8);
    });

    it('stores signed checkpoints every N entries and at close, and they verify', async () => {
      const store = await open();
      const trail = await AuditTrail.open({
        store,
        keys,
        node: 'test',
        checkpointEvery: 3,
        checkpointSeconds: 0,
        retentionDays: 365,
        purgeIntervalSeconds: 0,
        logger: silent,
      });
      for (let i = 1; i <= 7; i += 1) await trail.record(event(`k${i}`));
      expect((await store.checkpoints()).map((c) => c.seq)).toEqual([3, 6]);
      await trail.close();
      const reopened = await open();
      const checkpoints = await reopened.checkpoints();
      expect(checkpoints.map((c) => c.seq)).toEqual([3, 6, 7]);
      expect(checkpoints[2]).toMatchObject({ hash: (await reopened.head()).hash, node: 'test' });
      expect((await verify(reopened)).ok).toBe(true);
    });

    it('signs a checkpoint every T seconds while the head moves, and none while it stands still', async () => {
      const store = await open();
      const trail = await AuditTrail.open({ store, keys, node: 'test', checkpointEvery: 0, checkpointSeconds: 1, retentionDays: 365, purgeIntervalSeconds: 0, logger: silent });
      trail.start();
      await trail.record(event('t1'));
      await trail.record(event('t2'));
      await until(async () => (await store.checkpoints()).some((c) => c.seq === 2), 3000, 'a timed checkpoint');
      await sleep(1300);
      expect((await store.checkpoints()).map((c) => c.seq)).toEqual([2]);
      await trail.record(event('t3'));
      await until(async () => (await store.checkpoints()).some((c) => c.seq === 3), 3000, 'the next timed checkpoint');
      await trail.close();
      expect((await verify(await open())).ok).toBe(true);
    });

    it('purges entries past retention into a signed summary (injected clock); the chain verifies and continues', async () => {
      const store = await open();
      const trail = await AuditTrail.open({ store, keys, node: 'test', checkpointEvery: 2, checkpointSeconds: 0, retentionDays: 30, purgeIntervalSeconds: 0, logger: silent });
      for (let i = 1; i <= 5; i += 1) await trail.record(event(`old${i}`));
      await sleep(5);
      const boundary = Date.now();
      await sleep(5);
      for (let i = 6; i <= 8; i += 1) await trail.record(event(`new${i}`));

      // 29 days after the boundary nothing is old enough; 30 days after, seq 1..5 are.
      expect((await trail.purge(new Date(boundary + 29 * DAY_MS))).purged).toBe(0);
      const result = await trail.purge(new Date(boundary + 30 * DAY_MS));
      expect(result).toMatchObject({ purged: 5, summary: { fromSeq: 1, toSeq: 5, count: 5 } });
      const entries = await store.entries();
      expect(entries.map((e) => [e.seq, e.action])).toEqual([
        [5, 'audit.purge'],
        [6, 'new6'],
        [7, 'new7'],
        [8, 'new8'],
      ]);
      expect((await store.checkpoints()).map((c) => c.seq)).toEqual([6, 8]); // those below the summary went with it
      expect(await collect(store.find({ incidentId: 'inc-1', order: 'asc' }))).toEqual([6, 7, 8]); // and left the index
      expect((await verify(store)).ok).toBe(true);

      // Appends continue the chain; a second purge folds the first summary into a wider one.
      const ninth = await trail.record(event('after'));
      expect(ninth).toMatchObject({ seq: 9, prevHash: entries[3]!.hash });
      const again = await trail.purge(new Date(Date.now() + 31 * DAY_MS));
      expect(again).toMatchObject({ purged: 4, summary: { fromSeq: 1, toSeq: 9, count: 9 } });
      await trail.close();
      const reopened = await open();
      expect((await reopened.entries()).map((e) => e.seq)).toEqual([9]);
      expect(await reopened.record(event('ten'))).toMatchObject({ seq: 10, prevHash: ninth.hash });
      const verified = await verify(reopened);
      expect(verified).toMatchObject({ ok: true, lastSeq: 10, purged: { fromSeq: 1, toSeq: 9 } });
    });

    it('refuses to purge a range that does not verify', async () => {
      const store = await open();
      const trail = await AuditTrail.open({ store, keys, node: 'test', checkpointEvery: 0, checkpointSeconds: 0, retentionDays: 1, purgeIntervalSeconds: 0, logger: silent });
      for (let i = 1; i <= 3; i += 1) await trail.record(event(`e${i}`));
      // A forged checkpoint claims seq 2 had another hash: the range no longer verifies.
      const forged = { ...(await trail.checkpoint())!, seq: 2 };
      await store.addCheckpoint(forged);
      await expect(trail.purge(new Date(Date.now() + 2 * DAY_MS))).rejects.toThrow(/refusing to purge/);
      expect((await store.entries()).map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('fails closed: when the store cannot be written, allow() refuses with AUDIT_UNAVAILABLE', async () => {
      const store = await open();
      const auditor = new Auditor(store, silent);
      await auditor.allow(event('before'));
      await h.breakStore();
      const started = Date.now();
      const refused = await auditor.allow(event('during')).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(SightlineError);
      expect((refused as SightlineError).code).toBe('AUDIT_UNAVAILABLE');
      expect(Date.now() - started).toBeLessThan(6000);
      await expect(auditor.note({ ...event('refusal'), outcome: 'denied' })).resolves.toBeUndefined(); // logged, never thrown
      if (!h.repair) return;
      await h.repair();
      await until(async () => auditor.allow(event('after')).then(() => true, () => false), 10_000, 'appends to work again');
      const entries = await store.entries();
      expect(entries.map((e) => e.action)).toEqual(['before', 'after']);
      expect(firstBrokenEntry(entries)).toBeNull();
    });
  });
}
