import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** "Watch me": the officer asks for (or withdraws) help; supervisors and on-call clinicians who may see it are alerted. */
export const incidentHelp: Handler<'incident.help'> = async (connection, message) => {
  const { live, participant } = requireParticipant(connection);
  if (!participant.isOfficer) throw new SightlineError('FORBIDDEN');
  const { deps } = connection;
  await deps.audit.allow({
    action: message.requested ? 'help.request' : 'help.withdraw',
    actor: connection.actor,
    target: { incidentId: live.incident.id },
    source: connection.source,
  });
  const at = Date.now();
  const incident = await deps.incidents.update(live.incident.id, () => ({
    helpRequested: message.requested,
    helpRequestedAt: message.requested ? at : null,
    ...(message.requested ? { helpAnswer: null } : {}),
  }));
  if (!incident) throw new SightlineError('INCIDENT_NOT_FOUND');
  if (message.requested) {
    await deps.bus.publish({ type: 'help.requested', incidentId: incident.id, agencyId: incident.agencyId, officerName: incident.officerName, at });
  }
  await deps.bus.publish({ type: 'incidents.changed', incidentId: incident.id });
  return { incidentId: incident.id, helpRequested: incident.helpRequested };
};
