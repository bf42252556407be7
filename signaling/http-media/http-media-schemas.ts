// The OpenAPI description of the WHIP/WHEP routes (RFC 9725). Their bodies are SDP, not JSON: the
// handlers check them with the RFC's status codes (415 for another media type, 400 SDP_MALFORMED,
// 412/428 for If-Match), so these schemas describe and do not validate.
import type { FastifySchema } from 'fastify';
import { z } from 'zod';
import { refusals } from '../http/openapi.ts';
import { errorBody, incidentParams, mediaResourceParams } from '../protocol/http.ts';

export const SDP = 'application/sdp';
export const SDPFRAG = 'application/trickle-ice-sdpfrag';

const header = (description: string) => ({ type: 'string', description });
const sdp = (description: string) => z.string().describe(description);

const created = (what: string) => ({
  description: `${what}: the SDP answer`,
  headers: {
    location: header('the session resource: PATCH (trickle, ICE restart) and DELETE it'),
    etag: header('the ICE session of the resource, for If-Match'),
    'accept-patch': header(SDPFRAG),
    link: header('TURN servers: `<turn:…>; rel="ice-server"; username=…; credential=…` (one per URL, when TURN is configured)'),
  },
  content: { [SDP]: { schema: sdp('SDP answer (the relay is ICE-lite)') } },
});

const offer = (summary: string, description: string, security: FastifySchema['security']) => ({
  tags: ['media'],
  summary,
  description,
  security,
  consumes: [SDP],
  body: sdp('SDP offer'),
  response: { 201: created(summary), ...refusals },
});

export const whipSchema = offer(
  'WHIP: publish a camera',
  'Starts (or resumes) the officer\'s live incident. `Authorization: Bearer <session token>` (a camera signed in with `POST /api/session/device`, or an officer\'s session) or `Bearer <deviceId>:<key>`. Any path below /whip is the same endpoint.',
  [{ session: [] }, { deviceKey: [] }],
);

export const whepSchema = {
  ...offer('WHEP: play an incident', "`Authorization: Bearer <viewing token>`: a clinician's grant for this incident.", [{ viewingToken: [] }]),
  params: incidentParams,
};

const resource = { tags: ['media'], params: mediaResourceParams, description: 'Only the Bearer credential that created the session may use its resource.' };

export const patchResourceSchema = {
  ...resource,
  summary: 'Trickle ICE candidates (204) or restart ICE (200, needs If-Match)',
  consumes: [SDPFRAG],
  headers: z.object({ 'if-match': z.string().optional().describe('`*` or the current ETag; required for an ICE restart') }),
  body: sdp('an SDP fragment (RFC 8840)'),
  response: {
    200: {
      description: 'ICE restarted: the relay\'s new ICE credentials',
      headers: { etag: header('the new ICE session') },
      content: { [SDPFRAG]: { schema: sdp('SDP fragment with the new ice-ufrag and ice-pwd') } },
    },
    204: z.undefined().describe('candidates taken (the relay is ICE-lite and learns them from the checks)'),
    ...refusals,
  },
};

export const deleteResourceSchema = {
  ...resource,
  summary: 'End the session (a WHIP session that started the incident ends it)',
  response: { 200: z.undefined().describe('ended'), ...refusals },
};

const notAllowed = (allow: string) => ({
  tags: ['media'],
  summary: `Not allowed: the resource takes ${allow}`,
  response: { 405: { description: 'METHOD_NOT_ALLOWED', headers: { allow: header(allow) }, content: { 'application/json': { schema: errorBody } } } },
});
const options = (allow: string, accept: Record<string, ReturnType<typeof header>>) => ({
  tags: ['media'],
  summary: 'What the resource takes',
  response: { 204: { description: 'the allowed methods and media types', headers: { allow: header(allow), ...accept } } },
});

export const resourceNotAllowedSchema = { ...notAllowed('PATCH, DELETE, OPTIONS'), params: mediaResourceParams };
export const resourceOptionsSchema = { ...options('PATCH, DELETE, OPTIONS', { 'accept-patch': header(SDPFRAG) }), params: mediaResourceParams };
export const endpointNotAllowedSchema = notAllowed('POST, OPTIONS');
export const endpointOptionsSchema = options('POST, OPTIONS', { 'accept-post': header(SDP) });
