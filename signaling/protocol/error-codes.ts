// Stable error codes of the Sightline protocol, shared by HTTP and signalling.
// A code never changes meaning once published: clients switch on it.
// This module is a leaf (no imports) so that the browser client can import it.

export const ERROR_CODES = {
  // Request shape and limits
  MESSAGE_MALFORMED: 'The message is not valid JSON or does not match the protocol.',
  MESSAGE_TOO_LARGE: 'The message is larger than the allowed size.',
  RATE_LIMITED: 'Too many requests; slow down.',
  TRANSPORT_LIMIT: 'This connection already has the maximum number of transports.',
  BAD_REQUEST: 'The request body or parameters are invalid.',
  NOT_FOUND: 'No such resource.',

  // Identity and sessions
  NOT_AUTHENTICATED: 'This request needs a signed-in session.',
  LOGIN_FAILED: 'Unknown user or wrong password.',
  ACCOUNT_LOCKED: 'Too many failed sign-ins; the account is locked for 10 minutes.',
  SESSION_INVALID: 'The session is unknown or has ended.',
  SESSION_EXPIRED: 'The session expired; sign in again.',
  SESSION_ENDED: 'The session this connection signed in with has ended (signed out, expired or account locked); sign in again.',
  ALREADY_AUTHENTICATED: 'This connection is already authenticated.',
  FORBIDDEN: 'Your role or agency does not allow this.',

  // Viewing tokens
  TOKEN_MALFORMED: 'The viewing token is not a well-formed JWT.',
  TOKEN_ALG_NOT_ALLOWED: 'The viewing token uses an algorithm that is not accepted.',
  TOKEN_SIGNATURE_INVALID: 'The viewing token signature does not verify.',
  TOKEN_EXPIRED: 'The viewing token has expired.',
  TOKEN_NOT_YET_VALID: 'The viewing token is not valid yet.',
  TOKEN_AUDIENCE_INVALID: 'The viewing token was not issued for this service.',
  TOKEN_ISSUER_INVALID: 'The viewing token was not issued by this service.',
  TOKEN_CLAIMS_INVALID: 'The viewing token is missing required claims.',
  TOKEN_INCIDENT_MISMATCH: 'The viewing token is for a different incident.',
  TOKEN_REVOKED: 'The viewing token has been revoked.',
  PASSKEY_INVALID: 'The passkey could not be verified. Try again, or use your authenticator app.',
  MFA_CHALLENGE_INVALID: 'This sign-in step has expired or was already used: sign in again with your password.',
  MFA_CODE_INVALID: 'That code is not right. Enter the code your authenticator app shows now, or a recovery code.',
  STORE_UNAVAILABLE: 'Shared state cannot be reached right now; nothing was changed. Try again shortly.',
  SIGN_IN_REQUIRED: 'Sign in as the clinician this access was granted to before opening the link.',
  GRANT_NOT_YOURS: 'This access was granted to another clinician: a link works only for the person it names.',

  // Incidents and grants
  INCIDENT_NOT_FOUND: 'No live incident with that id.',
  INCIDENT_ALREADY_LIVE: 'This officer already has a live incident.',
  GRANT_TTL_TOO_LONG: 'The requested access duration exceeds the allowed maximum.',
  USER_NOT_FOUND: 'No such user.',
  NOT_A_CLINICIAN: 'Access can only be granted to a clinician.',
  PERMISSION_DENIED: 'The grant does not include this permission.',
  ALREADY_JOINED: 'This connection has already joined an incident.',
  NOT_JOINED: 'This connection has not joined or started an incident.',
  GRANT_NOT_FOUND: 'No such grant.',
  GRANT_NOT_ACTIVE: 'The grant has expired or was revoked.',
  GRANT_ALREADY_ACTIVE: 'This clinician already has access to this incident: extend or revoke that grant instead.',
  HELP_NOT_REQUESTED: 'The officer has not asked for help on this incident.',
  AGREEMENT_NOT_FOUND: 'No such sharing agreement.',
  AGREEMENT_EXISTS: 'These agencies already have an active sharing agreement.',
  AGENCY_NOT_FOUND: 'No such agency.',
  ALREADY_EXISTS: 'Something with that id or name already exists.',
  OIDC_NOT_CONFIGURED: 'This agency does not sign in through its own identity provider.',
  OIDC_TOKEN_INVALID: 'The identity provider token could not be verified.',
  OIDC_ROLE_UNMAPPED: 'The identity provider did not give this person a Sightline role.',
  DEVICE_LOGIN_FAILED: 'Unknown device or wrong device key.',

  // Media
  TRANSPORT_NOT_FOUND: 'No such transport on this connection.',
  PRODUCER_NOT_FOUND: 'No such producer on this connection.',
  CONSUMER_NOT_FOUND: 'No such consumer on this connection.',
  CANNOT_CONSUME: 'The receiver cannot decode this stream.',
  PRODUCER_UNSUPPORTED: 'The stream parameters are not ones the relay can give its viewers.',
  PRODUCER_LIMIT: 'This seat already sends a stream of this kind from this source.',
  NODE_AT_CAPACITY: 'This relay node has no media capacity left for this request; try again shortly.',
  MEDIA_ERROR: 'The media server refused the request.',
  RESUME_FAILED: 'The connection could not be resumed; its seat is gone. Join again.',

  // WHIP/WHEP (HTTP ingest and playback)
  METHOD_NOT_ALLOWED: 'This method is not allowed on this resource.',
  MEDIA_TYPE_UNSUPPORTED: 'The request body has a content type this endpoint does not take.',
  SDP_MALFORMED: 'The SDP could not be parsed.',
  SDP_UNSUPPORTED: 'The SDP offer names no codec, transport or direction this relay can take.',
  PRECONDITION_FAILED: 'If-Match does not name the current ICE session of this resource.',
  PRECONDITION_REQUIRED: 'An ICE restart needs an If-Match header.',
  RESOURCE_CREDENTIAL_INVALID: 'This WHIP/WHEP session takes only the Bearer credential that created it.',

  // Why access ended (sent in access.ended)
  GRANT_EXPIRED: 'Your access to this incident has expired.',
  GRANT_REVOKED: 'Your access to this incident was revoked.',
  SEAT_TAKEN_OVER: 'This access was opened again elsewhere with the same grant; this window was closed.',
  ACCESS_WITHDRAWN: 'Your agency may no longer see this incident: sharing was withdrawn or your role changed.',
  INCIDENT_ENDED: 'The incident has ended.',
  MEDIA_WORKER_DIED: 'The media server handling this incident failed; the incident was ended.',
  SERVER_SHUTTING_DOWN: 'The server is restarting; reconnect shortly.',
  NODE_LOST: 'The relay node serving this incident stopped; reconnect to continue.',

  // Evidence recordings
  RECORDING_NOT_FOUND: 'This incident has no recording.',
  RECORDING_NOT_SEALED: 'The recording is still running; it can be exported once the incident has ended.',
  RECORDING_PURGED: 'This recording was deleted when its retention period ended; its signed purge record remains.',
  RECORDING_NOT_HELD: 'This recording has no legal hold to release.',
  RECORDING_UNAVAILABLE: 'The relay node holding this recording cannot be reached now; try again shortly.',
  RECORDING_PLAY_REQUIRED: 'Start playback first: each playback of a recording is entered in the audit trail.',

  AUDIT_UNAVAILABLE: 'The audit trail cannot be written, so access is refused.',
  INTERNAL: 'Unexpected server error.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (value: unknown): value is ErrorCode =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
