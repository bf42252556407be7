// Errors shown to people: one error class carrying a stable code, and human wording per code.
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../../signaling/protocol/error-codes.ts';

/** Codes the client produces itself (never sent by the server). */
export type ClientErrorCode =
  | 'DISCONNECTED'
  | 'TIMEOUT'
  | 'NETWORK'
  | 'MEDIA_DENIED'
  | 'NO_DEVICE'
  | 'UNSUPPORTED'
  | 'BAD_LINK'
  | 'WRONG_ROLE'
  | 'UNKNOWN';

export type AnyErrorCode = ErrorCode | ClientErrorCode;

export class SightlineError extends Error {
  readonly code: AnyErrorCode;
  readonly status: number | undefined;

  constructor(code: AnyErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'SightlineError';
    this.code = code;
    this.status = status;
  }
}

/** Server-style code from any wire value; unknown values become UNKNOWN. */
export const toCode = (value: unknown): AnyErrorCode => (isErrorCode(value) ? value : 'UNKNOWN');

const CLIENT_MESSAGES: Record<ClientErrorCode, string> = {
  DISCONNECTED: 'The connection to the Sightline server was lost.',
  TIMEOUT: 'The server did not answer in time. Check the connection and try again.',
  NETWORK: 'Cannot reach the Sightline server. Check the network connection.',
  MEDIA_DENIED: 'Camera or microphone access was blocked. Allow it in the browser settings and try again.',
  NO_DEVICE: 'No camera or microphone was found on this device.',
  UNSUPPORTED: 'This browser cannot handle live video. Use a current Chrome, Edge, Firefox or Safari.',
  BAD_LINK: 'This link is incomplete. Ask the supervisor to send a new link.',
  WRONG_ROLE: 'This account cannot use this page.',
  UNKNOWN: 'Something went wrong. Please try again.',
};

/** Wording tuned for the people who see it; anything not listed uses the protocol text. */
const FRIENDLY: Partial<Record<ErrorCode, string>> = {
  LOGIN_FAILED: 'Unknown username or wrong password.',
  SESSION_EXPIRED: 'Your session expired. Please sign in again.',
  SESSION_INVALID: 'Your session has ended. Please sign in again.',
  TOKEN_EXPIRED: 'This viewing link has expired. Ask the supervisor for a new link.',
  TOKEN_NOT_YET_VALID: 'This viewing link is not active yet. Check the device clock, or ask for a new link.',
  TOKEN_REVOKED: 'This viewing link was withdrawn by a supervisor.',
  GRANT_NOT_YOURS: 'This link was sent to another clinician. Sign out, then sign in as the clinician it was sent to.',
  SIGN_IN_REQUIRED: 'Sign in to open this incident.',
  TOKEN_MALFORMED: 'This viewing link is damaged. Copy the whole link, or ask for a new one.',
  TOKEN_SIGNATURE_INVALID: 'This viewing link is not valid. Ask the supervisor for a new link.',
  TOKEN_INCIDENT_MISMATCH: 'This viewing link belongs to a different incident.',
  INCIDENT_NOT_FOUND: 'This incident is no longer live.',
  INCIDENT_ALREADY_LIVE: 'You already have a live stream running (maybe in another tab or device).',
  PERMISSION_DENIED: 'Your access does not include this.',
  AUDIT_UNAVAILABLE: 'Access is paused because the audit trail cannot be written. Try again shortly.',
};

const TOKEN_FALLBACK = 'This viewing link is not valid. Ask the supervisor for a new link.';

/** Refusals whose server message carries the specifics a person needs (the longest grant allowed, the grant already held). */
const SPECIFIC: ReadonlySet<ErrorCode> = new Set(['GRANT_TTL_TOO_LONG', 'GRANT_ALREADY_ACTIVE']);

export function humanMessage(code: AnyErrorCode, serverMessage?: string): string {
  if (code in CLIENT_MESSAGES) return CLIENT_MESSAGES[code as ClientErrorCode];
  const serverCode = code as ErrorCode;
  if (serverMessage && SPECIFIC.has(serverCode)) return serverMessage;
  const friendly = FRIENDLY[serverCode];
  if (friendly) return friendly;
  if (serverCode.startsWith('TOKEN_')) return TOKEN_FALLBACK;
  return ERROR_CODES[serverCode] ?? serverMessage ?? CLIENT_MESSAGES.UNKNOWN;
}

/** The session is gone: the page must sign in again. */
export const isSessionError = (error: SightlineError): boolean =>
  error.code === 'SESSION_EXPIRED' || error.code === 'SESSION_INVALID' || error.code === 'NOT_AUTHENTICATED';

/** Human text for anything thrown. */
export function describeError(error: unknown): string {
  const e = toSightlineError(error);
  return humanMessage(e.code, e.message);
}

/** Normalise anything thrown (DOMException from getUserMedia, mediasoup errors, ...) to a SightlineError. */
export function toSightlineError(error: unknown): SightlineError {
  if (error instanceof SightlineError) return error;
  if (error instanceof DOMException || (error instanceof Error && error.name.endsWith('Error'))) {
    switch (error.name) {
      case 'NotAllowedError':
      case 'SecurityError':
        return new SightlineError('MEDIA_DENIED', error.message);
      case 'NotFoundError':
      case 'OverconstrainedError':
        return new SightlineError('NO_DEVICE', error.message);
      case 'UnsupportedError':
        return new SightlineError('UNSUPPORTED', error.message);
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SightlineError('UNKNOWN', message);
}
