// What the media plane tells the control plane of its transports and producers: plain data, no
// mediasoup objects.
import type { types } from 'mediasoup';
import type { ProducerDescription, TransportDescription } from './media-types.ts';

export function describeTransport(transport: types.WebRtcTransport): TransportDescription {
  return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
}

/** A producer of the peer `peerId`. */
export function describeProducer(peerId: string, producer: types.Producer<{ source: string }>): ProducerDescription {
  return {
    producerId: producer.id,
    peerId,
    kind: producer.kind,
    source: producer.appData.source,
    paused: producer.paused,
    layers: producer.rtpParameters.encodings?.length ?? 1,
  };
}
