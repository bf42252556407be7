// Sockets signed in with a session that ended (sign-out, idle or lifetime expiry, account
// lockout) do not outlive it: the bus tells every node, and each one ends the sockets of its
// own clients that authenticated with that session.
import type { Bus } from '../state/bus.ts';
import type { ClientSession } from './client-session.ts';

/** Returns the unsubscribe function. */
export function closeSocketsOfEndedSessions(bus: Bus, connections: ReadonlySet<ClientSession>): () => void {
  return bus.subscribe((event) => {
    if (event.type !== 'session.ended') return;
    for (const connection of connections) {
      if (connection.sessionKey === event.sessionKey) connection.endSession(event.cause);
    }
  });
}
