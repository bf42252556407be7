// The receivers a prepared seat binds ahead: every codec and header extension the Device can
// receive of that kind, under the given MID, for the SSRCs the relay reserved for the camera's
// streams (signalled, with a CNAME, so that mediasoup-client writes them into the description).
// Pure: built from the Device's capabilities.
import { describe, expect, it } from 'vitest';
import type { types } from 'mediasoup-client';
import { BOUND_MIDS, boundParameters } from '../../../../client/src/media/bound-receivers.ts';

const capabilities: types.RtpCapabilities = {
  codecs: [
    { kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc' }] },
    { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
    { kind: 'video', mimeType: 'video/rtx', preferredPayloadType: 102, clockRate: 90000, parameters: { apt: 101 } },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, direction: 'sendrecv' },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, direction: 'sendrecv' },
    { kind: 'video', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 5, direction: 'sendrecv' },
    { kind: 'video', uri: 'urn:3gpp:video-orientation', preferredId: 7, direction: 'sendonly' },
  ],
};

const ssrcs = { video: { ssrc: 111_111_111, rtxSsrc: 111_111_112 }, audio: { ssrc: 222_222_222 } };

describe('receivers bound ahead of a join', () => {
  it('take every video codec the Device receives, with its payload type, under the MID', () => {
    const p = boundParameters(capabilities, 'video', BOUND_MIDS.video, ssrcs);
    expect(p.mid).toBe('bv');
    expect(p.codecs.map((c) => [c.mimeType, c.payloadType])).toEqual([['video/VP8', 101], ['video/rtx', 102]]);
    expect(p.codecs[1]!.parameters).toEqual({ apt: 101 });
    expect(p.codecs[0]!.rtcpFeedback).toEqual([{ type: 'nack' }, { type: 'nack', parameter: 'pli' }]);
  });

  it('are signalled with the SSRCs the relay reserved: the video with its RTX, the sound alone, under a CNAME', () => {
    const video = boundParameters(capabilities, 'video', BOUND_MIDS.video, ssrcs);
    expect(video.encodings).toEqual([{ ssrc: 111_111_111, rtx: { ssrc: 111_111_112 } }]);
    expect(video.rtcp?.cname).toBeTruthy();
    const audio = boundParameters(capabilities, 'audio', BOUND_MIDS.audio, ssrcs);
    expect(audio.encodings).toEqual([{ ssrc: 222_222_222 }]);
    expect(audio.rtcp?.cname).toBeTruthy();
  });

  it('take the header extensions the Device can receive, the MID among them', () => {
    const p = boundParameters(capabilities, 'video', 'bv', ssrcs);
    expect(p.headerExtensions!.map((h) => [h.uri, h.id])).toEqual([
      ['urn:ietf:params:rtp-hdrext:sdes:mid', 1],
      ['http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', 5],
    ]);
  });

  it('keep audio to audio codecs, with their channels', () => {
    const p = boundParameters(capabilities, 'audio', BOUND_MIDS.audio, ssrcs);
    expect(p.mid).toBe('ba');
    expect(p.codecs).toEqual([{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc' }] }]);
    expect(p.headerExtensions!.map((h) => h.id)).toEqual([1]);
  });

  it('use MIDs the relay never gives its own consumers (it numbers them)', () => {
    expect(Object.values(BOUND_MIDS).every((mid) => /^[a-z]{1,8}$/.test(mid))).toBe(true);
    expect(new Set(Object.values(BOUND_MIDS)).size).toBe(2);
  });
});
