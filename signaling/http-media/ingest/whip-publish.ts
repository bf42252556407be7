// WHIP ingest (RFC 9725): a camera's SDP offer becomes producers on a send transport in the
// officer's live incident (started here when the officer has none), and the answer is built
// from that transport's ICE/DTLS parameters and the codecs the router took.
import type { FastifyRequest } from 'fastify';
import { startIncident } from '../../admission/start-incident.ts';
import { SightlineError } from '../../errors.ts';
import { actorOf } from '../../identity/directory.ts';
import { type RequestAuthDeps, bearerToken, requestSource } from '../../http/request-auth.ts';
import { participantInfo } from '../../ws/handlers/context.ts';
import { HttpMediaSession, type HttpSessionDeps } from '../http-session.ts';
import { credentialDigest } from '../resource-auth.ts';
import { buildAnswer, type AnswerSection, type LocalTransport } from '../sdp/sdp-answer.ts';
import { parseOffer, remoteDtlsRole } from '../sdp/sdp-offer.ts';
import { producerRtpParameters, type RouterCapabilities } from '../sdp/sdp-rtp.ts';
import { type WhipAuthDeps, whipPublisher } from './whip-auth.ts';
import type { MediaPlane } from '../../../server/media-plane.ts';
import type { Auditor } from '../../audit/auditor.ts';
import type { LiveIncidents } from '../../live/live-incidents.ts';
import type { NodeState } from '../../node-state.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface WhipPublishDeps extends HttpSessionDeps, WhipAuthDeps, RequestAuthDeps {
  audit: Auditor;
  live: LiveIncidents;
  media: MediaPlane;
  nodeState: NodeState;
}

export async function publish(
  deps: WhipPublishDeps,
  registry: Map<string, HttpMediaSession>,
  request: FastifyRequest,
  sdp: string,
): Promise<{ session: HttpMediaSession; answer: string; iceUserId: string; iceNotAfter: number | null }> {
  const { officer, deviceId, sessionEndsAt } = await whipPublisher(deps, request);
  const source = requestSource(deps, request);
  const offer = parseOffer(sdp);
  const caps = deps.media.rtpCapabilities as RouterCapabilities;
  const wanted = offer.media.map((m) => ({
    media: m,
    rtp: m.direction === 'sendonly' || m.direction === 'sendrecv' ? producerRtpParameters(m, caps) : null,
  }));
  if (!wanted.some((w) => w.rtp)) {
    throw new SightlineError('SDP_UNSUPPORTED', 'The offer sends no audio (Opus) or video (VP8, H.264 constrained baseline) this relay takes.');
  }

  let live = deps.live.all().find((l) => l.incident.officerId === officer.id && !l.ended);
  const ownsIncident = !live;
  if (!live) live = await startIncident({ live: deps.live, audit: deps.audit, draining: () => deps.nodeState.draining }, officer, { note: null, source, via: 'whip' });
  const incident = live;
  const credential = credentialDigest(bearerToken(request) ?? '');
  const session = new HttpMediaSession('whip', incident, deps, registry, { actor: actorOf(officer), source, grantId: null }, credential, ownsIncident);
  try {
    await deps.audit.allow({
      action: 'whip.publish',
      actor: actorOf(officer),
      target: { incidentId: incident.incident.id },
      source,
      detail: { deviceId, session: session.id },
    });
    const { sendTransport } = await incident.add(
      { info: participantInfo(session.peerId, officer), isOfficer: true, grantId: null, expiresAt: null, source, permissions: new Set(), rtpCapabilities: null, channel: session },
      { send: true, recv: false },
    );
    const media = incident.participant(session.peerId)!.media;
    const transport = sendTransport as unknown as LocalTransport & { id: string };
    await media.connectTransport(transport.id, { role: remoteDtlsRole(offer.setup), fingerprints: offer.fingerprints });
    const sections: AnswerSection[] = [];
    for (const { media: m, rtp } of wanted) {
      let accepted = false;
      if (rtp && m.kind !== 'other') {
        try {
          await media.produce({ transportId: transport.id, kind: m.kind, rtpParameters: rtp, source: 'camera', paused: false });
          accepted = true;
        } catch (error) {
          request.log.warn({ err: error, mid: m.mid }, 'WHIP m-line refused by the media server');
        }
      }
      sections.push({ offer: m, accepted: accepted ? { direction: 'recvonly', rtpParameters: rtp } : null });
    }
    if (!sections.some((s) => s.accepted)) throw new SightlineError('SDP_UNSUPPORTED', 'The media server took none of the offered streams.');
    session.firstMedia = offer.media.find((m, i) => sections[i]?.accepted) ?? null;
    session.watchTransport(transport.id);
    const answer = buildAnswer(transport, sections, offer.setup === 'passive' ? 'active' : 'passive', Date.now());
    // TURN credentials end with the officer's session (a device key has none: the TTL bounds them).
    return { session, answer, iceUserId: officer.id, iceNotAfter: sessionEndsAt };
  } catch (error) {
    await session.end('INCIDENT_ENDED', null);
    throw error;
  }
}
