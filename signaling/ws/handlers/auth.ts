import { SightlineError } from '../../errors.ts';
import { publicUser } from '../../identity/directory.ts';
import type { Handler } from './context.ts';

/**
 * Officers, supervisors and clinicians identify the socket with their session token.
 * Supervisors then receive their console and clinicians their inbox, pushed as things change,
 * unless the socket asked for none (`feed: false`: it only carries a seat).
 */
export const auth: Handler<'auth'> = async (connection, message) => {
  const { deps } = connection;
  if (connection.user || connection.viewer) throw new SightlineError('ALREADY_AUTHENTICATED');
  try {
    const session = await deps.sessions.touch(message.token);
    const user = await deps.directory.userById(session.userId);
    if (!user) throw new SightlineError('SESSION_INVALID');
    connection.user = user;
    connection.session = { token: message.token, key: session.key, endsAt: session.createdAt + deps.config.SESSION_MAX_SECONDS * 1000 };
    connection.wantsFeed = message.feed !== false;
    if (user.role === 'supervisor' || user.role === 'clinician') {
      // After the reply, so the client has its user before the first view arrives.
      setImmediate(() => void connection.subscribeConsole(user));
    }
    return { user: publicUser(user) };
  } catch (error) {
    if (error instanceof SightlineError) {
      // Anyone can present bad tokens in bulk: sampled.
      await deps.refusals.refuse({
        action: 'signalling.auth',
        outcome: 'denied',
        actor: null,
        target: {},
        source: connection.source,
        reason: error.code,
      });
    }
    throw error;
  }
};
