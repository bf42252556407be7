// WHIP (RFC 9725) ingest and WHEP playback over HTTP:
//   POST   /whip[/<anything>]        application/sdp offer → 201, SDP answer, Location, ETag, Link (ice-server)
//   POST   /whep/<incidentId>        the same for a player, with a clinician's viewing token
//   PATCH  /{whip,whep}/resource/<id> application/trickle-ice-sdpfrag: trickle (204) or ICE restart (200 + sdpfrag)
//   DELETE /{whip,whep}/resource/<id> ends the session (a WHIP session that started the incident ends it)
// PATCH and DELETE take only the Bearer credential that created the session (resource-auth.ts).
// Refusals use the RFC's status codes with the usual JSON error body.
import type { AuditAction } from '../protocol/audit-actions.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SightlineError } from '../errors.ts';
import { type TurnSettings, iceServersFor } from '../turn/turn-credentials.ts';
import {
  SDP,
  SDPFRAG,
  deleteResourceSchema,
  endpointNotAllowedSchema,
  endpointOptionsSchema,
  patchResourceSchema,
  resourceNotAllowedSchema,
  resourceOptionsSchema,
  whepSchema,
  whipSchema,
} from './http-media-schemas.ts';
import { incidentParams } from '../protocol/http.ts';
import type { HttpMediaSession } from './http-session.ts';
import { type ResourceAuthDeps, resourceCaller } from './resource-auth.ts';
import { buildIceFragment, parseIceFragment, type LocalTransport } from './sdp/sdp-answer.ts';
import { type WhepPlayDeps, play } from './egress/whep-play.ts';
import { type WhipPublishDeps, publish } from './ingest/whip-publish.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Config } from '../config.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export type HttpMediaRoutesDeps = WhepPlayDeps &
  WhipPublishDeps &
  ResourceAuthDeps & {
    audit: Auditor;
    config: Config;
    turn: TurnSettings | null;
  };

const contentType = (request: FastifyRequest) => (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

function requireBody(request: FastifyRequest, type: string): string {
  if (contentType(request) !== type) throw new SightlineError('MEDIA_TYPE_UNSUPPORTED', `The body must be ${type}.`);
  if (typeof request.body !== 'string' || request.body.length === 0) throw new SightlineError('SDP_MALFORMED', 'The body is empty.');
  return request.body;
}

/** `Link: <turn:...>; rel="ice-server"; username=...; credential=...` for each TURN URL. */
function iceServerLinks(deps: HttpMediaRoutesDeps, userId: string, notAfter: number | null): string[] {
  const servers = iceServersFor(deps.turn, userId, notAfter) ?? [];
  const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
  return servers.flatMap((server) =>
    server.urls.map((url) => `<${url}>; rel="ice-server"; username=${quote(server.username)}; credential=${quote(server.credential)}; credential-type="password"`),
  );
}

export const httpMediaRoutes: FastifyPluginAsync<{ deps: HttpMediaRoutesDeps }> = async (app, { deps }) => {
  const sessions = new Map<string, HttpMediaSession>();
  const rateLimit = { rateLimit: { max: deps.config.AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } };
  // The route schemas here describe SDP bodies for the OpenAPI document; the handlers check them
  // (http-media-schemas.ts), so nothing is validated before them.
  app.setValidatorCompiler(() => (value) => ({ value }));

  // SDP bodies arrive as text; any other type is taken as text too and refused by the handler with 415.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: deps.config.HTTP_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  // 401 answers name the scheme.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="sightline"');
    return payload;
  });

  const created = async (reply: FastifyReply, result: Awaited<ReturnType<typeof publish>>) => {
    const { session, answer, iceUserId, iceNotAfter } = result;
    const links = iceServerLinks(deps, iceUserId, iceNotAfter);
    reply.code(201).header('content-type', SDP).header('location', session.path).header('etag', session.etag).header('accept-patch', SDPFRAG);
    if (links.length) reply.header('link', links);
    return answer;
  };

  const publishHandler = async (request: FastifyRequest, reply: FastifyReply) => {
    const sdp = requireBody(request, SDP);
    return created(reply, await publish(deps, sessions, request, sdp));
  };
  app.post('/whip', { config: rateLimit, schema: whipSchema }, publishHandler);
  app.post('/whip/*', { config: rateLimit, schema: whipSchema }, publishHandler);

  app.post<{ Params: { incidentId: string } }>('/whep/:incidentId', { config: rateLimit, schema: whepSchema }, async (request, reply) => {
    const sdp = requireBody(request, SDP);
    if (!/^[\w-]{1,128}$/.test(request.params.incidentId)) throw new SightlineError('NOT_FOUND');
    return created(reply, await play(deps, sessions, request, request.params.incidentId, sdp));
  });

  for (const protocol of ['whip', 'whep'] as const) {
    /** The live session at this resource, for the caller holding its credential. */
    const authorized = async (request: FastifyRequest<{ Params: { id: string } }>, action: AuditAction) => {
      const found = sessions.get(request.params.id);
      const session = found && found.protocol === protocol && !found.ended ? found : undefined;
      const source = await resourceCaller(deps, request, session, action);
      return { session: session!, source };
    };

    app.patch<{ Params: { id: string } }>(`/${protocol}/resource/:id`, { schema: patchResourceSchema }, async (request, reply) => {
      const { session } = await authorized(request, `${protocol}.patch`);
      const body = requireBody(request, SDPFRAG);
      let fragment;
      try {
        fragment = parseIceFragment(body);
      } catch {
        throw new SightlineError('SDP_MALFORMED', 'The body is not an SDP fragment.');
      }
      const ifMatch = request.headers['if-match'];
      const restart = fragment.iceUfrag !== undefined && fragment.icePwd !== undefined;
      if (restart) {
        // RFC 9725 §4.3.2: an ICE restart carries If-Match ("*" or the current entity tag).
        if (ifMatch === undefined) throw new SightlineError('PRECONDITION_REQUIRED');
        if (ifMatch !== '*' && ifMatch !== session.etag) throw new SightlineError('PRECONDITION_FAILED');
        const media = session.live.participant(session.peerId)?.media;
        if (!media || !session.firstMedia) throw new SightlineError('NOT_FOUND');
        const iceParameters = (await media.restartIce(session.transportId)) as LocalTransport['iceParameters'];
        if (session.protocol === 'whip') void media.keyFramesOnceFlowing();
        const description = media.transportDescription(session.transportId) as LocalTransport | undefined;
        const etag = session.renewEtag();
        reply.code(200).header('content-type', SDPFRAG).header('etag', etag);
        return buildIceFragment({ ...(description as LocalTransport), iceParameters }, session.firstMedia);
      }
      // Trickle: the relay is ICE-lite and learns the client's addresses from its checks.
      if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== session.etag) throw new SightlineError('PRECONDITION_FAILED');
      return reply.code(204).send();
    });

    app.delete<{ Params: { id: string } }>(`/${protocol}/resource/:id`, { schema: deleteResourceSchema }, async (request, reply) => {
      const { session, source } = await authorized(request, `${protocol}.end`);
      // The client left: no refusal or expiry code to record. The caller holds the session's own
      // credential, so it acts for the session's publisher or player.
      await session.end(protocol === 'whip' ? 'INCIDENT_ENDED' : null, { actor: session.who.actor, source });
      if (protocol === 'whip') {
        await deps.audit.note({ action: 'whip.end', outcome: 'info', actor: session.who.actor, target: { incidentId: session.live.incident.id }, source, detail: { session: session.id } });
      }
      return reply.code(200).send();
    });

    const notAllowed = (allow: string) => async (_request: FastifyRequest, reply: FastifyReply) => {
      reply.header('allow', allow);
      throw new SightlineError('METHOD_NOT_ALLOWED');
    };
    app.route({ method: ['GET', 'HEAD', 'PUT', 'POST'], url: `/${protocol}/resource/:id`, schema: resourceNotAllowedSchema, handler: notAllowed('PATCH, DELETE, OPTIONS') });
    app.options(`/${protocol}/resource/:id`, { schema: resourceOptionsSchema }, async (_request, reply) => reply.code(204).header('allow', 'PATCH, DELETE, OPTIONS').header('accept-patch', SDPFRAG).send());
  }

  const endpointNotAllowed = async (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('allow', 'POST, OPTIONS');
    throw new SightlineError('METHOD_NOT_ALLOWED');
  };
  for (const url of ['/whip', '/whip/*', '/whep/:incidentId']) {
    // The WHEP endpoint's path names its incident.
    const params = url === '/whep/:incidentId' ? { params: incidentParams } : {};
    app.route({ method: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'], url, schema: { ...endpointNotAllowedSchema, ...params }, handler: endpointNotAllowed });
    app.options(url, { schema: { ...endpointOptionsSchema, ...params } }, async (_request, reply) => reply.code(204).header('allow', 'POST, OPTIONS').header('accept-post', SDP).send());
  }
};
