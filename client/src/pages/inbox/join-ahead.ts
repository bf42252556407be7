// Seats made ready ahead of a join, for the grants the inbox shows: while a grant can be joined
// (its incident live, its access not over), the inbox keeps a prepared seat for it (the most
// urgent first, at most MAX_AHEAD), so that Join costs one message. A prepared seat goes when its
// grant leaves the list or can no longer be joined, when the page is hidden (prepared again when
// it is shown), and when the relay ends it. A grant prepared in another window (SEAT_TAKEN_OVER)
// is left to that window until this page is shown again.
import type { InboxEntry } from '../../../../signaling/protocol/messages.ts';
import type { AnyErrorCode } from '../../net/errors.ts';
import { PreparedSeat } from '../../media/prepared-seat.ts';

/** Grants prepared at once: each holds a socket and a receive transport on the relay. */
export const MAX_AHEAD = 2;

export type AheadState = 'preparing' | 'ready' | null;

/** Whether `entry` can be joined at `now` (server clock). */
export const joinable = (entry: InboxEntry, now: number): boolean => entry.incident !== null && entry.grant.expiresAt > now;

/** The grants to keep prepared: joinable ones, help requests first, then those ending soonest. Pure. */
export function grantsToPrepare(entries: readonly InboxEntry[], now: number, excluded: ReadonlySet<string>): InboxEntry[] {
  return entries
    .filter((entry) => joinable(entry, now) && !excluded.has(entry.grant.id))
    .sort((a, b) => Number(b.incident?.helpRequested ?? false) - Number(a.incident?.helpRequested ?? false) || a.grant.expiresAt - b.grant.expiresAt)
    .slice(0, MAX_AHEAD);
}

interface Held {
  incidentId: string;
  seat: PreparedSeat | null;
  opening: Promise<void>;
}

export class JoinAhead {
  readonly #held = new Map<string, Held>();
  readonly #elsewhere = new Set<string>();
  #entries: readonly InboxEntry[] = [];
  #stopped = false;
  readonly #onVisibility = () => this.#refresh();

  constructor(
    private readonly sessionToken: string,
    private readonly now: () => number,
    /** A grant's prepared seat changed state (for the entry's "Ready" mark). */
    private readonly changed: (grantId: string, state: AheadState) => void,
  ) {
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** The inbox as pushed now. */
  sync(entries: readonly InboxEntry[]): void {
    this.#entries = entries;
    this.#refresh();
  }

  /** The grant's prepared seat, if it is connected, handed over (it is no longer kept here). */
  take(grantId: string): PreparedSeat | null {
    const held = this.#held.get(grantId);
    this.#held.delete(grantId);
    const seat = held?.seat ?? null;
    if (seat?.connected) return seat;
    seat?.close();
    return null;
  }

  /** The bound video track of the grant's prepared seat, once it is there. */
  boundVideo(grantId: string): MediaStreamTrack | null {
    return this.#held.get(grantId)?.seat?.boundVideo ?? null;
  }

  /** No more seats are prepared (the page now watches, or is leaving); the ones held are given up. */
  stop(): void {
    this.#stopped = true;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    for (const grantId of [...this.#held.keys()]) this.#drop(grantId);
  }

  #refresh(): void {
    if (this.#stopped) return;
    if (document.visibilityState === 'hidden') {
      for (const grantId of [...this.#held.keys()]) this.#drop(grantId);
      this.#elsewhere.clear();
      return;
    }
    const wanted = grantsToPrepare(this.#entries, this.now(), this.#elsewhere);
    const ids = new Set(wanted.map((entry) => entry.grant.id));
    for (const grantId of [...this.#held.keys()]) if (!ids.has(grantId)) this.#drop(grantId);
    for (const entry of wanted) if (!this.#held.has(entry.grant.id)) this.#open(entry);
  }

  #open(entry: InboxEntry): void {
    const grantId = entry.grant.id;
    const held: Held = { incidentId: entry.grant.incidentId, seat: null, opening: Promise.resolve() };
    this.#held.set(grantId, held);
    this.changed(grantId, 'preparing');
    const events = {
      connected: () => {
        if (this.#held.get(grantId) === held) this.changed(grantId, 'ready');
      },
      ended: (code: AnyErrorCode) => this.#ended(grantId, held, code),
    };
    held.opening = PreparedSeat.open(held.incidentId, grantId, this.sessionToken, events).then(
      (seat) => {
        if (this.#held.get(grantId) !== held) return seat.close();
        held.seat = seat;
        if (seat.connected) this.changed(grantId, 'ready');
      },
      (error: unknown) => {
        console.warn('[inbox] could not prepare a seat', error);
        if (this.#held.get(grantId) === held) {
          this.#held.delete(grantId);
          this.changed(grantId, null);
        }
      },
    );
  }

  #ended(grantId: string, held: Held, code: AnyErrorCode): void {
    if (this.#held.get(grantId) !== held) return;
    this.#held.delete(grantId);
    this.changed(grantId, null);
    if (code === 'SEAT_TAKEN_OVER') this.#elsewhere.add(grantId);
    // A seat lost for another reason (a dropped socket, a rebuilt media room) is prepared again if still wanted.
    else if (code === 'DISCONNECTED' || code === 'MEDIA_WORKER_DIED') setTimeout(() => this.#refresh(), 1000);
  }

  #drop(grantId: string): void {
    const held = this.#held.get(grantId);
    this.#held.delete(grantId);
    held?.seat?.close();
    this.changed(grantId, null);
  }
}
