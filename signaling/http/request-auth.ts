// Session checks at the HTTP edge: the bearer token is verified once, then handlers use the user.
import type { FastifyRequest } from 'fastify';
import type { AuditSource, AuditTarget } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import type { Directory, Role, User } from '../identity/directory.ts';
import type { Auditor } from '../audit/auditor.ts';
import type { RefusalSampler } from '../audit/refusal-sampler.ts';
import type { Config } from '../config.ts';
import type { SessionStore } from '../identity/sessions.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface RequestAuthDeps {
  audit: Auditor;
  config: Config;
  directory: Directory;
  refusals: RefusalSampler;
  sessions: SessionStore;
  source(ip: string | null, userAgent: string | null): AuditSource;
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  return header.slice('Bearer '.length).trim() || null;
}

/** The WebAuthn relying party a browser request speaks to: PUBLIC_URL's origin, or the address the browser used. */
export function relyingParty(deps: RequestAuthDeps, request: FastifyRequest): { id: string; origin: string } {
  const url = new URL(deps.config.PUBLIC_URL ?? `${request.protocol}://${request.host}`);
  return { id: url.hostname, origin: url.origin };
}

export function requestSource(deps: RequestAuthDeps, request: FastifyRequest): AuditSource {
  return deps.source(request.ip, request.headers['user-agent']?.slice(0, 256) ?? null);
}

export async function requireUser(deps: RequestAuthDeps, request: FastifyRequest, role?: Role): Promise<User> {
  const token = bearerToken(request);
  // Anyone can send these in bulk: sampled into the audit, and limited per address.
  const refuse = async (error: SightlineError): Promise<never> => {
    const limited = await deps.refusals.anonymous({
      action: `http ${request.method} ${request.routeOptions.url ?? request.url}`,
      outcome: 'denied',
      actor: null,
      target: {},
      source: requestSource(deps, request),
      reason: error.code,
    });
    throw limited ? new SightlineError('RATE_LIMITED', 'Too many requests without a valid session; try again in a minute.') : error;
  };
  if (!token) return refuse(new SightlineError('NOT_AUTHENTICATED'));
  let user: User | undefined;
  try {
    user = await deps.directory.userById((await deps.sessions.touch(token)).userId);
  } catch (error) {
    return refuse(error as SightlineError);
  }
  if (!user) return refuse(new SightlineError('SESSION_INVALID'));
  if (role && user.role !== role) return forbid(deps, request, user);
  return user;
}

/** A signed-in user may not do or read this: audited (`http <METHOD> <route>`, FORBIDDEN), then refused. */
export async function forbid(deps: RequestAuthDeps, request: FastifyRequest, user: User, target: AuditTarget = {}, message?: string): Promise<never> {
  return deps.audit.refuse(
    { action: `http ${request.method} ${request.routeOptions.url ?? request.url}`, actor: { id: user.id, role: user.role, agencyId: user.agencyId }, target, source: requestSource(deps, request) },
    'FORBIDDEN',
    message,
  );
}

const signedInUsers = new WeakMap<FastifyRequest, User>();

/**
 * A route's `preValidation` hook: the session is checked before the request's shape (its schema),
 * so a caller without one is refused NOT_AUTHENTICATED, audited and limited as anonymous, whatever
 * it sent. The handler then takes the user with `userOf`.
 */
export function signedIn(deps: RequestAuthDeps, role?: Role) {
  return async (request: FastifyRequest): Promise<void> => {
    signedInUsers.set(request, await requireUser(deps, request, role));
  };
}

/** The user a route's `signedIn` hook let through. */
export function userOf(request: FastifyRequest): User {
  const user = signedInUsers.get(request);
  if (!user) throw new SightlineError('INTERNAL', 'this route checks no session');
  return user;
}

export { actorOf } from '../identity/directory.ts';
