// Session checks at the HTTP edge: the bearer token is verified once, then handlers use the user.
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { AuditSource, AuditTarget } from '../audit/audit-entry.ts';
import { SightlineError } from '../errors.ts';
import type { Role, User } from '../identity/directory.ts';
import type { Services } from '../services.ts';

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return null;
  return header.slice('Bearer '.length).trim() || null;
}

export function requestSource(services: Services, request: FastifyRequest): AuditSource {
  return services.source(request.ip, request.headers['user-agent']?.slice(0, 256) ?? null);
}

export async function requireUser(services: Services, request: FastifyRequest, role?: Role): Promise<User> {
  const token = bearerToken(request);
  // Anyone can send these in bulk: sampled into the audit, and limited per address.
  const refuse = async (error: SightlineError): Promise<never> => {
    const limited = await services.refusals.anonymous({
      action: `http ${request.method} ${request.routeOptions.url ?? request.url}`,
      outcome: 'denied',
      actor: null,
      target: {},
      source: requestSource(services, request),
      reason: error.code,
    });
    throw limited ? new SightlineError('RATE_LIMITED', 'Too many requests without a valid session; try again in a minute.') : error;
  };
  if (!token) return refuse(new SightlineError('NOT_AUTHENTICATED'));
  let user: User | undefined;
  try {
    user = await services.directory.userById((await services.sessions.touch(token)).userId);
  } catch (error) {
    return refuse(error as SightlineError);
  }
  if (!user) return refuse(new SightlineError('SESSION_INVALID'));
  if (role && user.role !== role) return forbid(services, request, user);
  return user;
}

/** A signed-in user may not do or read this: audited (`http <METHOD> <route>`, FORBIDDEN), then refused. */
export async function forbid(services: Services, request: FastifyRequest, user: User, target: AuditTarget = {}, message?: string): Promise<never> {
  await services.audit.note({
    action: `http ${request.method} ${request.routeOptions.url ?? request.url}`,
    outcome: 'denied',
    actor: { id: user.id, role: user.role, agencyId: user.agencyId },
    target,
    source: requestSource(services, request),
    reason: 'FORBIDDEN',
  });
  throw new SightlineError('FORBIDDEN', message);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new SightlineError('BAD_REQUEST', `${issue?.message ?? 'invalid request'}${where}`);
  }
  return result.data;
}

export { actorOf } from '../identity/directory.ts';
