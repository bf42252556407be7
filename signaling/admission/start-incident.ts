// An officer goes live, whichever channel the camera came on (signalling `incident.start`, WHIP):
// the policy allows it, the node takes new incidents, the incident starts, and its start is
// audited before anything is streamed (if the entry cannot be written, the incident ends again).
import { canStartIncident } from '../access/policy.ts';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import { SightlineError } from '../errors.ts';
import { actorOf, type User } from '../identity/directory.ts';
import type { LiveIncident } from '../live/live-incident.ts';
import { auditActorOf } from './admit-viewer.ts';

/** What starting an incident needs. */
export interface IncidentStartDeps {
  live: {
    start(officer: User, note: string | null): Promise<LiveIncident>;
    end(incidentId: string, code: 'INCIDENT_ENDED'): Promise<unknown>;
  };
  audit: Pick<Auditor, 'allow'>;
  /** True once this node drains: it takes no new incidents. */
  draining(): boolean;
}

export async function startIncident(
  deps: IncidentStartDeps,
  officer: User,
  request: { note: string | null; source: AuditSource; via?: 'whip' },
): Promise<LiveIncident> {
  if (!canStartIncident(actorOf(officer)).allowed) throw new SightlineError('FORBIDDEN');
  if (deps.draining()) throw new SightlineError('SERVER_SHUTTING_DOWN');
  const live = await deps.live.start(officer, request.note);
  try {
    await deps.audit.allow({
      action: 'incident.start',
      actor: auditActorOf(officer),
      target: { incidentId: live.incident.id },
      source: request.source,
      ...(request.via ? { detail: { via: request.via } } : {}),
    });
  } catch (error) {
    await deps.live.end(live.incident.id, 'INCIDENT_ENDED');
    throw error;
  }
  return live;
}
