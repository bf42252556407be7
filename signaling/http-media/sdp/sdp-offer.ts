// Reading a WHIP/WHEP SDP offer (sdp-transform) into what the relay needs: ICE credentials,
// DTLS fingerprints and role, and per m-line the codecs, RTX, header extensions and SSRCs.
// Pure: no mediasoup, no I/O.
import { parse, parseParams } from 'sdp-transform';
import { SightlineError } from '../../errors.ts';

export type MediaKind = 'audio' | 'video';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface OfferCodec {
  payloadType: number;
  /** e.g. "video/VP8" */
  mimeType: string;
  clockRate: number;
  channels?: number;
  parameters: Record<string, string | number>;
  /** rtcp-fb lines for this payload type (and "*"). */
  rtcpFeedback: Array<{ type: string; parameter: string }>;
  /** The RTX payload type that repairs this codec, if offered. */
  rtxPayloadType?: number;
}

export interface OfferMedia {
  /** Index of the m-line in the offer. */
  index: number;
  mid: string;
  kind: MediaKind | 'other';
  port: number;
  protocol: string;
  direction: Direction;
  codecs: OfferCodec[];
  extensions: Array<{ id: number; uri: string }>;
  /** Media SSRC and its RTX SSRC (ssrc-group FID), when signalled. */
  ssrc?: number;
  rtxSsrc?: number;
  cname?: string;
  /** Simulcast: the RIDs the sender sends (a=simulcast send list, in its order), when more than one. */
  rids?: string[];
}

export interface ParsedOffer {
  iceUfrag: string;
  icePwd: string;
  fingerprints: Array<{ algorithm: string; value: string }>;
  /** a=setup of the offer. */
  setup: 'actpass' | 'active' | 'passive';
  media: OfferMedia[];
}

/** The DTLS fingerprint hashes mediasoup takes (RFC 8122 names; md5 and md2 are not among them). */
const FINGERPRINT_ALGORITHMS: ReadonlySet<string> = new Set(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']);

const malformed = (why: string) => new SightlineError('SDP_MALFORMED', `The SDP offer ${why}.`);

export function parseOffer(sdp: string): ParsedOffer {
  if (typeof sdp !== 'string' || !/^v=0\r?\n/.test(sdp)) throw malformed('does not start with v=0');
  let session: ReturnType<typeof parse>;
  try {
    session = parse(sdp);
  } catch {
    throw malformed('cannot be parsed');
  }
  const mlines = session.media ?? [];
  if (mlines.length === 0) throw malformed('has no m-line');
  const first = mlines[0]!;
  const iceUfrag = first.iceUfrag ?? session.iceUfrag;
  const icePwd = first.icePwd ?? session.icePwd;
  if (!iceUfrag || !icePwd) throw malformed('has no ICE credentials');
  const fingerprint = first.fingerprint ?? session.fingerprint;
  if (!fingerprint) throw malformed('has no DTLS fingerprint');
  const algorithm = String(fingerprint.type).toLowerCase();
  if (!FINGERPRINT_ALGORITHMS.has(algorithm)) {
    throw new SightlineError('SDP_UNSUPPORTED', `The offer's DTLS fingerprint uses ${algorithm.slice(0, 16)}; this relay takes ${[...FINGERPRINT_ALGORITHMS].join(', ')}.`);
  }
  const setup = (first.setup ?? session.setup ?? 'actpass') as string;
  if (setup !== 'actpass' && setup !== 'active' && setup !== 'passive') throw malformed(`has an invalid a=setup:${setup}`);

  const media = mlines.map((m, index): OfferMedia => {
    const kind = m.type === 'audio' || m.type === 'video' ? m.type : 'other';
    const fmtp = new Map((m.fmtp ?? []).map((f) => [f.payload, parseParams(f.config) as Record<string, string | number>]));
    const feedback = (pt: number) =>
      (m.rtcpFb ?? [])
        .filter((fb) => fb.payload === pt || String(fb.payload) === '*')
        .map((fb) => ({ type: fb.type, parameter: fb.subtype ?? '' }));
    const rtx = new Map<number, number>();
    for (const r of m.rtp ?? []) {
      if (r.codec.toLowerCase() !== 'rtx') continue;
      const apt = Number(fmtp.get(r.payload)?.apt);
      if (Number.isInteger(apt)) rtx.set(apt, r.payload);
    }
    const order = String(m.payloads ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    const codecs = (m.rtp ?? [])
      .filter((r) => !['rtx', 'red', 'ulpfec', 'flexfec-03', 'telephone-event', 'cn'].includes(r.codec.toLowerCase()))
      .sort((a, b) => order.indexOf(a.payload) - order.indexOf(b.payload))
      .map((r) => ({
        payloadType: r.payload,
        mimeType: `${kind}/${r.codec}`,
        clockRate: r.rate ?? 90000,
        ...(kind === 'audio' ? { channels: Number(r.encoding ?? 1) } : {}),
        parameters: fmtp.get(r.payload) ?? {},
        rtcpFeedback: feedback(r.payload),
        ...(rtx.has(r.payload) ? { rtxPayloadType: rtx.get(r.payload)! } : {}),
      }));
    const fid = (m.ssrcGroups ?? []).find((g) => g.semantics === 'FID')?.ssrcs.split(/\s+/).map(Number);
    const ssrc = fid?.[0] ?? (m.ssrcs ?? [])[0]?.id;
    const cname = (m.ssrcs ?? []).find((s) => s.attribute === 'cname')?.value;
    const rids = simulcastRids(m);
    return {
      index,
      mid: m.mid === undefined ? String(index) : String(m.mid),
      kind,
      port: m.port,
      protocol: m.protocol,
      direction: (m.direction ?? 'sendrecv') as Direction,
      codecs,
      extensions: (m.ext ?? []).map((e) => ({ id: e.value, uri: e.uri })),
      ...(ssrc === undefined ? {} : { ssrc: Number(ssrc) }),
      ...(fid?.[1] === undefined ? {} : { rtxSsrc: fid[1] }),
      ...(cname ? { cname } : {}),
      ...(rids.length > 1 ? { rids } : {}),
    };
  });
  return {
    iceUfrag,
    icePwd,
    fingerprints: [{ algorithm, value: fingerprint.hash.toUpperCase() }],
    setup,
    media,
  };
}

/** The DTLS role of the remote side, for mediasoup's transport.connect: we answer passive to actpass. */
export function remoteDtlsRole(setup: ParsedOffer['setup']): 'client' | 'server' {
  return setup === 'passive' ? 'server' : 'client';
}

const RID = /^[A-Za-z0-9_-]{1,16}$/;

/**
 * The RIDs of a simulcast sender's m-line (RFC 8853): those of `a=simulcast:send`, in its order
 * (first alternative of each), that an `a=rid:… send` line declares. Paused ones (`~`) are kept:
 * the sender may start them later.
 */
function simulcastRids(m: { rids?: Array<{ id: string | number; direction: string }>; simulcast?: { dir1?: string; list1?: string; dir2?: string; list2?: string } }): string[] {
  const declared = new Set((m.rids ?? []).filter((r) => r.direction === 'send').map((r) => String(r.id)));
  const sim = m.simulcast;
  const list = sim?.dir1 === 'send' ? sim.list1 : sim?.dir2 === 'send' ? sim.list2 : undefined;
  if (!list) return [];
  return list
    .split(';')
    .map((alternatives) => alternatives.split(',')[0]!.replace(/^~/, ''))
    .filter((rid, index, all) => RID.test(rid) && declared.has(rid) && all.indexOf(rid) === index);
}
