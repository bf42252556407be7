import { SightlineError } from '../../errors.ts';
import { publicUser } from '../../identity/directory.ts';
import type { Handler } from './context.ts';

/** Officers and supervisors identify the socket with their session token. */
export const auth: Handler<'auth'> = async (connection, message) => {
  const { services } = connection;
  if (connection.user || connection.viewer) throw new SightlineError('ALREADY_AUTHENTICATED');
  try {
    const session = services.sessions.touch(message.token);
    const user = services.directory.userById(session.userId);
    if (!user) throw new SightlineError('SESSION_INVALID');
    connection.user = user;
    return { user: publicUser(user) };
  } catch (error) {
    if (error instanceof SightlineError) {
      await services.audit.note({
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
