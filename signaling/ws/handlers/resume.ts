import { refusalOf } from '../../admission/admit-viewer.ts';
import { grantStatus } from '../../grants/grant-repository.ts';
import { endCodeOf } from '../../grants/grant-service.ts';
import { SightlineError } from '../../errors.ts';
import type { ErrorCode } from '../../protocol/error-codes.ts';
import { accessEndsAt, seatIceServers } from '../seat-extras.ts';
import type { Handler } from './context.ts';
import { seatResumes } from '../seat-resumes.ts';

/**
 * A client whose socket dropped takes its seat back: same participant, same incident, same
 * grant, no new viewing token. The resume token is single-use and names one seat; the seat's
 * identity must still hold (the grant active, the session alive). ICE restarts on every
 * transport of the seat, and the reply carries the new ICE parameters and fresh TURN credentials.
 */
export const resume: Handler<'resume'> = async (connection, message) => {
  const { deps } = connection;
  const refuse = (code: ErrorCode, target: { incidentId?: string; grantId?: string } = {}): Promise<never> =>
    deps.audit.refuse({ action: 'resume', actor: connection.actor, target, source: connection.source }, code);
  if (connection.incident || connection.user || connection.viewer) return refuse('ALREADY_JOINED');
  const old = seatResumes(deps).take(message.resumeToken);
  const incident = old?.incident;
  if (!old || !incident || incident.ended || !incident.participant(old.peerId)) return refuse('RESUME_FAILED');
  const target = { incidentId: incident.incident.id, grantId: old.viewer?.grant.grantId };

  if (old.viewer) {
    const grant = await deps.grants.find(old.viewer.grant.grantId);
    const status = grant ? grantStatus(grant, Date.now()) : 'revoked';
    if (status !== 'active') {
      old.endAccess(status === 'expired' ? 'GRANT_EXPIRED' : endCodeOf(grant?.revokeReason ?? null));
      return refuse(refusalOf(status, grant?.revokeReason ?? null), target);
    }
  } else if (old.session) {
    try {
      await deps.sessions.touch(old.session.token);
    } catch (error) {
      return refuse(error instanceof SightlineError ? error.code : 'SESSION_INVALID', target);
    }
  }

  await deps.audit.allow({
    action: 'resume',
    actor: old.actor,
    target,
    source: connection.source,
    detail: { previousIp: old.source.ip, previousConnection: old.source.connection ?? null },
  });
  connection.takeOver(old);
  const participant = incident.participant(connection.peerId)!;
  const wanted = message.restartIce ? new Set(message.restartIce) : null;
  const transports = await Promise.all(
    participant.media
      .transports()
      .filter(({ id }) => !wanted || wanted.has(id))
      .map(async ({ id }) => ({ id, iceParameters: await participant.media.restartIce(id) })),
  );
  // The sender's video is undecodable for viewers until a keyframe follows the gap.
  void participant.media.keyFramesOnceFlowing();
  const iceServers = seatIceServers(connection);
  return {
    incidentId: incident.incident.id,
    resumeToken: seatResumes(deps).issue(connection),
    transports,
    ...(iceServers ? { iceServers } : {}),
    expiresAt: accessEndsAt(connection),
  };
};
