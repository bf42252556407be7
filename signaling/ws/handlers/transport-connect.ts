import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** The browser's DTLS parameters for one of its transports: a seat's, or the one it prepared ahead of a join. */
export const transportConnect: Handler<'transport.connect'> = async (connection, message) => {
  const prepared = connection.prepared?.prepared.get(connection.peerId);
  if (prepared && !connection.incident) {
    await prepared.media.connectTransport(message.transportId, message.dtlsParameters);
    return {};
  }
  if (connection.prepared && !connection.incident) throw new SightlineError('NOT_JOINED', 'the prepared seat has ended');
  const { participant } = requireParticipant(connection);
  await participant.media.connectTransport(message.transportId, message.dtlsParameters);
  return {};
};
