// Plain descriptions the media plane hands to the control plane. No mediasoup objects leak out.
export type MediaKind = 'audio' | 'video';

export interface TransportDescription {
  id: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
  /** On a transport with SCTP (a receive transport prepared ahead of a join). */
  sctpParameters?: unknown;
}

export interface ProducerDescription {
  producerId: string;
  peerId: string;
  kind: MediaKind;
  /** The control plane's label for this stream (for example its role in the incident). */
  source: string;
  paused: boolean;
  /** Simulcast layers the sender sends (1 without simulcast). */
  layers: number;
}

export interface ConsumerDescription {
  consumerId: string;
  producerId: string;
  producerPeerId: string;
  kind: MediaKind;
  source: string;
  rtpParameters: unknown;
}

export type RoomCloseReason = 'ended' | 'worker-died' | 'shutdown';

/** One RTP stream's figures at a moment: bits per second, packets seen, packets lost. */
/** A producer a peer's send transport is to create. */
export interface ProduceRequest {
  transportId: string;
  kind: MediaKind;
  rtpParameters: unknown;
  source: string;
  paused: boolean;
}

export interface StreamSample {
  kind: MediaKind;
  bitrate: number;
  packets: number;
  lost: number;
}

export interface WorkerSample {
  pid: number;
  cpuSeconds: number;
  maxRssBytes: number;
}
