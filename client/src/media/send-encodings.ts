// How the camera page sends: the decisions are pure so they carry unit tests.
//
// Video goes as simulcast, up to three spatial layers (quarter, half and full resolution): the
// relay gives each viewer the layer its own downlink estimate carries, so one clinician on poor
// Wi-Fi never lowers the picture for the others, and a viewer whose link cannot carry more gets
// the lowest layer, never no picture. Each layer is a single temporal layer (L1T1): with three
// (L1T3) Chromium's receiver dropped repaired frames under loss (49 in 20 s at 5 % uplink loss,
// 26.5 decoded frames/s against 30; none with L1T1, measured with `npm run bench:network`).
//
// Audio goes first: Opus with in-band FEC (a lost packet is rebuilt from the next one) and the
// highest send priority, so that under congestion the browser's bandwidth split and the
// network's queues favour voice over video. The camera's audio keeps every quiet moment (no DTX:
// comfort noise would replace a scene's background, which is evidence); talk-back uses DTX, so
// the pauses of someone speaking cost almost nothing on a clinician's link.

/** A spatial layer: how far below the capture it is scaled, and its bitrate cap. */
export interface CameraLayer {
  scaleResolutionDownBy: number;
  maxBitrate: number;
}

/** Body-camera scenes over LTE: the lowest layer fits a 200 kbit/s uplink with audio beside it. */
export const CAMERA_LAYERS: readonly CameraLayer[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 120_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 400_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

/** A layer smaller than this many lines shows nothing a clinician can use. */
export const MIN_LAYER_HEIGHT = 90;

/**
 * How many simulcast layers the browser sends for a capture this tall. libwebrtc sends three
 * from 960x540 up, two from 480x270 (a 640x480 phone camera gets two), and one below; layers
 * asked for beyond that are silently not sent, from the top down.
 */
export function browserSimulcastLimit(height: number): number {
  return height >= 540 ? 3 : height >= 270 ? 2 : 1;
}

/**
 * The encodings of the camera's video for a capture `height` pixels tall, lowest first: the
 * layers of CAMERA_LAYERS at least MIN_LAYER_HEIGHT tall, as many as the browser will send,
 * keeping the lowest (what a poor link falls back to) and the full resolution (what a good link
 * shows) when some must go.
 */
export function cameraVideoEncodings(height: number): RTCRtpEncodingParameters[] {
  const usable = CAMERA_LAYERS.filter((layer) => height / layer.scaleResolutionDownBy >= MIN_LAYER_HEIGHT);
  const limit = browserSimulcastLimit(height);
  const layers =
    usable.length === 0 ? [CAMERA_LAYERS.at(-1)!] : usable.length <= limit ? usable : limit === 1 ? [usable.at(-1)!] : [usable[0]!, ...usable.slice(-(limit - 1))];
  return layers.map((layer, index) => ({
    rid: `r${index}`,
    scaleResolutionDownBy: layer.scaleResolutionDownBy,
    maxBitrate: layer.maxBitrate,
    scalabilityMode: 'L1T1',
    // The lowest layer is the one every viewer can fall back to: it keeps its share first.
    ...(index === 0 ? { priority: 'high' as RTCPriorityType } : {}),
  }));
}

/** Voice, the camera's or a clinician's talk-back: ahead of video on the sender and on the wire. */
export function voiceEncodings(): RTCRtpEncodingParameters[] {
  return [{ priority: 'high', networkPriority: 'high' }];
}

/**
 * Opus settings for the camera's audio (mediasoup-client codecOptions). In-band FEC rebuilds a
 * lost packet from the next one; NACK has the relay ask for what FEC could not rebuild, which the
 * browser then resends from its history (it does not announce NACK for Opus, and mediasoup-client
 * negotiates it only when asked to).
 */
export const CAMERA_VOICE_CODEC_OPTIONS = { opusFec: true, opusNack: true, opusDtx: false, opusStereo: false } as const;

/** Opus settings for a clinician's talk-back: the same repair, with DTX. */
export const TALKBACK_CODEC_OPTIONS = { opusFec: true, opusNack: true, opusDtx: true, opusStereo: false } as const;

/**
 * The video start bitrate and floor (mediasoup-client codecOptions). The floor keeps the keyframe
 * viewers wait for after a network drop from trickling out, and is the lowest layer's rate, so
 * that on a 400 kbit/s uplink it never fights congestion control.
 */
export const VIDEO_CODEC_OPTIONS = { videoGoogleStartBitrate: 1000, videoGoogleMinBitrate: CAMERA_LAYERS[0]!.maxBitrate / 1000 } as const;
