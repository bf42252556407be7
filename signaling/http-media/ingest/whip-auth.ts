// Who is publishing over WHIP: `Authorization: Bearer <session token>` (a camera that signed in
// with POST /api/session/device, or an officer's own session) or `Bearer <deviceId>:<key>` for
// encoders that can only be given one static secret. Either way the publisher is an officer.
import type { FastifyRequest } from 'fastify';
import { SightlineError } from '../../errors.ts';
import { actorOf, type User } from '../../identity/directory.ts';
import { DUMMY_HASH, verifySecret } from '../../identity/passwords.ts';
import type { ErrorCode } from '../../protocol/error-codes.ts';
import type { Services } from '../../services.ts';
import { bearerToken, requestSource } from '../../http/request-auth.ts';

export const DEVICE_CREDENTIAL = /^([a-z0-9-]{2,64}):(\S{1,256})$/;

/** The publishing officer, the device, and when its session ends (null for a device key: no session). */
export async function whipPublisher(
  services: Services,
  request: FastifyRequest,
): Promise<{ officer: User; deviceId: string | null; sessionEndsAt: number | null }> {
  const source = requestSource(services, request);
  const refuse = async (code: ErrorCode, user?: User, detail?: Record<string, string>): Promise<never> => {
    await services.audit.note({ action: 'whip.publish', outcome: 'denied', actor: user ? actorOf(user) : null, target: {}, source, reason: code, ...(detail ? { detail } : {}) });
    throw new SightlineError(code);
  };
  const token = bearerToken(request);
  if (!token) return refuse('NOT_AUTHENTICATED');
  const device = DEVICE_CREDENTIAL.exec(token);
  if (device) {
    const [, deviceId, key] = device as unknown as [string, string, string];
    const record = await services.directory.device(deviceId);
    const matches = await verifySecret(key, record?.keyHash ?? DUMMY_HASH);
    const officer = record && matches ? await services.directory.userById(record.officerId) : undefined;
    if (!officer || officer.role !== 'officer') return refuse('DEVICE_LOGIN_FAILED', undefined, { deviceId });
    return { officer, deviceId, sessionEndsAt: null };
  }
  let session;
  try {
    session = await services.sessions.touch(token);
  } catch (error) {
    return refuse(error instanceof SightlineError ? error.code : 'SESSION_INVALID');
  }
  const user = await services.directory.userById(session.userId);
  if (!user) return refuse('SESSION_INVALID');
  if (user.role !== 'officer') return refuse('FORBIDDEN', user);
  return { officer: user, deviceId: session.deviceId, sessionEndsAt: session.createdAt + services.config.SESSION_MAX_SECONDS * 1000 };
}
