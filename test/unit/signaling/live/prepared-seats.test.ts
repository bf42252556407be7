import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MediaPeer } from '../../../../server/media-peer.ts';
import { PreparedSeats, type PreparedSeat } from '../../../../signaling/live/prepared-seats.ts';
import type { ServerMessage } from '../../../../signaling/protocol/messages.ts';

/** A media peer that only closes (and says so), and a channel that keeps what it is told. */
function seat(peerId: string, grantId: string, expiresAt = Date.now() + 60_000) {
  const emitter = new EventEmitter();
  const media = Object.assign(emitter, {
    closed: false,
    close() {
      media.closed = true;
      emitter.emit('closed');
    },
  });
  const told: ServerMessage[] = [];
  const prepared: PreparedSeat = {
    peerId, grantId, userId: 'u1', expiresAt,
    channel: { send: (message) => told.push(message), endAccess: () => undefined, extendAccess: () => undefined },
    media: media as unknown as MediaPeer,
  };
  return { prepared, media, told };
}

describe('seats prepared ahead of a join', () => {
  afterEach(() => vi.useRealTimers());

  it('holds one per grant: a newer one takes over and the older is told so', () => {
    const seats = new PreparedSeats('inc-1');
    const a = seat('p1', 'g1');
    const b = seat('p2', 'g1');
    seats.hold(a.prepared);
    seats.hold(b.prepared);
    expect(seats.size).toBe(1);
    expect(a.media.closed).toBe(true);
    expect(a.told).toMatchObject([{ type: 'access.ended', incidentId: 'inc-1', code: 'SEAT_TAKEN_OVER' }]);
    expect(seats.byGrant('g1').map((s) => s.peerId)).toEqual(['p2']);
  });

  it('hands its media to the joining seat without closing it', () => {
    const seats = new PreparedSeats('inc-1');
    const a = seat('p1', 'g1');
    seats.hold(a.prepared);
    expect(seats.take('p1')).toBe(a.prepared.media);
    expect(a.media.closed).toBe(false);
    expect(seats.size).toBe(0);
    expect(seats.take('p1')).toBeUndefined();
  });

  it('ends at its grant’s end, which moves with the grant', () => {
    vi.useFakeTimers();
    const seats = new PreparedSeats('inc-1');
    const a = seat('p1', 'g1', Date.now() + 1000);
    seats.hold(a.prepared);
    seats.extend('g1', Date.now() + 5000);
    vi.advanceTimersByTime(2000);
    expect(seats.size).toBe(1);
    vi.advanceTimersByTime(4000);
    expect(seats.size).toBe(0);
    expect(a.told).toMatchObject([{ code: 'GRANT_EXPIRED' }]);
  });

  it('forgets a seat whose media closed underneath it, and drops all with a code', () => {
    const seats = new PreparedSeats('inc-1');
    const a = seat('p1', 'g1');
    const b = seat('p2', 'g2');
    seats.hold(a.prepared);
    seats.hold(b.prepared);
    a.media.close();
    expect(seats.size).toBe(1);
    seats.dropAll('INCIDENT_ENDED');
    expect(seats.size).toBe(0);
    expect(b.told).toMatchObject([{ code: 'INCIDENT_ENDED' }]);
    expect(a.told).toEqual([]);
  });
});
