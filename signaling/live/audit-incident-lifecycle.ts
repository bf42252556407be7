// The audit's part in an incident's life: its end (by whom, or by the system, and why), a
// seat's grant expiring, a clinician answering the officer's call for help, and its media rebuilt
// after a worker died.
import type { FastifyBaseLogger } from 'fastify';
import type { IncidentLifecycleObserver } from './incident-lifecycle.ts';
import { auditSeatExpired, auditSeatLeft, seatHolder } from './seat-ending-audit.ts';
import type { AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';

export function auditIncidentLifecycle(audit: Auditor, system: AuditSource, log: FastifyBaseLogger): IncidentLifecycleObserver {
  return {
    recovered(live) {
      log.warn({ incidentId: live.incident.id }, 'incident media rebuilt on a live worker');
      void audit.note({ action: 'incident.media-recovered', outcome: 'info', actor: null, target: { incidentId: live.incident.id }, source: system, reason: 'MEDIA_WORKER_DIED' });
    },
    seatExpired(incidentId, seat) {
      void auditSeatExpired(audit, seatHolder(incidentId, seat));
    },
    async seatLeft(incidentId, seat, ending) {
      await auditSeatLeft(audit, seatHolder(incidentId, seat), ending);
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
