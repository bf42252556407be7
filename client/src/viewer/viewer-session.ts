// The clinician's connection to one incident: join with a grant token, receive media, talk back.
import type { ParticipantInfo, PresenceEntry } from '../../../signaling/protocol/messages.ts';
import { ServerClock } from '../net/clock.ts';
import { SightlineError, type AnyErrorCode } from '../net/errors.ts';
import type { Device, types } from 'mediasoup-client';
import { asWire, createSendTransport, type loadDevice } from '../media/media-device.ts';
import { MediaReceiver, type JoinInfo, type PreparedReceive, type ReceiverEvents } from '../media/media-receiver.ts';
import { BOUND_MIDS } from '../media/bound-receivers.ts';
import type { RequestBody, SignalClient } from '../net/signal-client.ts';
import type { PreparedSeat } from '../media/prepared-seat.ts';
import { startSeatConnection, type SeatConnection } from '../media/seat-connection.ts';
import { iceOptions } from '../media/ice-config.ts';
import type { LinkState } from '../media/link-resilience.ts';
import { SeatSession } from '../media/seat-session.ts';

export type { JoinInfo };

export interface ViewerEvents extends ReceiverEvents {
  /** Who is in the incident; `you` is this seat once the join has answered. */
  presence(entries: PresenceEntry[], you: ParticipantInfo | null): void;
  /** A supervisor extended the grant: access now ends at `expiresAt` (server clock). */
  grantUpdated(expiresAt: number): void;
  /** Access ended (expired, revoked, incident over) or the connection dropped. Media is already closed. */
  ended(code: AnyErrorCode, message: string | undefined): void;
  /** The signalling link dropped ('reconnecting') or was resumed ('ok'). */
  link?(state: LinkState): void;
}

export class ViewerSession extends SeatSession {
  info: JoinInfo | null = null;
  /** Makes the talk-back transport: kept until the first picture is up, or push-to-talk needs it (talkTransport()). */
  #makeSend: (() => types.Transport) | null = null;
  private readonly clock = new ServerClock();
  private lastPresence: PresenceEntry[] | null = null;

  private constructor(
    signal: SignalClient,
    private readonly events: ViewerEvents,
    device: Awaited<ReturnType<typeof loadDevice>>,
  ) {
    super(signal, device, events);
  }

  /**
   * From a grant link: load the device, open the socket (or take `ready`, started earlier) and join
   * with the link's token and the signed-in clinician's session (one round trip; no `auth`).
   */
  static join(incidentId: string, grantToken: string, sessionToken: string, events: ViewerEvents, ready?: SeatConnection): Promise<ViewerSession> {
    return ViewerSession.#seat(ready ?? startSeatConnection(), (device) => ({ incidentId, grantToken, session: sessionToken, rtpCapabilities: asWire(device.rtpCapabilities) }), events);
  }

  /**
   * From the inbox, on a seat prepared while the grant was shown: one message, on a transport
   * already connected; the relay runs the streams at once.
   */
  static joinPrepared(prepared: PreparedSeat, sessionToken: string, events: ViewerEvents): Promise<ViewerSession> {
    const { device, signal, transport, bound } = prepared.take();
    const body = (d: Device) => ({
      incidentId: prepared.incidentId,
      grantId: prepared.grantId,
      session: sessionToken,
      rtpCapabilities: asWire(d.rtpCapabilities),
      ...(bound.length ? { bound: BOUND_MIDS } : {}),
    });
    return ViewerSession.#seat(Promise.resolve([device, signal]), body, events, { transport, bound });
  }

  /** From the inbox, without a prepared seat (none was ready): the whole join, by grant. */
  static joinGrant(incidentId: string, grantId: string, sessionToken: string, events: ViewerEvents): Promise<ViewerSession> {
    return ViewerSession.#seat(startSeatConnection(), (device) => ({ incidentId, grantId, session: sessionToken, rtpCapabilities: asWire(device.rtpCapabilities) }), events);
  }

  static async #seat(ready: SeatConnection, body: (device: Device) => RequestBody<'join'>, events: ViewerEvents, prepared?: PreparedReceive): Promise<ViewerSession> {
    const [device, signal] = await ready;
    const session = new ViewerSession(signal, events, device);
    session.listen();
    try {
      const { info, receiver } = await MediaReceiver.open(signal, device, events, () => signal.request('join', body(device)), prepared);
      session.info = info;
      session.receiver = receiver;
      // The first presence arrives before the join's answer: shown again, now knowing which entry is this seat.
      if (session.lastPresence) events.presence(session.lastPresence, info.you);
      const send = info.sendTransport;
      if (send) session.#makeSend = () => createSendTransport(device, signal, send, iceOptions(info.iceServers));
      void session.clock.sync(signal);
      session.keepReceivingSeat(info);
    } catch (error) {
      const endedMeanwhile = session.finished;
      session.teardown();
      // Access that ended while joining (the grant expired, say) closes the socket under the
      // join's last requests: say why it ended, not that the socket went.
      throw endedMeanwhile ? new SightlineError(session.endCode, 'Access ended while joining') : error;
    }
    if (session.finished) {
      session.teardown(); // ended while joining: release what the join created
      throw new SightlineError(session.endCode, 'Access ended while joining');
    }
    session.started = true;
    return session;
  }

  get canTalk(): boolean {
    return (this.sendTransport !== null || this.#makeSend !== null) && (this.info?.permissions.includes('talk') ?? false);
  }

  /**
   * The talk-back transport, made now if it is not yet. Its peer connection is made after the join
   * rather than in it: building one takes the page's main thread for tens of milliseconds, which
   * the first picture needs (the viewer asks once the picture is shown; push-to-talk at once).
   */
  talkTransport(): types.Transport | null {
    if (this.#makeSend && !this.finished) this.sendTransport = this.#makeSend();
    this.#makeSend = null;
    return this.sendTransport;
  }

  protected override afterRejoin(): void {
    this.#makeSend = null; // the rejoin made the new room's transport
  }

  /** Current time on the server's clock (for the expiry countdown). */
  serverNow(): number {
    return this.clock.now();
  }

  /** Leave: close media and the socket without reporting `ended`. */
  leave(): void {
    this.finished = true;
    this.teardown();
  }

  private listen(): void {
    this.signal.on('presence', ({ participants }) => {
      this.lastPresence = participants;
      this.events.presence(participants, this.info?.you ?? null);
    });
    // This socket carries exactly one grant, so any update is about it.
    this.signal.on('grant.updated', ({ expiresAt }) => this.events.grantUpdated(expiresAt));
    this.listenForEnd();
  }
}
