// Sign-in and sign-out for officers, supervisors and clinicians.
import type { FastifyPluginAsync } from 'fastify';
import { SightlineError } from '../errors.ts';
import { publicUser } from '../identity/directory.ts';
import { DUMMY_HASH, verifySecret } from '../identity/passwords.ts';
import { loginBody, type LoginResponse } from '../protocol/http.ts';
import type { Services } from '../services.ts';
import { actorOf, bearerToken, parseWith, requestSource, requireUser } from './request-auth.ts';

export const sessionRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.post('/api/session', async (request): Promise<LoginResponse> => {
    const { username, password } = parseWith(loginBody, request.body);
    const source = requestSource(services, request);
    const user = services.directory.userByUsername(username);
    const deny = async (code: 'LOGIN_FAILED' | 'ACCOUNT_LOCKED', detail?: Record<string, boolean>): Promise<never> => {
      await services.audit.note({
        action: 'login',
        outcome: 'denied',
        actor: user ? actorOf(user) : null,
        target: { userId: user?.id },
        source,
        reason: code,
        detail: { username: username.slice(0, 64), ...detail },
      });
      throw new SightlineError(code);
    };
    if (services.lockout.isLocked(username)) return deny('ACCOUNT_LOCKED');
    const matches = await verifySecret(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !matches) {
      const locked = services.lockout.recordFailure(username);
      return deny(locked ? 'ACCOUNT_LOCKED' : 'LOGIN_FAILED', locked ? { lockedNow: true } : undefined);
    }
    await services.audit.allow({ action: 'login', actor: actorOf(user), target: { userId: user.id }, source });
    services.lockout.recordSuccess(username);
    return {
      token: services.sessions.create(user.id),
      user: publicUser(user),
      idleTimeoutSeconds: services.config.SESSION_IDLE_SECONDS,
    };
  });

  app.delete('/api/session', async (request, reply) => {
    const user = await requireUser(services, request);
    services.sessions.end(bearerToken(request) ?? '');
    await services.audit.note({
      action: 'logout',
      outcome: 'info',
      actor: actorOf(user),
      target: { userId: user.id },
      source: requestSource(services, request),
    });
    return reply.code(204).send();
  });

  app.get('/api/me', async (request) => ({ user: publicUser(await requireUser(services, request)) }));
};
