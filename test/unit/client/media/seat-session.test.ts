import type { Device } from 'mediasoup-client';
import { describe, expect, it, vi } from 'vitest';

// The seat's link upkeep publishes its state on the page's debug hooks (window.sightline).
vi.hoisted(() => {
  (globalThis as { window?: unknown }).window ??= globalThis;
});
import { SeatSession, type SeatEndings } from '../../../../client/src/media/seat-session.ts';
import type { SignalClient } from '../../../../client/src/net/signal-client.ts';
import type { MediaReceiver } from '../../../../client/src/media/media-receiver.ts';

/** A signalling socket whose notifications and close the test delivers. */
function fakeSignal() {
  const handlers = new Map<string, (message: never) => void>();
  let onClose: (() => void) | null = null;
  let closes = 0;
  const signal = {
    on: (type: string, handler: (message: never) => void) => {
      handlers.set(type, handler);
      return () => handlers.delete(type);
    },
    onClose: (handler: () => void) => {
      onClose = handler;
      return () => undefined;
    },
    close: () => void closes++,
  } as unknown as SignalClient;
  return {
    signal,
    notify: (type: string, message: unknown) => handlers.get(type)?.(message as never),
    drop: () => onClose?.(),
    closes: () => closes,
  };
}

class TestSeat extends SeatSession {
  released = 0;
  constructor(signal: SignalClient, endings: SeatEndings, receiverClosed: () => void) {
    super(signal, {} as Device, endings);
    this.receiver = { close: receiverClosed, recvTransport: null } as unknown as MediaReceiver;
    this.listenForEnd();
  }
  begin(): void {
    this.started = true;
  }
  protected override beforeTeardown(): void {
    this.released++;
  }
}

function setup() {
  const socket = fakeSignal();
  const ended: Array<[string, string | undefined]> = [];
  let receiverCloses = 0;
  const seat = new TestSeat(socket.signal, { ended: (code, message) => ended.push([code, message]) }, () => void receiverCloses++);
  return { socket, seat, ended, receiverCloses: () => receiverCloses };
}

describe('SeatSession', () => {
  it('ends once on access.ended with its code, releasing media and the socket', () => {
    const { socket, seat, ended, receiverCloses } = setup();
    seat.begin();
    socket.notify('access.ended', { code: 'GRANT_REVOKED', message: 'Revoked' });
    socket.notify('access.ended', { code: 'GRANT_EXPIRED' });
    socket.drop();
    expect(ended).toEqual([['GRANT_REVOKED', 'Revoked']]);
    expect(receiverCloses()).toBe(1);
    expect(socket.closes()).toBe(1);
    expect(seat.released).toBe(1);
  });

  it('names a server shutdown as such when the socket then closes, and a plain drop as DISCONNECTED', () => {
    const shut = setup();
    shut.seat.begin();
    shut.socket.notify('server.shutdown', { message: 'Maintenance' });
    shut.socket.drop();
    expect(shut.ended).toEqual([['SERVER_SHUTTING_DOWN', 'Maintenance']]);

    const dropped = setup();
    dropped.seat.begin();
    dropped.socket.drop();
    expect(dropped.ended).toEqual([['DISCONNECTED', undefined]]);
  });

  it('reports no ending before the page’s start or join has resolved (that rejection says it)', () => {
    const { socket, ended, receiverCloses } = setup();
    socket.notify('access.ended', { code: 'INCIDENT_ENDED' });
    expect(ended).toEqual([]);
    expect(receiverCloses()).toBe(1);
  });

  it('takes an unknown code as one the page can still word', () => {
    const { socket, seat, ended } = setup();
    seat.begin();
    socket.notify('access.ended', { code: 'SOMETHING_NEW' });
    expect(ended).toHaveLength(1);
    expect(typeof ended[0]![0]).toBe('string');
  });
});
