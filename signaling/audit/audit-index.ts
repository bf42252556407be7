// The audit store's index: which entries are about an incident, an agency (the actor's or the
// target's), a user (actor or target), and when each was written. A query walks the smallest of
// the lists it names and reads only the entries that are in all of them, so it costs what it
// returns rather than the size of the log. The file store keeps this in memory (built at open,
// extended on every append); the Redis store keeps the same keys as sorted sets.
import type { AuditEntry } from './audit-entry.ts';

export interface AuditIndexQuery {
  incidentId?: string;
  /** The actor or the target user. */
  userId?: string;
  /** Entries whose actor's or target's agency is one of these. */
  agencyIds?: readonly string[];
  /** Written at or after this instant (ms since epoch). */
  from?: number;
  /** Written at or before this instant (ms since epoch). */
  to?: number;
  /** Only entries with seq < beforeSeq (paging). */
  beforeSeq?: number;
  /** 'desc' (newest first, the default) or 'asc'. */
  order?: 'asc' | 'desc';
}

/** The index keys an entry is listed under: `incident:<id>`, `agency:<id>`, `user:<id>`. */
export function indexKeysOf(entry: Pick<AuditEntry, 'actor' | 'target'>): string[] {
  const keys = new Set<string>();
  if (entry.target?.incidentId) keys.add(`incident:${entry.target.incidentId}`);
  for (const agency of [entry.actor?.agencyId, entry.target?.agencyId]) if (agency) keys.add(`agency:${agency}`);
  for (const user of [entry.actor?.id, entry.target?.userId]) if (user) keys.add(`user:${user}`);
  return [...keys];
}

/** The keys a query must match: each inner array is a union (any of), the outer one an intersection. */
export function queryKeys(query: AuditIndexQuery): string[][] {
  const keys: string[][] = [];
  if (query.incidentId) keys.push([`incident:${query.incidentId}`]);
  if (query.userId) keys.push([`user:${query.userId}`]);
  if (query.agencyIds) keys.push(query.agencyIds.map((agency) => `agency:${agency}`));
  return keys;
}

/** Index of the first element of ascending `list` that is >= value (list.length when none). */
export function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const contains = (list: readonly number[], seq: number): boolean => list[lowerBound(list, seq)] === seq;

/** Seqs of ascending `list` within [lo, hi], in the given order. */
function* walk(list: readonly number[], lo: number, hi: number, order: 'asc' | 'desc'): Iterable<number> {
  if (order === 'asc') {
    for (let i = lowerBound(list, lo); i < list.length && list[i]! <= hi; i += 1) yield list[i]!;
  } else {
    for (let i = lowerBound(list, hi + 1) - 1; i >= 0 && list[i]! >= lo; i -= 1) yield list[i]!;
  }
}

/** The union of ascending lists within [lo, hi], in order, without duplicates. */
function* merge(lists: ReadonlyArray<readonly number[]>, lo: number, hi: number, order: 'asc' | 'desc'): Iterable<number> {
  if (lists.length === 1) return yield* walk(lists[0]!, lo, hi, order);
  const iterators = lists.map((list) => walk(list, lo, hi, order)[Symbol.iterator]());
  const heads = iterators.map((iterator) => iterator.next());
  const better = order === 'asc' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  let last: number | null = null;
  for (;;) {
    let pick = -1;
    heads.forEach((head, i) => {
      if (!head.done && (pick < 0 || better(head.value, heads[pick]!.value as number))) pick = i;
    });
    if (pick < 0) return;
    const seq = heads[pick]!.value as number;
    heads[pick] = iterators[pick]!.next();
    if (seq !== last) yield seq;
    last = seq;
  }
}

/** The in-memory index of one log, with where each entry is (`L`: a byte range in a file). */
export class AuditIndex<L> {
  #seqs: number[] = [];
  #at: number[] = [];
  /** The latest `at` up to each position: a lower time bound stays exact even if the clock stepped back. */
  #maxAt: number[] = [];
  /** False once an entry was written before its predecessor (clock stepped back): upper time bounds then scan to the end. */
  #ordered = true;
  #postings = new Map<string, number[]>();
  #locations = new Map<number, L>();

  get size(): number {
    return this.#seqs.length;
  }

  add(entry: Pick<AuditEntry, 'seq' | 'at' | 'actor' | 'target'>, location: L): void {
    const at = Date.parse(entry.at);
    const previousMax = this.#maxAt.at(-1) ?? -Infinity;
    if (at < previousMax) this.#ordered = false;
    this.#seqs.push(entry.seq);
    this.#at.push(at);
    this.#maxAt.push(Math.max(previousMax, at));
    this.#locations.set(entry.seq, location);
    for (const key of indexKeysOf(entry)) {
      const list = this.#postings.get(key);
      if (list) list.push(entry.seq);
      else this.#postings.set(key, [entry.seq]);
    }
  }

  location(seq: number): L | undefined {
    return this.#locations.get(seq);
  }

  clear(): void {
    this.#seqs = [];
    this.#at = [];
    this.#maxAt = [];
    this.#ordered = true;
    this.#postings.clear();
    this.#locations.clear();
  }

  /** The seqs that may match `query` (only its indexed fields), in order. */
  *candidates(query: AuditIndexQuery): Iterable<number> {
    const order = query.order ?? 'desc';
    const [lo, hi] = this.#seqBounds(query);
    if (lo > hi) return;
    const conditions = queryKeys(query).map((union) => union.map((key) => this.#postings.get(key) ?? []));
    if (conditions.length === 0) return yield* walk(this.#seqs, lo, hi, order);
    const size = (lists: ReadonlyArray<readonly number[]>) => lists.reduce((n, list) => n + list.length, 0);
    conditions.sort((a, b) => size(a) - size(b));
    const [driver, ...others] = conditions;
    for (const seq of merge(driver!, lo, hi, order)) {
      if (others.every((lists) => lists.some((list) => contains(list, seq)))) yield seq;
    }
  }

  /** Time and paging bounds as a seq range [lo, hi]. */
  #seqBounds(query: AuditIndexQuery): [number, number] {
    let lo = 1;
    let hi = Math.min(this.#seqs.at(-1) ?? 0, (query.beforeSeq ?? Infinity) - 1);
    if (query.from !== undefined) {
      const i = lowerBound(this.#maxAt, query.from);
      if (i === this.#seqs.length) return [1, 0];
      lo = this.#seqs[i]!;
    }
    if (query.to !== undefined && this.#ordered) {
      const j = lowerBound(this.#at, Math.floor(query.to) + 1) - 1;
      if (j < 0) return [1, 0];
      hi = Math.min(hi, this.#seqs[j]!);
    }
    return [lo, hi];
  }
}
