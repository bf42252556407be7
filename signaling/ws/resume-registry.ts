// Resume tokens: single-use, random, kept only as their SHA-256, each naming one seat (a dropped
// or live signalling connection in an incident) on this node. Seats are node-local, like the media.
import { createHash, randomBytes } from 'node:crypto';

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export class ResumeRegistry<Seat extends object> {
  readonly #seats = new Map<string, Seat>();
  readonly #digests = new WeakMap<Seat, string>();

  /** A fresh token for `seat`; any earlier token of that seat stops working. */
  issue(seat: Seat): string {
    this.forget(seat);
    const token = randomBytes(32).toString('base64url');
    const key = digest(token);
    this.#seats.set(key, seat);
    this.#digests.set(seat, key);
    return token;
  }

  /** The seat a token names, once: the token is spent. */
  take(token: string): Seat | undefined {
    const key = digest(token);
    const seat = this.#seats.get(key);
    if (!seat) return undefined;
    this.#seats.delete(key);
    this.#digests.delete(seat);
    return seat;
  }

  forget(seat: Seat): void {
    const key = this.#digests.get(seat);
    if (key === undefined) return;
    this.#seats.delete(key);
    this.#digests.delete(seat);
  }

  get size(): number {
    return this.#seats.size;
  }
}
