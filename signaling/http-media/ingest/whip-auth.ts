// Who is publishing over WHIP: `Authorization: Bearer <session token>` (a camera that signed in
// with POST /api/session/device, or an officer's own session) or `Bearer <deviceId>:<key>` for
// encoders that can only be given one static secret. Either way the publisher is an officer.
import type { FastifyRequest } from 'fastify';
import { SightlineError } from '../../errors.ts';
import { type Directory, type User, actorOf } from '../../identity/directory.ts';
import { DUMMY_HASH, verifySecret } from '../../identity/passwords.ts';
import type { ErrorCode } from '../../protocol/error-codes.ts';
import { type RequestAuthDeps, bearerToken, requestSource } from '../../http/request-auth.ts';
import type { Auditor } from '../../audit/auditor.ts';
import type { Config } from '../../config.ts';
import type { SessionStore } from '../../identity/sessions.ts';

/** What this part of the node uses: the composition root (signaling/relay-node.ts) passes it in. */
export interface WhipAuthDeps extends RequestAuthDeps {
  audit: Auditor;
  config: Config;
  directory: Directory;
  sessions: SessionStore;
}

export const DEVICE_CREDENTIAL = /^([a-z0-9-]{2,64}):(\S{1,256})$/;

/** The publishing officer, the device, and when its session ends (null for a device key: no session). */
export async function whipPublisher(
  deps: WhipAuthDeps,
  request: FastifyRequest,
): Promise<{ officer: User; deviceId: string | null; sessionEndsAt: number | null }> {
  const source = requestSource(deps, request);
  const refuse = (code: ErrorCode, user?: User, detail?: Record<string, string>): Promise<never> =>
    deps.audit.refuse({ action: 'whip.publish', actor: user ? actorOf(user) : null, target: {}, source, ...(detail ? { detail } : {}) }, code);
  const token = bearerToken(request);
  if (!token) return refuse('NOT_AUTHENTICATED');
  const device = DEVICE_CREDENTIAL.exec(token);
  if (device) {
    const [, deviceId, key] = device as unknown as [string, string, string];
    const record = await deps.directory.device(deviceId);
    const matches = await verifySecret(key, record?.keyHash ?? DUMMY_HASH);
    const officer = record && matches ? await deps.directory.userById(record.officerId) : undefined;
    if (!officer || officer.role !== 'officer') return refuse('DEVICE_LOGIN_FAILED', undefined, { deviceId });
    return { officer, deviceId, sessionEndsAt: null };
  }
  let session;
  try {
    session = await deps.sessions.touch(token);
  } catch (error) {
    return refuse(error instanceof SightlineError ? error.code : 'SESSION_INVALID');
  }
  const user = await deps.directory.userById(session.userId);
  if (!user) return refuse('SESSION_INVALID');
  if (user.role !== 'officer') return refuse('FORBIDDEN', user);
  return { officer: user, deviceId: session.deviceId, sessionEndsAt: session.createdAt + deps.config.SESSION_MAX_SECONDS * 1000 };
}
