// SDP m-lines ↔ mediasoup RTP parameters, for WHIP (a sender's offer becomes producer RTP
// parameters) and WHEP (a player's offer becomes the receive capabilities consumers are made
// for). Pure: plain objects in, plain objects out; mediasoup validates what it is given.
import type { MediaKind, OfferCodec, OfferMedia } from './sdp-offer.ts';

export interface RouterCodec {
  kind: MediaKind;
  mimeType: string;
  clockRate: number;
  channels?: number;
  parameters?: Record<string, unknown>;
  rtcpFeedback?: Array<{ type: string; parameter?: string }>;
  preferredPayloadType?: number;
}

export interface RouterCapabilities {
  codecs?: RouterCodec[];
  headerExtensions?: Array<{ kind: MediaKind; uri: string; preferredId: number; direction?: string }>;
}

export interface RtpCodecParameters {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters: Record<string, unknown>;
  rtcpFeedback: Array<{ type: string; parameter: string }>;
}

export interface RtpParameters {
  mid?: string;
  codecs: RtpCodecParameters[];
  headerExtensions: Array<{ uri: string; id: number; encrypt?: boolean; parameters?: Record<string, unknown> }>;
  encodings: Array<{ ssrc?: number; rid?: string; rtx?: { ssrc: number } }>;
  rtcp: { cname?: string; reducedSize: boolean };
}

/** The MID header extension: consumers made for WHEP leave it out and are demultiplexed by SSRC. */
export const MID_EXTENSION = 'urn:ietf:params:rtp-hdrext:sdes:mid';

/**
 * H.264 the routers take: packetization-mode 1, constrained baseline (profile-level-id 42e0xx or
 * 42c0xx, mediasoup's profile matching being stricter than the level).
 */
function h264Acceptable(parameters: Record<string, string | number>): boolean {
  const profile = String(parameters['profile-level-id'] ?? '').toLowerCase();
  return Number(parameters['packetization-mode'] ?? 0) === 1 && /^42[ec]0[0-9a-f]{2}$/.test(profile);
}

function matches(offered: OfferCodec, router: RouterCodec): boolean {
  if (offered.mimeType.toLowerCase() !== router.mimeType.toLowerCase() || offered.clockRate !== router.clockRate) return false;
  if (router.kind === 'audio' && (offered.channels ?? 1) !== (router.channels ?? 1)) return false;
  if (router.mimeType.toLowerCase() === 'video/h264') return h264Acceptable(offered.parameters);
  return true;
}

/** The router codec matching the first acceptable offered codec of this m-line, in offer order. */
export function pickCodec(media: OfferMedia, caps: RouterCapabilities): { offered: OfferCodec; router: RouterCodec } | null {
  for (const offered of media.codecs) {
    const router = caps.codecs?.find((c) => c.kind === media.kind && matches(offered, c));
    if (router) return { offered, router };
  }
  return null;
}

const feedbackKey = (fb: { type: string; parameter?: string }) => `${fb.type} ${fb.parameter ?? ''}`.trim();

/**
 * Producer RTP parameters for a WHIP sender's m-line: its first codec the router takes (with
 * the sender's payload type and the feedback both sides support), its RTX, the header
 * extensions the router knows, and its SSRCs (or, when none are signalled, its MID).
 */
export function producerRtpParameters(media: OfferMedia, caps: RouterCapabilities): RtpParameters | null {
  if (media.kind === 'other') return null;
  const picked = pickCodec(media, caps);
  if (!picked) return null;
  const { offered, router } = picked;
  const supported = new Set((router.rtcpFeedback ?? []).map(feedbackKey));
  const codecs: RtpCodecParameters[] = [
    {
      mimeType: router.mimeType,
      payloadType: offered.payloadType,
      clockRate: offered.clockRate,
      ...(offered.channels !== undefined && media.kind === 'audio' ? { channels: offered.channels } : {}),
      parameters: { ...offered.parameters },
      rtcpFeedback: offered.rtcpFeedback.filter((fb) => supported.has(feedbackKey(fb))),
    },
  ];
  const rtxSupported = media.kind === 'video' && (caps.codecs ?? []).some((c) => c.mimeType.toLowerCase() === 'video/rtx');
  if (rtxSupported && offered.rtxPayloadType !== undefined) {
    codecs.push({ mimeType: 'video/rtx', payloadType: offered.rtxPayloadType, clockRate: offered.clockRate, parameters: { apt: offered.payloadType }, rtcpFeedback: [] });
  }
  const known = new Set((caps.headerExtensions ?? []).filter((e) => e.kind === media.kind && e.direction !== 'sendonly' && e.direction !== 'inactive').map((e) => e.uri));
  // Simulcast senders name their layers by RID (lowest first, as the sender lists them); the
  // relay then gives each viewer the layer its downlink carries, as for the camera page.
  const encodings = media.rids?.length
    ? media.rids.map((rid) => ({ rid }))
    : [media.ssrc === undefined ? {} : { ssrc: media.ssrc, ...(media.rtxSsrc !== undefined && codecs.length > 1 ? { rtx: { ssrc: media.rtxSsrc } } : {}) }];
  return {
    mid: media.mid,
    codecs,
    headerExtensions: media.extensions.filter((e) => known.has(e.uri)).map((e) => ({ uri: e.uri, id: e.id, encrypt: false, parameters: {} })),
    encodings,
    rtcp: { ...(media.cname ? { cname: media.cname } : {}), reducedSize: true },
  };
}

/**
 * The router codecs (relay's codecs, player's payload types) for a WHEP player's own router:
 * consumers take their router's payload types, and a player decodes only the payload types of
 * its own offer. Only codecs both sides have; RTX is left out (its payload type would be the
 * router's), so repairs go as plain retransmissions.
 */
export function playerRouterCodecs(media: readonly OfferMedia[], caps: RouterCapabilities): RouterCodec[] {
  const codecs: RouterCodec[] = [];
  for (const router of caps.codecs ?? []) {
    if (router.mimeType.toLowerCase().endsWith('/rtx')) continue;
    const offered = media
      .filter((m) => m.kind === router.kind && (m.direction === 'recvonly' || m.direction === 'sendrecv'))
      .flatMap((m) => m.codecs)
      .find((c) => matches(c, router));
    if (!offered || codecs.some((c) => c.preferredPayloadType === offered.payloadType)) continue;
    codecs.push({
      kind: router.kind,
      mimeType: router.mimeType,
      clockRate: router.clockRate,
      ...(router.channels === undefined ? {} : { channels: router.channels }),
      parameters: router.parameters ?? {},
      preferredPayloadType: offered.payloadType,
    });
  }
  return codecs;
}

/**
 * What a WHEP player can receive, as mediasoup RTP capabilities: its offered codecs with its
 * payload types (so consumers use them), its RTX, and its header extensions except MID.
 */
export function receiveCapabilities(media: readonly OfferMedia[]): { codecs: unknown[]; headerExtensions: unknown[] } {
  const codecs: unknown[] = [];
  const headerExtensions: unknown[] = [];
  for (const m of media) {
    if (m.kind === 'other' || (m.direction !== 'recvonly' && m.direction !== 'sendrecv')) continue;
    for (const codec of m.codecs) {
      if (codecs.some((c) => (c as { preferredPayloadType: number }).preferredPayloadType === codec.payloadType)) continue;
      codecs.push({
        kind: m.kind,
        mimeType: codec.mimeType,
        preferredPayloadType: codec.payloadType,
        clockRate: codec.clockRate,
        ...(m.kind === 'audio' ? { channels: codec.channels ?? 1 } : {}),
        parameters: codec.parameters,
        rtcpFeedback: codec.rtcpFeedback,
      });
      if (codec.rtxPayloadType !== undefined) {
        codecs.push({ kind: m.kind, mimeType: `${m.kind}/rtx`, preferredPayloadType: codec.rtxPayloadType, clockRate: codec.clockRate, parameters: { apt: codec.payloadType }, rtcpFeedback: [] });
      }
    }
    for (const ext of m.extensions) {
      if (ext.uri === MID_EXTENSION) continue;
      headerExtensions.push({ kind: m.kind, uri: ext.uri, preferredId: ext.id, preferredEncrypt: false, direction: 'sendrecv' });
    }
  }
  return { codecs, headerExtensions };
}
