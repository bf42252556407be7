// The clinician's connection to one incident: join with a grant token, receive media, talk back.
import type { Device, types } from 'mediasoup-client';
import type { ConsumerInfo, PresenceEntry, ResponseData } from '../../signaling/protocol/messages.ts';
import { SightlineError, toCode, type AnyErrorCode } from './errors.ts';
import { asWire, closeTransport, consume, createRecvTransport, createSendTransport, loadDevice } from './media-device.ts';
import { SignalClient } from './signal-client.ts';
import { setLinkCounts, setLinkState } from './debug-hooks.ts';
import { iceOptions } from './ice-config.ts';
import { LinkResilience, type LinkState } from './link-resilience.ts';

export type JoinInfo = ResponseData['join'];

export interface ViewerEvents {
  /** A stream is ready to attach (it is resumed right after this returns). */
  trackAdded(consumer: types.Consumer): void;
  trackRemoved(consumer: types.Consumer): void;
  presence(entries: PresenceEntry[]): void;
  /** Access ended (expired, revoked, incident over) or the connection dropped. Media is already closed. */
  ended(code: AnyErrorCode, message: string | undefined): void;
  /** The signalling link dropped ('reconnecting') or was resumed ('ok'). */
  link?(state: LinkState): void;
}

const RESUME_BATCH = 16;

export class ViewerSession {
  info: JoinInfo | null = null;
  sendTransport: types.Transport | null = null;
  private recvTransport: types.Transport | null = null;
  private readonly consumers = new Map<string, types.Consumer>();
  private readonly early: ConsumerInfo[] = [];
  private clockOffsetMs = 0;
  private finished = false;
  private started = false;
  private endCode: AnyErrorCode = 'DISCONNECTED';
  private resilience: LinkResilience | null = null;

  private constructor(
    readonly signal: SignalClient,
    private readonly device: Device,
    private readonly events: ViewerEvents,
  ) {}

  /** Load the device, open the socket and join (one round trip; no `auth` message). */
  static async join(incidentId: string, grantToken: string, events: ViewerEvents): Promise<ViewerSession> {
    const device = await loadDevice();
    const signal = await SignalClient.connect();
    const session = new ViewerSession(signal, device, events);
    session.listen();
    try {
      const info = await signal.request('join', {
        incidentId,
        grantToken,
        rtpCapabilities: asWire(device.rtpCapabilities),
      });
      session.info = info;
      session.recvTransport = createRecvTransport(device, signal, info.recvTransport, iceOptions(info.iceServers));
      if (info.sendTransport) session.sendTransport = createSendTransport(device, signal, info.sendTransport, iceOptions(info.iceServers));
      await session.addConsumers([...info.consumers, ...session.early.splice(0)]);
      void session.syncClock();
      if (info.resumeToken) session.keepAlive(info.resumeToken, info.resumeGraceSeconds ?? 0, info.iceServers);
    } catch (error) {
      session.teardown();
      throw error;
    }
    if (session.finished) throw new SightlineError(session.endCode, 'Access ended while joining');
    session.started = true;
    return session;
  }

  get canTalk(): boolean {
    return this.sendTransport !== null && (this.info?.permissions.includes('talk') ?? false);
  }

  /** Current time on the server's clock (for the expiry countdown). */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  transports(): Array<types.Transport | null> {
    return [this.recvTransport, this.sendTransport];
  }

  /** Leave: close media and the socket without reporting `ended`. */
  leave(): void {
    this.finished = true;
    this.teardown();
  }

  private listen(): void {
    let shutdownMessage: string | undefined;
    this.signal.on('consumer.new', ({ consumer }) => {
      if (this.recvTransport) void this.addConsumers([consumer]);
      else this.early.push(consumer);
    });
    this.signal.on('consumer.closed', ({ consumerId }) => this.removeConsumer(consumerId));
    this.signal.on('presence', ({ participants }) => this.events.presence(participants));
    this.signal.on('access.ended', ({ code, message }) => this.finish(toCode(code), message));
    this.signal.on('server.shutdown', ({ message }) => {
      shutdownMessage = message;
    });
    this.signal.onClose(() => {
      if (!shutdownMessage && this.resilience?.resume()) return;
      this.finish(shutdownMessage ? 'SERVER_SHUTTING_DOWN' : 'DISCONNECTED', shutdownMessage);
    });
  }

  /** Resume the seat after drops; after an ICE restart, ask for a keyframe by resuming the consumers again. */
  private keepAlive(resumeToken: string, graceSeconds: number, iceServers: JoinInfo['iceServers']): void {
    this.resilience = new LinkResilience({
      signal: this.signal,
      resumeToken,
      graceMs: graceSeconds * 1000,
      iceServers,
      transports: () => this.transports(),
      onMediaRestored: () => {
        const ids = [...this.consumers.keys()];
        if (ids.length) void this.signal.request('consumers.resume', { consumerIds: ids.slice(0, RESUME_BATCH) }).catch(() => undefined);
      },
      onLinkState: (state) => {
        setLinkState(state);
        this.events.link?.(state);
      },
      onCounts: setLinkCounts,
      onGiveUp: (code) => this.finish(code, undefined),
    });
  }

  /** Create client consumers, hand them to the page, then resume them in as few requests as possible. */
  private async addConsumers(list: ConsumerInfo[]): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || list.length === 0) return;
    const ids: string[] = [];
    for (const info of list) {
      try {
        const consumer = await consume(transport, info);
        this.consumers.set(consumer.id, consumer);
        consumer.on('transportclose', () => this.removeConsumer(consumer.id));
        this.events.trackAdded(consumer);
        ids.push(consumer.id);
      } catch (error) {
        console.error('[watch] cannot consume', info.kind, error);
      }
    }
    for (let i = 0; i < ids.length; i += RESUME_BATCH) {
      await this.signal.request('consumers.resume', { consumerIds: ids.slice(i, i + RESUME_BATCH) });
    }
  }

  private removeConsumer(consumerId: string): void {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) return;
    this.consumers.delete(consumerId);
    consumer.track.stop();
    consumer.close();
    this.events.trackRemoved(consumer);
  }

  /** Estimate the server clock offset with one ping (best effort). */
  private async syncClock(): Promise<void> {
    try {
      const sent = Date.now();
      const { serverTime } = await this.signal.request('ping', {});
      const received = Date.now();
      if (received - sent < 2000) this.clockOffsetMs = serverTime - (sent + received) / 2;
    } catch {
      // Keep the local clock.
    }
  }

  private finish(code: AnyErrorCode, message: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.endCode = code;
    this.teardown();
    if (this.started) this.events.ended(code, message);
  }

  private teardown(): void {
    this.resilience?.stop();
    for (const id of [...this.consumers.keys()]) this.removeConsumer(id);
    closeTransport(this.sendTransport);
    closeTransport(this.recvTransport);
    this.signal.close();
  }
}
