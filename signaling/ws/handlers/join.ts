import { canBeGranted } from '../../access-policy.ts';
import { SightlineError } from '../../errors.ts';
import { verifyViewingToken } from '../../tokens/viewing-token.ts';
import type { SignalingConnection } from '../connection.ts';
import { participantInfo, type Handler } from './context.ts';

/**
 * A clinician joins with a viewing token, in one round trip: the reply carries the transports
 * and paused consumers of the live camera streams. Access ends by itself at the token's expiry.
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
  let grant;
  try {
    grant = await verifyViewingToken(message.grantToken, services.keys, { issuer: services.config.TOKEN_ISSUER, incidentId });
  } catch (error) {
    return refuse(error instanceof SightlineError ? error : new SightlineError('TOKEN_MALFORMED'));
  }
  const clinician = services.directory.userById(grant.clinicianId);
  if (!clinician || !canBeGranted(clinician)) return refuse(new SightlineError('FORBIDDEN'), grant.grantId, grant.clinicianId);
  const live = services.live.get(incidentId);
  if (!live) return refuse(new SightlineError('INCIDENT_NOT_FOUND'), grant.grantId, clinician.id);

  await services.audit.allow({
    action: 'join',
    actor: { id: clinician.id, role: clinician.role, agencyId: clinician.agencyId },
    target: { incidentId, grantId: grant.grantId },
    source: connection.source,
    detail: { permissions: grant.permissions.join(','), expiresAt: grant.expiresAt },
  });
  connection.viewer = { user: clinician, grant };
  const permissions = new Set(grant.permissions);
  const { recvTransport, sendTransport, consumers } = await live.add(
    {
      info: participantInfo(connection.peerId, clinician),
      isOfficer: false,
      permissions,
      rtpCapabilities: message.rtpCapabilities,
      channel: connection,
    },
    { recv: true, send: permissions.has('talk') },
  );
  connection.incident = live;
  scheduleExpiry(connection, incidentId, grant.grantId, grant.expiresAt);
  const officer = live.officer?.info;
  if (!officer) throw new SightlineError('INCIDENT_NOT_FOUND', 'the incident has no officer connected');
  return {
    incidentId,
    permissions: [...permissions],
    expiresAt: grant.expiresAt,
    officer,
    routerRtpCapabilities: live.room.rtpCapabilities,
    recvTransport: recvTransport!,
    sendTransport,
    consumers,
  };
};

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
