import { seatIceServers } from '../seat-extras.ts';
import { requireParticipant, type Handler } from './context.ts';

/**
 * ICE restart on one of this connection's transports: after a network change the socket
 * survived, or to pick up fresh TURN credentials (say, after the grant was extended).
 */
export const transportRestartIce: Handler<'transport.restartIce'> = async (connection, message) => {
  const { participant } = requireParticipant(connection);
  const iceParameters = await participant.media.restartIce(message.transportId);
  void participant.media.keyFramesOnceFlowing();
  const iceServers = seatIceServers(connection);
  return { iceParameters, ...(iceServers ? { iceServers } : {}) };
};
