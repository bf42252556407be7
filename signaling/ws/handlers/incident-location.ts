import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** The officer shares (or stops sharing) the camera's location with those who may see the incident. */
export const incidentLocation: Handler<'incident.location'> = async (connection, message) => {
  const { live, participant } = requireParticipant(connection);
  if (!participant.isOfficer) throw new SightlineError('FORBIDDEN');
  const { deps } = connection;
  const incident = await deps.incidents.update(live.incident.id, () => ({ location: message.location }));
  if (!incident) throw new SightlineError('INCIDENT_NOT_FOUND');
  await deps.bus.publish({ type: 'incidents.changed', incidentId: incident.id });
  return { incidentId: incident.id };
};
