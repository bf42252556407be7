// SDP offers as WHIP senders (GStreamer webrtcbin, browsers) and WHEP players write them, for
// tests that exercise the SDP handling without a peer behind them.
export interface OfferOptions {
  direction?: 'sendonly' | 'recvonly' | 'sendrecv';
  audio?: boolean;
  video?: 'VP8' | 'H264' | 'H264-high' | 'none';
  ssrcs?: boolean;
  setup?: 'actpass' | 'active' | 'passive';
  ufrag?: string;
  /** Video as simulcast with these RIDs (RFC 8853), lowest first; SSRCs are then not signalled. */
  simulcast?: string[];
}

export function offerSdp(options: OfferOptions = {}): string {
  const direction = options.direction ?? 'sendonly';
  const ufrag = options.ufrag ?? 'Abc1';
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    `a=group:BUNDLE ${[options.audio !== false ? '0' : null, options.video !== 'none' ? '1' : null].filter(Boolean).join(' ')}`,
    'a=msid-semantic: WMS *',
  ];
  const common = (mid: string) => [
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    `a=ice-ufrag:${ufrag}`,
    'a=ice-pwd:0123456789abcdefghijklmn',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
    `a=setup:${options.setup ?? 'actpass'}`,
    `a=mid:${mid}`,
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    `a=${direction}`,
    'a=rtcp-mux',
    'a=rtcp-rsize',
  ];
  if (options.audio !== false) {
    lines.push('m=audio 9 UDP/TLS/RTP/SAVPF 111 0', ...common('0'), 'a=rtpmap:111 opus/48000/2', 'a=rtcp-fb:111 transport-cc', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:0 PCMU/8000');
    if (options.ssrcs !== false && direction !== 'recvonly') lines.push('a=ssrc:1001 cname:test-cname');
  }
  if (options.video !== 'none') {
    const video = options.video ?? 'VP8';
    const codec =
      video === 'VP8'
        ? ['a=rtpmap:96 VP8/90000']
        : ['a=rtpmap:96 H264/90000', `a=fmtp:96 packetization-mode=1;profile-level-id=${video === 'H264' ? '42e01f' : '640032'};level-asymmetry-allowed=1`];
    lines.push(
      'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
      ...common('1'),
      ...codec,
      'a=rtcp-fb:96 nack',
      'a=rtcp-fb:96 nack pli',
      'a=rtcp-fb:96 ccm fir',
      'a=rtcp-fb:96 goog-remb',
      'a=rtcp-fb:96 transport-cc',
      'a=rtpmap:97 rtx/90000',
      'a=fmtp:97 apt=96',
    );
    if (options.simulcast) {
      lines.push('a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id', 'a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id');
      lines.push(...options.simulcast.map((rid) => `a=rid:${rid} send`), `a=simulcast:send ${options.simulcast.join(';')}`);
    } else if (options.ssrcs !== false && direction !== 'recvonly') lines.push('a=ssrc-group:FID 2001 2002', 'a=ssrc:2001 cname:test-cname', 'a=ssrc:2002 cname:test-cname');
  }
  return `${lines.join('\r\n')}\r\n`;
}
