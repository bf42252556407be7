import { admitWatcher } from '../../admission/admit-watcher.ts';
import { assertNotInIncident, requireUser, type Handler } from './context.ts';
import { addViewer } from './viewer-join.ts';

/** A supervisor watches a live incident of their agency, or one shared with it. */
export const watch: Handler<'watch'> = async (connection, message) => {
  const { deps } = connection;
  const supervisor = requireUser(connection, 'supervisor');
  assertNotInIncident(connection);
  const incidentId = message.incidentId;
  const { live, agreementId } = await admitWatcher(deps, supervisor, incidentId, { source: connection.source });
  // The seat first, then its audit entry (its consumers are paused until then); if the entry
  // cannot be written, the seat goes again.
  try {
    const { reply } = await addViewer(connection, live, { user: supervisor, permissions: new Set(['view']), grantId: null, expiresAt: null }, message.rtpCapabilities);
    await deps.audit.allow({
      action: 'watch',
      actor: connection.actor,
      target: { incidentId },
      source: connection.source,
      detail: { agreementId },
    });
    return reply;
  } catch (error) {
    connection.leaveIncident();
    throw error;
  }
};
