// What supervisors' consoles and clinicians' inboxes show, computed from shared state for one viewer.
import { referenceOf } from '../incident-records/incident-reference.ts';
import { agencyAccess, canSeeIncident, type AgreementFacts } from '../access/policy.ts';
import type { GrantRepository } from '../grants/grant-repository.ts';
import type { GrantService } from '../grants/grant-service.ts';
import type { Directory, User } from '../identity/directory.ts';
import { actorOf } from '../identity/directory.ts';
import type { Incident } from '../incident-records/incident-repository.ts';
import type { HelpAlert, InboxEntry, IncidentSummary } from '../protocol/messages.ts';

export interface ViewSources {
  directory: Directory;
  grants: GrantRepository;
  grantService: GrantService;
}

export async function incidentSummary(sources: ViewSources, incident: Incident, access: 'own' | 'shared'): Promise<IncidentSummary> {
  const grants = await sources.grants.list({ incidentId: incident.id });
  return {
    id: incident.id,
    reference: referenceOf(incident),
    agencyId: incident.agencyId,
    officer: { peerId: '', userId: incident.officerId, name: incident.officerName, role: 'officer', agencyId: incident.agencyId },
    startedAt: incident.startedAt,
    helpRequested: incident.helpRequested,
    helpRequestedAt: incident.helpRequestedAt,
    helpAnswer: incident.helpAnswer,
    shared: incident.shared,
    note: incident.note,
    location: incident.location,
    viewers: incident.viewers,
    grants: await Promise.all(grants.map((grant) => sources.grantService.info(grant, incident))),
    access,
    lostAt: incident.lostAt,
    recorded: incident.recorded,
    recordingProblem: incident.recordingProblem,
  };
}

/** The live incidents a supervisor may see, newest first. */
export async function consoleView(
  sources: ViewSources,
  supervisor: User,
  incidents: readonly Incident[],
  agreements: readonly AgreementFacts[],
): Promise<IncidentSummary[]> {
  const visible = incidents.filter((incident) => canSeeIncident(actorOf(supervisor), incident, agreements).allowed);
  const summaries = await Promise.all(
    visible.map((incident) => incidentSummary(sources, incident, incident.agencyId === supervisor.agencyId ? 'own' : 'shared')),
  );
  return summaries.sort((a, b) => b.startedAt - a.startedAt);
}

/** The open help requests a clinician hears (on call, of an agency that may see the incident), newest first. */
export function openHelpFor(clinician: User, incidents: readonly Incident[], agreements: readonly AgreementFacts[]): HelpAlert[] {
  return incidents
    .filter((incident) => incident.helpRequested && hearsHelp(clinician, incident, agreements))
    .map((incident) => ({ incidentId: incident.id, agencyId: incident.agencyId, officerName: incident.officerName, at: incident.helpRequestedAt ?? incident.startedAt }))
    .sort((a, b) => b.at - a.at);
}

/** A clinician's grants that are still active: pending (not joined) or active (watching now). */
export async function inboxView(sources: ViewSources, clinician: User, incidents: readonly Incident[]): Promise<InboxEntry[]> {
  const grants = await sources.grants.list({ clinicianId: clinician.id, activeOnly: true });
  return Promise.all(
    grants.map(async (grant) => {
      const incident = incidents.find((i) => i.id === grant.incidentId);
      const info = await sources.grantService.info(grant, incident);
      return {
        grant: info,
        incident: incident
          ? { id: incident.id, reference: referenceOf(incident), agencyId: incident.agencyId, officerName: incident.officerName, startedAt: incident.startedAt, helpRequested: incident.helpRequested, recorded: incident.recorded }
          : null,
        state: info.watching ? ('active' as const) : ('pending' as const),
      };
    }),
  );
}

/** Whether a person should hear an incident's "watch me": supervisors who see it, on-call clinicians whose agency may. */
export function hearsHelp(user: User, incident: Incident, agreements: readonly AgreementFacts[]): boolean {
  if (user.role === 'supervisor') return canSeeIncident(actorOf(user), incident, agreements).allowed;
  if (user.role === 'clinician') return user.onCall && agencyAccess(incident, user.agencyId, agreements).allowed;
  return false;
}
