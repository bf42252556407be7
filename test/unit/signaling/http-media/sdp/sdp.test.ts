import { parse } from 'sdp-transform';
import { describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from '../../../../../server/media-options.ts';
import { buildAnswer, buildIceFragment, parseIceFragment, type LocalTransport } from '../../../../../signaling/http-media/sdp/sdp-answer.ts';
import { parseOffer, remoteDtlsRole } from '../../../../../signaling/http-media/sdp/sdp-offer.ts';
import { producerRtpParameters, receiveCapabilities, type RouterCapabilities } from '../../../../../signaling/http-media/sdp/sdp-rtp.ts';
import { offerSdp } from '../../../../helpers/sdp-offers.ts';

// The router's capabilities as mediasoup derives them from MEDIA_CODECS (payload types, feedback, RTX).
const caps: RouterCapabilities = {
  codecs: [
    { ...MEDIA_CODECS[0]!, kind: 'audio', preferredPayloadType: 100, rtcpFeedback: [{ type: 'nack' }, { type: 'transport-cc' }] },
    { ...MEDIA_CODECS[1]!, kind: 'video', preferredPayloadType: 101, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'goog-remb' }, { type: 'transport-cc' }] },
    { kind: 'video', mimeType: 'video/rtx', clockRate: 90000, preferredPayloadType: 102, parameters: { apt: 101 } },
    { ...MEDIA_CODECS[2]!, kind: 'video', preferredPayloadType: 103, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] },
  ],
  headerExtensions: [
    { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, direction: 'sendrecv' },
    { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, direction: 'sendrecv' },
    { kind: 'video', uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', preferredId: 5, direction: 'sendrecv' },
  ],
};

const transport: LocalTransport = {
  iceParameters: { usernameFragment: 'srvufrag', password: 'srvpassword0123456789' },
  iceCandidates: [
    { foundation: 'udpcandidate', priority: 1076302079, address: '10.1.2.3', protocol: 'udp', port: 40001, type: 'host' },
    { foundation: 'tcpcandidate', priority: 1076276479, address: '10.1.2.3', protocol: 'tcp', port: 40002, type: 'host', tcpType: 'passive' },
  ],
  dtlsParameters: { fingerprints: [{ algorithm: 'sha-1', value: 'AA' }, { algorithm: 'sha-256', value: 'BB:CC' }] },
};

describe('reading SDP offers', () => {
  it('takes ICE credentials, the fingerprint, setup and every m-line', () => {
    const offer = parseOffer(offerSdp());
    expect(offer).toMatchObject({ iceUfrag: 'Abc1', icePwd: '0123456789abcdefghijklmn', setup: 'actpass' });
    expect(offer.fingerprints).toEqual([{ algorithm: 'sha-256', value: expect.stringMatching(/^7B:8B/) }]);
    expect(offer.media.map((m) => [m.mid, m.kind, m.direction])).toEqual([['0', 'audio', 'sendonly'], ['1', 'video', 'sendonly']]);
    expect(offer.media[1]).toMatchObject({ ssrc: 2001, rtxSsrc: 2002, cname: 'test-cname' });
    expect(offer.media[1]!.codecs[0]).toMatchObject({ payloadType: 96, mimeType: 'video/VP8', rtxPayloadType: 97 });
    expect(offer.media[0]!.codecs.map((c) => c.mimeType)).toEqual(['audio/opus', 'audio/PCMU']);
  });

  it.each([
    ['not SDP at all', 'hello'],
    ['no m-line', 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n'],
    ['no ICE credentials', offerSdp().replace(/a=ice-(ufrag|pwd):.*\r\n/g, '')],
    ['no fingerprint', offerSdp().replace(/a=fingerprint:.*\r\n/g, '')],
    ['a bad setup', offerSdp().replace(/a=setup:actpass/g, 'a=setup:sideways')],
  ])('refuses an offer with %s (SDP_MALFORMED)', (_why, sdp) => {
    expect(() => parseOffer(sdp)).toThrow(expect.objectContaining({ code: 'SDP_MALFORMED' }));
  });

  it('refuses a fingerprint hash mediasoup does not take (SDP_UNSUPPORTED), and takes the SHA family in any case', () => {
    const withHash = (hash: string) => offerSdp().replace(/a=fingerprint:sha-256 /g, `a=fingerprint:${hash} `);
    expect(() => parseOffer(withHash('md5'))).toThrow(expect.objectContaining({ code: 'SDP_UNSUPPORTED' }));
    expect(() => parseOffer(withHash('md2'))).toThrow(expect.objectContaining({ code: 'SDP_UNSUPPORTED' }));
    expect(parseOffer(withHash('SHA-512')).fingerprints[0]!.algorithm).toBe('sha-512');
  });

  it('answers DTLS as the server to actpass and active offers, as the client to passive ones', () => {
    expect(remoteDtlsRole('actpass')).toBe('client');
    expect(remoteDtlsRole('active')).toBe('client');
    expect(remoteDtlsRole('passive')).toBe('server');
  });
});

describe('offers → producer RTP parameters (WHIP)', () => {
  it('keeps the sender’s payload types and SSRCs, RTX, shared feedback and known extensions', () => {
    const [audio, video] = parseOffer(offerSdp()).media;
    expect(producerRtpParameters(audio!, caps)).toEqual({
      mid: '0',
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }] }],
      headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} }],
      encodings: [{ ssrc: 1001 }],
      rtcp: { cname: 'test-cname', reducedSize: true },
    });
    const rtp = producerRtpParameters(video!, caps)!;
    expect(rtp.codecs.map((c) => [c.mimeType, c.payloadType])).toEqual([['video/VP8', 96], ['video/rtx', 97]]);
    expect(rtp.codecs[0]!.rtcpFeedback.map((f) => `${f.type} ${f.parameter}`.trim())).toEqual(['nack', 'nack pli', 'ccm fir', 'goog-remb', 'transport-cc']);
    expect(rtp.encodings).toEqual([{ ssrc: 2001, rtx: { ssrc: 2002 } }]);
    expect(rtp.headerExtensions.map((e) => e.id)).toEqual([4, 3]);
  });

  it('routes by MID when the sender signals no SSRC', () => {
    const [, video] = parseOffer(offerSdp({ ssrcs: false })).media;
    expect(producerRtpParameters(video!, caps)).toMatchObject({ mid: '1', encodings: [{}] });
  });

  it('takes H.264 constrained baseline with packetization-mode 1, and not other profiles', () => {
    expect(producerRtpParameters(parseOffer(offerSdp({ video: 'H264' })).media[1]!, caps)?.codecs[0]).toMatchObject({ mimeType: 'video/H264', payloadType: 96 });
    expect(producerRtpParameters(parseOffer(offerSdp({ video: 'H264-high' })).media[1]!, caps)).toBeNull();
  });

  it('finds nothing to take in an audio line with only PCMU', () => {
    const sdp = offerSdp({ video: 'none' }).replace('m=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 0').replace(/a=rtpmap:111.*\r\n|a=fmtp:111.*\r\n|a=rtcp-fb:111.*\r\n/g, '');
    expect(producerRtpParameters(parseOffer(sdp).media[0]!, caps)).toBeNull();
  });
});

describe('offers → receive capabilities (WHEP)', () => {
  it('uses the player’s payload types and extension ids, without MID (SSRC demultiplexing)', () => {
    const capabilities = receiveCapabilities(parseOffer(offerSdp({ direction: 'recvonly' })).media);
    expect(capabilities.codecs).toContainEqual(expect.objectContaining({ mimeType: 'video/VP8', preferredPayloadType: 96, kind: 'video' }));
    expect(capabilities.codecs).toContainEqual(expect.objectContaining({ mimeType: 'video/rtx', preferredPayloadType: 97, parameters: { apt: 96 } }));
    expect(capabilities.codecs).toContainEqual(expect.objectContaining({ mimeType: 'audio/opus', preferredPayloadType: 111, channels: 2 }));
    expect(capabilities.headerExtensions.map((e) => (e as { uri: string }).uri)).not.toContain('urn:ietf:params:rtp-hdrext:sdes:mid');
  });

  it('ignores send-only lines', () => {
    expect(receiveCapabilities(parseOffer(offerSdp({ direction: 'sendonly' })).media).codecs).toEqual([]);
  });
});

describe('writing answers', () => {
  it('answers ICE-lite with BUNDLE, the transport’s credentials, sha-256 fingerprint, candidates and the chosen codecs', () => {
    const offer = parseOffer(offerSdp());
    const sections = offer.media.map((m) => ({ offer: m, accepted: { direction: 'recvonly' as const, rtpParameters: producerRtpParameters(m, caps) } }));
    const answer = buildAnswer(transport, sections, 'passive', 42);
    const parsed = parse(answer);
    expect(answer).toContain('a=ice-lite');
    expect(parsed.groups).toEqual([{ type: 'BUNDLE', mids: '0 1' }]);
    expect(parsed.fingerprint).toEqual({ type: 'sha-256', hash: 'BB:CC' });
    const video = parsed.media[1]!;
    expect(video).toMatchObject({ type: 'video', port: 9, direction: 'recvonly', iceUfrag: 'srvufrag', setup: 'passive', payloads: '96 97' });
    expect(String(video.mid)).toBe('1');
    expect(video.rtp.map((r) => r.codec)).toEqual(['VP8', 'rtx']);
    expect(video.fmtp).toEqual([{ payload: 96, config: 'x-google-start-bitrate=1000' }, { payload: 97, config: 'apt=96' }]);
    expect(video.candidates?.map((c) => `${c.transport} ${c.ip} ${c.port} ${c.tcptype ?? ''}`.trim())).toEqual(['udp 10.1.2.3 40001', 'tcp 10.1.2.3 40002 passive']);
    expect(parsed.media[0]!.rtp).toEqual([{ payload: 111, codec: 'opus', rate: 48000, encoding: 2 }]);
  });

  it('rejects m-lines it does not take (port 0, outside BUNDLE)', () => {
    const offer = parseOffer(offerSdp());
    const answer = parse(buildAnswer(transport, [{ offer: offer.media[0]!, accepted: null }, { offer: offer.media[1]!, accepted: { direction: 'recvonly', rtpParameters: producerRtpParameters(offer.media[1]!, caps) } }], 'passive', 1));
    expect(answer.media[0]).toMatchObject({ port: 0, direction: 'inactive' });
    expect(String(answer.groups?.[0]?.mids)).toBe('1');
  });

  it('signals SSRCs, RTX group and msid on send-only (WHEP) sections', () => {
    const offer = parseOffer(offerSdp({ direction: 'recvonly' }));
    const rtp = { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }], headerExtensions: [], encodings: [{ ssrc: 555, rtx: { ssrc: 556 } }], rtcp: { cname: 'cam', reducedSize: true } };
    const video = parse(buildAnswer(transport, [{ offer: offer.media[1]!, accepted: { direction: 'sendonly', rtpParameters: rtp, msid: 'stream track' } }], 'passive', 1)).media[0]!;
    expect(video.ssrcGroups).toEqual([{ semantics: 'FID', ssrcs: '555 556' }]);
    expect(video.ssrcs).toContainEqual({ id: 555, attribute: 'msid', value: 'stream track' });
    expect(video.direction).toBe('sendonly');
  });

  it('writes and reads trickle-ice-sdpfrag bodies', () => {
    const offer = parseOffer(offerSdp());
    const fragment = buildIceFragment(transport, offer.media[0]!);
    expect(fragment).toContain('a=ice-ufrag:srvufrag\r\n');
    expect(fragment).toContain('a=mid:0\r\n');
    expect(fragment).toContain('a=candidate:tcpcandidate 1 tcp 1076276479 10.1.2.3 40002 typ host tcptype passive\r\n');
    expect(parseIceFragment(fragment)).toMatchObject({ iceUfrag: 'srvufrag', icePwd: 'srvpassword0123456789', candidates: [expect.stringMatching(/^candidate:udp/), expect.any(String)] });
    expect(parseIceFragment('a=candidate:1 1 udp 1 10.0.0.9 5000 typ host\r\n')).toEqual({ candidates: ['candidate:1 1 udp 1 10.0.0.9 5000 typ host'] });
    expect(() => parseIceFragment('not sdp')).toThrow();
  });
});

describe('simulcast from a WHIP sender (RFC 8853)', () => {
  const simulcastCaps: RouterCapabilities = {
    ...caps,
    headerExtensions: [
      ...(caps.headerExtensions ?? []),
      { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', preferredId: 10, direction: 'recvonly' },
      { kind: 'video', uri: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id', preferredId: 11, direction: 'recvonly' },
    ],
  };

  it('reads the send RIDs in the sender’s order, and the producer gets one encoding per layer', () => {
    const offer = parseOffer(offerSdp({ simulcast: ['q', 'h', 'f'] }));
    expect(offer.media[1]!.rids).toEqual(['q', 'h', 'f']);
    const rtp = producerRtpParameters(offer.media[1]!, simulcastCaps)!;
    expect(rtp.encodings).toEqual([{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }]);
    expect(rtp.headerExtensions.map((e) => e.uri)).toEqual(expect.arrayContaining(['urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id']));
  });

  it('one RID, an undeclared one or a receive list is no simulcast', () => {
    expect(parseOffer(offerSdp({ simulcast: ['only'] })).media[1]!.rids).toBeUndefined();
    const undeclared = offerSdp({ simulcast: ['a', 'b'] }).replace('a=rid:b send\r\n', '');
    expect(parseOffer(undeclared).media[1]!.rids).toBeUndefined();
    const receiving = offerSdp({ simulcast: ['a', 'b'] }).replace('a=simulcast:send', 'a=simulcast:recv');
    expect(parseOffer(receiving).media[1]!.rids).toBeUndefined();
  });

  it('the answer takes every layer: a=rid recv and a=simulcast:recv in the sender’s order', () => {
    const offer = parseOffer(offerSdp({ simulcast: ['q', 'h', 'f'] }));
    const rtp = producerRtpParameters(offer.media[1]!, simulcastCaps)!;
    const audio = producerRtpParameters(offer.media[0]!, simulcastCaps)!;
    const answer = parse(
      buildAnswer(transport, [
        { offer: offer.media[0]!, accepted: { direction: 'recvonly', rtpParameters: audio } },
        { offer: offer.media[1]!, accepted: { direction: 'recvonly', rtpParameters: rtp } },
      ], 'passive', 0),
    );
    expect(answer.media[1]!.rids).toEqual([{ id: 'q', direction: 'recv' }, { id: 'h', direction: 'recv' }, { id: 'f', direction: 'recv' }]);
    expect(answer.media[1]!.simulcast).toMatchObject({ dir1: 'recv', list1: 'q;h;f' });
    expect(answer.media[0]!.simulcast).toBeUndefined();
    // A browser sender starts its video at the camera page's rate, not at 300 kbit/s.
    expect(answer.media[1]!.fmtp.find((f) => f.payload === 96)?.config).toContain('x-google-start-bitrate=1000');
    expect(answer.media[0]!.fmtp.map((f) => f.config).join()).not.toContain('x-google-start-bitrate');
  });
});
