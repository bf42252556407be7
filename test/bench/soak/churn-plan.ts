// Who comes and goes during the soak: every viewer seat (a clinician on an incident) watches for
// a while, then either leaves of its own accord or has its grant revoked by the supervisor, and
// comes back (with a new grant after a revoke) a few seconds later. Seeded, so a run can be
// repeated; pure, so it is tested without a relay.

export type SeatAction = 'leave' | 'revoke' | 'rejoin';

export interface ChurnOptions {
  seats: number;
  /** Mean time a seat watches before it leaves or is revoked. */
  meanWatchSeconds: number;
  /** Of the endings, the share that are revocations (the rest are the viewer leaving). */
  revokeShare: number;
  /** A seat that ended comes back after between these many seconds. */
  awaySeconds: [number, number];
  seed: number;
}

type SeatState = { watching: true } | { watching: false; back: number; revoked: boolean };

/** mulberry32: a small, well-mixed 32-bit generator, enough for a reproducible schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ChurnPlan {
  readonly #random: () => number;
  readonly #seats: SeatState[];

  constructor(private readonly options: ChurnOptions) {
    this.#random = seededRandom(options.seed);
    this.#seats = Array.from({ length: options.seats }, () => ({ watching: true }));
  }

  /**
   * The actions due after `elapsedSeconds` of a tick lasting `stepSeconds`, by seat index. A seat
   * revoked comes back with `rejoin` too: the caller grants again before it plays.
   */
  tick(nowSeconds: number, stepSeconds: number): Array<{ seat: number; action: SeatAction; afterRevoke?: boolean }> {
    const { meanWatchSeconds, revokeShare, awaySeconds } = this.options;
    const ending = 1 - Math.exp(-stepSeconds / meanWatchSeconds);
    const due: Array<{ seat: number; action: SeatAction; afterRevoke?: boolean }> = [];
    this.#seats.forEach((state, seat) => {
      if (state.watching) {
        if (this.#random() >= ending) return;
        const revoked = this.#random() < revokeShare;
        const away = awaySeconds[0] + this.#random() * (awaySeconds[1] - awaySeconds[0]);
        this.#seats[seat] = { watching: false, back: nowSeconds + away, revoked };
        due.push({ seat, action: revoked ? 'revoke' : 'leave' });
      } else if (nowSeconds >= state.back) {
        this.#seats[seat] = { watching: true };
        due.push({ seat, action: 'rejoin', afterRevoke: state.revoked });
      }
    });
    return due;
  }

  /** Seats watching now. */
  watching(): number {
    return this.#seats.filter((s) => s.watching).length;
  }
}
