import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** "Watch me": the officer asks for (or withdraws) a request for help on the live incident. */
export const incidentHelp: Handler<'incident.help'> = async (connection, message) => {
  const { live, participant } = requireParticipant(connection);
  if (!participant.isOfficer) throw new SightlineError('FORBIDDEN');
  await connection.services.audit.allow({
    action: message.requested ? 'help.request' : 'help.withdraw',
    actor: connection.actor,
    target: { incidentId: live.incident.id },
    source: connection.source,
  });
  const incident = connection.services.live.registry.setHelpRequested(live.incident.id, message.requested);
  return { incidentId: incident.id, helpRequested: incident.helpRequested };
};
