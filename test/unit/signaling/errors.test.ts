import { describe, expect, it } from 'vitest';
import { SightlineError } from '../../../signaling/errors.ts';
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../../../signaling/protocol/error-codes.ts';

describe('SightlineError', () => {
  it('uses the protocol message by default and keeps a custom one', () => {
    const error = new SightlineError('LOGIN_FAILED');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SightlineError');
    expect(error.code).toBe('LOGIN_FAILED');
    expect(error.message).toBe('Unknown user or wrong password.');
    expect(new SightlineError('BAD_REQUEST', 'note too long').message).toBe('note too long');
  });

  it.each<[ErrorCode, number]>([
    ['MESSAGE_MALFORMED', 400],
    ['BAD_REQUEST', 400],
    ['MESSAGE_TOO_LARGE', 413],
    ['RATE_LIMITED', 429],
    ['NOT_FOUND', 404],
    ['NOT_AUTHENTICATED', 401],
    ['LOGIN_FAILED', 401],
    ['ACCOUNT_LOCKED', 423],
    ['SESSION_INVALID', 401],
    ['SESSION_EXPIRED', 401],
    ['FORBIDDEN', 403],
    ['PERMISSION_DENIED', 403],
    ['NOT_A_CLINICIAN', 422],
    ['GRANT_TTL_TOO_LONG', 422],
    ['USER_NOT_FOUND', 404],
    ['GRANT_NOT_FOUND', 404],
    ['AGREEMENT_NOT_FOUND', 404],
    ['AGENCY_NOT_FOUND', 404],
    ['GRANT_NOT_ACTIVE', 409],
    ['HELP_NOT_REQUESTED', 409],
    ['AGREEMENT_EXISTS', 409],
    ['ALREADY_EXISTS', 409],
    ['OIDC_NOT_CONFIGURED', 400],
    ['OIDC_TOKEN_INVALID', 401],
    ['OIDC_ROLE_UNMAPPED', 403],
    ['DEVICE_LOGIN_FAILED', 401],
    ['INCIDENT_NOT_FOUND', 404],
    ['INCIDENT_ALREADY_LIVE', 409],
    ['AUDIT_UNAVAILABLE', 503],
    ['SERVER_SHUTTING_DOWN', 503],
    ['INTERNAL', 500],
    // Not in the table: 400 by default
    ['TRANSPORT_LIMIT', 400],
    ['ALREADY_JOINED', 400],
    ['MEDIA_ERROR', 400],
  ])('%s has HTTP status %i', (code, status) => {
    expect(new SightlineError(code).httpStatus).toBe(status);
  });

  it('gives every TOKEN_* code 401', () => {
    const tokenCodes = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => code.startsWith('TOKEN_'));
    expect(tokenCodes).toHaveLength(10);
    for (const code of tokenCodes) expect(new SightlineError(code).httpStatus, code).toBe(401);
  });

  it('serializes to code and message only', () => {
    const error = new SightlineError('TOKEN_EXPIRED');
    expect(error.toJSON()).toEqual({ code: 'TOKEN_EXPIRED', message: 'The viewing token has expired.' });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'TOKEN_EXPIRED', message: 'The viewing token has expired.' });
    expect(JSON.parse(JSON.stringify(new SightlineError('FORBIDDEN', 'not your agency')))).toEqual({
      code: 'FORBIDDEN',
      message: 'not your agency',
    });
  });
});

describe('isErrorCode', () => {
  it('recognises protocol codes only', () => {
    expect(isErrorCode('TOKEN_EXPIRED')).toBe(true);
    expect(isErrorCode('INTERNAL')).toBe(true);
    expect(isErrorCode('token_expired')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('__proto__')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
    expect(isErrorCode(undefined)).toBe(false);
  });
});
