// Voice NACK on the receiving side. Chromium's receiver asks again for a lost voice packet when
// the remote description lists `nack` for Opus (libwebrtc takes it from the codec it would send
// with, on every audio transceiver, receive-only ones included), but its own capabilities never
// announce it. So a receive capability set with `nack` on Opus lets the relay's audio consumers
// negotiate it: a voice packet lost on the way to the clinician (or to the officer's earpiece) is
// resent from the consumer's buffer instead of concealed.
import type { types } from 'mediasoup-client';

/** Browsers whose receivers NACK Opus when told to (libwebrtc's voice engine). */
export const VOICE_NACK_HANDLERS: ReadonlySet<string> = new Set(['Chrome111', 'Chrome74']);

const isOpus = (codec: types.RtpCodecCapability) => codec.kind === 'audio' && /^audio\/opus$/i.test(codec.mimeType);

/** The same capabilities, with `nack` feedback on each Opus codec that lacks it. */
export function withVoiceNack(capabilities: types.RtpCapabilities): types.RtpCapabilities {
  return {
    ...capabilities,
    codecs: capabilities.codecs?.map((codec) =>
      isOpus(codec) && !codec.rtcpFeedback?.some((fb) => fb.type === 'nack' && !fb.parameter)
        ? { ...codec, rtcpFeedback: [...(codec.rtcpFeedback ?? []), { type: 'nack', parameter: '' }] }
        : codec,
    ),
  };
}
