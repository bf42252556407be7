// Writing SDP answers (and trickle-ice-sdpfrag bodies) from a mediasoup transport's ICE and DTLS
// parameters and the RTP parameters chosen per m-line. Pure.
import { write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import type { OfferMedia } from './sdp-offer.ts';
import type { RtpParameters } from './sdp-rtp.ts';

export interface LocalIceParameters {
  usernameFragment: string;
  password: string;
}

export interface LocalCandidate {
  foundation: string;
  priority: number;
  address?: string;
  ip?: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: string;
  tcpType?: string;
}

export interface LocalTransport {
  iceParameters: LocalIceParameters;
  iceCandidates: LocalCandidate[];
  dtlsParameters: { fingerprints: Array<{ algorithm: string; value: string }> };
}

export interface AnswerSection {
  offer: OfferMedia;
  /** Null rejects the m-line (port 0). */
  accepted: {
    direction: 'recvonly' | 'sendonly' | 'inactive';
    rtpParameters: RtpParameters | null;
    /** "stream-id track-id" for sendonly sections. */
    msid?: string;
  } | null;
}

const candidates = (transport: LocalTransport) =>
  transport.iceCandidates.map((c) => ({
    foundation: c.foundation,
    component: 1,
    transport: c.protocol,
    priority: c.priority,
    ip: c.address ?? c.ip ?? '',
    port: c.port,
    type: c.type,
    ...(c.protocol === 'tcp' ? { tcptype: c.tcpType ?? 'passive' } : {}),
  }));

function fingerprint(transport: LocalTransport): { type: string; hash: string } {
  const chosen = transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ?? transport.dtlsParameters.fingerprints[0];
  if (!chosen) throw new Error('the transport has no DTLS fingerprint');
  return { type: chosen.algorithm, hash: chosen.value };
}

const fmtpConfig = (parameters: Record<string, unknown>) =>
  Object.entries(parameters)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(';');

/**
 * The start bitrate (kbit/s) a WHIP sender's video is answered with, as the camera page starts:
 * a browser would otherwise start at 300 kbit/s and take some 20 s to reach its top simulcast
 * layer. libwebrtc reads it from the answer's fmtp; other senders ignore it.
 */
export const WHIP_VIDEO_START_KBIT = 1000;

function codecLines(rtp: RtpParameters, receiving: boolean): Pick<MediaDescription, 'rtp' | 'fmtp' | 'rtcpFb' | 'payloads'> {
  const parameters = (c: RtpParameters['codecs'][number]) =>
    receiving && c.mimeType.toLowerCase().startsWith('video/') && !c.mimeType.toLowerCase().endsWith('/rtx')
      ? { ...c.parameters, 'x-google-start-bitrate': WHIP_VIDEO_START_KBIT }
      : c.parameters;
  return {
    payloads: rtp.codecs.map((c) => c.payloadType).join(' '),
    rtp: rtp.codecs.map((c) => ({
      payload: c.payloadType,
      codec: c.mimeType.split('/')[1]!,
      rate: c.clockRate,
      ...(c.channels && c.channels > 1 ? { encoding: c.channels } : {}),
    })),
    fmtp: rtp.codecs.filter((c) => Object.keys(parameters(c)).length > 0).map((c) => ({ payload: c.payloadType, config: fmtpConfig(parameters(c)) })),
    rtcpFb: rtp.codecs.flatMap((c) => c.rtcpFeedback.map((fb) => ({ payload: c.payloadType, type: fb.type, ...(fb.parameter ? { subtype: fb.parameter } : {}) }))),
  };
}

/** The SDP answer: ICE-lite, BUNDLE over the accepted m-lines, one transport's candidates. */
export function buildAnswer(transport: LocalTransport, sections: readonly AnswerSection[], setup: 'passive' | 'active', sessionId: number): string {
  const bundled = sections.filter((s) => s.accepted).map((s) => s.offer.mid);
  const session: SessionDescription = {
    version: 0,
    origin: { username: 'sightline', sessionId, sessionVersion: 1, netType: 'IN', ipVer: 4, address: '0.0.0.0' },
    name: '-',
    timing: { start: 0, stop: 0 },
    icelite: 'ice-lite',
    fingerprint: fingerprint(transport),
    groups: bundled.length ? [{ type: 'BUNDLE', mids: bundled.join(' ') }] : [],
    msidSemantic: { semantic: 'WMS', token: '*' },
    media: sections.map(({ offer, accepted }): MediaDescription => {
      const base = {
        type: offer.kind === 'other' ? 'application' : offer.kind,
        protocol: offer.protocol,
        connection: { version: 4, ip: '0.0.0.0' },
        mid: offer.mid,
      };
      if (!accepted) {
        const pt = offer.codecs[0]?.payloadType ?? 0;
        return { ...base, port: 0, payloads: String(pt), rtp: [], fmtp: [], direction: 'inactive' } as MediaDescription;
      }
      const rtp = accepted.rtpParameters;
      const media: MediaDescription = {
        ...base,
        port: 9,
        ...(rtp ? codecLines(rtp, accepted.direction === 'recvonly') : { payloads: String(offer.codecs[0]?.payloadType ?? 0), rtp: [], fmtp: [] }),
        direction: accepted.direction,
        iceUfrag: transport.iceParameters.usernameFragment,
        icePwd: transport.iceParameters.password,
        setup,
        rtcpMux: 'rtcp-mux',
        rtcpRsize: 'rtcp-rsize',
        ext: (rtp?.headerExtensions ?? []).map((e) => ({ value: e.id, uri: e.uri })),
        candidates: candidates(transport),
        endOfCandidates: 'end-of-candidates',
      } as MediaDescription;
      const rids = (rtp?.encodings ?? []).map((e) => e.rid).filter((rid): rid is string => typeof rid === 'string');
      if (accepted.direction === 'recvonly' && rids.length > 1) {
        // Simulcast taken as offered (RFC 8853): every layer, in the sender's order.
        media.rids = rids.map((id) => ({ id, direction: 'recv' }));
        media.simulcast = { dir1: 'recv', list1: rids.join(';') };
      }
      if (accepted.direction === 'sendonly' && rtp) {
        const encoding = rtp.encodings[0];
        const cname = rtp.rtcp.cname ?? 'sightline';
        const ssrcs: NonNullable<MediaDescription['ssrcs']> = [];
        for (const id of [encoding?.ssrc, encoding?.rtx?.ssrc]) {
          if (id === undefined) continue;
          ssrcs.push({ id, attribute: 'cname', value: cname });
          if (accepted.msid) ssrcs.push({ id, attribute: 'msid', value: accepted.msid });
        }
        media.ssrcs = ssrcs;
        if (encoding?.ssrc !== undefined && encoding.rtx?.ssrc !== undefined) media.ssrcGroups = [{ semantics: 'FID', ssrcs: `${encoding.ssrc} ${encoding.rtx.ssrc}` }];
        if (accepted.msid) {
          const [id, appdata] = accepted.msid.split(' ');
          media.msid = [{ id: id!, ...(appdata ? { appdata } : {}) }];
        }
      }
      return media;
    }),
  };
  return write(session);
}

/** Body of a 200 answer to an ICE restart PATCH (RFC 8840 sdpfrag): new credentials and candidates. */
export function buildIceFragment(transport: LocalTransport, first: OfferMedia): string {
  const lines = [
    'a=ice-lite',
    `a=ice-ufrag:${transport.iceParameters.usernameFragment}`,
    `a=ice-pwd:${transport.iceParameters.password}`,
    `m=${first.kind === 'other' ? 'application' : first.kind} 9 ${first.protocol} ${first.codecs[0]?.payloadType ?? 0}`,
    `a=mid:${first.mid}`,
    ...candidates(transport).map(
      (c) => `a=candidate:${c.foundation} 1 ${c.transport} ${c.priority} ${c.ip} ${c.port} typ ${c.type}${'tcptype' in c ? ` tcptype ${c.tcptype}` : ''}`,
    ),
    'a=end-of-candidates',
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** What a trickle-ice-sdpfrag PATCH body says: new ICE credentials (a restart) and/or candidates. */
export function parseIceFragment(body: string): { iceUfrag?: string; icePwd?: string; candidates: string[] } {
  const result: { iceUfrag?: string; icePwd?: string; candidates: string[] } = { candidates: [] };
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (!/^[a-z]=/.test(line)) throw new Error(`not an SDP line: ${line.slice(0, 40)}`);
    if (line.startsWith('a=ice-ufrag:')) result.iceUfrag = line.slice('a=ice-ufrag:'.length);
    else if (line.startsWith('a=ice-pwd:')) result.icePwd = line.slice('a=ice-pwd:'.length);
    else if (line.startsWith('a=candidate:')) result.candidates.push(line.slice(2));
  }
  return result;
}
