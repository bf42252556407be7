// Every node closes the sockets signed in with an ended session (ws/session-sockets.ts): the node
// that sees a session end announces it on the bus.
import type { FastifyBaseLogger } from 'fastify';
import type { Bus } from '../state/bus.ts';
import type { Session, SessionEnd } from './sessions.ts';

export function announceEndedSessions(bus: Bus, log: FastifyBaseLogger): (session: Session, cause: SessionEnd) => void {
  return (session, cause) =>
    void bus
      .publish({ type: 'session.ended', sessionKey: session.key, userId: session.userId, cause })
      .catch((error) => log.error({ err: error, cause }, 'could not announce an ended session'));
}
