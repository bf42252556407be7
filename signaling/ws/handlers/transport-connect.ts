import { requireParticipant, type Handler } from './context.ts';

export const transportConnect: Handler<'transport.connect'> = async (connection, message) => {
  const { participant } = requireParticipant(connection);
  await participant.media.connectTransport(message.transportId, message.dtlsParameters);
  return {};
};
