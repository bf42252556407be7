// The media of one live incident: a router on one worker, and the peers in it.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { MediaError } from './media-errors.ts';
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
    this.#peers.get(peerId)?.close();
    const peer = new MediaPeer(peerId, this.router, this.options, (producerId) => this.#findProducer(producerId));
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
