// The audit entries of a seat taken, whichever channel carries it: the clinician's join (written
// only for access that exists, before its paused consumers play) and a takeover of the grant's
// one seat from another connection.
import type { Auditor } from '../audit/auditor.ts';
import type { AdmissionContext, ViewerSeatRequest } from './admit-viewer.ts';

const via = (context: AdmissionContext): Record<string, string> => (context.via ? { via: context.via } : {});

/** Records the join; throws AUDIT_UNAVAILABLE when it cannot be made durable (the seat then goes). */
export function auditViewerJoined(audit: Pick<Auditor, 'allow'>, seat: ViewerSeatRequest, context: AdmissionContext): Promise<void> {
  return audit.allow({
    action: 'join',
    actor: seat.actor,
    target: { incidentId: seat.incidentId, grantId: seat.grant.id },
    source: context.source,
    detail: { ...via(context), permissions: [...seat.permissions].join(','), expiresAt: seat.grant.expiresAt, agreementId: seat.grant.agreementId },
  });
}

/** One grant holds one seat: this admission took it over from another connection, which was told and cut. */
export function auditSeatTakeover(audit: Pick<Auditor, 'note'>, seat: ViewerSeatRequest, context: AdmissionContext, previousSeat: string): Promise<void> {
  return audit.note({
    action: 'seat.takeover',
    outcome: 'info',
    actor: seat.actor,
    target: { incidentId: seat.incidentId, grantId: seat.grant.id },
    source: context.source,
    reason: 'SEAT_TAKEN_OVER',
    detail: { ...via(context), previousSeat },
  });
}
