// One participant's media in a room: its transports, producers and consumers.
// Closing the peer closes all of them; the router stays with the room.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { startBandwidthEstimation, type IdleProducers } from './idle-producers.ts';
import { MediaError, mediaCall } from './media-errors.ts';
import type { MediaPlaneOptions } from './media-options.ts';
import { openWebRtcTransport, type Direction } from './webrtc-transport.ts';
import type { PortBudget, PortClaimant } from './port-budget.ts';
import { producerParametersProblem } from './producer-parameters.ts';
import type { FirstKeyFrame } from './keyframe-gate.ts';
import { ProducerKeyFrames } from './producer-keyframes.ts';
import { climbOnceShown, layerClimbFor } from './first-picture-layer.ts';
import type { ConsumerDescription, ProduceRequest, ProducerDescription, StreamSample, TransportDescription } from './media-types.ts';
import { streamSamples } from './stream-samples.ts';
import { consumeBound, reserveBoundSsrcs, type BoundSsrcs } from './bound-ssrcs.ts';
import { describeProducer, describeTransport } from './media-descriptions.ts';

/** A producer of the room, the peer that sends it, and that peer (for its keyframe gate). */
export interface FoundProducer {
  producer: types.Producer<{ source: string }>;
  peerId: string;
  owner: MediaPeer;
}

/** What a receive transport prepared ahead of a join carries: an idle data channel that makes the browser connect it. */
export interface PreparedReceive {
  transport: TransportDescription;
  dataConsumer: { id: string; dataProducerId: string; sctpStreamParameters: unknown; label: string; protocol: string };
  /** The SSRCs the camera's streams will have on it, for receivers bound ahead (bound-ssrcs.ts). */
  ssrcs: BoundSsrcs;
}

export interface MediaPeerEvents {
  producerAdded: [ProducerDescription];
  producerStateChanged: [ProducerDescription];
  /** A consumer closed by the server side (its producer went away). */
  consumerClosed: [consumerId: string];
  /** A video producer's RTP flows again after its sender's ICE restart: its viewers need a keyframe. */
  producerFlowing: [producerId: string];
  /** A transport's ICE/DTLS state: `disconnected` after consent was lost, `failed` on a DTLS failure or close. */
  transportState: [transportId: string, state: 'connected' | 'disconnected' | 'failed'];
  closed: [];
}

export class MediaPeer extends EventEmitter<MediaPeerEvents> {
  readonly #transports = new Map<string, types.WebRtcTransport<{ direction: Direction }>>();
  readonly #producers = new Map<string, types.Producer<{ source: string }>>();
  readonly #consumers = new Map<string, types.Consumer>();
  /** Keyframes of this peer's video producers: forced after a gap, and a new viewer's first. */
  readonly #keyFrames: ProducerKeyFrames;
  /** Consumers resumed at least once: only a consumer's first resume is a new viewer's first picture. */
  readonly #resumedOnce = new Set<string>();
  /** A prepared receive transport's paused consumer of an idle producer, until its first real consumer (idle-producers.ts). */
  #warmUp: types.Consumer | null = null;
  /** SSRCs reserved for the streams of receivers bound ahead on a prepared transport. */
  #bound: BoundSsrcs | null = null;
  #closed = false;

  constructor(
    readonly peerId: string,
    private readonly router: types.Router,
    private readonly options: Pick<
      MediaPlaneOptions,
      'listenIp' | 'announcedAddress' | 'portRange' | 'maxTransportsPerPeer' | 'initialAvailableOutgoingBitrate' | 'viewerBitrateFloor' | 'keyFrameRequestDelay'
    > & { ports: PortBudget; claimant: PortClaimant },
    private readonly findProducer: (producerId: string) => FoundProducer | undefined,
    /** On a router of its own (WHEP), the room's producers appear under other ids. */
    private readonly producerAlias: (producerId: string) => string | undefined = () => undefined,
  ) {
    super();
    this.#keyFrames = new ProducerKeyFrames(options.keyFrameRequestDelay ?? 0, (producerId) => this.emit('producerFlowing', producerId));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Creates a transport. `sctp` (the browser's SCTP capabilities) opens SCTP on it: a receive
   * transport prepared ahead of a join connects through an idle data channel.
   */
  async createTransport(direction: Direction, sctp?: { numStreams: { OS: number; MIS: number } }): Promise<TransportDescription> {
    this.#assertOpen();
    if (this.#transports.size >= this.options.maxTransportsPerPeer) {
      throw new MediaError('TRANSPORT_LIMIT', `a peer may hold at most ${this.options.maxTransportsPerPeer} transports`);
    }
    const transport = await openWebRtcTransport(this.router, this.options, direction, sctp, (id, state) => this.emit('transportState', id, state));
    if (this.#closed) {
      transport.close();
      throw new MediaError('ROOM_CLOSED', 'the peer closed while its transport was being created');
    }
    this.#transports.set(transport.id, transport);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
    return describeTransport(transport);
  }

  /**
   * A receive transport made ahead of a join (nothing consumed): it carries one data consumer of
   * an idle data producer, so that the browser has something to negotiate and connects it (ICE
   * and DTLS done) before any media is asked for, and a paused consumer of an idle video producer
   * that starts its bandwidth estimation (idle-producers.ts). Nothing is ever sent on it.
   */
  async prepareReceive(sctp: { numStreams: { OS: number; MIS: number } }, idle: IdleProducers): Promise<PreparedReceive> {
    if (this.#recvTransport()) throw new MediaError('TRANSPORT_LIMIT', 'this peer already has a receive transport');
    const description = await this.createTransport('recv', sctp);
    const transport = this.#transport(description.id);
    const dataConsumer = await mediaCall('consumeData', () => transport.consumeData({ dataProducerId: idle.dataProducerId }));
    this.#warmUp = await startBandwidthEstimation(this.router, transport, idle);
    this.#bound = reserveBoundSsrcs();
    return {
      ssrcs: this.#bound,
      transport: { ...description, sctpParameters: transport.sctpParameters },
      dataConsumer: {
        id: dataConsumer.id,
        dataProducerId: idle.dataProducerId,
        sctpStreamParameters: dataConsumer.sctpStreamParameters,
        label: dataConsumer.label,
        protocol: dataConsumer.protocol,
      },
    };
  }

  /** The receive transport this peer already has (a prepared one), if any. */
  recvTransportDescription(): TransportDescription | undefined {
    const transport = this.#recvTransport();
    return transport ? describeTransport(transport) : undefined;
  }

  async connectTransport(transportId: string, dtlsParameters: unknown): Promise<void> {
    const transport = this.#transport(transportId);
    await mediaCall('connect', () => transport.connect({ dtlsParameters: dtlsParameters as types.DtlsParameters }));
  }

  async produce(request: ProduceRequest): Promise<ProducerDescription> {
    const transport = this.#transport(request.transportId);
    if (transport.appData.direction !== 'send') {
      throw new MediaError('TRANSPORT_NOT_FOUND', 'media can only be sent on the send transport');
    }
    // Refused here, not at the first viewer's join: a stream no viewer could receive is not taken.
    const problem = producerParametersProblem(request.kind, request.rtpParameters);
    if (problem) throw new MediaError('PRODUCER_UNSUPPORTED', problem);
    // One stream per kind and source: a camera sends one audio and one video, talk-back one audio.
    if ([...this.#producers.values()].some((p) => p.kind === request.kind && p.appData.source === request.source)) {
      throw new MediaError('PRODUCER_LIMIT', `this peer already sends ${request.kind} as ${request.source}`);
    }
    const producer = await mediaCall('produce', () =>
      transport.produce<{ source: string }>({
        kind: request.kind,
        rtpParameters: request.rtpParameters as types.RtpParameters,
        paused: request.paused,
        ...(request.kind === 'video' ? { keyFrameRequestDelay: this.options.keyFrameRequestDelay ?? 0 } : {}),
        appData: { source: request.source },
      }),
    );
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      this.#keyFrames.forget(producer.id);
    });
    if (producer.kind === 'video') await this.#keyFrames.watch(producer);
    const description = describeProducer(this.peerId, producer);
    this.emit('producerAdded', description);
    return description;
  }

  async setProducerPaused(producerId: string, paused: boolean): Promise<ProducerDescription> {
    const producer = this.#producers.get(producerId);
    if (!producer) throw new MediaError('PRODUCER_NOT_FOUND', `no producer ${producerId} on this peer`);
    await mediaCall('pause/resume', () => (paused ? producer.pause() : producer.resume()));
    const description = describeProducer(this.peerId, producer);
    this.emit('producerStateChanged', description);
    return description;
  }

  /**
   * Creates a consumer (paused unless told otherwise) of another peer's producer on this peer's
   * receive transport. `mid` pins the consumer's MID (an SDP answer's m-line). Retransmission is
   * on for every kind (mediasoup's default leaves it off for audio): a receiver whose capabilities
   * list `nack` for Opus gets lost voice packets resent from the consumer's buffer; for one that
   * does not, the consumer negotiates no NACK. A simple or simulcast video consumer created paused
   * is held by the worker (recipe `held_start`: it keeps the keyframe it asks for until its first
   * resume); on a connected transport that starts now, so its first keyframe is decided here. A
   * simulcast consumer of three layers or more starts on the lowest and climbs once its picture runs
   * (first-picture-layer.ts).
   */
  async consume(producerId: string, rtpCapabilities: unknown, options: { mid?: string; paused?: boolean } = {}): Promise<ConsumerDescription> {
    this.#assertOpen();
    const found = this.findProducer(producerId);
    if (!found) throw new MediaError('PRODUCER_NOT_FOUND', `no producer ${producerId} in this room`);
    const capabilities = rtpCapabilities as types.RtpCapabilities;
    const localId = this.producerAlias(producerId) ?? producerId;
    if (!this.#canConsume(localId, capabilities)) throw new MediaError('CANNOT_CONSUME', 'the receiver does not support the producer codec');
    const transport = this.#recvTransport();
    if (!transport) throw new MediaError('TRANSPORT_NOT_FOUND', 'this peer has no receive transport');
    const paused = options.paused ?? true;
    const heldNow = paused && found.producer.kind === 'video' && transport.dtlsState === 'connected';
    const decision = heldNow ? found.owner.firstKeyFrame(producerId) : 'plain'; // before its own request
    const climb = layerClimbFor(found.producer);
    const consume = () =>
      transport.consume({
        producerId: localId,
        rtpCapabilities: capabilities,
        paused,
        enableRtx: true,
        appData: { producerId, ...(climb && paused ? { climbTo: climb.top } : {}) },
        ...(options.mid === undefined ? {} : { mid: options.mid }),
        ...(climb ? { preferredLayers: { spatialLayer: climb.start } } : {}),
      });
    // A stream on a receiver bound ahead takes the SSRC the browser was given for it.
    const bound = options.mid === undefined ? null : this.#bound;
    const consumer = await mediaCall('consume', () => (bound ? consumeBound(found.producer.kind, bound, consume) : consume()));
    this.#consumers.set(consumer.id, consumer);
    if (climb && !paused) climbOnceShown(consumer, climb.top);
    this.#warmUp?.close();
    this.#warmUp = null;
    consumer.observer.once('close', () => {
      this.#consumers.delete(consumer.id);
      this.#resumedOnce.delete(consumer.id);
    });
    consumer.on('producerclose', () => {
      consumer.close();
      this.emit('consumerClosed', consumer.id);
    });
    consumer.on('transportclose', () => this.#consumers.delete(consumer.id));
    if (heldNow && (consumer.type === 'simple' || consumer.type === 'simulcast')) {
      this.#resumedOnce.add(consumer.id);
      if (decision === 'force') await found.owner.forceKeyFrame(producerId);
    }
    return {
      consumerId: consumer.id,
      producerId,
      producerPeerId: found.peerId,
      kind: consumer.kind,
      source: found.producer.appData.source,
      rtpParameters: consumer.rtpParameters,
    };
  }

  /**
   * Replaces one of this peer's consumers with a fresh one (paused) of the same producer, for a
   * receiver whose playout buffer has run away from live: a new receiver starts at live.
   */
  async renewConsumer(consumerId: string, rtpCapabilities: unknown): Promise<ConsumerDescription> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new MediaError('CONSUMER_NOT_FOUND', `no consumer ${consumerId} on this peer`);
    const { producerId } = consumer.appData as { producerId?: string };
    if (!producerId) throw new MediaError('CONSUMER_NOT_FOUND', `consumer ${consumerId} has no producer`);
    const renewed = await this.consume(producerId, rtpCapabilities);
    consumer.close();
    this.#consumers.delete(consumerId);
    return renewed;
  }

  /**
   * Resumes consumers once the client is ready. A video consumer's resume makes mediasoup ask the
   * sender for a keyframe (a simulcast consumer's once its layer is chosen), throttled by the
   * producer's `keyFrameRequestDelay`; asking again on top of it would only bring a second keyframe
   * when the delay ends. A consumer's first resume is a new viewer's first picture: where the
   * throttle would hold its request back, a keyframe is forced (see keyframe-gate.ts). A consumer
   * held from its creation had that decided then (see consume()).
   */
  async resumeConsumers(consumerIds: readonly string[]): Promise<void> {
    const consumers = consumerIds.map((id) => {
      const consumer = this.#consumers.get(id);
      if (!consumer) throw new MediaError('CONSUMER_NOT_FOUND', `no consumer ${id} on this peer`);
      return consumer;
    });
    await Promise.all(consumers.map((consumer) => this.#resume(consumer)));
  }

  async #resume(consumer: types.Consumer): Promise<void> {
    const first = !this.#resumedOnce.has(consumer.id);
    this.#resumedOnce.add(consumer.id);
    const { producerId } = consumer.appData as { producerId?: string };
    const found = first && consumer.kind === 'video' && producerId ? this.findProducer(producerId) : undefined;
    // Decided before the resume, whose own request would otherwise count as one made for others.
    const decision = found ? found.owner.firstKeyFrame(producerId!) : 'plain';
    await mediaCall('resume', () => consumer.resume());
    const climb = consumer.appData as { climbTo?: number };
    if (climb.climbTo !== undefined) climbOnceShown(consumer, climb.climbTo);
    delete climb.climbTo; // once: at the first resume
    if (found && decision === 'force') await found.owner.forceKeyFrame(producerId!);
  }

  /**
   * Restarts ICE on one transport (new local ufrag and password; DTLS and media state are kept)
   * and returns the new ICE parameters for the client's `restartIce`.
   */
  async restartIce(transportId: string): Promise<unknown> {
    const transport = this.#transport(transportId);
    return mediaCall('restartIce', () => transport.restartIce());
  }

  /** A transport's current ICE and DTLS parameters and candidates (an SDP answer needs them). */
  transportDescription(transportId: string): TransportDescription | undefined {
    const transport = this.#transports.get(transportId);
    return transport ? describeTransport(transport) : undefined;
  }

  /** The peer's transports, for restarting ICE on all of them. */
  transports(): Array<{ id: string; direction: Direction }> {
    return [...this.#transports.values()].map((transport) => ({ id: transport.id, direction: transport.appData.direction }));
  }

  /**
   * A new viewer of one of this peer's video producers needs its first keyframe: whether its
   * consumer's own request goes at once, or one already asked for serves it, or one must be forced
   * (keyframe-gate.ts).
   */
  firstKeyFrame(producerId: string): FirstKeyFrame {
    return this.#keyFrames.firstFor(this.#producers.get(producerId));
  }

  /** A keyframe from one of this peer's video producers now, past the throttle (producer-keyframes.ts). */
  forceKeyFrame(producerId: string): Promise<void> {
    return this.#keyFrames.force(this.#producers.get(producerId));
  }

  /**
   * After a sender's network dropped (on resume or ICE restart): as soon as its video flows
   * again, get a keyframe from it at once (producer-keyframes.ts). Gives up after `timeoutMs`.
   */
  keyFramesOnceFlowing(timeoutMs = 15_000): Promise<void> {
    return this.#keyFrames.onceFlowing([...this.#producers.values()].filter((p) => p.kind === 'video'), timeoutMs);
  }

  /** Asks for a keyframe on this peer's running video consumers of one producer. */
  async requestKeyFrames(producerId: string): Promise<void> {
    const consumers = [...this.#consumers.values()].filter((c) => c.kind === 'video' && c.producerId === (this.producerAlias(producerId) ?? producerId) && !c.paused && !c.closed);
    await Promise.all(consumers.map((c) => c.requestKeyFrame().catch(() => undefined)));
  }

  producers(): ProducerDescription[] {
    return [...this.#producers.values()].map((producer) => describeProducer(this.peerId, producer));
  }

  producer(producerId: string): types.Producer<{ source: string }> | undefined {
    return this.#producers.get(producerId);
  }

  consumerCount(): number {
    return this.#consumers.size;
  }

  transportCount(): number {
    return this.#transports.size;
  }

  /** Per-stream statistics of what this peer sends (producers) and receives (consumers). */
  async streamStats(): Promise<{ inbound: StreamSample[]; outbound: StreamSample[] }> {
    return streamSamples([...this.#producers.values()], [...this.#consumers.values()]);
  }

  async transportStats(): Promise<unknown[]> {
    return Promise.all([...this.#transports.values()].map((transport) => transport.getStats()));
  }

  /** Closes every transport (and with them producers and consumers). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transport of this.#transports.values()) transport.close();
    this.#transports.clear();
    this.#producers.clear();
    this.#consumers.clear();
    this.#resumedOnce.clear();
    this.emit('closed');
    this.removeAllListeners();
  }

  /** mediasoup's check, which throws on capabilities it cannot read: a refusal like any other. */
  #canConsume(producerId: string, rtpCapabilities: types.RtpCapabilities): boolean {
    try {
      return this.router.canConsume({ producerId, rtpCapabilities });
    } catch (error) {
      throw new MediaError('MEDIA_ERROR', `canConsume: ${(error as Error).message}`);
    }
  }

  #recvTransport(): types.WebRtcTransport<{ direction: Direction }> | undefined {
    return [...this.#transports.values()].find((t) => t.appData.direction === 'recv');
  }

  #transport(transportId: string): types.WebRtcTransport<{ direction: Direction }> {
    this.#assertOpen();
    const transport = this.#transports.get(transportId);
    if (!transport) throw new MediaError('TRANSPORT_NOT_FOUND', `no transport ${transportId} on this peer`);
    return transport;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MediaError('ROOM_CLOSED', 'this peer has left the room');
  }
}
