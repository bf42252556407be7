// Store on Redis, shared by every node. A document is one string key (with PX when it has a TTL);
// each collection keeps an index set of ids, pruned lazily when listing finds expired members.
import type { z } from 'zod';
import { closeRedisClient, connectRedis, withDeadline, type RedisClient } from '../infra/redis-client.ts';
import { SightlineError } from '../errors.ts';
import type { Collection, Counters, Store } from './store.ts';

/**
 * How long a command may wait for Redis. Commands also fail at once while Redis is unreachable
 * (no offline queue): a request that needs shared state is refused promptly, not held until
 * Redis is back.
 */
const COMMAND_TIMEOUT_MS = 2000;

/** A Redis failure as the relay reports it: STORE_UNAVAILABLE (503), the cause kept for the log. */
async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(operation(), COMMAND_TIMEOUT_MS, 'store');
  } catch (error) {
    if (error instanceof SightlineError || (error as { name?: string }).name === 'ZodError') throw error;
    throw new SightlineError('STORE_UNAVAILABLE', undefined, { cause: error });
  }
}

const INCREMENT_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

const HIT_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/** Sets KEYS[1] to ARGV[2] (keeping its TTL) only while it still holds ARGV[1]. */
const REPLACE_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

/** Rounds of read, change and compare-and-set before an update gives up (each one lost to another writer). */
const UPDATE_ATTEMPTS = 50;

class RedisCollection<T> implements Collection<T> {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly schema: z.ZodType<T>,
  ) {}

  #key(id: string): string {
    return `${this.prefix}:${id}`;
  }

  get #index(): string {
    return `${this.prefix}:ids`;
  }

  get(id: string): Promise<T | undefined> {
    return guarded(() => this.#get(id));
  }

  async #get(id: string): Promise<T | undefined> {
    const json = await this.client.get(this.#key(id));
    return json === null ? undefined : this.schema.parse(JSON.parse(json));
  }

  put(id: string, value: T, options: { ttlMs?: number } = {}): Promise<void> {
    return guarded(() => this.#put(id, value, options));
  }

  async #put(id: string, value: T, options: { ttlMs?: number }): Promise<void> {
    await this.client
      .multi()
      .set(this.#key(id), JSON.stringify(value), options.ttlMs ? { expiration: { type: 'PX', value: options.ttlMs } } : {})
      .sAdd(this.#index, id)
      .exec();
  }

  create(id: string, value: T, options: { ttlMs?: number } = {}): Promise<boolean> {
    return guarded(() => this.#create(id, value, options));
  }

  async #create(id: string, value: T, options: { ttlMs?: number }): Promise<boolean> {
    const set = await this.client.set(this.#key(id), JSON.stringify(value), {
      condition: 'NX',
      ...(options.ttlMs ? { expiration: { type: 'PX', value: options.ttlMs } } : {}),
    });
    if (set === null) return false;
    await this.client.sAdd(this.#index, id);
    return true;
  }

  delete(id: string): Promise<boolean> {
    return guarded(async () => {
      const [deleted] = await this.client.multi().del(this.#key(id)).sRem(this.#index, id).exec();
      return Number(deleted) > 0;
    });
  }

  update(id: string, change: (current: T) => T): Promise<T | undefined> {
    return guarded(() => this.#update(id, change));
  }

  async #update(id: string, change: (current: T) => T): Promise<T | undefined> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const json = await this.client.get(this.#key(id));
      if (json === null) return undefined;
      const next = change(this.schema.parse(JSON.parse(json)));
      const written = await this.client.eval(REPLACE_IF_UNCHANGED, { keys: [this.#key(id)], arguments: [json, JSON.stringify(next)] });
      if (Number(written) === 1) return this.schema.parse(JSON.parse(JSON.stringify(next)));
    }
    throw new Error(`${this.#key(id)} changed under every one of ${UPDATE_ATTEMPTS} updates`);
  }

  list(): Promise<T[]> {
    return guarded(() => this.#list());
  }

  async #list(): Promise<T[]> {
    const ids = await this.client.sMembers(this.#index);
    if (ids.length === 0) return [];
    const values = await this.client.mGet(ids.map((id) => this.#key(id)));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0) await this.client.sRem(this.#index, gone);
    return values.filter((json): json is string => json !== null).map((json) => this.schema.parse(JSON.parse(json)));
  }
}

export class RedisStore implements Store {
  #closed = false;

  private constructor(
    readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  static async connect(url: string, prefix = 'sightline'): Promise<RedisStore> {
    const client = await connectRedis(url, { failFastTimeoutMs: COMMAND_TIMEOUT_MS });
    return new RedisStore(client, prefix);
  }

  collection<T>(name: string, schema: z.ZodType<T>): Collection<T> {
    return new RedisCollection(this.client, `${this.prefix}:c:${name}`, schema);
  }

  readonly counters: Counters = {
    increment: (key, ttlMs) =>
      guarded(async () => Number(await this.client.eval(INCREMENT_WITH_TTL, { keys: [`${this.prefix}:n:${key}`], arguments: [String(ttlMs)] }))),
    hit: (key, ttlMs) =>
      guarded(async () => {
        const [count, left] = (await this.client.eval(HIT_WITH_TTL, { keys: [`${this.prefix}:n:${key}`], arguments: [String(ttlMs)] })) as [number, number];
        return { count: Number(count), ttlMs: Math.max(0, Number(left)) };
      }),
    reset: (key) =>
      guarded(async () => {
        await this.client.del(`${this.prefix}:n:${key}`);
      }),
  };

  /** A real write (a short-lived key), so a Redis that refuses writes (MISCONF, OOM, read-only) fails too. */
  async probe(): Promise<void> {
    if (!this.client.isReady) throw new Error('not connected');
    await withDeadline(this.client.set(`${this.prefix}:ready-probe`, String(Date.now()), { PX: 10_000 }), COMMAND_TIMEOUT_MS, 'readiness probe');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeRedisClient(this.client);
  }
}
