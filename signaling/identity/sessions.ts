// Signed-in sessions: opaque random tokens, stored only as their SHA-256, with an idle
// timeout and an absolute lifetime.
import { createHash, randomBytes } from 'node:crypto';
import { SightlineError } from '../errors.ts';

export interface Session {
  userId: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Why a session ended without a sign-out: idle too long, or past its absolute lifetime. */
export type SessionExpiry = 'idle' | 'lifetime';

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
    /** Told once per session that times out, when that is detected (on use or by `sweep`). */
    private readonly onExpired: (session: Session, cause: SessionExpiry) => void = () => undefined,
  ) {}

  #expiry(session: Session, at: number): SessionExpiry | null {
    if (at - session.createdAt > this.limits.maxMs) return 'lifetime';
    if (at - session.lastSeenAt > this.limits.idleMs) return 'idle';
    return null;
  }

  create(userId: string): string {
    const token = randomBytes(32).toString('base64url');
    const at = this.now();
    this.#sessions.set(digest(token), { userId, createdAt: at, lastSeenAt: at });
    return token;
  }

  /** Returns the live session for a token and refreshes its idle timer, or throws. */
  touch(token: string): Session {
    const key = digest(token);
    const session = this.#sessions.get(key);
    if (!session) throw new SightlineError('SESSION_INVALID');
    const at = this.now();
    const expiry = this.#expiry(session, at);
    if (expiry) {
      this.#sessions.delete(key);
      this.onExpired(session, expiry);
      throw new SightlineError('SESSION_EXPIRED');
    }
    session.lastSeenAt = at;
    return session;
  }

  end(token: string): boolean {
    return this.#sessions.delete(digest(token));
  }

  /** Drops sessions past their limits; called periodically. */
  sweep(): void {
    const at = this.now();
    for (const [key, session] of this.#sessions) {
      const expiry = this.#expiry(session, at);
      if (expiry) {
        this.#sessions.delete(key);
        this.onExpired(session, expiry);
      }
    }
  }
}
