// Sign-in (password, camera device key, or the agency's own OIDC provider) and sign-out.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditSource } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import { type Directory, type User, publicUser } from '../identity/directory.ts';
import { verifyOidcIdToken } from '../identity/oidc.ts';
import { costOf, dummyHash, hashSecret, needsRehash, verifySecret } from '../identity/passwords.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import {
  deviceLoginBody,
  loginBody,
  loginResponse,
  meResponse,
  mfaBody,
  mfaChallengeResponse,
  mfaLoginResponse,
  oidcLoginBody,
  type LoginResponse,
  type MfaChallengeResponse,
  type MfaLoginResponse,
} from '../protocol/http.ts';
import { refusals, SESSION } from './openapi.ts';
import { type RequestAuthDeps, actorOf, bearerToken, relyingParty, requestSource, signedIn, userOf } from './request-auth.ts';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { AuditAction } from '../protocol/audit-actions.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { Config } from '../config.ts';
import type { LoginLockout } from '../identity/login-lockout.ts';
import type { MfaSignIn } from '../identity/mfa.ts';
import type { SessionStore } from '../identity/sessions.ts';
import type { Bus } from '../state/bus.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface SessionRoutesDeps extends RequestAuthDeps {
  audit: Auditor;
  bus: Bus;
  config: Config;
  directory: Directory;
  lockout: LoginLockout;
  mfa: MfaSignIn;
  sessions: SessionStore;
}

export const sessionRoutes: FastifyPluginAsyncZod<{ deps: SessionRoutesDeps }> = async (app, { deps }) => {
  const rateLimit = { rateLimit: { max: deps.config.AUTH_RATE_PER_MINUTE, timeWindow: '1 minute' } };
  const cost = costOf(deps.config.PASSWORD_HASH_LOG2N);
  // Unknown names cost as much as known ones: the dummy is hashed at the cost new hashes get.
  const DUMMY_HASH = dummyHash(cost);

  /** A hash made at a lower cost than today's is replaced, now that the secret is known to be right. */
  const upgrade = async (encoded: string, secret: string, store: (hash: string) => Promise<void>) => {
    if (!needsRehash(encoded, cost)) return;
    try {
      await store(await hashSecret(secret, cost));
    } catch (error) {
      app.log.warn({ err: error }, 'could not upgrade a credential hash');
    }
  };

  const deny = async (
    source: AuditSource,
    code: ErrorCode,
    user: User | undefined,
    detail: Record<string, string | boolean>,
    action: AuditAction = 'login',
  ): Promise<never> => deps.audit.refuse({ action, actor: user ? actorOf(user) : null, target: { userId: user?.id }, source, detail }, code);

  const startSession = async (user: User, source: AuditSource, method: string, deviceId: string | null = null, extra: Record<string, string | number> = {}): Promise<LoginResponse> => {
    await deps.audit.allow({ action: 'login', actor: actorOf(user), target: { userId: user.id }, source, detail: { method, ...(deviceId ? { deviceId } : {}), ...extra } });
    return {
      token: await deps.sessions.create(user.id, deviceId),
      user: publicUser(user),
      idleTimeoutSeconds: deps.config.SESSION_IDLE_SECONDS,
    };
  };

  const signIn = (summary: string) => ({ tags: ['session'], summary, response: { 200: loginResponse, ...refusals } });

  app.post(
    '/api/session',
    { config: rateLimit, schema: { tags: ['session'], summary: 'Sign in with a password (supervisors and admins then answer a second factor)', body: loginBody, response: { 200: z.union([loginResponse, mfaChallengeResponse]), ...refusals } } },
    async (request): Promise<LoginResponse | MfaChallengeResponse> => {
    const { username, password } = request.body;
    const source = requestSource(deps, request);
    const user = await deps.directory.userByUsername(username);
    const detail = { username: username.slice(0, 64) };
    if (await deps.lockout.isLocked(username)) return deny(source, 'ACCOUNT_LOCKED', user, detail);
    const matches = await verifySecret(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !matches) {
      const locked = await deps.lockout.recordFailure(username);
      // A locked account is signed out everywhere: its sessions end and their sockets close.
      if (locked && user) await deps.sessions.endAllFor(user.id, 'locked');
      return deny(source, locked ? 'ACCOUNT_LOCKED' : 'LOGIN_FAILED', user, locked ? { ...detail, lockedNow: true } : detail);
    }
    await deps.lockout.recordSuccess(username);
    await upgrade(user.passwordHash!, password, (hash) => deps.directory.setPasswordHash(user.id, hash));
    // Supervisors and admins also answer with their authenticator (or enrol one now).
    if (deps.mfa.requiredFor(user)) {
      const mfa = await deps.mfa.begin(user, relyingParty(deps, request));
      return { mfa: { ...mfa, passkey: mfa.passkey as unknown as Record<string, unknown> | null } };
    }
    return startSession(user, source, 'password');
  });

  /** The second step of a sign-in that needs it: a code from the authenticator app, or a recovery code. */
  app.post('/api/session/mfa', { config: rateLimit, schema: { tags: ['session'], summary: 'Complete a sign-in with a second factor', body: mfaBody, response: { 200: mfaLoginResponse, ...refusals } } }, async (request): Promise<MfaLoginResponse> => {
    const source = requestSource(deps, request);
    let done;
    try {
      const { code, passkey } = request.body;
      const answer = passkey ? { passkey: passkey as unknown as AuthenticationResponseJSON } : { code: code ?? '' };
      done = await deps.mfa.complete(request.body.challenge, answer, relyingParty(deps, request));
    } catch (error) {
      const user = (error as { user?: User }).user;
      if (error instanceof SightlineError && error.code === 'MFA_CODE_INVALID' && user) {
        // Wrong codes count toward the account's lockout like wrong passwords.
        const locked = await deps.lockout.recordFailure(user.username);
        if (locked) await deps.sessions.endAllFor(user.id, 'locked');
        return deny(source, locked ? 'ACCOUNT_LOCKED' : 'MFA_CODE_INVALID', user, locked ? { lockedNow: true } : {}, 'mfa.verify');
      }
      if (error instanceof SightlineError) return deny(source, error.code, undefined, {}, 'mfa.verify');
      throw error;
    }
    const { user, method, recoveryCodes, recoveryLeft } = done;
    if (recoveryCodes) await deps.audit.allow({ action: 'mfa.enrol', actor: actorOf(user), target: { userId: user.id }, source, detail: { factor: 'totp' } });
    const methods = { totp: 'password+totp', recovery: 'password+recovery-code', passkey: 'password+passkey' } as const;
    const session = await startSession(user, source, methods[method], null, recoveryLeft === null ? {} : { recoveryLeft });
    return { ...session, recoveryCodes, recoveryLeft };
  });

  /** A camera signs in with its device credential and acts for the officer it is registered to. */
  app.post('/api/session/device', { config: rateLimit, schema: { ...signIn('A camera signs in with its device key'), body: deviceLoginBody } }, async (request): Promise<LoginResponse> => {
    const { deviceId, key } = request.body;
    const source = requestSource(deps, request);
    const device = await deps.directory.device(deviceId);
    const matches = await verifySecret(key, device?.keyHash ?? DUMMY_HASH);
    const officer = device && matches ? await deps.directory.userById(device.officerId) : undefined;
    if (!officer) return deny(source, 'DEVICE_LOGIN_FAILED', undefined, { deviceId: deviceId.slice(0, 64) });
    const session = await startSession(officer, source, 'device', deviceId);
    await upgrade(device!.keyHash, key, (hash) => deps.directory.setDeviceKeyHash(device!.id, hash));
    return session;
  });

  /** Sign-in through the agency's own identity provider: an ID token verified against its JWKS. */
  app.post('/api/session/oidc', { config: rateLimit, schema: { ...signIn("Sign in with an ID token from the agency's identity provider"), body: oidcLoginBody } }, async (request): Promise<LoginResponse> => {
    const { agencyId, idToken } = request.body;
    const source = requestSource(deps, request);
    try {
      const { user, assurance } = await verifyOidcIdToken(deps.directory, agencyId, idToken, (changed) =>
        deps.bus.publish({ type: 'access.narrowed', reason: 'role.changed' }).then(() => void changed),
      );
      // The provider's own second factor: how it says it authenticated the person, on record.
      return await startSession(user, source, 'oidc', null, { ...(assurance.amr ? { amr: assurance.amr } : {}), ...(assurance.acr ? { acr: assurance.acr } : {}) });
    } catch (error) {
      if (error instanceof SightlineError && error.code !== 'AUDIT_UNAVAILABLE') return deny(source, error.code, undefined, { agencyId: agencyId.slice(0, 64) });
      throw error;
    }
  });

  app.delete('/api/session', { preValidation: signedIn(deps), schema: { tags: ['session'], summary: 'Sign out', security: SESSION, response: { 204: z.undefined().describe('signed out'), ...refusals } } }, async (request: FastifyRequest, reply) => {
    const user = userOf(request);
    await deps.sessions.end(bearerToken(request) ?? '');
    await deps.audit.note({
      action: 'logout',
      outcome: 'info',
      actor: actorOf(user),
      target: { userId: user.id },
      source: requestSource(deps, request),
    });
    return reply.code(204).send();
  });

  app.get(
    '/api/me',
    { preValidation: signedIn(deps), schema: { tags: ['session'], summary: 'Who is signed in', security: SESSION, response: { 200: meResponse, ...refusals } } },
    async (request) => ({ user: publicUser(userOf(request)) }),
  );
};
