import { permissionToSend } from '../../access/policy.ts';
import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** Officers send the camera; clinicians with `talk` send talk-back audio. Nothing else. */
export const produce: Handler<'produce'> = async (connection, message) => {
  const { participant } = requireParticipant(connection);
  const needed = permissionToSend(message.source, message.kind);
  const allowed =
    needed === 'officer' ? participant.isOfficer : needed !== null && !participant.isOfficer && participant.permissions.has(needed);
  if (!allowed) throw new SightlineError('PERMISSION_DENIED', `you may not send ${message.kind} as ${message.source}`);
  if (message.source === 'talkback' && !message.paused) await auditTalk(connection, true);
  const producer = await participant.media.produce(message);
  return { producerId: producer.producerId };
};

export async function auditTalk(connection: Parameters<typeof produce>[0], talking: boolean): Promise<void> {
  const { live } = requireParticipant(connection);
  const event = {
    action: talking ? ('talk.start' as const) : ('talk.stop' as const),
    actor: connection.actor,
    target: { incidentId: live.incident.id, grantId: connection.viewer?.grant.grantId },
    source: connection.source,
  };
  if (talking) await connection.deps.audit.allow(event);
  else await connection.deps.audit.note({ ...event, outcome: 'info' });
}
