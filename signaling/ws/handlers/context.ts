// Small guards shared by the signalling handlers.
import { SightlineError } from '../../errors.ts';
import type { User } from '../../identity/directory.ts';
import type { LiveIncident, Participant } from '../../live/live-incident.ts';
import type { ClientMessageType, ClientRequest, ResponseData } from '../../protocol/messages.ts';
import type { SignalingConnection } from '../connection.ts';

export type Handler<T extends ClientMessageType> = (
  connection: SignalingConnection,
  message: ClientRequest<T>,
) => Promise<ResponseData[T]>;

export function requireUser(connection: SignalingConnection, role: User['role']): User {
  if (!connection.user) throw new SightlineError('NOT_AUTHENTICATED');
  if (connection.user.role !== role) throw new SightlineError('FORBIDDEN');
  return connection.user;
}

export function requireParticipant(connection: SignalingConnection): { live: LiveIncident; participant: Participant } {
  const live = connection.incident;
  const participant = live?.participant(connection.peerId);
  if (!live || !participant) throw new SightlineError('NOT_JOINED');
  return { live, participant };
}

export function assertNotInIncident(connection: SignalingConnection): void {
  if (connection.incident) throw new SightlineError('ALREADY_JOINED');
}

export function participantInfo(peerId: string, user: User, device?: string): import('../../protocol/messages.ts').ParticipantInfo {
  return { peerId, userId: user.id, name: user.name, role: user.role, agencyId: user.agencyId, ...(device ? { device } : {}) };
}
