import { startIncident } from '../../admission/start-incident.ts';
import { seatExtras } from '../seat-extras.ts';
import { assertNotInIncident, participantInfo, requireUser, type Handler } from './context.ts';

/** The officer goes live: incident, media room, and both transports in one round trip. */
export const incidentStart: Handler<'incident.start'> = async (connection, message) => {
  const { deps } = connection;
  const officer = requireUser(connection, 'officer');
  assertNotInIncident(connection);
  const live = await startIncident({ live: deps.live, audit: deps.audit, draining: () => deps.nodeState.draining }, officer, {
    note: message.note ?? null,
    source: connection.source,
  });
  const incidentId = live.incident.id;
  try {
    const { sendTransport, recvTransport } = await live.add(
      {
        info: participantInfo(connection.peerId, officer),
        isOfficer: true,
        expiresAt: null,
        source: connection.source,
        grantId: null,
        permissions: new Set(),
        rtpCapabilities: message.rtpCapabilities,
        channel: connection,
      },
      { send: true, recv: true },
    );
    connection.incident = live;
    return {
      incidentId,
      reference: live.incident.reference,
      recorded: live.recorded,
      routerRtpCapabilities: live.room.rtpCapabilities,
      sendTransport: sendTransport!,
      recvTransport: recvTransport!,
      ...seatExtras(connection),
    };
  } catch (error) {
    connection.incident = null;
    await deps.live.end(incidentId, 'INCIDENT_ENDED');
    throw error;
  }
};
