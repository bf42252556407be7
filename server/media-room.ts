// The media of one live incident: a router on one worker, and the peers in it.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { MediaError, mediaCall } from './media-errors.ts';
import type { MediaPlaneOptions } from './media-options.ts';
import { MediaPeer } from './media-peer.ts';
import type { ProducerDescription, RoomCloseReason } from './media-types.ts';

export interface MediaRoomEvents {
  producerAdded: [ProducerDescription];
  producerStateChanged: [ProducerDescription];
  closed: [reason: RoomCloseReason];
}

export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  readonly #peers = new Map<string, MediaPeer>();
  #closed = false;

  constructor(
    readonly incidentId: string,
    readonly router: types.Router,
    readonly worker: types.Worker,
    private readonly options: MediaPlaneOptions,
  ) {
    super();
    router.observer.once('close', () => this.close('worker-died'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get rtpCapabilities(): unknown {
    return this.router.rtpCapabilities;
  }

  /** Adds a peer; a peer with the same id is replaced (its media closed first). */
  addPeer(peerId: string): MediaPeer {
    if (this.#closed) throw new MediaError('ROOM_CLOSED', `incident ${this.incidentId} has no media room`);
    return this.#register(new MediaPeer(peerId, this.router, this.options, (producerId) => this.#findProducer(producerId)));
  }

  /**
   * Adds a receive-only peer on a router of its own whose payload types are fixed by
   * `mediaCodecs` (a WHEP player's offer fixes the payload types it receives, and consumers take
   * their router's), fed by piping the room's current producers into that router over a pipe
   * transport pair on this worker (loopback). The router closes with the peer.
   */
  async addPeerWithPayloadTypes(peerId: string, mediaCodecs: types.RouterRtpCodecCapability[]): Promise<MediaPeer> {
    if (this.#closed) throw new MediaError('ROOM_CLOSED', `incident ${this.incidentId} has no media room`);
    const router = await mediaCall('createRouter', () => this.worker.createRouter({ mediaCodecs }));
    const aliases = new Map<string, string>();
    try {
      await mediaCall('pipe', async () => {
        // pipeToRouter() keeps producer ids, which collide within one worker: pipe by hand.
        const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
        const [from, to] = await Promise.all([this.router.createPipeTransport({ listenInfo }), router.createPipeTransport({ listenInfo })]);
        await from.connect({ ip: to.tuple.localAddress, port: to.tuple.localPort });
        await to.connect({ ip: from.tuple.localAddress, port: from.tuple.localPort });
        for (const producer of this.producers()) {
          const pipeConsumer = await from.consume({ producerId: producer.producerId });
          const pipeProducer = await to.produce({ kind: pipeConsumer.kind, rtpParameters: pipeConsumer.rtpParameters, paused: pipeConsumer.producerPaused });
          pipeConsumer.observer.once('close', () => pipeProducer.close());
          pipeConsumer.on('producerpause', () => void pipeProducer.pause().catch(() => undefined));
          pipeConsumer.on('producerresume', () => void pipeProducer.resume().catch(() => undefined));
          aliases.set(producer.producerId, pipeProducer.id);
        }
        router.observer.once('close', () => from.close());
      });
      if (this.#closed) throw new MediaError('ROOM_CLOSED', `incident ${this.incidentId} has no media room`);
    } catch (error) {
      router.close();
      throw error;
    }
    const peer = this.#register(new MediaPeer(peerId, router, this.options, (producerId) => this.#findProducer(producerId), (producerId) => aliases.get(producerId)));
    peer.once('closed', () => router.close());
    return peer;
  }

  #register(peer: MediaPeer): MediaPeer {
    const peerId = peer.peerId;
    this.#peers.get(peerId)?.close();
    this.#peers.set(peerId, peer);
    peer.on('producerAdded', (producer) => this.emit('producerAdded', producer));
    peer.on('producerStateChanged', (producer) => this.emit('producerStateChanged', producer));
    peer.on('producerFlowing', (producerId) => void this.requestKeyFrames(producerId));
    peer.once('closed', () => {
      if (this.#peers.get(peerId) === peer) this.#peers.delete(peerId);
    });
    return peer;
  }

  peer(peerId: string): MediaPeer | undefined {
    return this.#peers.get(peerId);
  }

  removePeer(peerId: string): void {
    this.#peers.get(peerId)?.close();
  }

  /** Every viewer of the producer asks its sender for a keyframe. */
  async requestKeyFrames(producerId: string): Promise<void> {
    await Promise.all([...this.#peers.values()].map((peer) => peer.requestKeyFrames(producerId)));
  }

  producers(): ProducerDescription[] {
    return [...this.#peers.values()].flatMap((peer) => peer.producers());
  }

  consumerCount(): number {
    let count = 0;
    for (const peer of this.#peers.values()) count += peer.consumerCount();
    return count;
  }

  /** Closes every peer and the router. Idempotent; the first reason wins. */
  close(reason: RoomCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    this.router.close();
    this.emit('closed', reason);
    this.removeAllListeners();
  }

  #findProducer(producerId: string) {
    for (const peer of this.#peers.values()) {
      const producer = peer.producer(producerId);
      if (producer) return { producer, peerId: peer.peerId };
    }
    return undefined;
  }
}
