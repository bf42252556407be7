// WHEP playback: a player device an admin registered to a clinician, its credential
// (`<playerId>:<key>`) as the Bearer token on POST /whep/<incidentId>, plays that clinician's
// active grant on the incident. The same admission checks as a signalling `join`
// (admission/admit-viewer.ts), then a
// receive transport with consumers of the camera streams, answered as sendonly m-lines. The
// session ends with the grant: at its expiry, or at once when it is revoked.
import type { FastifyRequest } from 'fastify';
import { admitPlayer, refuseAdmission, type AdmissionContext, type ViewerAdmissionDeps } from '../../admission/admit-viewer.ts';
import { type WhepAuthDeps, whepPlayer } from './whep-auth.ts';
import { auditSeatTakeover, auditViewerJoined } from '../../admission/seat-audit.ts';
import { SightlineError } from '../../errors.ts';
import { type RequestAuthDeps, bearerToken, requestSource } from '../../http/request-auth.ts';
import { participantInfo } from '../../ws/handlers/context.ts';
import { HttpMediaSession, type HttpSessionDeps } from '../http-session.ts';
import { credentialDigest } from '../resource-auth.ts';
import { buildAnswer, type AnswerSection, type LocalTransport } from '../sdp/sdp-answer.ts';
import { parseOffer, remoteDtlsRole } from '../sdp/sdp-offer.ts';
import { playerRouterCodecs, receiveCapabilities, type RouterCapabilities, type RtpParameters } from '../sdp/sdp-rtp.ts';
import type { MediaPlane } from '../../../server/media-plane.ts';
import type { Auditor } from '../../audit/auditor.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export type WhepPlayDeps = ViewerAdmissionDeps &
  WhepAuthDeps &
  HttpSessionDeps &
  RequestAuthDeps & {
    audit: Auditor;
    media: MediaPlane;
  };

export async function play(
  deps: WhepPlayDeps,
  registry: Map<string, HttpMediaSession>,
  request: FastifyRequest,
  incidentId: string,
  sdp: string,
): Promise<{ session: HttpMediaSession; answer: string; iceUserId: string; iceNotAfter: number | null }> {
  const context: AdmissionContext = { source: requestSource(deps, request), via: 'whep' };
  const token = bearerToken(request);
  const player = await whepPlayer(deps, token, incidentId, context);
  const admitted = await admitPlayer(deps, player, incidentId, context);
  const { clinician, grant, live, actor } = admitted;
  if (!admitted.permissions.has('view')) {
    return refuseAdmission(deps.audit, 'join', context, new SightlineError('PERMISSION_DENIED'), { actor, incidentId, grantId: grant.id, userId: clinician.id });
  }
  // A WHEP player only watches: its seat holds `view` alone.
  const seat = { ...admitted, permissions: new Set(['view'] as const) };

  const offer = parseOffer(sdp);
  const routerCodecs = playerRouterCodecs(offer.media, deps.media.rtpCapabilities as RouterCapabilities);
  if (routerCodecs.length === 0) throw new SightlineError('SDP_UNSUPPORTED', 'The offer receives no Opus, VP8 or H.264 constrained baseline.');
  const received = receiveCapabilities(offer.media);
  // Without RTX: the player's RTX payload types cannot be given to its router.
  const capabilities = { ...received, codecs: received.codecs.filter((c) => !String((c as { mimeType: string }).mimeType).toLowerCase().endsWith('/rtx')) };

  await auditViewerJoined(deps.audit, seat, context);
  const session = new HttpMediaSession('whep', live, deps, registry, { actor, source: context.source, grantId: grant.id }, credentialDigest(token!), false);
  try {
    const peer = await live.room.addPeerWithPayloadTypes(session.peerId, routerCodecs as never);
    const { recvTransport, consumers, replaced } = await live.add(
      { info: participantInfo(session.peerId, clinician, `WHEP player ${player.deviceId}`), isOfficer: false, grantId: grant.id, expiresAt: grant.expiresAt, source: context.source, via: 'whep', permissions: seat.permissions, rtpCapabilities: capabilities, channel: session },
      { send: false, recv: true },
      peer,
    );
    if (replaced) await auditSeatTakeover(deps.audit, seat, context, replaced.peerId);
    const media = live.participant(session.peerId)!.media;
    const transport = recvTransport as unknown as LocalTransport & { id: string };
    await media.connectTransport(transport.id, { role: remoteDtlsRole(offer.setup), fingerprints: offer.fingerprints });
    const unused = consumers.filter((c) => c.source === 'camera');
    const sections: AnswerSection[] = offer.media.map((m) => {
      const receives = m.direction === 'recvonly' || m.direction === 'sendrecv';
      const index = receives ? unused.findIndex((c) => c.kind === m.kind) : -1;
      if (index < 0) return { offer: m, accepted: null };
      const [consumer] = unused.splice(index, 1);
      return { offer: m, accepted: { direction: 'sendonly', rtpParameters: consumer!.rtpParameters as RtpParameters, msid: `sightline-${incidentId.slice(0, 40)} ${consumer!.id}` } };
    });
    const used = consumers.filter((c) => !unused.includes(c)).map((c) => c.id);
    if (used.length) await media.resumeConsumers(used);
    session.firstMedia = offer.media.find((_m, i) => sections[i]?.accepted) ?? offer.media[0] ?? null;
    session.watchTransport(transport.id);
    const answer = buildAnswer(transport, sections, offer.setup === 'passive' ? 'active' : 'passive', Date.now());
    return { session, answer, iceUserId: clinician.id, iceNotAfter: grant.expiresAt };
  } catch (error) {
    await session.end('INCIDENT_ENDED', null);
    throw error;
  }
}
