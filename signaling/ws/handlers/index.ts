// One handler per message type; the map's type makes a missing handler a compile error.
import type { ClientMessage, ClientMessageType } from '../../protocol/messages.ts';
import type { SignalingConnection } from '../connection.ts';
import { auth } from './auth.ts';
import { consumerRenew } from './consumer-renew.ts';
import { consumersResume } from './consumers-resume.ts';
import type { Handler } from './context.ts';
import { incidentEnd } from './incident-end.ts';
import { incidentHelp } from './incident-help.ts';
import { incidentLeave } from './incident-leave.ts';
import { incidentLocation } from './incident-location.ts';
import { incidentStart } from './incident-start.ts';
import { join } from './join.ts';
import { mediaRejoin } from './media-rejoin.ts';
import { ping } from './ping.ts';
import { prepare } from './prepare.ts';
import { produce } from './produce.ts';
import { producerPause, producerResume } from './producer-pause.ts';
import { resume } from './resume.ts';
import { transportConnect } from './transport-connect.ts';
import { transportRestartIce } from './transport-restart-ice.ts';
import { watch } from './watch.ts';

const handlers: { [T in ClientMessageType]: Handler<T> } = {
  auth,
  'incident.start': incidentStart,
  'incident.end': incidentEnd,
  'incident.help': incidentHelp,
  'incident.location': incidentLocation,
  'incident.leave': incidentLeave,
  watch,
  join,
  prepare,
  'transport.connect': transportConnect,
  produce,
  'producer.pause': producerPause,
  'producer.resume': producerResume,
  'consumers.resume': consumersResume,
  'consumer.renew': consumerRenew,
  'media.rejoin': mediaRejoin,
  ping,
  resume,
  'transport.restartIce': transportRestartIce,
};

export function dispatch(connection: SignalingConnection, message: ClientMessage): Promise<unknown> {
  const handler = handlers[message.type] as Handler<typeof message.type>;
  return handler(connection, message as never);
}
