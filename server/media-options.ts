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
}

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
