// Sockets signed in with a session that ended (sign-out, idle or lifetime expiry, account
// lockout) do not outlive it: the bus tells every node, and each one ends the sockets of its
// own clients that authenticated with that session, and the seats such sockets left behind for
// `resume` when they dropped.
import type { Bus } from '../state/bus.ts';
import type { ClientSession } from './client-session.ts';
import type { SignalingConnection } from './connection.ts';
import type { ResumeRegistry } from '../cluster/resume-registry.ts';

/** Returns the unsubscribe function. */
export function closeSocketsOfEndedSessions(bus: Bus, connections: ReadonlySet<ClientSession>, resumes: ResumeRegistry<SignalingConnection>): () => void {
  return bus.subscribe((event) => {
    if (event.type !== 'session.ended') return;
    for (const connection of connections) {
      if (connection.sessionKey === event.sessionKey) connection.endSession(event.cause);
    }
    for (const seat of resumes.seats()) {
      if (seat.detached && seat.session?.key === event.sessionKey) void seat.endSession(event.cause);
    }
  });
}
