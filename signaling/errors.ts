// The control plane's one error type: a stable protocol code, a human message, an HTTP status.
import { ERROR_CODES, type ErrorCode } from './protocol/error-codes.ts';

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  MESSAGE_MALFORMED: 400,
  BAD_REQUEST: 400,
  MESSAGE_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  NOT_AUTHENTICATED: 401,
  LOGIN_FAILED: 401,
  ACCOUNT_LOCKED: 423,
  SESSION_INVALID: 401,
  SESSION_EXPIRED: 401,
  SESSION_ENDED: 401,
  FORBIDDEN: 403,
  PERMISSION_DENIED: 403,
  NOT_A_CLINICIAN: 422,
  GRANT_TTL_TOO_LONG: 422,
  USER_NOT_FOUND: 404,
  GRANT_NOT_FOUND: 404,
  AGREEMENT_NOT_FOUND: 404,
  AGENCY_NOT_FOUND: 404,
  GRANT_NOT_ACTIVE: 409,
  GRANT_ALREADY_ACTIVE: 409,
  HELP_NOT_REQUESTED: 409,
  AGREEMENT_EXISTS: 409,
  ALREADY_EXISTS: 409,
  OIDC_NOT_CONFIGURED: 400,
  OIDC_TOKEN_INVALID: 401,
  OIDC_ROLE_UNMAPPED: 403,
  DEVICE_LOGIN_FAILED: 401,
  SIGN_IN_REQUIRED: 401,
  MFA_CHALLENGE_INVALID: 401,
  PASSKEY_INVALID: 400,
  MFA_CODE_INVALID: 401,
  GRANT_NOT_YOURS: 403,
  INCIDENT_NOT_FOUND: 404,
  // A link refused because its incident ended or its sharing was withdrawn (see admit-viewer.ts).
  INCIDENT_ENDED: 404,
  ACCESS_WITHDRAWN: 403,
  INCIDENT_ALREADY_LIVE: 409,
  AUDIT_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  SERVER_SHUTTING_DOWN: 503,
  INTERNAL: 500,
  RESUME_FAILED: 409,
  METHOD_NOT_ALLOWED: 405,
  MEDIA_TYPE_UNSUPPORTED: 415,
  SDP_MALFORMED: 400,
  SDP_UNSUPPORTED: 422,
  PRECONDITION_FAILED: 412,
  PRECONDITION_REQUIRED: 428,
  PRODUCER_UNSUPPORTED: 422,
  PRODUCER_LIMIT: 409,
  NODE_AT_CAPACITY: 503,
  RESOURCE_CREDENTIAL_INVALID: 401,
  RECORDING_NOT_FOUND: 404,
  RECORDING_NOT_SEALED: 409,
  RECORDING_PURGED: 410,
  RECORDING_NOT_HELD: 409,
  RECORDING_PLAY_REQUIRED: 403,
  RECORDING_UNAVAILABLE: 503,
};

export class SightlineError extends Error {
  override readonly name = 'SightlineError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code] ?? (this.code.startsWith('TOKEN_') ? 401 : 400);
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
