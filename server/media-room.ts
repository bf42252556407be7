// The media of one live incident: its routers and the peers in them. The camera's peer lives on
// the first router; when viewers outgrow a router (`viewersPerRouter`), another router on another
// worker is added and every producer is piped into it, so a large audience spreads over workers.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { createIdleProducers, type IdleProducers } from './idle-producers.ts';
import { MediaError, mediaCall } from './media-errors.ts';
import type { PortBudget } from './port-budget.ts';
import type { MediaPlaneOptions } from './media-options.ts';
import { MediaPeer, type FoundProducer, type PreparedReceive } from './media-peer.ts';
import type { ProducerDescription, RoomCloseReason } from './media-types.ts';

export interface MediaRoomEvents {
  producerAdded: [ProducerDescription];
  producerStateChanged: [ProducerDescription];
  closed: [reason: RoomCloseReason];
}

export interface RouterSlot {
  router: types.Router;
  worker: types.Worker;
}

export interface RouterSupply {
  /** A new router on a worker not in `busy`, or undefined when every worker is busy. */
  acquire(busy: readonly types.Worker[]): Promise<RouterSlot | undefined>;
  release(slot: RouterSlot): void;
}

export class MediaRoom extends EventEmitter<MediaRoomEvents> {
  readonly #peers = new Map<string, { peer: MediaPeer; slot: RouterSlot; viewer: boolean }>();
  readonly #slots: RouterSlot[];
  /** Per router, producers that never send, for prepared receive transports (idle-producers.ts). */
  readonly #idle = new Map<types.Router, Promise<IdleProducers>>();
  /** Peers are placed one at a time so that each placement sees the ones before it. */
  #placing: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(
    readonly incidentId: string,
    primary: RouterSlot,
    private readonly options: MediaPlaneOptions,
    private readonly supply: RouterSupply,
    /** The node's WebRTC ports, shared by every room. */
    private readonly ports: PortBudget,
  ) {
    super();
    this.#slots = [primary];
    this.#watch(primary);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The camera's router: the one every other router is fed from. */
  get router(): types.Router {
    return this.#slots[0]!.router;
  }

  get rtpCapabilities(): unknown {
    return this.router.rtpCapabilities;
  }

  workers(): types.Worker[] {
    return this.#slots.map((slot) => slot.worker);
  }

  routerCount(): number {
    return this.#slots.length;
  }

  /**
   * Adds a peer; a peer with the same id is replaced (its media closed first). Viewers go to the
   * first router with room for them, publishers to the camera's router.
   */
  addPeer(peerId: string, role: 'publisher' | 'viewer' = 'publisher'): Promise<MediaPeer> {
    const placed = this.#placing.then(() => this.#place(peerId, role));
    this.#placing = placed.catch(() => undefined);
    return placed;
  }

  async #place(peerId: string, role: 'publisher' | 'viewer'): Promise<MediaPeer> {
    this.#assertOpen();
    const slot = role === 'viewer' ? await this.#slotForViewer() : this.#slots[0]!;
    this.#assertOpen();
    const peer = new MediaPeer(peerId, slot.router, { ...this.options, ports: this.ports, claimant: role }, (producerId) => this.#findProducer(producerId));
    return this.#register(peer, slot, role === 'viewer');
  }

  /**
   * A viewer's peer with a receive transport made ahead of its join: placed like any viewer, with
   * nothing consumed; the browser connects it through an idle data channel. The seat takes this
   * peer over when it joins (LiveIncident.add's `prepared`).
   */
  async preparePeer(peerId: string, sctp: { numStreams: { OS: number; MIS: number } }): Promise<{ peer: MediaPeer; receive: PreparedReceive }> {
    const peer = await this.addPeer(peerId, 'viewer');
    try {
      const receive = await peer.prepareReceive(sctp, await this.#idleProducers(this.#slotOf(peerId).router));
      return { peer, receive };
    } catch (error) {
      peer.close();
      throw error;
    }
  }

  #idleProducers(router: types.Router): Promise<IdleProducers> {
    let idle = this.#idle.get(router);
    if (!idle) {
      idle = createIdleProducers(router);
      this.#idle.set(router, idle);
      idle.catch(() => this.#idle.delete(router));
    }
    return idle;
  }

  /**
   * Adds a receive-only peer on a router of its own whose payload types are fixed by
   * `mediaCodecs` (a WHEP player's offer fixes the payload types it receives, and consumers take
   * their router's), fed by piping the room's current producers into that router over a pipe
   * transport pair on the camera's worker (loopback). The router closes with the peer.
   */
  async addPeerWithPayloadTypes(peerId: string, mediaCodecs: types.RouterRtpCodecCapability[]): Promise<MediaPeer> {
    this.#assertOpen();
    const primary = this.#slots[0]!;
    const router = await mediaCall('createRouter', () => primary.worker.createRouter({ mediaCodecs }));
    const aliases = new Map<string, string>();
    try {
      await mediaCall('pipe', async () => {
        // pipeToRouter() keeps producer ids, which collide within one worker: pipe by hand.
        const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
        const [from, to] = await Promise.all([primary.router.createPipeTransport({ listenInfo }), router.createPipeTransport({ listenInfo })]);
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
      this.#assertOpen();
    } catch (error) {
      router.close();
      throw error;
    }
    const peer = new MediaPeer(
      peerId,
      router,
      { ...this.options, ports: this.ports, claimant: 'viewer' },
      (producerId) => this.#findProducer(producerId),
      (producerId) => aliases.get(producerId),
    );
    peer.once('closed', () => router.close());
    return this.#register(peer, primary, true);
  }

  #register(peer: MediaPeer, slot: RouterSlot, viewer: boolean): MediaPeer {
    const peerId = peer.peerId;
    this.#peers.get(peerId)?.peer.close();
    this.#peers.set(peerId, { peer, slot, viewer });
    peer.on('producerAdded', (producer) => void this.#spread(producer));
    peer.on('producerStateChanged', (producer) => this.emit('producerStateChanged', producer));
    peer.on('producerFlowing', (producerId) => void this.requestKeyFrames(producerId));
    peer.once('closed', () => {
      if (this.#peers.get(peerId)?.peer === peer) this.#peers.delete(peerId);
    });
    return peer;
  }

  /** Every viewer of the producer asks its sender for a keyframe. */
  async requestKeyFrames(producerId: string): Promise<void> {
    await Promise.all(this.peers().map((peer) => peer.requestKeyFrames(producerId)));
  }

  peer(peerId: string): MediaPeer | undefined {
    return this.#peers.get(peerId)?.peer;
  }

  peers(): MediaPeer[] {
    return [...this.#peers.values()].map((entry) => entry.peer);
  }

  removePeer(peerId: string): void {
    this.#peers.get(peerId)?.peer.close();
  }

  producers(): ProducerDescription[] {
    return this.peers().flatMap((peer) => peer.producers());
  }

  consumerCount(): number {
    return this.peers().reduce((n, peer) => n + peer.consumerCount(), 0);
  }

  /** Closes every peer and router. Idempotent; the first reason wins. */
  close(reason: RoomCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { peer } of this.#peers.values()) peer.close();
    this.#peers.clear();
    for (const slot of this.#slots) {
      slot.router.close();
      this.supply.release(slot);
    }
    this.emit('closed', reason);
    this.removeAllListeners();
  }

  async #slotForViewer(): Promise<RouterSlot> {
    const viewersOn = (slot: RouterSlot) => [...this.#peers.values()].filter((e) => e.viewer && e.slot === slot).length;
    const roomy = this.#slots.find((slot) => viewersOn(slot) < this.options.viewersPerRouter);
    if (roomy) return roomy;
    // A worker holds at most one router of a room (piped producers keep their ids); when every
    // worker has one, the least crowded router takes the viewer.
    const grown = await this.#grow();
    return grown ?? [...this.#slots].sort((a, b) => viewersOn(a) - viewersOn(b))[0]!;
  }

  async #grow(): Promise<RouterSlot | undefined> {
    const slot = await this.supply.acquire(this.workers());
    if (!slot) return undefined;
    if (this.#closed) {
      slot.router.close();
      this.supply.release(slot);
      throw new MediaError('ROOM_CLOSED', 'the incident ended');
    }
    this.#slots.push(slot);
    this.#watch(slot);
    for (const producer of this.producers()) await this.#pipe(producer.producerId, this.#slotOf(producer.peerId), slot);
    return slot;
  }

  /** A new producer reaches every router of the room before anyone is offered it. */
  async #spread(producer: ProducerDescription): Promise<void> {
    const from = this.#slotOf(producer.peerId);
    try {
      for (const slot of this.#slots) if (slot !== from) await this.#pipe(producer.producerId, from, slot);
    } catch {
      if (this.#closed) return;
    }
    if (!this.#closed) this.emit('producerAdded', producer);
  }

  async #pipe(producerId: string, from: RouterSlot, to: RouterSlot): Promise<void> {
    if (from === to) return;
    await mediaCall('pipeToRouter', () => from.router.pipeToRouter({ producerId, router: to.router }));
  }

  #slotOf(peerId: string): RouterSlot {
    return this.#peers.get(peerId)?.slot ?? this.#slots[0]!;
  }

  #watch(slot: RouterSlot): void {
    slot.router.observer.once('close', () => this.close('worker-died'));
  }

  #findProducer(producerId: string): FoundProducer | undefined {
    for (const { peer } of this.#peers.values()) {
      const producer = peer.producer(producerId);
      if (producer) return { producer, peerId: peer.peerId, owner: peer };
    }
    return undefined;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('ROOM_CLOSED', `incident ${this.incidentId} has no media room`);
  }
}
