// One contract for every Store and Bus implementation: memory and Redis must behave the same.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Bus, BusEvent } from '../../../../signaling/state/bus.ts';
import type { Store } from '../../../../signaling/state/store.ts';

const doc = z.object({ id: z.string(), n: z.number(), tags: z.array(z.string()) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function storeContract(name: string, make: () => Promise<{ store: Store; cleanup: () => Promise<void> }>): void {
  describe(`${name} store contract`, () => {
    const withStore = (test: (store: Store) => Promise<void>) => async () => {
      const { store, cleanup } = await make();
      try {
        await test(store);
      } finally {
        await store.close();
        await cleanup();
      }
    };

    it('puts, gets, lists and deletes documents, per collection', withStore(async (store) => {
      const a = store.collection('docs', doc);
      const b = store.collection('other', doc);
      await a.put('1', { id: '1', n: 1, tags: ['x'] });
      await a.put('2', { id: '2', n: 2, tags: [] });
      await b.put('1', { id: '1', n: 99, tags: [] });
      expect(await a.get('1')).toEqual({ id: '1', n: 1, tags: ['x'] });
      expect(await a.get('missing')).toBeUndefined();
      expect((await a.list()).map((d) => d.n).sort()).toEqual([1, 2]);
      expect(await b.list()).toEqual([{ id: '1', n: 99, tags: [] }]);
      await a.put('1', { id: '1', n: 10, tags: [] });
      expect((await a.get('1'))?.n).toBe(10);
      expect(await a.delete('1')).toBe(true);
      expect(await a.delete('1')).toBe(false);
      expect((await a.list()).map((d) => d.id)).toEqual(['2']);
    }));

    it('returns copies: changing a read document does not change the store', withStore(async (store) => {
      const a = store.collection('docs', doc);
      await a.put('1', { id: '1', n: 1, tags: [] });
      const read = await a.get('1');
      read!.tags.push('mutated');
      expect((await a.get('1'))?.tags).toEqual([]);
    }));

    it('validates documents it reads back', withStore(async (store) => {
      await store.collection('docs', z.object({ id: z.string() })).put('1', { id: '1' });
      await expect(store.collection('docs', doc).get('1')).rejects.toThrow();
    }));

    it('update() changes atomically: concurrent changes are all kept, the TTL stays, a missing document is left alone', withStore(async (store) => {
      const a = store.collection('docs', doc);
      await a.put('1', { id: '1', n: 0, tags: [] });
      // 40 changes at once, each adding one and a tag: none is lost to another.
      await Promise.all(Array.from({ length: 40 }, (_, i) => a.update('1', (d) => ({ ...d, n: d.n + 1, tags: [...d.tags, `t${i}`] }))));
      const after = await a.get('1');
      expect(after?.n).toBe(40);
      expect(new Set(after?.tags).size).toBe(40);
      expect(await a.update('1', (d) => ({ ...d, n: -1 }))).toEqual({ ...after, n: -1 });
      let called = false;
      expect(await a.update('missing', (d) => ((called = true), d))).toBeUndefined();
      expect(called).toBe(false);
      await a.put('2', { id: '2', n: 0, tags: [] }, { ttlMs: 150 });
      await a.update('2', (d) => ({ ...d, n: 1 }));
      await sleep(250);
      expect(await a.get('2')).toBeUndefined();
    }));

    it('create() writes only when absent', withStore(async (store) => {
      const a = store.collection('docs', doc);
      expect(await a.create('1', { id: '1', n: 1, tags: [] })).toBe(true);
      expect(await a.create('1', { id: '1', n: 2, tags: [] })).toBe(false);
      expect((await a.get('1'))?.n).toBe(1);
    }));

    it('expires documents with a TTL, and lists without them', withStore(async (store) => {
      const a = store.collection('docs', doc);
      await a.put('short', { id: 'short', n: 1, tags: [] }, { ttlMs: 100 });
      await a.put('long', { id: 'long', n: 2, tags: [] });
      expect(await a.get('short')).toBeDefined();
      await sleep(250);
      expect(await a.get('short')).toBeUndefined();
      expect((await a.list()).map((d) => d.id)).toEqual(['long']);
    }));

    it('counts with an expiring window and resets', withStore(async (store) => {
      expect(await store.counters.increment('k', 150)).toBe(1);
      expect(await store.counters.increment('k', 150)).toBe(2);
      await sleep(250);
      expect(await store.counters.increment('k', 150)).toBe(1);
      await store.counters.reset('k');
      expect(await store.counters.increment('k', 150)).toBe(1);
      // hit: the count and how long its window has left.
      const first = await store.counters.hit('h', 1000);
      const second = await store.counters.hit('h', 1000);
      expect([first.count, second.count]).toEqual([1, 2]);
      expect(second.ttlMs).toBeGreaterThan(0);
      expect(second.ttlMs).toBeLessThanOrEqual(1000);
    }));
  });
}

export function busContract(name: string, make: () => Promise<{ buses: [Bus, Bus]; cleanup: () => Promise<void> }>): void {
  describe(`${name} bus contract`, () => {
    it('delivers every event to every subscriber, including the publisher, in order', async () => {
      const { buses, cleanup } = await make();
      const [a, b] = buses;
      const seenA: BusEvent[] = [];
      const seenB: BusEvent[] = [];
      a.subscribe((e) => seenA.push(e));
      b.subscribe((e) => seenB.push(e));
      const events: BusEvent[] = [
        { type: 'incidents.changed', incidentId: 'i1' },
        { type: 'grant.revoked', grantId: 'g1', incidentId: 'i1', code: 'GRANT_REVOKED' },
        { type: 'grant.extended', grantId: 'g1', expiresAt: 123 },
      ];
      for (const event of events) await a.publish(event);
      const deadline = Date.now() + 2000;
      while ((seenA.length < 3 || seenB.length < 3) && Date.now() < deadline) await sleep(10);
      expect(seenA).toEqual(events);
      expect(seenB).toEqual(events);
      await a.close();
      await b.close();
      await cleanup();
    });

    it('stops delivering after unsubscribe and refuses malformed events', async () => {
      const { buses, cleanup } = await make();
      const [a] = buses;
      const seen: BusEvent[] = [];
      const off = a.subscribe((e) => seen.push(e));
      off();
      await a.publish({ type: 'agreements.changed' });
      await sleep(100);
      expect(seen).toEqual([]);
      await expect(a.publish({ type: 'nope' } as unknown as BusEvent)).rejects.toThrow();
      await buses[0].close();
      await buses[1].close();
      await cleanup();
    });
  });
}
