// Failed-login accounting in the shared Store: MAX_FAILURES failures within the lock window
// lock the account for LOCK_MS, on every node.
import { z } from 'zod';
import type { Collection, Store } from '../state/store.ts';

export const MAX_FAILURES = 5;
export const LOCK_MS = 10 * 60_000;

export class LoginLockout {
  readonly #locks: Collection<{ lockedAt: number }>;

  constructor(private readonly store: Store) {
    this.#locks = store.collection('login-locks', z.object({ lockedAt: z.number() }));
  }

  async isLocked(username: string): Promise<boolean> {
    return (await this.#locks.get(username.toLowerCase())) !== undefined;
  }

  /** Records a failure; returns true when this failure locks the account. */
  async recordFailure(username: string): Promise<boolean> {
    const key = username.toLowerCase();
    const failures = await this.store.counters.increment(`login-failures:${key}`, LOCK_MS);
    if (failures < MAX_FAILURES) return false;
    await this.store.counters.reset(`login-failures:${key}`);
    return this.#locks.create(key, { lockedAt: Date.now() }, { ttlMs: LOCK_MS });
  }

  async recordSuccess(username: string): Promise<void> {
    await this.store.counters.reset(`login-failures:${username.toLowerCase()}`);
  }
}
