// Who may do what with an incident's recording, decided by the pure policy and audited: the one
// door every recording route goes through. Ids the relay never made are refused before they
// reach the store or the disk.
import type { FastifyRequest } from 'fastify';
import { canAccessRecording, canHoldRecording, type Decision, type IncidentFacts } from '../access/policy.ts';
import type { AgreementRepository } from '../agreements/agreement-repository.ts';
import type { Auditor } from '../audit/auditor.ts';
import { SightlineError } from '../errors.ts';
import type { User } from '../identity/directory.ts';
import type { IncidentHistory } from '../incident-records/incident-history.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import { readManifest } from '../recording/evidence-export.ts';
import { isPurged } from '../recording/purge-record.ts';
import { RecordingPaths } from '../recording/recording-paths.ts';
import type { RecordingManifest } from '../protocol/recordings.ts';
import type { RecordingHolderDeps } from './recording-holder.ts';
import { type RequestAuthDeps, actorOf, requestSource } from './request-auth.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface RecordingAccessDeps extends RequestAuthDeps, RecordingHolderDeps {
  agreements: AgreementRepository;
  audit: Auditor;
  incidentHistory: IncidentHistory;
  incidents: IncidentRepository;
  recordingPaths: RecordingPaths;
}

export type RecordingAccessAction = 'list' | 'play' | 'export' | 'hold' | 'hold-release';

export interface RecordingAccess {
  /**
   * Decides, audits (allowed or refused) and throws on a refusal. `ready` runs between the
   * decision and the audit entry: what it refuses (no recording, not sealed, purged) is no access.
   */
  admit<T>(request: FastifyRequest, user: User, incidentId: string, action: RecordingAccessAction, ready: () => Promise<T>, detail?: Record<string, string>): Promise<T>;
  /** The decision alone, for the requests an audited admission already covers (segments of a play). */
  decide(user: User, incidentId: string, action: RecordingAccessAction): Promise<Decision>;
  /** The manifest of a recording whose segments are still kept: RECORDING_NOT_FOUND, RECORDING_PURGED. */
  keptManifest(incidentId: string): Promise<RecordingManifest>;
}

export function recordingAccess(deps: RecordingAccessDeps): RecordingAccess {
  /** The facts the policy needs, from the live incident or, once it ended, its history and manifest. */
  async function incidentFacts(incidentId: string): Promise<IncidentFacts> {
    if (!RecordingPaths.isIncidentId(incidentId)) throw new SightlineError('RECORDING_NOT_FOUND');
    const live = await deps.incidents.find(incidentId);
    if (live) return live;
    const history = await deps.incidentHistory.get(incidentId);
    const agencyId = history?.agencyId ?? (await readManifest(deps.recordingPaths, incidentId)).agencyId;
    return { agencyId, officerId: history?.officerId ?? '', shared: false, helpRequested: false };
  }

  async function policy(user: User, facts: IncidentFacts, action: RecordingAccessAction): Promise<Decision> {
    if (action === 'hold' || action === 'hold-release') return canHoldRecording(actorOf(user), facts);
    return canAccessRecording(actorOf(user), facts, await deps.agreements.active(), action);
  }

  return {
    async admit(request, user, incidentId, action, ready, detail = {}) {
      const facts = await incidentFacts(incidentId);
      const event = { action: `recording.${action}` as const, actor: actorOf(user), target: { incidentId, agencyId: facts.agencyId }, source: requestSource(deps, request) };
      const decision = await deps.audit.enforce(await policy(user, facts, action), event);
      const value = await ready();
      const allowed = { ...detail, ...(decision.agreementId ? { agreementId: decision.agreementId } : {}) };
      await deps.audit.allow({ ...event, ...(Object.keys(allowed).length > 0 ? { detail: allowed } : {}) });
      return value;
    },
    async decide(user, incidentId, action) {
      return policy(user, await incidentFacts(incidentId), action);
    },
    async keptManifest(incidentId) {
      const manifest = await readManifest(deps.recordingPaths, incidentId);
      if (await isPurged(deps.recordingPaths, incidentId)) throw new SightlineError('RECORDING_PURGED');
      return manifest;
    },
  };
}
