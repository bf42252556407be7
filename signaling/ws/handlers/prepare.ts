import { admitGrantHolder, refuseAdmission } from '../../admission/admit-viewer.ts';
import { SightlineError } from '../../errors.ts';
import { iceServersFor } from '../../turn/turn-credentials.ts';
import type { Handler } from './context.ts';

/**
 * A clinician's inbox makes a seat ready ahead of a join (pre-connected): a receive transport on
 * the incident's media, with nothing consumed, which the browser connects at once. Admitted like a
 * join (session and active grant); not audited unless refused, since nothing is seen or heard
 * until the `join` that takes it over, and that join is the access on record.
 */
export const prepare: Handler<'prepare'> = async (connection, message) => {
  const { deps } = connection;
  const { incidentId, grantId } = message;
  const context = { source: connection.source };
  if (connection.incident || connection.user || connection.viewer || connection.prepared) {
    return refuseAdmission(deps.audit, 'prepare', context, new SightlineError('ALREADY_JOINED'), { actor: connection.actor, incidentId, grantId });
  }
  const seat = await admitGrantHolder(deps, { grantId, session: message.session }, incidentId, context, 'prepare');
  const receive = await seat.live.prepare(
    { peerId: connection.peerId, grantId: seat.grant.id, userId: seat.clinician.id, expiresAt: seat.grant.expiresAt, channel: connection },
    message.sctpCapabilities,
  );
  connection.prepared = seat.live;
  const iceServers = iceServersFor(deps.turn, seat.clinician.id, seat.grant.expiresAt);
  return {
    incidentId,
    grantId: seat.grant.id,
    expiresAt: seat.grant.expiresAt,
    routerRtpCapabilities: seat.live.room.rtpCapabilities,
    recvTransport: receive.transport,
    dataConsumer: receive.dataConsumer,
    boundSsrcs: receive.ssrcs,
    ...(iceServers ? { iceServers } : {}),
  };
};
