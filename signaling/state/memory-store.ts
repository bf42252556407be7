// In-process Store for a single node. Documents are kept as JSON text so that reads never
// share objects with writers, exactly as with Redis.
import type { z } from 'zod';
import type { Collection, Counters, Store } from './store.ts';

interface Slot {
  json: string;
  expiresAt: number | null;
}

class MemoryCollection<T> implements Collection<T> {
  constructor(
    private readonly slots: Map<string, Slot>,
    private readonly schema: z.ZodType<T>,
    private readonly now: () => number,
  ) {}

  async get(id: string): Promise<T | undefined> {
    const slot = this.#live(id);
    return slot ? this.schema.parse(JSON.parse(slot.json)) : undefined;
  }

  async put(id: string, value: T, options: { ttlMs?: number } = {}): Promise<void> {
    this.slots.set(id, { json: JSON.stringify(value), expiresAt: options.ttlMs ? this.now() + options.ttlMs : null });
  }

  async create(id: string, value: T, options: { ttlMs?: number } = {}): Promise<boolean> {
    if (this.#live(id)) return false;
    await this.put(id, value, options);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    const existed = this.#live(id) !== undefined;
    this.slots.delete(id);
    return existed;
  }

  async update(id: string, change: (current: T) => T): Promise<T | undefined> {
    // No await between the read and the write: nothing else runs in between.
    const slot = this.#live(id);
    if (!slot) return undefined;
    const next = change(this.schema.parse(JSON.parse(slot.json)));
    slot.json = JSON.stringify(next);
    return this.schema.parse(JSON.parse(slot.json));
  }

  async list(): Promise<T[]> {
    const values: T[] = [];
    for (const id of [...this.slots.keys()]) {
      const slot = this.#live(id);
      if (slot) values.push(this.schema.parse(JSON.parse(slot.json)));
    }
    return values;
  }

  #live(id: string): Slot | undefined {
    const slot = this.slots.get(id);
    if (slot?.expiresAt != null && slot.expiresAt <= this.now()) {
      this.slots.delete(id);
      return undefined;
    }
    return slot;
  }
}

export class MemoryStore implements Store {
  readonly #collections = new Map<string, Map<string, Slot>>();
  readonly #counts = new Map<string, { count: number; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  collection<T>(name: string, schema: z.ZodType<T>): Collection<T> {
    let slots = this.#collections.get(name);
    if (!slots) this.#collections.set(name, (slots = new Map()));
    return new MemoryCollection(slots, schema, this.now);
  }

  readonly counters: Counters = {
    increment: async (key, ttlMs) => (await this.counters.hit(key, ttlMs)).count,
    hit: async (key, ttlMs) => {
      const at = this.now();
      const entry = this.#counts.get(key);
      if (!entry || entry.expiresAt <= at) {
        if (this.#counts.size >= 10_000) for (const [k, e] of this.#counts) if (e.expiresAt <= at) this.#counts.delete(k);
        this.#counts.set(key, { count: 1, expiresAt: at + ttlMs });
        return { count: 1, ttlMs };
      }
      entry.count += 1;
      return { count: entry.count, ttlMs: entry.expiresAt - at };
    },
    reset: async (key) => {
      this.#counts.delete(key);
    },
  };

  async probe(): Promise<void> {}

  async close(): Promise<void> {}
}
