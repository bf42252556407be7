// The audit's part in an incident's life: its end (by whom, or by the system, and why), a
// seat's grant expiring, a clinician answering the officer's call for help, and its media rebuilt
// after a worker died.
import type { FastifyBaseLogger } from 'fastify';
import type { IncidentLifecycleObserver } from './incident-lifecycle.ts';
import type { Participant } from './live-incident.ts';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';

export function auditIncidentLifecycle(audit: Auditor, system: AuditSource, log: FastifyBaseLogger): IncidentLifecycleObserver {
  return {
    recovered(live) {
      log.warn({ incidentId: live.incident.id }, 'incident media rebuilt on a live worker');
      void audit.note({ action: 'incident.media-recovered', outcome: 'info', actor: null, target: { incidentId: live.incident.id }, source: system, reason: 'MEDIA_WORKER_DIED' });
    },
    // A seat's ending, whichever channel carried it: its grant expired, or the viewer left
    // (`reason`: why, when not of its own accord; `source`: who asked, when not the holder).
    seatExpired(incidentId, seat) {
      void audit.note({ ...seatEntry(incidentId, seat), action: 'grant.expire', outcome: 'info', reason: 'GRANT_EXPIRED' });
    },
    async seatLeft(incidentId, seat, ending) {
      await audit.note({
        ...seatEntry(incidentId, seat),
        action: 'leave',
        outcome: 'info',
        ...(ending.source ? { source: ending.source } : {}),
        ...(ending.reason ? { reason: ending.reason } : {}),
        ...(seat.via ? { detail: { via: seat.via } } : {}),
      });
    },
    helpAnswered(incident, clinician) {
      void audit.note({
        action: 'help.answered',
        outcome: 'info',
        actor: { id: clinician.userId, role: clinician.role, agencyId: clinician.agencyId },
        target: { incidentId: incident.id, agencyId: incident.agencyId },
        source: system,
      });
    },
    async ended(incidentId, code, by) {
      await audit.note({
        action: 'incident.end',
        outcome: by ? 'allowed' : 'info',
        actor: by?.actor ?? null,
        target: { incidentId },
        source: by?.source ?? system,
        reason: code,
      });
    },
  };
}

/** Who held a seat and where it was taken from, in the audit trail's words. */
function seatEntry(incidentId: string, seat: Participant) {
  const { info } = seat;
  return {
    actor: { id: info.userId, role: info.role, agencyId: info.agencyId },
    target: { incidentId, grantId: seat.grantId ?? undefined },
    source: seat.source,
  };
}
