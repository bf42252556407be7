// The network work every seat needs before it can ask for anything: the signalling socket, and a
// mediasoup Device loaded with the routers' capabilities while the browser's own are probed.
// Started early (while the page checks its session, or while the inbox shows a grant), it is
// already done when the join is sent.
import type { Device } from 'mediasoup-client';
import { SignalClient } from '../net/signal-client.ts';
import { deviceAndSocket } from './media-device.ts';

export type SeatConnection = Promise<[Device, SignalClient]>;

export function startSeatConnection(): SeatConnection {
  const started = deviceAndSocket(() => SignalClient.connect());
  // Whoever takes it over sees a failure; nobody else has to.
  started.catch(() => undefined);
  return started;
}
