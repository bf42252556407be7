// Producers that never send, one set per router, for prepared receive transports (a viewer's seat
// made ready before its join; media-room.ts preparePeer):
//
//   - a data producer: the prepared transport consumes it so that the browser, negotiating that
//     data channel, connects the transport (ICE and DTLS) with no stream consumed;
//   - a video producer: the prepared transport consumes it, paused, so that mediasoup starts the
//     transport's bandwidth estimation then. mediasoup starts it with the transport's first
//     consumer that uses transport-wide congestion control, and until the estimation gives its
//     first figure (some 40–450 ms when it starts at the join) the available bitrate reads 0, a
//     simulcast consumer gets no layer, and the new viewer's keyframe request waits. Started
//     ahead, the join's first request goes at once.
//
// Neither ever carries a byte: the browser is told of the data consumer only.
import type { types } from 'mediasoup';
import { mediaCall } from './media-errors.ts';

export interface IdleProducers {
  dataProducerId: string;
  videoProducerId: string;
}

/** The SSRC of the idle video producer's only encoding (any value: nothing is ever sent with it). */
const IDLE_SSRC = 0x5e1d1e;

export async function createIdleProducers(router: types.Router): Promise<IdleProducers> {
  const direct = await mediaCall('createDirectTransport', () => router.createDirectTransport());
  try {
    const data = await mediaCall('produceData', () => direct.produceData({ label: 'sightline-idle' }));
    const codec = router.rtpCapabilities.codecs?.find((c) => c.kind === 'video' && !/\/rtx$/i.test(c.mimeType));
    if (!codec) throw new Error('the router has no video codec');
    const video = await mediaCall('produce', () =>
      direct.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: codec.mimeType, payloadType: codec.preferredPayloadType ?? 96, clockRate: codec.clockRate, parameters: codec.parameters ?? {}, rtcpFeedback: [] }],
          encodings: [{ ssrc: IDLE_SSRC }],
        },
        paused: true,
      }),
    );
    return { dataProducerId: data.id, videoProducerId: video.id };
  } catch (error) {
    direct.close();
    throw error;
  }
}

/**
 * Starts a prepared receive transport's bandwidth estimation: a paused consumer of the router's
 * idle video producer, with the router's own capabilities (the browser never sees it).
 */
export async function startBandwidthEstimation(router: types.Router, transport: types.Transport, idle: IdleProducers): Promise<types.Consumer> {
  return mediaCall('consume', () => transport.consume({ producerId: idle.videoProducerId, rtpCapabilities: router.rtpCapabilities, paused: true }));
}
