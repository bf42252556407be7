// Shared by `join` (clinician, viewing token) and `watch` (supervisor, session): add a viewer
// to a live incident and build the one-round-trip reply.
import { deviceLabel } from '../../identity/device-label.ts';
import { SightlineError } from '../../errors.ts';
import type { User } from '../../identity/directory.ts';
import type { MediaPeer } from '../../../server/media-peer.ts';
import type { BoundReceivers, LiveIncident, Participant } from '../../live/live-incident.ts';
import type { ParticipantInfo, Permission, ResponseData } from '../../protocol/messages.ts';
import type { SignalingConnection } from '../connection.ts';
import { seatExtras } from '../seat-extras.ts';
import { participantInfo } from './context.ts';

export async function addViewer(
  connection: SignalingConnection,
  live: LiveIncident,
  viewer: { user: User; permissions: Set<Permission>; grantId: string | null; expiresAt: number | null },
  rtpCapabilities: unknown,
  /** The media of a seat this connection prepared ahead of the join (its receive transport connected). */
  prepared?: MediaPeer,
  bound?: BoundReceivers,
): Promise<{ reply: ResponseData['join']; replaced: ParticipantInfo | null; participant: Participant }> {
  const you = participantInfo(connection.peerId, viewer.user, deviceLabel(connection.source.userAgent));
  const { participant, recvTransport, sendTransport, consumers, replaced } = await live.add(
    {
      info: you,
      isOfficer: false,
      grantId: viewer.grantId,
      expiresAt: viewer.expiresAt,
      source: connection.source,
      permissions: viewer.permissions,
      rtpCapabilities,
      channel: connection,
    },
    { recv: true, send: viewer.permissions.has('talk') },
    prepared,
    bound,
  );
  connection.incident = live;
  const officer = live.officer?.info;
  if (!officer || !recvTransport) throw new SightlineError('INCIDENT_NOT_FOUND', 'the incident has no officer connected');
  const reply: ResponseData['join'] = {
    incidentId: live.incident.id,
    recorded: live.recorded,
    grantId: viewer.grantId,
    permissions: [...viewer.permissions],
    expiresAt: viewer.expiresAt ?? 0,
    officer,
    you,
    routerRtpCapabilities: live.room.rtpCapabilities,
    recvTransport,
    sendTransport,
    consumers,
    ...seatExtras(connection),
  };
  return { reply, replaced, participant };
}
