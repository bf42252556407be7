import { canSeeIncident } from '../../access/policy.ts';
import { SightlineError } from '../../errors.ts';
import { actorOf } from '../../identity/directory.ts';
import { assertNotInIncident, requireUser, type Handler } from './context.ts';
import { addViewer } from './viewer-join.ts';

/** A supervisor watches a live incident of their agency, or one shared with it. */
export const watch: Handler<'watch'> = async (connection, message) => {
  const { services } = connection;
  const supervisor = requireUser(connection, 'supervisor');
  assertNotInIncident(connection);
  const incidentId = message.incidentId;
  const record = await services.incidents.find(incidentId);
  const live = services.live.get(incidentId);
  const decision = !record || !live ? ({ allowed: false, code: 'INCIDENT_NOT_FOUND' } as const) : canSeeIncident(actorOf(supervisor), record, await services.agreements.active());
  if (!decision.allowed) {
    await services.audit.note({
      action: 'watch',
      outcome: 'denied',
      actor: connection.actor,
      target: { incidentId },
      source: connection.source,
      reason: decision.code,
    });
    throw new SightlineError(decision.code);
  }
  // The seat first, then its audit entry (its consumers are paused until then); if the entry
  // cannot be written, the seat goes again.
  try {
    const { reply } = await addViewer(connection, live!, { user: supervisor, permissions: new Set(['view']), grantId: null, expiresAt: null }, message.rtpCapabilities);
    await services.audit.allow({
      action: 'watch',
      actor: connection.actor,
      target: { incidentId },
      source: connection.source,
      detail: { agreementId: decision.agreementId },
    });
    return reply;
  } catch (error) {
    connection.leaveIncident();
    throw error;
  }
};
