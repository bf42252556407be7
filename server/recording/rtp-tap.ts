// A copy of one producer's RTP sent to a local port: a PlainTransport on the producer's router,
// connected to the muxer's ports, and a consumer of the producer on it. It closes with the
// producer or the router; `closed` says which.
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { mediaCall } from '../media-errors.ts';
import type { TapCodec } from './muxer-pipeline.ts';

export interface RtpTapEvents {
  closed: [cause: 'producer-closed' | 'router-closed' | 'closed'];
}

export class RtpTap extends EventEmitter<RtpTapEvents> {
  #closed = false;

  private constructor(
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
    readonly codec: TapCodec,
  ) {
    super();
    consumer.on('producerclose', () => this.#end('producer-closed'));
    consumer.on('transportclose', () => this.#end('router-closed'));
    transport.observer.once('close', () => this.#end('router-closed'));
  }

  /** Starts sending the producer's RTP to 127.0.0.1:`ports.rtp` (RTCP to `ports.rtcp`). */
  static async open(router: types.Router, producerId: string, ports: { rtp: number; rtcp: number }): Promise<RtpTap> {
    const transport = await mediaCall('createPlainTransport', () =>
      router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: false }),
    );
    try {
      await mediaCall('connect', () => transport.connect({ ip: '127.0.0.1', port: ports.rtp, rtcpPort: ports.rtcp }));
      const consumer = await mediaCall('consume', () =>
        transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: false }),
      );
      const codec = consumer.rtpParameters.codecs[0]!;
      return new RtpTap(transport, consumer, {
        kind: consumer.kind,
        mimeType: codec.mimeType,
        payloadType: codec.payloadType,
        clockRate: codec.clockRate,
        ...(codec.channels === undefined ? {} : { channels: codec.channels }),
      });
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Asks the producer's sender for a keyframe (video; a no-op for audio). */
  async requestKeyFrame(): Promise<void> {
    if (this.#closed || this.consumer.kind !== 'video') return;
    await this.consumer.requestKeyFrame().catch(() => undefined);
  }

  /** Stops the copy. Idempotent. */
  close(): void {
    this.#end('closed');
  }

  #end(cause: 'producer-closed' | 'router-closed' | 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.transport.close();
    this.emit('closed', cause);
    this.removeAllListeners();
  }
}
