// Sign-in through an agency's own OpenID Connect provider: the ID token is verified against the
// provider's JWKS (issuer, audience, signature, expiry), and the Sightline role comes from a claim.
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { SightlineError } from '../errors.ts';
import type { Directory, OidcSettings, Role, User } from './directory.ts';

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(jwksUrl: string) {
  let set = keySets.get(jwksUrl);
  if (!set) keySets.set(jwksUrl, (set = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 })));
  return set;
}

/** The role a token's claim maps to, or undefined. Pure. */
export function mappedRole(payload: JWTPayload, settings: Pick<OidcSettings, 'roleClaim' | 'roleMap'>): Role | undefined {
  const claim = payload[settings.roleClaim];
  const values = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(' ') : [];
  for (const value of values) {
    if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(settings.roleMap, value)) return settings.roleMap[value];
  }
  return undefined;
}

/** How the provider says it authenticated the person (its `amr` methods, e.g. `pwd otp`, and `acr` level), for the audit trail. */
export interface OidcAssurance {
  amr: string | null;
  acr: string | null;
}

const assuranceOf = (payload: JWTPayload): OidcAssurance => ({
  amr: Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === 'string').join(' ').slice(0, 120) || null : null,
  acr: typeof payload.acr === 'string' ? payload.acr.slice(0, 120) : null,
});

/**
 * The person an ID token names, and how the provider authenticated them (OIDC sign-ins rely on the
 * provider's own second factor). `onRoleChanged` runs when a known person comes back with another
 * role (their live seats are then re-checked).
 */
export async function verifyOidcIdToken(
  directory: Directory,
  agencyId: string,
  idToken: string,
  onRoleChanged?: (user: User) => Promise<void>,
): Promise<{ user: User; assurance: OidcAssurance }> {
  const { user, payload } = await personOf(directory, agencyId, idToken, onRoleChanged);
  return { user, assurance: assuranceOf(payload) };
}

async function personOf(directory: Directory, agencyId: string, idToken: string, onRoleChanged?: (user: User) => Promise<void>): Promise<{ user: User; payload: JWTPayload }> {
  const agency = await directory.agency(agencyId);
  if (!agency?.oidc) throw new SightlineError('OIDC_NOT_CONFIGURED');
  const settings = agency.oidc;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, keySet(settings.jwksUrl), {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
  } catch {
    throw new SightlineError('OIDC_TOKEN_INVALID');
  }
  const role = mappedRole(payload, settings);
  if (!role) throw new SightlineError('OIDC_ROLE_UNMAPPED');
  const subject = payload.sub!;
  const existing = await directory.userByExternalId(agencyId, subject);
  if (existing) {
    if (existing.role === role) return { user: existing, payload };
    const updated = await directory.updateUser({ ...existing, role });
    await onRoleChanged?.(updated);
    return { user: updated, payload };
  }
  const name = typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : subject;
  const login = typeof payload.preferred_username === 'string' ? payload.preferred_username : subject;
  const user = await directory.createUser({
    id: `oidc-${agencyId}-${createHash('sha256').update(subject).digest('hex').slice(0, 16)}`,
    username: `${login}@${agencyId}`.toLowerCase().slice(0, 120),
    name: name.slice(0, 120),
    role,
    agencyId,
    externalId: subject,
    onCall: false,
  });
  return { user, payload };
}
