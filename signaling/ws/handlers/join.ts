import { grantStillCovered } from '../../access/policy.ts';
import { grantStatus } from '../../grants/grant-repository.ts';
import { SightlineError } from '../../errors.ts';
import { verifyViewingToken } from '../../tokens/viewing-token.ts';
import type { SignalingConnection } from '../connection.ts';
import { toSightlineError } from '../error-mapping.ts';
import type { Handler } from './context.ts';
import { addViewer } from './viewer-join.ts';

/**
 * A clinician joins with a viewing token, in one round trip: the reply carries the transports
 * and paused consumers of the live camera streams. The token must verify and its grant must
 * still be active (not revoked, not expired, still covered by any sharing agreement). Access
 * ends by itself when the grant expires.
 */
export const join: Handler<'join'> = async (connection, message) => {
  const { services } = connection;
  const incidentId = message.incidentId;
  const refuse = async (error: SightlineError, grantId?: string, userId?: string): Promise<never> => {
    await services.audit.note({
      action: 'join',
      outcome: 'denied',
      actor: connection.actor,
      target: { incidentId, grantId, userId },
      source: connection.source,
      reason: error.code,
    });
    throw error;
  };

  if (connection.incident || connection.user || connection.viewer) return refuse(new SightlineError('ALREADY_JOINED'));
  let token;
  try {
    token = await verifyViewingToken(message.grantToken, services.keys, { issuer: services.config.TOKEN_ISSUER, incidentId });
  } catch (error) {
    return refuse(error instanceof SightlineError ? error : new SightlineError('TOKEN_MALFORMED'));
  }
  const grant = await services.grants.find(token.grantId);
  if (!grant || grant.clinicianId !== token.clinicianId || grant.incidentId !== incidentId) {
    return refuse(new SightlineError('TOKEN_REVOKED', 'this link is no longer valid'), token.grantId, token.clinicianId);
  }
  const status = grantStatus(grant, Date.now());
  if (status !== 'active') {
    return refuse(new SightlineError(status === 'revoked' ? 'TOKEN_REVOKED' : 'TOKEN_EXPIRED'), grant.id, grant.clinicianId);
  }
  const clinician = await services.directory.userById(grant.clinicianId);
  if (!clinician || clinician.role !== 'clinician') return refuse(new SightlineError('FORBIDDEN'), grant.id, grant.clinicianId);
  const live = services.live.get(incidentId);
  const record = await services.incidents.find(incidentId);
  if (!live || !record) return refuse(new SightlineError('INCIDENT_NOT_FOUND'), grant.id, clinician.id);
  if (!grantStillCovered(record, clinician.agencyId, await services.agreements.active()).allowed) {
    return refuse(new SightlineError('TOKEN_REVOKED', 'the sharing agreement behind this access has ended'), grant.id, clinician.id);
  }

  // The grant may have narrowed since the token was issued; the grant record is authoritative.
  const permissions = new Set(token.permissions.filter((p) => grant.permissions.includes(p)));
  const actor = { id: clinician.id, role: clinician.role, agencyId: clinician.agencyId };
  // The seat first, then its audit entry: "joined" is written only for access that exists. Its
  // consumers are paused, so nothing is seen or heard before the entry is written; if it cannot
  // be written, the seat goes again.
  connection.viewer = { user: clinician, grant: { ...token, permissions: [...permissions], expiresAt: grant.expiresAt } };
  let seated;
  try {
    seated = await addViewer(connection, live, { user: clinician, permissions, grantId: grant.id, expiresAt: grant.expiresAt }, message.rtpCapabilities);
    if (seated.replaced) await auditTakeover(connection, incidentId, grant.id, seated.replaced.peerId);
    await services.audit.allow({
      action: 'join',
      actor,
      target: { incidentId, grantId: grant.id },
      source: connection.source,
      detail: { permissions: [...permissions].join(','), expiresAt: grant.expiresAt, agreementId: grant.agreementId },
    });
  } catch (error) {
    connection.leaveIncident();
    connection.viewer = null;
    return refuse(toSightlineError(error), grant.id, clinician.id);
  }
  scheduleExpiry(connection, incidentId, grant.id, grant.expiresAt);
  return seated.reply;
};

/** One grant holds one seat: this join took it over from another connection, which was told and cut. */
async function auditTakeover(connection: SignalingConnection, incidentId: string, grantId: string, previousPeerId: string): Promise<void> {
  await connection.services.audit.note({
    action: 'seat.takeover',
    outcome: 'info',
    actor: connection.actor,
    target: { incidentId, grantId },
    source: connection.source,
    reason: 'SEAT_TAKEN_OVER',
    detail: { previousSeat: previousPeerId },
  });
}

function scheduleExpiry(connection: SignalingConnection, incidentId: string, grantId: string, expiresAt: number): void {
  connection.scheduleAccessEnd(expiresAt, 'GRANT_EXPIRED', () => {
    // An incident that ended first already ended this access (audited as incident.end).
    if (!connection.services.live.get(incidentId)) return;
    void connection.services.audit.note({
      action: 'grant.expire',
      outcome: 'info',
      actor: connection.actor,
      target: { incidentId, grantId },
      source: connection.source,
      reason: 'GRANT_EXPIRED',
    });
  });
}
