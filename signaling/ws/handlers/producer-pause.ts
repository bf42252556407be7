import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';
import { auditTalk } from './produce.ts';

async function setPaused(connection: Parameters<Handler<'producer.pause'>>[0], producerId: string, paused: boolean) {
  const { participant } = requireParticipant(connection);
  const producer = participant.media.producers().find((p) => p.producerId === producerId);
  if (!producer) throw new SightlineError('PRODUCER_NOT_FOUND');
  // Talking starts and stops once each: repeating a resume or a pause is not audited again.
  const talkback = producer.source === 'talkback' && producer.paused !== paused;
  if (talkback && !paused) await auditTalk(connection, true);
  await participant.media.setProducerPaused(producerId, paused);
  if (talkback && paused) await auditTalk(connection, false);
  return {};
}

/** Push-to-talk released, or camera muted. */
export const producerPause: Handler<'producer.pause'> = (connection, message) => setPaused(connection, message.producerId, true);

/** Push-to-talk pressed, or camera unmuted. Talking is audited before the audio flows. */
export const producerResume: Handler<'producer.resume'> = (connection, message) =>
  setPaused(connection, message.producerId, false);
