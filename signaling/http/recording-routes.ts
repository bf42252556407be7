// Evidence recordings over HTTP: the manifest of an incident's recording, the export (a tar of
// segments, manifest, signature, public key and audit extract), and an agency's recording switch.
// Every list and export is audited before it is answered, and every refusal is audited.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canAccessRecording, canSetAgencyRecording, type IncidentFacts, type RecordingAction } from '../access/policy.ts';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import type { Directory, User } from '../identity/directory.ts';
import { agencyParams, incidentParams, recordingSwitchBody, recordingSwitchResponse } from '../protocol/http.ts';
import { evidenceFiles, readManifest } from '../recording/evidence-export.ts';
import { recordingManifest } from '../recording/manifest.ts';
import { RecordingPaths } from '../recording/recording-paths.ts';
import { tarStream } from '../recording/tar-stream.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, requestSource, signedIn, userOf } from './request-auth.ts';
import type { AgreementRepository } from '../agreements/agreement-repository.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { IncidentHistory } from '../incident-records/incident-history.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import type { Recordings } from '../recording/recordings.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface RecordingRoutesDeps extends RequestAuthDeps {
  agreements: AgreementRepository;
  audit: Auditor;
  directory: Directory;
  incidentHistory: IncidentHistory;
  incidents: IncidentRepository;
  keys: SigningKeys;
  recordingPaths: RecordingPaths;
  recordings: Recordings;
}

const recordingList = z.object({
  manifest: recordingManifest,
  sealed: z.boolean().describe('the incident ended and the manifest is signed'),
  recording: z.boolean().describe('segments are still being written'),
});

export const recordingRoutes: FastifyPluginAsyncZod<{ deps: RecordingRoutesDeps }> = async (app, { deps }) => {
  const schema = { tags: ['recordings'], security: SESSION };
  /** The facts the policy needs, from the live incident or, once it ended, its history and manifest. */
  async function incidentFacts(incidentId: string): Promise<IncidentFacts> {
    // Only ids the relay makes reach the store or the disk.
    if (!RecordingPaths.isIncidentId(incidentId)) throw new SightlineError('RECORDING_NOT_FOUND');
    const live = await deps.incidents.find(incidentId);
    if (live) return live;
    const history = await deps.incidentHistory.get(incidentId);
    const agencyId = history?.agencyId ?? (await readManifest(deps.recordingPaths, incidentId)).agencyId;
    return { agencyId, officerId: history?.officerId ?? '', shared: false, helpRequested: false };
  }

  /**
   * Decides, audits (allowed or refused) and throws on a refusal. `ready` runs between the
   * decision and the audit entry: what it refuses (no recording, not sealed) is not an access.
   */
  async function admit<T>(request: FastifyRequest, user: User, incidentId: string, action: RecordingAction, ready: () => Promise<T>): Promise<T> {
    const facts = await incidentFacts(incidentId);
    const event = { action: `recording.${action}` as const, actor: actorOf(user), target: { incidentId, agencyId: facts.agencyId }, source: requestSource(deps, request) };
    const decision = await deps.audit.enforce(canAccessRecording(actorOf(user), facts, await deps.agreements.active(), action), event);
    const value = await ready();
    await deps.audit.allow({ ...event, ...(decision.agreementId ? { detail: { agreementId: decision.agreementId } } : {}) });
    return value;
  }

  app.get(
    '/api/incidents/:incidentId/recordings',
    {
      preValidation: signedIn(deps),
      schema: { ...schema, summary: "An incident's recording: its manifest of hashed segments", params: incidentParams, response: { 200: recordingList, ...refusals } },
    },
    async (request) => {
      const { incidentId } = request.params;
      const manifest = await admit(request, userOf(request), incidentId, 'list', () => readManifest(deps.recordingPaths, incidentId));
      return { manifest, sealed: manifest.endedAt !== null, recording: deps.recordings.isRecording(incidentId) };
    },
  );

  app.get(
    '/api/incidents/:incidentId/recordings/export',
    {
      preValidation: signedIn(deps),
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
      const files = await admit(request, user, incidentId, 'export', async () => {
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
