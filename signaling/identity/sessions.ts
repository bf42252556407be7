// Signed-in sessions: opaque random tokens, stored (in the shared Store) only as their SHA-256,
// with an idle timeout and an absolute lifetime.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import type { Collection, Store } from '../state/store.ts';

const sessionSchema = z.object({ userId: z.string(), createdAt: z.number(), lastSeenAt: z.number(), deviceId: z.string().nullable().default(null) });
export type Session = z.infer<typeof sessionSchema>;

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

export const sessionDigest = (token: string) => createHash('sha256').update(token).digest('base64url');

export class SessionStore {
  readonly #sessions: Collection<Session>;

  constructor(
    store: Store,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.#sessions = store.collection('sessions', sessionSchema);
  }

  async create(userId: string, deviceId: string | null = null): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    await this.#sessions.put(sessionDigest(token), { userId, createdAt: at, lastSeenAt: at, deviceId }, { ttlMs: this.limits.idleMs });
    return token;
  }

  /** Returns the live session for a token and refreshes its idle timer, or throws. */
  async touch(token: string): Promise<Session> {
    const key = sessionDigest(token);
    const session = await this.#sessions.get(key);
    if (!session) throw new SightlineError('SESSION_INVALID');
    const at = this.now();
    if (at - session.lastSeenAt > this.limits.idleMs || at - session.createdAt > this.limits.maxMs) {
      await this.#sessions.delete(key);
      throw new SightlineError('SESSION_EXPIRED');
    }
    const refreshed = { ...session, lastSeenAt: at };
    await this.#sessions.put(key, refreshed, { ttlMs: this.limits.idleMs });
    return refreshed;
  }

  async end(token: string): Promise<boolean> {
    return this.#sessions.delete(sessionDigest(token));
  }
}
