// Signed-in sessions: opaque random tokens, stored (in the shared Store) only as their SHA-256,
// with an idle timeout and an absolute lifetime. A record is kept until one idle period past the
// absolute lifetime so that either timeout is noticed (on use or by the sweep, which runs more
// often than that) and reported rather than silently forgotten.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import type { Collection, Store } from '../state/store.ts';

const sessionSchema = z.object({ key: z.string(), userId: z.string(), createdAt: z.number(), lastSeenAt: z.number(), deviceId: z.string().nullable().default(null) });
export type Session = z.infer<typeof sessionSchema>;

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

/** Why a session ended without a sign-out: idle too long, or past its absolute lifetime. */
export type SessionExpiry = 'idle' | 'lifetime';
/** Why a session ended: signed out, timed out, or its account was locked. */
export type SessionEnd = SessionExpiry | 'logout' | 'locked';

export const sessionDigest = (token: string) => createHash('sha256').update(token).digest('base64url');

export class SessionStore {
  readonly #sessions: Collection<Session>;

  constructor(
    store: Store,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
    /** Told once per session that times out, when that is detected (on use or by `sweep`). */
    private readonly onExpired: (session: Session, cause: SessionExpiry) => void = () => undefined,
    /** Told once per session that ends for any reason (sockets signed in with it are closed). */
    private readonly onEnded: (session: Session, cause: SessionEnd) => void = () => undefined,
  ) {
    this.#sessions = store.collection('sessions', sessionSchema);
  }

  #expiry(session: Session, at: number): SessionExpiry | null {
    if (at - session.createdAt > this.limits.maxMs) return 'lifetime';
    if (at - session.lastSeenAt > this.limits.idleMs) return 'idle';
    return null;
  }

  #keep(session: Session): { ttlMs: number } {
    return { ttlMs: Math.max(1, session.createdAt + this.limits.maxMs + this.limits.idleMs - this.now()) };
  }

  async create(userId: string, deviceId: string | null = null): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    const session = { key: sessionDigest(token), userId, createdAt: at, lastSeenAt: at, deviceId };
    await this.#sessions.put(session.key, session, this.#keep(session));
    return token;
  }

  /** Returns the live session for a token and refreshes its idle timer, or throws. */
  async touch(token: string): Promise<Session> {
    const key = sessionDigest(token);
    const session = await this.#sessions.get(key);
    if (!session) throw new SightlineError('SESSION_INVALID');
    const at = this.now();
    const expiry = this.#expiry(session, at);
    if (expiry) {
      if (await this.#sessions.delete(key)) this.#expired(session, expiry);
      throw new SightlineError('SESSION_EXPIRED');
    }
    const refreshed = { ...session, lastSeenAt: at };
    await this.#sessions.put(key, refreshed, this.#keep(refreshed));
    return refreshed;
  }

  /** Signs out: the session ends at once. */
  async end(token: string): Promise<boolean> {
    const key = sessionDigest(token);
    const session = await this.#sessions.get(key);
    if (!(await this.#sessions.delete(key))) return false;
    if (session) this.onEnded(session, 'logout');
    return true;
  }

  /** Ends every session of a user (their account was locked); returns how many ended. */
  async endAllFor(userId: string, cause: Extract<SessionEnd, 'locked'>): Promise<number> {
    let ended = 0;
    for (const session of await this.#sessions.list()) {
      if (session.userId !== userId || !(await this.#sessions.delete(session.key))) continue;
      ended += 1;
      this.onEnded(session, cause);
    }
    return ended;
  }

  /** Ends sessions past their limits; called periodically. */
  async sweep(): Promise<void> {
    const at = this.now();
    for (const session of await this.#sessions.list()) {
      const expiry = this.#expiry(session, at);
      if (expiry && (await this.#sessions.delete(session.key))) this.#expired(session, expiry);
    }
  }

  #expired(session: Session, cause: SessionExpiry): void {
    this.onExpired(session, cause);
    this.onEnded(session, cause);
  }
}
