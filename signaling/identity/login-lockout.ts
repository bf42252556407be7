// Failed-login accounting: after MAX_FAILURES failures in a row an account is locked for LOCK_MS.
export const MAX_FAILURES = 5;
export const LOCK_MS = 10 * 60_000;

export class LoginLockout {
  readonly #failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  isLocked(username: string): boolean {
    const entry = this.#failures.get(username.toLowerCase());
    return entry !== undefined && entry.lockedUntil > this.now();
  }

  /** Records a failure; returns true when this failure locks the account. */
  recordFailure(username: string): boolean {
    const key = username.toLowerCase();
    const entry = this.#failures.get(key) ?? { count: 0, lockedUntil: 0 };
    if (entry.lockedUntil && entry.lockedUntil <= this.now()) {
      entry.count = 0;
      entry.lockedUntil = 0;
    }
    entry.count += 1;
    const locks = entry.count >= MAX_FAILURES && entry.lockedUntil === 0;
    if (locks) entry.lockedUntil = this.now() + LOCK_MS;
    this.#failures.set(key, entry);
    return locks;
  }

  recordSuccess(username: string): void {
    this.#failures.delete(username.toLowerCase());
  }
}
