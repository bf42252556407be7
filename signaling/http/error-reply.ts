// What an HTTP request that failed answers: the same protocol codes as over the WebSocket
// (media-plane refusals mapped by ws/error-mapping.ts), fastify's own 4xx as BAD_REQUEST or
// MESSAGE_TOO_LARGE, and anything else as INTERNAL (logged as an error).
import { MediaError } from '../../server/media-errors.ts';
import { SightlineError } from '../errors.ts';
import { toSightlineError } from '../ws/error-mapping.ts';

export interface ErrorReply {
  status: number;
  error: SightlineError;
  /** How the failure is logged: not at all (a refusal), as a warning, or as an error. */
  log: 'none' | 'warn' | 'error';
}

export function errorReply(error: unknown): ErrorReply {
  if (error instanceof SightlineError) return { status: error.httpStatus, error, log: 'none' };
  if (error instanceof MediaError) {
    const mapped = toSightlineError(error);
    return { status: mapped.httpStatus, error: mapped, log: 'warn' };
  }
  const status = (error as { statusCode?: number } | null)?.statusCode ?? 500;
  if (status === 413) return { status, error: new SightlineError('MESSAGE_TOO_LARGE'), log: 'none' };
  if (status >= 400 && status < 500) return { status, error: new SightlineError('BAD_REQUEST', (error as Error).message), log: 'none' };
  return { status: 500, error: new SightlineError('INTERNAL'), log: 'error' };
}
