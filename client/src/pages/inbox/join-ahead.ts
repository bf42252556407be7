// Seats made ready ahead of a join, for the grants the inbox shows: while a grant can be joined
// (its incident live, its access not over), the inbox keeps a prepared seat for it (the most
// urgent first, at most MAX_AHEAD), so that Join costs one message. A prepared seat goes when its
// grant leaves the list or can no longer be joined, when the page is hidden (prepared again when
// it is shown), and when the relay ends it. A grant prepared in another window (SEAT_TAKEN_OVER)
// is left to that window until this page is shown again. A seat that could not be made ready (a
// refusal that may pass, or a transport that did not connect in time) is tried again a few times,
// further apart each time (prepareRetryDelay); Join works without one, through the whole join.
import type { InboxEntry } from '../../../../signaling/protocol/messages.ts';
import { SightlineError, type AnyErrorCode } from '../../net/errors.ts';
import { PreparedSeat } from '../../media/prepared-seat.ts';

/** Grants prepared at once: each holds a socket and a receive transport on the relay. */
export const MAX_AHEAD = 2;

/** A prepared seat whose transport has not connected by then is given up (and tried again). */
export const READY_DEADLINE_MS = 10_000;

/** How long after each failed try a grant's seat is tried again; after the last, not until the page is shown again. */
export const PREPARE_RETRY_DELAYS_MS: readonly number[] = [1000, 4000, 15_000];

/** Failures that may pass: the network, the relay's load or restart. Any other refusal is the relay's answer for this grant. */
const PASSING: ReadonlySet<AnyErrorCode> = new Set<AnyErrorCode>([
  'TIMEOUT',
  'DISCONNECTED',
  'NETWORK',
  'UNKNOWN',
  'RATE_LIMITED',
  'MEDIA_ERROR',
  'MEDIA_WORKER_DIED',
  'NODE_AT_CAPACITY',
  'NODE_LOST',
  'SERVER_SHUTTING_DOWN',
  'STORE_UNAVAILABLE',
  'AUDIT_UNAVAILABLE',
  'INTERNAL',
]);

/**
 * After the `failures`-th failure in a row to make a grant's seat ready (ending with `code`): how
 * long to wait before trying again, or null to leave it (a final refusal, or tries used up). Pure.
 */
export function prepareRetryDelay(code: AnyErrorCode, failures: number): number | null {
  if (!PASSING.has(code) || failures < 1) return null;
  return PREPARE_RETRY_DELAYS_MS[failures - 1] ?? null;
}

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
  deadline: ReturnType<typeof setTimeout>;
}

/** A grant whose seat failed to be made ready: how many times in a row, and when it may be tried again (never: Infinity). */
interface Resting {
  failures: number;
  until: number;
}

export class JoinAhead {
  readonly #held = new Map<string, Held>();
  readonly #elsewhere = new Set<string>();
  readonly #resting = new Map<string, Resting>();
  #wake: ReturnType<typeof setTimeout> | undefined;
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
    clearTimeout(this.#wake);
    document.removeEventListener('visibilitychange', this.#onVisibility);
    for (const grantId of [...this.#held.keys()]) this.#drop(grantId);
  }

  #refresh(): void {
    if (this.#stopped) return;
    if (document.visibilityState === 'hidden') {
      for (const grantId of [...this.#held.keys()]) this.#drop(grantId);
      this.#elsewhere.clear();
      this.#resting.clear();
      return;
    }
    const shown = new Set(this.#entries.map((entry) => entry.grant.id));
    for (const grantId of [...this.#resting.keys()]) if (!shown.has(grantId)) this.#resting.delete(grantId);
    const wanted = grantsToPrepare(this.#entries, this.now(), new Set([...this.#elsewhere, ...this.#stillResting()]));
    const ids = new Set(wanted.map((entry) => entry.grant.id));
    for (const grantId of [...this.#held.keys()]) if (!ids.has(grantId)) this.#drop(grantId);
    for (const entry of wanted) if (!this.#held.has(entry.grant.id)) this.#open(entry);
    this.#scheduleWake();
  }

  #open(entry: InboxEntry): void {
    const grantId = entry.grant.id;
    const held: Held = {
      incidentId: entry.grant.incidentId,
      seat: null,
      opening: Promise.resolve(),
      deadline: setTimeout(() => this.#notReady(grantId, held), READY_DEADLINE_MS),
    };
    this.#held.set(grantId, held);
    this.changed(grantId, 'preparing');
    const ready = () => {
      clearTimeout(held.deadline);
      this.#resting.delete(grantId);
      this.changed(grantId, 'ready');
    };
    const events = {
      connected: () => {
        if (this.#held.get(grantId) === held) ready();
      },
      ended: (code: AnyErrorCode) => this.#ended(grantId, held, code),
    };
    held.opening = PreparedSeat.open(held.incidentId, grantId, this.sessionToken, events).then(
      (seat) => {
        if (this.#held.get(grantId) !== held) return seat.close();
        held.seat = seat;
        if (seat.connected) ready();
      },
      (error: unknown) => {
        const code = error instanceof SightlineError ? error.code : 'UNKNOWN';
        console.warn(`[inbox] could not prepare a seat for grant ${grantId} (${code})`, error);
        if (this.#held.get(grantId) === held) this.#failed(grantId, held, code);
      },
    );
  }

  /** The seat's transport did not connect in time: given up, and tried again as a failure that may pass. */
  #notReady(grantId: string, held: Held): void {
    if (this.#held.get(grantId) !== held) return;
    console.warn(`[inbox] the seat for grant ${grantId} did not connect within ${READY_DEADLINE_MS} ms`);
    held.seat?.close();
    this.#failed(grantId, held, 'TIMEOUT');
  }

  #ended(grantId: string, held: Held, code: AnyErrorCode): void {
    if (this.#held.get(grantId) !== held) return;
    if (code === 'SEAT_TAKEN_OVER') {
      this.#forget(grantId, held);
      this.#elsewhere.add(grantId);
    } else this.#failed(grantId, held, code);
  }

  /** The grant's seat failed or was lost with `code`: tried again later if that may pass, else left unprepared. */
  #failed(grantId: string, held: Held, code: AnyErrorCode): void {
    this.#forget(grantId, held);
    const failures = (this.#resting.get(grantId)?.failures ?? 0) + 1;
    const delay = prepareRetryDelay(code, failures);
    this.#resting.set(grantId, { failures, until: delay === null ? Infinity : Date.now() + delay });
    this.#scheduleWake();
  }

  /** Grants not to be prepared now, after a failure. */
  #stillResting(): string[] {
    const now = Date.now();
    return [...this.#resting].filter(([, resting]) => resting.until > now).map(([grantId]) => grantId);
  }

  /** Looks again when the soonest resting grant may be tried. */
  #scheduleWake(): void {
    clearTimeout(this.#wake);
    const now = Date.now();
    const untils = [...this.#resting.values()].map((r) => r.until).filter((until) => until > now && Number.isFinite(until));
    if (untils.length > 0) this.#wake = setTimeout(() => this.#refresh(), Math.min(...untils) - now);
  }

  #forget(grantId: string, held: Held): void {
    clearTimeout(held.deadline);
    this.#held.delete(grantId);
    this.changed(grantId, null);
  }

  #drop(grantId: string): void {
    const held = this.#held.get(grantId);
    if (!held) return;
    held.seat?.close();
    this.#forget(grantId, held);
  }
}
