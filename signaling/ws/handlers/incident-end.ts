import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** The officer ends the live incident; every viewer is cut and told. */
export const incidentEnd: Handler<'incident.end'> = async (connection) => {
  const { live, participant } = requireParticipant(connection);
  if (!participant.isOfficer) throw new SightlineError('FORBIDDEN');
  const incidentId = live.incident.id;
  connection.incident = null;
  await connection.deps.live.end(incidentId, 'INCIDENT_ENDED', { actor: connection.actor, source: connection.source });
  return { incidentId };
};
