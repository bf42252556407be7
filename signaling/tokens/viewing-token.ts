// Viewing tokens: a clinician's time-limited, incident-scoped access, as an EdDSA-signed JWT.
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import { permission, type Permission } from '../protocol/messages.ts';
import { SIGNING_ALG, type SigningKeys } from './signing-keys.ts';

export const VIEWING_AUDIENCE = 'sightline:view';

export interface ViewingGrant {
  grantId: string;
  clinicianId: string;
  incidentId: string;
  permissions: Permission[];
  /** Milliseconds since the epoch. */
  notBefore: number;
  expiresAt: number;
}

const scopeClaims = z.object({
  jti: z.string().min(1),
  sub: z.string().min(1),
  inc: z.string().min(1),
  perm: z.array(permission).min(1),
  exp: z.number(),
  nbf: z.number(),
});

export async function issueViewingToken(
  keys: SigningKeys,
  issuer: string,
  grant: Omit<ViewingGrant, 'grantId'> & { grantId?: string },
): Promise<{ token: string; grant: ViewingGrant }> {
  const full: ViewingGrant = { ...grant, grantId: grant.grantId ?? randomUUID() };
  const token = await new SignJWT({ inc: full.incidentId, perm: full.permissions })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: keys.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(VIEWING_AUDIENCE)
    .setSubject(full.clinicianId)
    .setJti(full.grantId)
    .setIssuedAt(Math.floor(Date.now() / 1000))
    .setNotBefore(Math.floor(full.notBefore / 1000))
    .setExpirationTime(Math.floor(full.expiresAt / 1000))
    .sign(keys.privateKey);
  return { token, grant: full };
}

/** Maps a jose verification failure onto a stable protocol code. Pure. */
export function viewingTokenErrorCode(error: unknown): ErrorCode {
  if (error instanceof joseErrors.JWTExpired) return 'TOKEN_EXPIRED';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') return 'TOKEN_NOT_YET_VALID';
    if (error.claim === 'aud') return 'TOKEN_AUDIENCE_INVALID';
    if (error.claim === 'iss') return 'TOKEN_ISSUER_INVALID';
    return 'TOKEN_CLAIMS_INVALID';
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'TOKEN_SIGNATURE_INVALID';
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
    return 'TOKEN_ALG_NOT_ALLOWED';
  }
  return 'TOKEN_MALFORMED';
}

/**
 * Verifies a viewing token for one incident. Refusals carry distinct codes: malformed, alg not
 * allowed (including alg "none"), bad signature, expired, not yet valid, wrong audience or issuer,
 * missing claims, and a different incident.
 */
export async function verifyViewingToken(
  token: string,
  keys: SigningKeys,
  expected: { issuer: string; incidentId: string; now?: number },
): Promise<ViewingGrant> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new SightlineError('TOKEN_MALFORMED');
  }
  if (alg !== SIGNING_ALG) throw new SightlineError('TOKEN_ALG_NOT_ALLOWED', `tokens signed with "${alg}" are not accepted`);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: [SIGNING_ALG],
      issuer: expected.issuer,
      audience: VIEWING_AUDIENCE,
      requiredClaims: ['exp', 'nbf', 'jti', 'sub'],
      currentDate: expected.now === undefined ? undefined : new Date(expected.now),
    }));
  } catch (error) {
    throw new SightlineError(viewingTokenErrorCode(error));
  }
  const claims = scopeClaims.safeParse(payload);
  if (!claims.success) throw new SightlineError('TOKEN_CLAIMS_INVALID');
  if (claims.data.inc !== expected.incidentId) throw new SightlineError('TOKEN_INCIDENT_MISMATCH');
  return {
    grantId: claims.data.jti,
    clinicianId: claims.data.sub,
    incidentId: claims.data.inc,
    permissions: [...new Set(claims.data.perm)],
    notBefore: claims.data.nbf * 1000,
    expiresAt: claims.data.exp * 1000,
  };
}
