import type { types } from 'mediasoup';

export interface MediaPlaneOptions {
  /** Number of mediasoup workers; one per core is the usual choice. */
  workers: number;
  /** Address the WebRTC transports bind to. */
  listenIp: string;
  /** Address announced to browsers in ICE candidates when it differs from listenIp (NAT, 0.0.0.0). */
  announcedAddress?: string;
  portRange: { min: number; max: number };
  /** Transports one peer may hold (a send and a receive transport are the normal case). */
  maxTransportsPerPeer: number;
  logLevel: types.WorkerLogLevel;
  /** Viewers one router carries before the incident spreads to another router on another worker. */
  viewersPerRouter: number;
  /** Start bitrate for viewers' downlinks, bits per second. */
  initialAvailableOutgoingBitrate: number;
  /**
   * The lowest a viewer's downlink estimate may fall, bits per second (default
   * VIEWER_BITRATE_FLOOR). mediasoup gives a simulcast consumer no layer at all while the
   * estimate is below its lowest layer's bitrate, so without a floor a viewer on a poor link sees
   * a frozen picture until the estimate recovers; with it, the lowest layer always keeps going.
   */
  viewerBitrateFloor?: number;
  /**
   * mediasoup's keyFrameRequestDelay for video producers, ms: keyframe requests within this time
   * of one that reached the camera wait and go as one at its end (0: none). A new viewer's first
   * keyframe is not held back by it (keyframe-gate.ts).
   */
  keyFrameRequestDelay?: number;
}

/**
 * The camera page's lowest layer (120 kbit/s at most, about 130 kbit/s measured with its
 * packetisation), with headroom for the loss discount mediasoup applies to the estimate above
 * 10 % loss. Audio is sent beside it regardless of the estimate.
 */
export const VIEWER_BITRATE_FLOOR = 180_000;

/** Codecs every incident router offers: Opus for voice, VP8 and H.264 for body-camera video. */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
