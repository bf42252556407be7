// The supervisor's seat when watching from the console: a socket of its own, signed in with the
// supervisor's session but without the console's feed (the console's own socket carries that),
// then `watch`. It is a seat like the clinician's: media is received the same way, it resumes
// across network drops and rejoins a rebuilt media room, and it ends with a reason.
import type { Device } from 'mediasoup-client';
import { asWire, deviceAndSocket, type loadDevice } from '../../media/media-device.ts';
import { MediaReceiver, type ReceiverEvents } from '../../media/media-receiver.ts';
import { SeatSession, type SeatEndings } from '../../media/seat-session.ts';
import { SightlineError } from '../../net/errors.ts';
import { SignalClient } from '../../net/signal-client.ts';

export interface WatchEvents extends ReceiverEvents, SeatEndings {}

/** Leaving waits this long, at most, for the server to release the seat before the socket closes. */
const LEAVE_WAIT_MS = 2000;

export class WatchSession extends SeatSession {
  private constructor(signal: SignalClient, device: Awaited<ReturnType<typeof loadDevice>>, events: WatchEvents) {
    super(signal, device, events);
  }

  /**
   * What a watch needs before its own message, made ready while the console is open: the seat's
   * socket, signed in (without the console feed), and the loaded Device.
   */
  static warm(sessionToken: string): Promise<[Device, SignalClient]> {
    const ready = deviceAndSocket(() => SignalClient.connect()).then(async ([device, signal]) => {
      try {
        await signal.request('auth', { token: sessionToken, feed: false });
      } catch (error) {
        signal.close();
        throw error;
      }
      return [device, signal] as [Device, SignalClient];
    });
    ready.catch(() => undefined);
    return ready;
  }

  /** Watches `incidentId` on a seat of its own; `warm` (from `warm()`) saves the socket, sign-in and Device. */
  static async open(incidentId: string, sessionToken: string, events: WatchEvents, warm?: Promise<[Device, SignalClient]>): Promise<WatchSession> {
    // A warm socket that dropped meanwhile (or failed to sign in) is replaced by a fresh one.
    const ready = await (warm ?? WatchSession.warm(sessionToken)).catch(() => null);
    const [device, signal] = ready && ready[1].isOpen ? ready : await WatchSession.warm(sessionToken);
    const session = new WatchSession(signal, device, events);
    session.listenForEnd();
    try {
      const { info, receiver } = await MediaReceiver.open(signal, device, events, () =>
        signal.request('watch', { incidentId, rtpCapabilities: asWire(device.rtpCapabilities) }),
      );
      session.receiver = receiver;
      session.keepReceivingSeat(info);
    } catch (error) {
      session.teardown();
      throw error;
    }
    if (session.finished) {
      session.teardown(); // ended while connecting: release what was made
      throw new SightlineError(session.endCode, 'Access ended while connecting');
    }
    session.started = true;
    return session;
  }

  /**
   * Stop watching: the server releases the seat at once (everyone's presence list updates, the
   * leave is audited), then the socket closes. Reports no `ended`.
   */
  async leave(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await Promise.race([this.signal.request('incident.leave', {}).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, LEAVE_WAIT_MS))]);
    this.teardown();
  }
}
