// Evidence recordings over HTTP: the manifest of an incident's recording, the export (a tar of
// segments, manifest, signature, public key and audit extract), a legal hold that keeps it past
// retention, and an agency's recording switch. Every list, export, hold and release is audited
// before it is answered, and every refusal is audited.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { canAccessRecording, canHoldRecording, canSetAgencyRecording, type Decision, type IncidentFacts } from '../access/policy.ts';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import type { Directory, User } from '../identity/directory.ts';
import { agencyParams, incidentParams, legalHoldBody, recordingSwitchBody, recordingSwitchResponse } from '../protocol/http.ts';
import { evidenceFiles, readManifest } from '../recording/evidence-export.ts';
import { legalHold, placeHold, readHold, releaseHold } from '../recording/legal-hold.ts';
import { recordingManifest } from '../recording/manifest.ts';
import { readPurgeRecord, verifyPurgeRecord } from '../recording/purge-record.ts';
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
  hold: legalHold.nullable().describe('the legal hold that keeps the recording past retention'),
  purged: z
    .object({ at: z.string(), retentionDays: z.number(), record: z.string().describe("the relay's signed purge record (compact JWS)") })
    .nullable()
    .describe('set once retention deleted the segments: the manifest and its audit entries remain'),
});
const holdResponse = z.object({ hold: legalHold });

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
  async function admit<T>(
    request: FastifyRequest,
    user: User,
    incidentId: string,
    action: 'list' | 'export' | 'hold' | 'hold-release',
    ready: () => Promise<T>,
    detail: Record<string, string> = {},
  ): Promise<T> {
    const facts = await incidentFacts(incidentId);
    const event = { action: `recording.${action}` as const, actor: actorOf(user), target: { incidentId, agencyId: facts.agencyId }, source: requestSource(deps, request) };
    const policy: Decision =
      action === 'hold' || action === 'hold-release' ? canHoldRecording(actorOf(user), facts) : canAccessRecording(actorOf(user), facts, await deps.agreements.active(), action);
    const decision = await deps.audit.enforce(policy, event);
    const value = await ready();
    const allowed = { ...detail, ...(decision.agreementId ? { agreementId: decision.agreementId } : {}) };
    await deps.audit.allow({ ...event, ...(Object.keys(allowed).length > 0 ? { detail: allowed } : {}) });
    return value;
  }

  /** The recording's purge, as the listing shows it (its record checked against the relay's key). */
  async function purgeOf(incidentId: string) {
    const jws = await readPurgeRecord(deps.recordingPaths, incidentId);
    if (jws === null) return null;
    const record = await verifyPurgeRecord(jws, deps.keys.publicJwk);
    return { at: record.purgedAt, retentionDays: record.retentionDays, record: jws.trim() };
  }

  /** A hold is placed on (and released from) a recording that exists and still has its segments. */
  async function holdable(incidentId: string): Promise<void> {
    await readManifest(deps.recordingPaths, incidentId);
    if (await readPurgeRecord(deps.recordingPaths, incidentId)) throw new SightlineError('RECORDING_PURGED');
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
      return {
        manifest,
        sealed: manifest.endedAt !== null,
        recording: deps.recordings.isRecording(incidentId),
        hold: await readHold(deps.recordingPaths, incidentId),
        purged: await purgeOf(incidentId),
      };
    },
  );

  /** An admin of the incident's agency keeps its recording past retention (a case, a complaint, a court order). */
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
      await admit(request, user, incidentId, 'hold', () => holdable(incidentId), { reason: hold.reason });
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
      const hold = await admit(request, userOf(request), incidentId, 'hold-release', async () => {
        await holdable(incidentId);
        const current = await readHold(deps.recordingPaths, incidentId);
        if (!current) throw new SightlineError('RECORDING_NOT_HELD');
        return current;
      });
      await releaseHold(deps.recordingPaths, incidentId);
      return { hold };
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
