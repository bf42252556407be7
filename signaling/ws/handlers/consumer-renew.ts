import { requireParticipant, type Handler } from './context.ts';

/** A fresh consumer in place of one whose receiver fell behind live; the client resumes it. */
export const consumerRenew: Handler<'consumer.renew'> = async (connection, message) => {
  const { live, participant } = requireParticipant(connection);
  return { consumer: await live.renewConsumer(participant, message.consumerId) };
};
