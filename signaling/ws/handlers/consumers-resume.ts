import { requireParticipant, type Handler } from './context.ts';

/** The client's receivers are ready: start the media (with a keyframe for video). */
export const consumersResume: Handler<'consumers.resume'> = async (connection, message) => {
  const { participant } = requireParticipant(connection);
  await participant.media.resumeConsumers(message.consumerIds);
  return {};
};
