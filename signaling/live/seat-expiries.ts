// When each seat's access ends: one timer per seat that has an end (a clinician's grant), armed
// when the seat is taken, moved when the grant is extended or shortened, dropped when the seat
// goes. The timer belongs to the seat, not to the channel carrying it: a signalling socket that
// resumes, or a WHEP session, changes nothing about when access ends.

/** Node's timers take at most this long (about 24.8 days); a later end is re-armed on the way. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export class SeatExpiries {
  readonly #timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly expire: (seatId: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Access of `seatId` ends at `at` (ms since epoch); null: it has no end. Replaces any earlier end. */
  set(seatId: string, at: number | null): void {
    this.clear(seatId);
    if (at === null) return;
    const arm = () => {
      const timer = setTimeout(() => {
        if (this.#timers.get(seatId) !== timer) return;
        if (this.now() < at) return arm();
        this.#timers.delete(seatId);
        this.expire(seatId);
      }, Math.min(LONGEST_TIMER_MS, Math.max(0, at - this.now())));
      timer.unref();
      this.#timers.set(seatId, timer);
    };
    arm();
  }

  clear(seatId: string): void {
    const timer = this.#timers.get(seatId);
    if (timer) clearTimeout(timer);
    this.#timers.delete(seatId);
  }

  clearAll(): void {
    for (const seatId of [...this.#timers.keys()]) this.clear(seatId);
  }
}
