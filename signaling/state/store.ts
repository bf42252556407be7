// Shared state. A Store hands out named collections of JSON documents; typed repositories
// (incidents, grants, agreements, sessions, directory) are built on top and know nothing of
// the backend. MemoryStore is the embedded default; RedisStore shares state between nodes.
import type { z } from 'zod';

export interface Collection<T> {
  get(id: string): Promise<T | undefined>;
  /** Stores a document; with `ttlMs` it disappears by itself after that long. */
  put(id: string, value: T, options?: { ttlMs?: number }): Promise<void>;
  /** Stores only if absent; returns false when the id already existed. */
  create(id: string, value: T, options?: { ttlMs?: number }): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  list(): Promise<T[]>;
  /**
   * Replaces a document with `change(current)` as one atomic step: a write by anyone else in
   * between makes it read again and call `change` again, so no concurrent change is lost. Keeps the
   * document's TTL. Undefined (and `change` not called) when there is no document.
   */
  update(id: string, change: (current: T) => T): Promise<T | undefined>;
}

export interface Counters {
  /** Adds one to `key` and returns the new count; the count expires `ttlMs` after its first increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** As `increment`, and also how long until the count expires. */
  hit(key: string, ttlMs: number): Promise<{ count: number; ttlMs: number }>;
  reset(key: string): Promise<void>;
}

export interface Store {
  collection<T>(name: string, schema: z.ZodType<T>): Collection<T>;
  readonly counters: Counters;
  /** Resolves when the store takes a write now; rejects with the reason otherwise (readiness). */
  probe(): Promise<void>;
  close(): Promise<void>;
}
