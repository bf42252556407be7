// Evidence recordings over HTTP: the manifest of an incident's recording (with its legal hold and
// purge), the export (a tar of segments, manifest, signature, public key and audit extract), and
// an agency's recording switch. Every list and export is audited before it is answered, and every
// refusal is audited (recording-access.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canSetAgencyRecording } from '../access/policy.ts';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import type { Directory } from '../identity/directory.ts';
import { agencyParams, incidentParams, recordingSwitchBody, recordingSwitchResponse } from '../protocol/http.ts';
import { evidenceFiles, readManifest } from '../recording/evidence-export.ts';
import { readHold } from '../recording/legal-hold.ts';
import { recordingView } from '../protocol/recordings.ts';
import { readPurgeRecord, verifyPurgeRecord } from '../recording/purge-record.ts';
import { tarStream } from '../recording/tar-stream.ts';
import { refusals, SESSION } from './openapi.ts';
import { answerWhereHeld } from './recording-holder.ts';
import { recordingAccess, type RecordingAccessDeps } from './recording-access.ts';
import { actorOf, requestSource, signedIn, userOf } from './request-auth.ts';
import type { Recordings } from '../recording/recordings.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface RecordingRoutesDeps extends RecordingAccessDeps {
  directory: Directory;
  keys: SigningKeys;
  recordings: Recordings;
}

export const recordingRoutes: FastifyPluginAsyncZod<{ deps: RecordingRoutesDeps }> = async (app, { deps }) => {
  const schema = { tags: ['recordings'], security: SESSION };
  const held = answerWhereHeld(deps);
  const access = recordingAccess(deps);

  /** The recording's purge, as the listing shows it (its record checked against the relay's key). */
  async function purgeOf(incidentId: string) {
    const jws = await readPurgeRecord(deps.recordingPaths, incidentId);
    if (jws === null) return null;
    const record = await verifyPurgeRecord(jws, deps.keys.publicJwk);
    return { at: record.purgedAt, retentionDays: record.retentionDays, record: jws.trim() };
  }

  app.get(
    '/api/incidents/:incidentId/recordings',
    {
      preValidation: signedIn(deps),
      preHandler: held,
      schema: { ...schema, summary: "An incident's recording: its manifest of hashed segments", params: incidentParams, response: { 200: recordingView, ...refusals } },
    },
    async (request) => {
      const { incidentId } = request.params;
      const manifest = await access.admit(request, userOf(request), incidentId, 'list', () => readManifest(deps.recordingPaths, incidentId));
      return {
        manifest,
        sealed: manifest.endedAt !== null,
        recording: deps.recordings.isRecording(incidentId),
        hold: await readHold(deps.recordingPaths, incidentId),
        purged: await purgeOf(incidentId),
      };
    },
  );

  app.get(
    '/api/incidents/:incidentId/recordings/export',
    {
      preValidation: signedIn(deps),
      preHandler: held,
      schema: {
        ...schema,
        summary: 'Export a recording (application/x-tar: segments, manifest, signature, public key, audit extract)',
        params: incidentParams,
        response: { 200: z.any().describe('an uncompressed tar archive; check it with npm run evidence:verify'), ...refusals },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const { incidentId } = request.params;
      const files = await access.admit(request, user, incidentId, 'export', async () => {
        const audit: AuditEntry[] = [];
        for await (const entry of deps.audit.log.find({ incidentId, order: 'asc' })) audit.push(entry);
        return evidenceFiles(deps.recordingPaths, incidentId, deps.keys.publicJwk, audit);
      });
      reply.header('content-type', 'application/x-tar');
      reply.header('content-disposition', `attachment; filename="${incidentId}.tar"`);
      return reply.send(tarStream(files));
    },
  );

  /** An agency's admin (or a platform admin) switches recording of its future incidents. */
  app.put(
    '/api/agencies/:agencyId/recording',
    {
      preValidation: signedIn(deps),
      schema: {
        ...schema,
        summary: "Switch recording of an agency's future incidents (its admin or a platform admin)",
        params: agencyParams,
        body: recordingSwitchBody,
        response: { 200: recordingSwitchResponse, ...refusals },
      },
    },
    async (request) => {
      const user = userOf(request);
      const { agencyId } = request.params;
      const { enabled } = request.body;
      const event = { action: enabled ? ('agency.recording-on' as const) : ('agency.recording-off' as const), actor: actorOf(user), target: { agencyId }, source: requestSource(deps, request) };
      await deps.audit.enforce(canSetAgencyRecording(actorOf(user), agencyId), event);
      if (!(await deps.directory.agency(agencyId))) throw new SightlineError('AGENCY_NOT_FOUND');
      await deps.audit.allow(event);
      const agency = await deps.directory.setAgencyRecording(agencyId, enabled);
      return { agencyId, recording: agency.recording !== false };
    },
  );
};
