// Resume tokens: single-use, random, kept only as their SHA-256, each naming one seat (a dropped
// or live signalling connection in an incident) on this node. Seats are node-local, like the
// media, so a token starts with its node's id: whichever node a client reconnects to routes its
// `resume` to the seat's node.
import { createHash, randomBytes } from 'node:crypto';

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Not used in node ids nor in base64url. */
const NODE_SEPARATOR = '~';

/** The node holding a resume token's seat. Pure. */
export const resumeTokenNode = (token: string): string | undefined => {
  const at = token.indexOf(NODE_SEPARATOR);
  return at > 0 ? token.slice(0, at) : undefined;
};

export class ResumeRegistry<Seat extends object> {
  readonly #seats = new Map<string, Seat>();
  readonly #digests = new WeakMap<Seat, string>();

  constructor(private readonly nodeId: string) {}

  /** A fresh token for `seat`; any earlier token of that seat stops working. */
  issue(seat: Seat): string {
    this.forget(seat);
    const token = `${this.nodeId}${NODE_SEPARATOR}${randomBytes(32).toString('base64url')}`;
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

  /** Every seat that holds a token now. */
  seats(): Seat[] {
    return [...this.#seats.values()];
  }

  get size(): number {
    return this.#seats.size;
  }
}
