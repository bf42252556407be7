// WHEP playback: a clinician's viewing token as a Bearer token on POST /whep/<incidentId>. The
// same checks as a signalling `join` (token, grant active, agreement still covering it), then a
// receive transport with consumers of the camera streams, answered as sendonly m-lines. The
// session ends with the grant: at its expiry, or at once when it is revoked.
import type { FastifyRequest } from 'fastify';
import { grantStillCovered } from '../access/policy.ts';
import type { AuditActor } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import { grantStatus } from '../grants/grant-repository.ts';
import { actorOf } from '../identity/directory.ts';
import { bearerToken, requestSource } from '../http/request-auth.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { Services } from '../services.ts';
import { verifyViewingToken } from '../tokens/viewing-token.ts';
import { participantInfo } from '../ws/handlers/context.ts';
import { HttpMediaSession } from './http-session.ts';
import { credentialDigest } from './resource-auth.ts';
import { buildAnswer, type AnswerSection, type LocalTransport } from './sdp-answer.ts';
import { parseOffer, remoteDtlsRole } from './sdp-offer.ts';
import { playerRouterCodecs, receiveCapabilities, type RouterCapabilities, type RtpParameters } from './sdp-rtp.ts';

export async function play(
  services: Services,
  registry: Map<string, HttpMediaSession>,
  request: FastifyRequest,
  incidentId: string,
  sdp: string,
): Promise<{ session: HttpMediaSession; answer: string; iceUserId: string; iceNotAfter: number | null }> {
  const source = requestSource(services, request);
  let actor: AuditActor | null = null;
  const refuse = async (code: ErrorCode, grantId?: string): Promise<never> => {
    await services.audit.note({ action: 'join', outcome: 'denied', actor, target: { incidentId, grantId }, source, reason: code, detail: { via: 'whep' } });
    throw new SightlineError(code);
  };
  const token = bearerToken(request);
  if (!token) return refuse('NOT_AUTHENTICATED');
  let claims;
  try {
    claims = await verifyViewingToken(token, services.keys, { issuer: services.config.TOKEN_ISSUER, incidentId });
  } catch (error) {
    return refuse(error instanceof SightlineError ? error.code : 'TOKEN_MALFORMED');
  }
  const grant = await services.grants.find(claims.grantId);
  if (!grant || grant.clinicianId !== claims.clinicianId || grant.incidentId !== incidentId) return refuse('TOKEN_REVOKED', claims.grantId);
  const status = grantStatus(grant, Date.now());
  if (status !== 'active') return refuse(status === 'revoked' ? 'TOKEN_REVOKED' : 'TOKEN_EXPIRED', grant.id);
  const clinician = await services.directory.userById(grant.clinicianId);
  if (!clinician || clinician.role !== 'clinician') return refuse('FORBIDDEN', grant.id);
  actor = actorOf(clinician);
  const live = services.live.get(incidentId);
  const record = await services.incidents.find(incidentId);
  if (!live || !record || live.ended) return refuse('INCIDENT_NOT_FOUND', grant.id);
  if (!grantStillCovered(record, clinician.agencyId, await services.agreements.active()).allowed) return refuse('TOKEN_REVOKED', grant.id);
  if (!claims.permissions.includes('view') || !grant.permissions.includes('view')) return refuse('PERMISSION_DENIED', grant.id);

  const offer = parseOffer(sdp);
  const routerCodecs = playerRouterCodecs(offer.media, services.media.rtpCapabilities as RouterCapabilities);
  if (routerCodecs.length === 0) throw new SightlineError('SDP_UNSUPPORTED', 'The offer receives no Opus, VP8 or H.264 constrained baseline.');
  const received = receiveCapabilities(offer.media);
  // Without RTX: the player's RTX payload types cannot be given to its router.
  const capabilities = { ...received, codecs: received.codecs.filter((c) => !String((c as { mimeType: string }).mimeType).toLowerCase().endsWith('/rtx')) };

  await services.audit.allow({ action: 'join', actor, target: { incidentId, grantId: grant.id }, source, detail: { via: 'whep', expiresAt: grant.expiresAt } });
  const session = new HttpMediaSession('whep', live, services, registry, { actor, source, grantId: grant.id }, credentialDigest(token), false);
  try {
    const peer = await live.room.addPeerWithPayloadTypes(session.peerId, routerCodecs as never);
    const { recvTransport, consumers, replaced } = await live.add(
      { info: participantInfo(session.peerId, clinician), isOfficer: false, grantId: grant.id, permissions: new Set(['view']), rtpCapabilities: capabilities, channel: session },
      { send: false, recv: true },
      peer,
    );
    if (replaced) {
      await services.audit.note({ action: 'seat.takeover', outcome: 'info', actor, target: { incidentId, grantId: grant.id }, source, reason: 'SEAT_TAKEN_OVER', detail: { via: 'whep', previousSeat: replaced.peerId } });
    }
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
    session.expireAt(grant.expiresAt);
    const answer = buildAnswer(transport, sections, offer.setup === 'passive' ? 'active' : 'passive', Date.now());
    return { session, answer, iceUserId: clinician.id, iceNotAfter: grant.expiresAt };
  } catch (error) {
    await session.end('INCIDENT_ENDED', null);
    throw error;
  }
}
