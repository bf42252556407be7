// Receiving an incident's media over a signalling socket. The server creates consumers paused
// (in a `join`/`watch` reply, or later as `consumer.new`); each becomes a client consumer, is
// resumed with `consumers.resume` in as few requests as possible, and is handed to the page. On a
// prepared seat, the streams the relay sends on the receivers bound ahead are taken as they are.
// Works on a socket it does not own (the supervisor console's): close() only unsubscribes.
import type { Device, types } from 'mediasoup-client';
import type { ConsumerInfo, ResponseData, TransportInfo } from '../../../signaling/protocol/messages.ts';
import { iceOptions } from './ice-config.ts';
import { asWire, closeTransport, consume, createRecvTransport, createSendTransport, type IceOptions } from './media-device.ts';
import { PlayoutGuard } from './playout-guard.ts';
import type { SignalClient } from '../net/signal-client.ts';

export type JoinInfo = ResponseData['join'];

/** A prepared seat's connected receive transport, with the receivers it bound ahead (bound-receivers.ts). */
export interface PreparedReceive {
  transport: types.Transport;
  bound: types.Consumer[];
}

export interface ReceiverEvents {
  /** A stream is ready to attach (its resume is already on its way). */
  trackAdded(consumer: types.Consumer): void;
  trackRemoved(consumer: types.Consumer): void;
}

const RESUME_BATCH = 16;

export class MediaReceiver {
  private transport: types.Transport | null = null;
  /** By the relay's consumer id (a bound receiver's own id is the browser's). */
  private readonly consumers = new Map<string, types.Consumer>();
  /** Bound receivers not taken yet, by MID. */
  private readonly bound = new Map<string, types.Consumer>();
  private readonly early: ConsumerInfo[] = [];
  private readonly unsubscribe: Array<() => void>;
  private readonly guard = new PlayoutGuard(
    () => [...this.consumers.values()],
    (consumerId) => this.renew(this.relayIdOf(consumerId)),
  );
  private closed = false;

  /**
   * Subscribes at once: create it before sending the request that makes the transport, so that
   * no `consumer.new` sent right after the reply is missed. `accept` filters unwanted consumers.
   */
  constructor(
    private readonly signal: SignalClient,
    private readonly events: ReceiverEvents,
    private readonly accept: (info: ConsumerInfo) => boolean = () => true,
  ) {
    this.unsubscribe = [
      signal.on('consumer.new', ({ consumer }) => {
        if (!this.transport) this.early.push(consumer);
        else this.add([consumer]).catch((error: unknown) => console.error('[media] cannot receive', error));
      }),
      signal.on('consumer.closed', ({ consumerId }) => this.removeConsumer(consumerId)),
    ];
  }

  /**
   * Send a `join`/`watch`-shaped request and receive what its reply offers. On failure the
   * receiver is closed and the error rethrown.
   */
  static async open(
    signal: SignalClient,
    device: Device,
    events: ReceiverEvents,
    request: () => Promise<JoinInfo>,
    /** The receive transport a prepared seat already connected (the reply names it). */
    prepared?: PreparedReceive,
  ): Promise<{ info: JoinInfo; receiver: MediaReceiver }> {
    const receiver = new MediaReceiver(signal, events);
    try {
      const info = await request();
      if (prepared && prepared.transport.id !== info.recvTransport.id) closeTransport(prepared.transport);
      const existing = prepared?.transport.id === info.recvTransport.id ? prepared : undefined;
      await receiver.start(device, info.recvTransport, info.consumers, iceOptions(info.iceServers), existing);
      return { info, receiver };
    } catch (error) {
      receiver.close();
      throw error;
    }
  }

  get recvTransport(): types.Transport | null {
    return this.transport;
  }

  /**
   * Create the receive transport (or take over `existing`, already connected), then consume
   * `initial` and whatever arrived meanwhile; each is resumed once set up (for consumers the relay
   * already runs, that says the browser is ready for them). Those the relay sends on `existing`'s
   * bound receivers need neither; bound receivers left over are closed.
   */
  async start(device: Device, info: TransportInfo, initial: ConsumerInfo[] = [], ice?: IceOptions, existing?: PreparedReceive): Promise<void> {
    if (this.closed) return;
    this.transport = existing?.transport ?? createRecvTransport(device, this.signal, info, ice);
    for (const receiver of existing?.bound ?? []) this.bound.set(receiver.rtpParameters.mid ?? '', receiver);
    try {
      await this.add([...initial, ...this.early.splice(0)]);
    } finally {
      for (const receiver of this.bound.values()) receiver.close();
      this.bound.clear();
    }
  }

  /**
   * The server rebuilt the incident's media room (`media.reset`): drop this transport and its
   * consumers, then start again on the transport and consumers the `media.rejoin` reply offers.
   */
  async restart(device: Device, info: TransportInfo, consumers: ConsumerInfo[]): Promise<void> {
    if (this.closed) return;
    for (const id of [...this.consumers.keys()]) this.removeConsumer(id);
    closeTransport(this.transport);
    this.transport = null;
    await this.start(device, info, consumers);
  }

  /** Replaces one consumer with a fresh one of the same stream (its playout fell behind live). */
  async renew(consumerId: string): Promise<void> {
    if (this.closed || !this.consumers.has(consumerId)) return;
    const { consumer } = await this.signal.request('consumer.renew', { consumerId });
    this.removeConsumer(consumerId);
    await this.add([consumer]);
  }

  /** Ids of the consumers being received now. */
  consumerIds(): string[] {
    return [...this.consumers.keys()];
  }

  /** Stop receiving: closes the consumers and the transport, and stops listening. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.guard.stop();
    for (const off of this.unsubscribe) off();
    for (const id of [...this.consumers.keys()]) this.removeConsumer(id);
    closeTransport(this.transport);
  }

  private async add(list: ConsumerInfo[]): Promise<void> {
    const transport = this.transport;
    if (!transport || transport.closed || list.length === 0) return;
    // All in the same tick: the transport takes them in one offer/answer, so the first one's
    // ICE and DTLS do not wait for the others' negotiations.
    const wanted = list.filter(this.accept);
    // The streams sent on bound receivers are running already: the page takes them first.
    for (const info of wanted) {
      const receiver = this.bound.get((info.rtpParameters as types.RtpParameters).mid ?? '');
      if (receiver) this.adopt(receiver, info);
    }
    const rest = wanted.filter((info) => !this.consumers.has(info.id));
    const created = await Promise.allSettled(rest.map((info) => consume(transport, info)));
    const ids: string[] = [];
    created.forEach((result, i) => {
      if (result.status === 'rejected') {
        console.error('[media] cannot consume', rest[i]!.kind, result.reason);
        return;
      }
      const consumer = result.value;
      if (this.closed) {
        consumer.close();
        return;
      }
      this.consumers.set(consumer.id, consumer);
      consumer.on('transportclose', () => this.removeConsumer(consumer.id));
      ids.push(consumer.id);
    });
    // The browser takes the streams as soon as they are set up, so they are resumed before the page
    // attaches them: a held video consumer's keyframe is then on its way while the page builds its
    // players and meters, rather than after.
    const resumed = this.resume(ids);
    for (const id of ids) {
      const consumer = this.consumers.get(id);
      if (consumer) this.events.trackAdded(consumer);
    }
    await resumed;
  }

  /** Takes a bound receiver for the relay's consumer `info` (sent on its MID). */
  private adopt(receiver: types.Consumer, info: ConsumerInfo): void {
    this.bound.delete(receiver.rtpParameters.mid ?? '');
    receiver.appData = { source: info.source, from: info.from };
    this.consumers.set(info.id, receiver);
    receiver.on('transportclose', () => this.removeConsumer(info.id));
    this.events.trackAdded(receiver);
  }

  /** The relay's id of a consumer this receiver holds (a bound receiver's own id differs). */
  private relayIdOf(consumerId: string): string {
    for (const [id, consumer] of this.consumers) if (consumer.id === consumerId) return id;
    return consumerId;
  }

  private async resume(ids: string[]): Promise<void> {
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
}

/**
 * After `media.reset`: ask for this connection's media in the rebuilt room, close the old send
 * transport, restart `receiver` on the new receive transport. Returns the new send transport.
 */
export async function rejoinMedia(
  signal: SignalClient,
  device: Device,
  receiver: MediaReceiver | null,
  oldSend: types.Transport | null,
): Promise<types.Transport | null> {
  const reply = await signal.request('media.rejoin', { rtpCapabilities: asWire(device.rtpCapabilities) });
  closeTransport(oldSend);
  const send = reply.sendTransport ? createSendTransport(device, signal, reply.sendTransport) : null;
  await receiver?.restart(device, reply.recvTransport, reply.consumers);
  return send;
}
