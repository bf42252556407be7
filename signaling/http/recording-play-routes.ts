// Playing a recording in the browser. `POST …/recordings/play` is the audited access (who played
// which incident, when, from where) and answers with the manifest and a play ticket; the player
// then fetches the segments of the tracks it was asked for, one request each, presenting that
// ticket. A segment request is checked again against the policy (sharing may have been withdrawn
// since), and refused, audited, without a ticket of this person for this incident.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import { incidentParams, segmentParams } from '../protocol/http.ts';
import { PLAY_TICKET_HEADER, playResponse } from '../protocol/recordings.ts';
import { issuePlayTicket, playTicketAdmits } from '../recording/play-ticket.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { refusals, SESSION } from './openapi.ts';
import { answerWhereHeld } from './recording-holder.ts';
import { recordingAccess, type RecordingAccessDeps } from './recording-access.ts';
import { actorOf, requestSource, signedIn, userOf } from './request-auth.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface RecordingPlayRoutesDeps extends RecordingAccessDeps {
  keys: SigningKeys;
}

export const recordingPlayRoutes: FastifyPluginAsyncZod<{ deps: RecordingPlayRoutesDeps }> = async (app, { deps }) => {
  const schema = { tags: ['recordings'], security: SESSION };
  const held = answerWhereHeld(deps);
  const access = recordingAccess(deps);

  app.post(
    '/api/incidents/:incidentId/recordings/play',
    {
      preValidation: signedIn(deps),
      preHandler: held,
      schema: { ...schema, summary: 'Play a recording: audited; answers with its manifest and a ticket for its segments', params: incidentParams, response: { 200: playResponse, ...refusals } },
    },
    async (request) => {
      const user = userOf(request);
      const { incidentId } = request.params;
      const manifest = await access.admit(request, user, incidentId, 'play', () => access.keptManifest(incidentId));
      return { manifest, ...(await issuePlayTicket(deps.keys, user.id, incidentId)) };
    },
  );

  app.get(
    '/api/incidents/:incidentId/recordings/segments/:n',
    {
      preValidation: signedIn(deps),
      preHandler: held,
      schema: {
        ...schema,
        summary: `One segment of a recording being played (Matroska), with the play's ticket in ${PLAY_TICKET_HEADER}`,
        params: segmentParams,
        response: { 200: z.any().describe('video/x-matroska or audio/x-matroska'), ...refusals },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const { incidentId, n } = request.params;
      const ticket = request.headers[PLAY_TICKET_HEADER];
      const decision = await access.decide(user, incidentId, 'play');
      const event = { action: 'recording.play' as const, actor: actorOf(user), target: { incidentId }, source: requestSource(deps, request) };
      await deps.audit.enforce(decision, event);
      if (typeof ticket !== 'string' || !(await playTicketAdmits(deps.keys, ticket, user.id, incidentId))) {
        await deps.audit.refuse(event, 'RECORDING_PLAY_REQUIRED');
      }
      const manifest = await access.keptManifest(incidentId);
      const segment = manifest.segments[n - 1];
      if (!segment) throw new SightlineError('NOT_FOUND', `The recording has ${manifest.segments.length} segments.`);
      const kind = manifest.tracks.find((track) => track.id === segment.track)?.kind ?? 'video';
      const path = deps.recordingPaths.segmentFile(incidentId, segment.file);
      const { size } = await stat(path).catch(() => {
        throw new SightlineError('NOT_FOUND', `Segment ${n} is missing from the recording's storage.`);
      });
      reply.header('content-type', `${kind}/x-matroska`);
      reply.header('content-length', size);
      reply.header('cache-control', 'no-store');
      return reply.send(createReadStream(path));
    },
  );
};
