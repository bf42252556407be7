// Seats made ready ahead of a clinician's join (pre-connected): a receive transport on the
// incident's media, connected by the clinician's browser while its inbox shows an active grant,
// with nothing consumed. Not a participant: no presence, no audit entry, no media. A prepared seat
// ends with its grant (revoked, expired, its sharing withdrawn), with the incident, when its
// channel goes, or when the same grant prepares again elsewhere; the seat that joins takes its
// media over.
import type { MediaPeer } from '../../server/media-peer.ts';
import { ERROR_CODES, type ErrorCode } from '../protocol/error-codes.ts';
import type { ParticipantChannel } from './participant-channel.ts';
import { SeatExpiries } from './seat-expiries.ts';

export interface PreparedSeat {
  peerId: string;
  grantId: string;
  userId: string;
  /** The grant's end (ms since epoch): the prepared seat goes then. */
  expiresAt: number;
  channel: ParticipantChannel;
  media: MediaPeer;
}

export class PreparedSeats {
  readonly #seats = new Map<string, PreparedSeat>();
  readonly #expiries = new SeatExpiries((peerId) => this.drop(peerId, 'GRANT_EXPIRED'));

  constructor(private readonly incidentId: string) {}

  /** Holds a prepared seat. One grant holds one: an older one of the same grant is told SEAT_TAKEN_OVER and goes. */
  hold(seat: PreparedSeat): void {
    for (const other of this.byGrant(seat.grantId)) if (other.peerId !== seat.peerId) this.drop(other.peerId, 'SEAT_TAKEN_OVER');
    this.#seats.set(seat.peerId, seat);
    this.#expiries.set(seat.peerId, seat.expiresAt);
    seat.media.once('closed', () => this.#forget(seat));
  }

  get(peerId: string): PreparedSeat | undefined {
    return this.#seats.get(peerId);
  }

  /** The joining seat takes the prepared media over: it is no longer a prepared seat. */
  take(peerId: string): MediaPeer | undefined {
    const seat = this.#seats.get(peerId);
    if (!seat) return undefined;
    this.#forget(seat);
    return seat.media;
  }

  /** Ends a prepared seat: its transport closes; with a code, its channel is told why. */
  drop(peerId: string, code?: ErrorCode): void {
    const seat = this.#seats.get(peerId);
    if (!seat) return;
    this.#forget(seat);
    seat.media.close();
    if (code) seat.channel.send({ type: 'access.ended', incidentId: this.incidentId, code, message: ERROR_CODES[code] });
  }

  byGrant(grantId: string): PreparedSeat[] {
    return [...this.#seats.values()].filter((seat) => seat.grantId === grantId);
  }

  /** The grant's end moved: its prepared seats go at the new end. */
  extend(grantId: string, expiresAt: number): void {
    for (const seat of this.byGrant(grantId)) {
      seat.expiresAt = expiresAt;
      this.#expiries.set(seat.peerId, expiresAt);
    }
  }

  dropAll(code: ErrorCode): void {
    for (const peerId of [...this.#seats.keys()]) this.drop(peerId, code);
    this.#expiries.clearAll();
  }

  get size(): number {
    return this.#seats.size;
  }

  #forget(seat: PreparedSeat): void {
    if (this.#seats.get(seat.peerId) !== seat) return;
    this.#seats.delete(seat.peerId);
    this.#expiries.clear(seat.peerId);
  }
}
