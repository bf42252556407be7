// The Redis audit store's index: one sorted set per index key (`{prefix}:idx:incident:<id>`,
// `…:agency:<id>`, `…:user:<id>`, member and score = seq) and `{prefix}:idx:time` (member = seq,
// score = the entry's time in ms). The append script adds an entry to its sets in the same atomic
// step as the append; a store written before the index existed is indexed once at open. A query
// walks the smallest set in batches, checks the others with ZMSCORE, and reads only the entries
// left (XRANGE of exactly their ids).
import type { AuditEntry } from './audit-entry.ts';
import { indexKeysOf, queryKeys, type AuditIndexQuery } from './audit-index.ts';
import type { RedisClient } from '../infra/redis-client.ts';
import { parseEntry } from './chain-verification.ts';

const BATCH = 200;
/** Bumped when the index layout changes: a store with an older version is indexed again at open. */
const INDEX_VERSION = '1';

export const redisIndexKeys = (prefix: string) => ({
  time: `{${prefix}}:idx:time`,
  version: `{${prefix}}:idx:version`,
  of: (key: string) => `{${prefix}}:idx:${key}`,
});

/** The sorted sets an entry is listed in (besides the time index). */
export function entryIndexKeys(prefix: string, entry: Pick<AuditEntry, 'actor' | 'target'>): string[] {
  const keys = redisIndexKeys(prefix);
  return indexKeysOf(entry).map(keys.of);
}

/** Indexes every entry of the stream (idempotent: several nodes may do it at once). */
export async function buildRedisIndex(client: RedisClient, prefix: string, entries: AsyncIterable<AuditEntry>): Promise<void> {
  const keys = redisIndexKeys(prefix);
  if ((await client.get(keys.version)) === INDEX_VERSION) return;
  let pending: Array<Promise<unknown>> = [];
  for await (const entry of entries) {
    const seq = String(entry.seq);
    pending.push(client.zAdd(keys.time, { score: Date.parse(entry.at), value: seq }));
    for (const key of entryIndexKeys(prefix, entry)) pending.push(client.zAdd(key, { score: entry.seq, value: seq }));
    if (pending.length >= 1000) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await client.set(keys.version, INDEX_VERSION);
}

/** Drops purged entries from the index. */
export async function unindexEntries(client: RedisClient, prefix: string, entries: readonly AuditEntry[]): Promise<void> {
  const keys = redisIndexKeys(prefix);
  const bySet = new Map<string, string[]>([[keys.time, []]]);
  for (const entry of entries) {
    for (const key of [keys.time, ...entryIndexKeys(prefix, entry)]) {
      const members = bySet.get(key) ?? [];
      members.push(String(entry.seq));
      bySet.set(key, members);
    }
  }
  await Promise.all([...bySet].filter(([, members]) => members.length > 0).map(([key, members]) => client.zRem(key, members)));
}

/** The seq range [lo, hi] that the query's time and paging bounds leave. */
async function seqBounds(client: RedisClient, prefix: string, query: AuditIndexQuery): Promise<[number, number]> {
  const { time } = redisIndexKeys(prefix);
  let lo = 1;
  let hi = query.beforeSeq === undefined ? Infinity : query.beforeSeq - 1;
  if (query.from !== undefined) {
    const [first] = await client.zRange(time, query.from, '+inf', { BY: 'SCORE', LIMIT: { offset: 0, count: 1 } });
    if (first === undefined) return [1, 0];
    lo = Number(first);
  }
  if (query.to !== undefined) {
    const [last] = await client.zRange(time, query.to, '-inf', { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: 1 } });
    if (last === undefined) return [1, 0];
    hi = Math.min(hi, Number(last));
  }
  return [lo, hi];
}

/** Seqs in the union of sorted sets `sets` within [lo, hi], batch by batch, in order. */
async function* walkUnion(client: RedisClient, sets: readonly string[], lo: number, hi: number, order: 'asc' | 'desc'): AsyncIterable<number[]> {
  for (;;) {
    if (lo > hi) return;
    const batches = await Promise.all(
      sets.map(async (key) =>
        (order === 'desc'
          ? await client.zRange(key, hi === Infinity ? '+inf' : hi, lo, { BY: 'SCORE', REV: true, LIMIT: { offset: 0, count: BATCH } })
          : await client.zRange(key, lo, hi === Infinity ? '+inf' : hi, { BY: 'SCORE', LIMIT: { offset: 0, count: BATCH } })
        ).map(Number),
      ),
    );
    // Every set's batch covers the range down (or up) to its last seq; the union is complete
    // up to the furthest of those among the sets that filled a whole batch.
    const full = batches.filter((batch) => batch.length === BATCH).map((batch) => batch.at(-1)!);
    const edge = full.length === 0 ? null : order === 'desc' ? Math.max(...full) : Math.min(...full);
    const seqs = [...new Set(batches.flat())]
      .filter((seq) => edge === null || (order === 'desc' ? seq >= edge : seq <= edge))
      .sort((a, b) => (order === 'desc' ? b - a : a - b));
    if (seqs.length > 0) yield seqs;
    if (edge === null) return;
    if (order === 'desc') hi = edge - 1;
    else lo = edge + 1;
  }
}

/**
 * Entries matching the query's indexed fields, read by id. `onRead` counts each entry read.
 * Without any key to narrow it, the stream itself is read within the bounds.
 */
export async function* findInRedis(
  client: RedisClient,
  prefix: string,
  log: string,
  query: AuditIndexQuery,
  onRead: () => void,
): AsyncIterable<AuditEntry> {
  const order = query.order ?? 'desc';
  const [lo, hi] = await seqBounds(client, prefix, query);
  if (lo > hi) return;
  const keys = redisIndexKeys(prefix);
  const conditions = queryKeys(query).map((union) => union.map(keys.of));
  if (conditions.length === 0) {
    for await (const batch of walkStream(client, log, lo, hi, order)) {
      for (const message of batch) {
        onRead();
        const entry = parseEntry(message.message.entry);
        if (entry) yield entry;
      }
    }
    return;
  }
  const sizes = await Promise.all(conditions.map(async (union) => (await Promise.all(union.map((key) => client.zCard(key)))).reduce((a, b) => a + b, 0)));
  const ranked = conditions.map((union, i) => ({ union, size: sizes[i]! })).sort((a, b) => a.size - b.size);
  let batches = walkUnion(client, ranked[0]!.union, lo, hi, order);
  const others = ranked.slice(1).map(({ union }) => union);
  if (others.length > 0) batches = keepMembers(client, batches, others);
  for await (const seqs of batches) {
    const read = await Promise.all(seqs.map((seq) => client.xRange(log, `${seq}-0`, `${seq}-0`)));
    for (const messages of read) {
      const message = messages?.[0];
      if (!message) continue; // purged meanwhile
      onRead();
      const entry = parseEntry((message.message as Record<string, string>).entry);
      if (entry) yield entry;
    }
  }
}

/** Only the seqs that are in every one of `unions` (each a union of sorted sets). */
async function* keepMembers(client: RedisClient, batches: AsyncIterable<number[]>, unions: ReadonlyArray<readonly string[]>): AsyncIterable<number[]> {
  for await (const seqs of batches) {
    const members = seqs.map(String);
    const scores = await Promise.all(unions.map((union) => Promise.all(union.map((key) => client.zmScore(key, members)))));
    const kept = seqs.filter((_, i) => scores.every((union) => union.some((perKey) => perKey[i] !== null)));
    if (kept.length > 0) yield kept;
  }
}

/** The stream's messages within [lo, hi], batch by batch, in order. */
async function* walkStream(
  client: RedisClient,
  log: string,
  lo: number,
  hi: number,
  order: 'asc' | 'desc',
): AsyncIterable<Array<{ id: string; message: Record<string, string> }>> {
  for (;;) {
    if (lo > hi) return;
    const top = hi === Infinity ? '+' : `${hi}-0`;
    const batch = ((order === 'desc'
      ? await client.xRevRange(log, top, `${lo}-0`, { COUNT: BATCH })
      : await client.xRange(log, `${lo}-0`, top, { COUNT: BATCH })) ?? []) as unknown as Array<{ id: string; message: Record<string, string> }>;
    if (batch.length > 0) yield batch;
    if (batch.length < BATCH) return;
    const last = Number(batch.at(-1)!.id.split('-')[0]);
    if (order === 'desc') hi = last - 1;
    else lo = last + 1;
  }
}
