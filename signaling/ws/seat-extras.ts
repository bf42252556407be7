// What a reply that seats a connection in an incident adds: TURN credentials that end with the
// seat's access (the grant for clinicians, the session for officers and supervisors), and a
// resume token for taking the seat back after a dropped connection.
import type { IceServerInfo, SeatExtras } from '../protocol/messages.ts';
import { iceServersFor } from '../turn/turn-credentials.ts';
import type { SignalingConnection } from './connection.ts';
import { seatResumes } from './seat-resumes.ts';

export function seatIceServers(connection: SignalingConnection): IceServerInfo[] | undefined {
  const { deps } = connection;
  if (connection.viewer) return iceServersFor(deps.turn, connection.viewer.user.id, connection.viewer.grant.expiresAt);
  if (connection.user) return iceServersFor(deps.turn, connection.user.id, connection.session?.endsAt ?? null);
  return undefined;
}

export function seatExtras(connection: SignalingConnection): SeatExtras {
  const iceServers = seatIceServers(connection);
  return {
    ...(iceServers ? { iceServers } : {}),
    resumeToken: seatResumes(connection.deps).issue(connection),
    resumeGraceSeconds: connection.deps.config.RESUME_GRACE_SECONDS,
  };
}

/** When the seat's access ends by itself (a clinician's grant), or null. */
export const accessEndsAt = (connection: SignalingConnection): number | null => connection.viewer?.grant.expiresAt ?? null;
