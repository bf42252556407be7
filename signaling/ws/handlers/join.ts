import { admitGrantHolder, admitViewer, refuseAdmission } from '../../admission/admit-viewer.ts';
import { auditSeatTakeover, auditViewerJoined } from '../../admission/seat-audit.ts';
import { SightlineError } from '../../errors.ts';
import { toSightlineError } from '../error-mapping.ts';
import type { SignalingConnection } from '../connection.ts';
import type { LiveIncident } from '../../live/live-incident.ts';
import type { Handler } from './context.ts';
import { addViewer } from './viewer-join.ts';

/**
 * A clinician joins with a viewing token and their own session (the link works only for the
 * clinician it names), or from the inbox with a grant of theirs by id and their session, in one
 * round trip: the reply carries the transports and consumers of the live camera streams.
 * Admission (admission/admit-viewer.ts) checks the token or grant; access ends by itself when the
 * grant expires (the seat's end is kept by the live incident, live/seat-expiries.ts).
 *
 * A join on a connection that prepared a seat for the same grant takes its connected receive
 * transport over, and its sound runs as soon as the "joined" entry is written. Its video runs
 * then too when the browser bound a receiver for it ahead (`bound`: the stream needs no setting
 * up); otherwise it starts with the browser's `consumers.resume`, once it can take the camera's
 * keyframe: one that reached it before it had set the stream up would be dropped. Either way the
 * video consumer is held from its creation, so the keyframe it asks for is kept until then.
 */
export const join: Handler<'join'> = async (connection, message) => {
  const { deps } = connection;
  const incidentId = message.incidentId;
  const context = { source: connection.source };
  if (connection.incident || connection.user || connection.viewer) {
    return refuseAdmission(deps.audit, 'join', context, new SightlineError('ALREADY_JOINED'), { actor: connection.actor, incidentId });
  }
  const seat = message.grantToken || !message.grantId
    ? await admitViewer(deps, { token: message.grantToken ?? null, session: message.session }, incidentId, context)
    : await admitGrantHolder(deps, { grantId: message.grantId, session: message.session }, incidentId, context);
  const { clinician, grant, permissions } = seat;
  const prepared = takePrepared(connection, seat.live, grant.id);
  // The seat first, then its audit entry: "joined" is written only for access that exists. Its
  // consumers are paused, so nothing is seen or heard before the entry is written; if it cannot
  // be written, the seat goes again.
  connection.viewer = { user: clinician, grant: seat.claims };
  try {
    const bound = prepared ? message.bound : undefined;
    const seated = await addViewer(connection, seat.live, { user: clinician, permissions, grantId: grant.id, expiresAt: grant.expiresAt }, message.rtpCapabilities, prepared, bound);
    if (seated.replaced) await auditSeatTakeover(deps.audit, seat, context, seated.replaced.peerId);
    await auditViewerJoined(deps.audit, seat, context);
    if (!prepared) return seated.reply;
    const boundMids = new Set(Object.values(bound ?? {}));
    const running = seated.reply.consumers
      .filter((consumer) => consumer.kind === 'audio' || boundMids.has(midOf(consumer.rtpParameters)))
      .map((consumer) => consumer.id);
    if (running.length) await seated.participant.media.resumeConsumers(running);
    return { ...seated.reply, running };
  } catch (error) {
    connection.leaveIncident();
    connection.viewer = null;
    return refuseAdmission(deps.audit, 'join', context, toSightlineError(error), { actor: null, incidentId, grantId: grant.id, userId: clinician.id });
  }
};

function midOf(rtpParameters: unknown): string {
  return (rtpParameters as { mid?: string }).mid ?? '';
}

/** The media of the seat this connection prepared for this grant in this incident, if it is still there. */
function takePrepared(connection: SignalingConnection, live: LiveIncident, grantId: string) {
  const held = connection.prepared;
  connection.prepared = null;
  if (held !== live || live.prepared.get(connection.peerId)?.grantId !== grantId) {
    held?.prepared.drop(connection.peerId);
    return undefined;
  }
  return live.prepared.take(connection.peerId);
}
