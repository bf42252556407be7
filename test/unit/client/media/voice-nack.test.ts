import type { types } from 'mediasoup-client';
import { describe, expect, it } from 'vitest';
import { withVoiceNack } from '../../../../client/src/media/voice-nack.ts';

const opus: types.RtpCodecCapability = { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 111, clockRate: 48000, channels: 2, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }] };
const vp8: types.RtpCodecCapability = { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] };

describe('withVoiceNack', () => {
  it('adds NACK feedback to Opus, keeping what it had', () => {
    const out = withVoiceNack({ codecs: [opus, vp8], headerExtensions: [] });
    expect(out.codecs![0]!.rtcpFeedback).toEqual([{ type: 'transport-cc', parameter: '' }, { type: 'nack', parameter: '' }]);
    expect(out.codecs![1]).toBe(vp8); // video (and its `nack pli`) untouched
    expect(opus.rtcpFeedback).toHaveLength(1); // the input is not changed
  });

  it('leaves an Opus codec that already NACKs as it is, and capabilities without codecs alone', () => {
    const nacking = { ...opus, rtcpFeedback: [{ type: 'nack', parameter: '' }] };
    expect(withVoiceNack({ codecs: [nacking] }).codecs![0]).toBe(nacking);
    expect(withVoiceNack({ headerExtensions: [] })).toEqual({ headerExtensions: [] });
  });

});
