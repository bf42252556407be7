import { SightlineError } from '../../errors.ts';
import { requireParticipant, type Handler } from './context.ts';

/** After `media.reset`: the participant's transports (and consumers) in the rebuilt media room. */
export const mediaRejoin: Handler<'media.rejoin'> = async (connection, message) => {
  const { live, participant } = requireParticipant(connection);
  if (participant.media.transportCount() > 0) throw new SightlineError('ALREADY_JOINED', 'this connection already has media in the current room');
  participant.rtpCapabilities = message.rtpCapabilities;
  const { sendTransport, recvTransport, consumers } = await live.connectMedia(participant, {
    send: participant.isOfficer || participant.permissions.has('talk'),
    recv: true,
  });
  return { routerRtpCapabilities: live.room.rtpCapabilities, sendTransport, recvTransport: recvTransport!, consumers };
};
