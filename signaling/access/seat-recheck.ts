// When access narrows (an agreement withdrawn, an incident unmarked, a person's role changed),
// every live seat on this node is checked again against the current facts, and a seat no longer
// allowed is cut at once, told why (ACCESS_WITHDRAWN) and audited. Grants are re-checked by the
// grant service, which revokes uncovered ones; this covers the seats that rest on no grant
// (supervisors watching) and people whose role no longer fits their seat.
import type { AgreementRepository } from '../agreements/agreement-repository.ts';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import { actorOf, type Directory } from '../identity/directory.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import type { LiveIncidents } from '../live/live-incidents.ts';
import type { Bus, BusEvent } from '../state/bus.ts';
import { canSeeIncident } from './policy.ts';

export interface SeatRecheckDeps {
  bus: Bus;
  live: LiveIncidents;
  incidents: IncidentRepository;
  agreements: AgreementRepository;
  directory: Directory;
  audit: Auditor;
  source: AuditSource;
  onError: (error: unknown) => void;
}

const narrows = (event: BusEvent): boolean => event.type === 'agreements.changed' || event.type === 'access.narrowed';

/** Subscribes the re-check to the bus; returns the unsubscribe function. */
export function recheckSeatsWhenAccessNarrows(deps: SeatRecheckDeps): () => void {
  let running: Promise<void> = Promise.resolve();
  return deps.bus.subscribe((event) => {
    if (!narrows(event)) return;
    const only = event.type === 'access.narrowed' && event.reason === 'incident.unshared' ? event.incidentId : undefined;
    // One re-check at a time, each against the facts as they are when it runs.
    running = running.then(() => recheckSeats(deps, only)).catch(deps.onError);
  });
}

/** Cuts every seat on this node that its holder may no longer have. */
export async function recheckSeats(deps: Omit<SeatRecheckDeps, 'bus' | 'onError'>, incidentId?: string): Promise<void> {
  const active = await deps.agreements.active();
  for (const live of deps.live.all()) {
    if (incidentId && live.incident.id !== incidentId) continue;
    const record = await deps.incidents.find(live.incident.id);
    if (!record) continue;
    for (const participant of live.participants()) {
      if (participant.isOfficer) continue;
      const user = await deps.directory.userById(participant.info.userId);
      const still =
        user !== undefined &&
        (participant.grantId !== null ? user.role === 'clinician' : canSeeIncident(actorOf(user), record, active).allowed);
      if (still) continue;
      await deps.audit.note({
        action: 'access.withdrawn',
        outcome: 'info',
        actor: { id: participant.info.userId, role: user?.role ?? participant.info.role, agencyId: participant.info.agencyId },
        target: { incidentId: live.incident.id, grantId: participant.grantId ?? undefined, userId: participant.info.userId },
        source: deps.source,
        reason: 'ACCESS_WITHDRAWN',
      });
      participant.channel.endAccess('ACCESS_WITHDRAWN');
    }
  }
}
