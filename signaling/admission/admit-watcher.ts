// Admission of a supervisor watching a live incident of their agency, or one shared with it: the
// signed-in supervisor and the incident's record and sharing agreements decide. A refusal is
// audited here, with its stable code, and thrown.
import { canSeeIncident } from '../access/policy.ts';
import type { Agreement } from '../agreements/agreement-repository.ts';
import type { Auditor } from '../audit/auditor.ts';
import { SightlineError } from '../errors.ts';
import { actorOf, type User } from '../identity/directory.ts';
import type { Incident } from '../incident-records/incident-repository.ts';
import type { LiveIncident } from '../live/live-incident.ts';
import { auditActorOf, refuseAdmission, type AdmissionContext } from './admit-viewer.ts';

/** What admitting a watcher needs. */
export interface WatcherAdmissionDeps {
  live: { get(incidentId: string): LiveIncident | undefined };
  incidents: { find(incidentId: string): Promise<Incident | undefined> };
  agreements: { active(): Promise<Agreement[]> };
  audit: Pick<Auditor, 'note' | 'refuse'>;
}

export interface WatcherSeatRequest {
  live: LiveIncident;
  /** The sharing agreement the access rests on, when the incident is another agency's. */
  agreementId: string | null;
}

export async function admitWatcher(deps: WatcherAdmissionDeps, supervisor: User, incidentId: string, context: AdmissionContext): Promise<WatcherSeatRequest> {
  const record = await deps.incidents.find(incidentId);
  const live = deps.live.get(incidentId);
  const decision = !record || !live ? ({ allowed: false, code: 'INCIDENT_NOT_FOUND' } as const) : canSeeIncident(actorOf(supervisor), record, await deps.agreements.active());
  if (!decision.allowed || !live) {
    const code = decision.allowed ? 'INCIDENT_NOT_FOUND' : decision.code;
    return refuseAdmission(deps.audit, 'watch', context, new SightlineError(code), { actor: auditActorOf(supervisor), incidentId });
  }
  return { live, agreementId: decision.agreementId };
}
