// Legal hold over HTTP: an admin of the incident's agency keeps its recording past retention (a
// case, a complaint, a court order) and releases it; each is audited with who and why.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import { incidentParams, legalHoldBody } from '../protocol/http.ts';
import { legalHold } from '../protocol/recordings.ts';
import { placeHold, readHold, releaseHold } from '../recording/legal-hold.ts';
import { refusals, SESSION } from './openapi.ts';
import { recordingAccess, type RecordingAccessDeps } from './recording-access.ts';
import { signedIn, userOf } from './request-auth.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export type RecordingHoldRoutesDeps = RecordingAccessDeps;

const holdResponse = z.object({ hold: legalHold });

export const recordingHoldRoutes: FastifyPluginAsyncZod<{ deps: RecordingHoldRoutesDeps }> = async (app, { deps }) => {
  const schema = { tags: ['recordings'], security: SESSION };
  const access = recordingAccess(deps);

  app.put(
    '/api/incidents/:incidentId/recordings/hold',
    {
      preValidation: signedIn(deps),
      schema: { ...schema, summary: "Put an incident's recording on legal hold (an admin of its agency)", params: incidentParams, body: legalHoldBody, response: { 200: holdResponse, ...refusals } },
    },
    async (request) => {
      const user = userOf(request);
      const { incidentId } = request.params;
      const hold = { incidentId, placedBy: { id: user.id, name: user.name }, placedAt: new Date().toISOString(), reason: request.body.reason };
      await access.admit(request, user, incidentId, 'hold', () => access.keptManifest(incidentId), { reason: hold.reason });
      await placeHold(deps.recordingPaths, hold);
      return { hold };
    },
  );

  app.delete(
    '/api/incidents/:incidentId/recordings/hold',
    {
      preValidation: signedIn(deps),
      schema: { ...schema, summary: 'Release a legal hold: the recording is kept for its retention period only', params: incidentParams, response: { 200: holdResponse, ...refusals } },
    },
    async (request) => {
      const { incidentId } = request.params;
      const hold = await access.admit(request, userOf(request), incidentId, 'hold-release', async () => {
        await access.keptManifest(incidentId);
        const current = await readHold(deps.recordingPaths, incidentId);
        if (!current) throw new SightlineError('RECORDING_NOT_HELD');
        return current;
      });
      await releaseHold(deps.recordingPaths, incidentId);
      return { hold };
    },
  );
};
