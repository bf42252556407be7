import { admitViewer, refuseAdmission } from '../../admission/admit-viewer.ts';
import { auditSeatTakeover, auditViewerJoined } from '../../admission/seat-audit.ts';
import { SightlineError } from '../../errors.ts';
import { toSightlineError } from '../error-mapping.ts';
import type { Handler } from './context.ts';
import { addViewer } from './viewer-join.ts';

/**
 * A clinician joins with a viewing token and their own session (the link works only for the
 * clinician it names), in one round trip: the reply carries the transports
 * and paused consumers of the live camera streams. Admission (admission/admit-viewer.ts) checks
 * the token and its grant; access ends by itself when the grant expires (the seat's end is kept
 * by the live incident, live/seat-expiries.ts).
 */
export const join: Handler<'join'> = async (connection, message) => {
  const { deps } = connection;
  const incidentId = message.incidentId;
  const context = { source: connection.source };
  if (connection.incident || connection.user || connection.viewer) {
    return refuseAdmission(deps.audit, 'join', context, new SightlineError('ALREADY_JOINED'), { actor: connection.actor, incidentId });
  }
  const seat = await admitViewer(deps, { token: message.grantToken, session: message.session }, incidentId, context);
  const { clinician, grant, permissions } = seat;
  // The seat first, then its audit entry: "joined" is written only for access that exists. Its
  // consumers are paused, so nothing is seen or heard before the entry is written; if it cannot
  // be written, the seat goes again.
  connection.viewer = { user: clinician, grant: seat.claims };
  let seated;
  try {
    seated = await addViewer(connection, seat.live, { user: clinician, permissions, grantId: grant.id, expiresAt: grant.expiresAt }, message.rtpCapabilities);
    if (seated.replaced) await auditSeatTakeover(deps.audit, seat, context, seated.replaced.peerId);
    await auditViewerJoined(deps.audit, seat, context);
  } catch (error) {
    connection.leaveIncident();
    connection.viewer = null;
    return refuseAdmission(deps.audit, 'join', context, toSightlineError(error), { actor: null, incidentId, grantId: grant.id, userId: clinician.id });
  }
  return seated.reply;
};
