// The audit entries of a seat's ending, whichever channel carried it: its grant expired, or the
// viewer left (of their own accord, or cut for a reason).
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Participant } from './live-incident.ts';

/** Who held a seat, in the audit trail's words, whichever channel carried it. */
export interface SeatHolder {
  actor: AuditActor | null;
  incidentId: string;
  grantId: string | null;
  source: AuditSource;
  via?: 'whep';
}

const seatTarget = (seat: SeatHolder) => ({ incidentId: seat.incidentId, grantId: seat.grantId ?? undefined });

/** The seat's grant expired and its access ended by itself. */
export function auditSeatExpired(audit: Pick<Auditor, 'note'>, seat: SeatHolder): Promise<void> {
  return audit.note({ action: 'grant.expire', outcome: 'info', actor: seat.actor, target: seatTarget(seat), source: seat.source, reason: 'GRANT_EXPIRED' });
}

/** A viewer left its seat (`reason`: why, when not of its own accord; `source`: who asked, when not the holder). */
export function auditSeatLeft(audit: Pick<Auditor, 'note'>, seat: SeatHolder, ending: { reason?: string | null; source?: AuditSource } = {}): Promise<void> {
  return audit.note({
    action: 'leave',
    outcome: 'info',
    actor: seat.actor,
    target: seatTarget(seat),
    source: ending.source ?? seat.source,
    ...(ending.reason ? { reason: ending.reason } : {}),
    ...(seat.via ? { detail: { via: seat.via } } : {}),
  });
}

/** The holder of a seat in a live incident, as its ending is audited. */
export function seatHolder(incidentId: string, seat: Participant): SeatHolder {
  const { info } = seat;
  return { actor: { id: info.userId, role: info.role, agencyId: info.agencyId }, incidentId, grantId: seat.grantId, source: seat.source, ...(seat.via ? { via: seat.via } : {}) };
}
