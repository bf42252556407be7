// Legal hold over HTTP: an admin of the incident's agency keeps its recording past retention (a
// case, a complaint, a court order) and releases it, each audited with who and why; admins list
// the holds on their agency's recordings.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import { incidentParams, legalHoldBody } from '../protocol/http.ts';
import { administeredScope } from '../access/policy.ts';
import { legalHold, legalHoldList } from '../protocol/recordings.ts';
import { listHolds, placeHold, readHold, releaseHold } from '../recording/legal-hold.ts';
import { refusals, SESSION } from './openapi.ts';
import { answerWhereHeld } from './recording-holder.ts';
import { recordingAccess, type RecordingAccessDeps } from './recording-access.ts';
import { actorOf, requestSource, signedIn, userOf } from './request-auth.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export type RecordingHoldRoutesDeps = RecordingAccessDeps;

const holdResponse = z.object({ hold: legalHold });

export const recordingHoldRoutes: FastifyPluginAsyncZod<{ deps: RecordingHoldRoutesDeps }> = async (app, { deps }) => {
  const schema = { tags: ['recordings'], security: SESSION };
  const held = answerWhereHeld(deps);
  const access = recordingAccess(deps);

  app.get(
    '/api/recording-holds',
    {
      preValidation: signedIn(deps),
      schema: { ...schema, summary: "The legal holds on recordings anywhere in the cluster: an admin's agency's, or every one for a platform admin", response: { 200: legalHoldList, ...refusals } },
    },
    async (request) => {
      const user = userOf(request);
      const scope = administeredScope(actorOf(user));
      const event = { action: 'recording.hold-list' as const, actor: actorOf(user), target: {}, source: requestSource(deps, request) };
      if (!scope) return deps.audit.refuse(event, 'FORBIDDEN');
      await deps.audit.allow(event);
      // The cluster's (from the shared index) and this node's disk's (the index of a node without
      // Redis starts empty), each once.
      const byIncident = new Map([...(await deps.recordingIndex.holds()), ...(await listHolds(deps.recordingPaths))].map((hold) => [hold.incidentId, hold]));
      const holds = [...byIncident.values()].sort((a, b) => a.placedAt.localeCompare(b.placedAt));
      return scope === 'all' ? holds : holds.filter((hold) => hold.agencyId === scope.agencyId);
    },
  );

  app.put(
    '/api/incidents/:incidentId/recordings/hold',
    {
      preValidation: signedIn(deps),
      preHandler: held,
      schema: { ...schema, summary: "Put an incident's recording on legal hold (an admin of its agency)", params: incidentParams, body: legalHoldBody, response: { 200: holdResponse, ...refusals } },
    },
    async (request) => {
      const user = userOf(request);
      const { incidentId } = request.params;
      const hold = { incidentId, placedBy: { id: user.id, name: user.name }, placedAt: new Date().toISOString(), reason: request.body.reason };
      await access.admit(request, user, incidentId, 'hold', () => access.keptManifest(incidentId), { reason: hold.reason });
      await placeHold(deps.recordingPaths, hold);
      await deps.recordingIndex.held(incidentId, hold);
      return { hold };
    },
  );

  app.delete(
    '/api/incidents/:incidentId/recordings/hold',
    {
      preValidation: signedIn(deps),
      preHandler: held,
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
      await deps.recordingIndex.held(incidentId, null);
      return { hold };
    },
  );
};
