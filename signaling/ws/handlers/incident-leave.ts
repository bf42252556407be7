import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** A viewer stops watching: media cut, presence updated, the socket (console, inbox) stays. */
export const incidentLeave: Handler<'incident.leave'> = async (connection) => {
  const { live, participant } = requireParticipant(connection);
  if (participant.isOfficer) throw new SightlineError('FORBIDDEN', 'officers end the incident instead');
  const incidentId = live.incident.id;
  await connection.leaveSeat();
  if (connection.viewer) connection.viewer = null;
  return { incidentId };
};
