// Admission of a clinician to a live incident: the viewing token is verified once, at the edge,
// into a seat request, whichever channel it came on (signalling `join`, WHEP). The token must
// verify and its grant must still be active (not revoked, not expired, still covered by any
// sharing agreement). A refusal is audited here, with its stable code, and thrown.
import { grantStillCovered } from '../access/policy.ts';
import type { Agreement } from '../agreements/agreement-repository.ts';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import { SightlineError } from '../errors.ts';
import { grantStatus, type Grant } from '../grants/grant-repository.ts';
import { endCodeOf } from '../grants/grant-service.ts';
import type { User } from '../identity/directory.ts';
import type { Incident } from '../incident-records/incident-repository.ts';
import type { LiveIncident } from '../live/live-incident.ts';
import type { Permission } from '../protocol/messages.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { verifyViewingToken, type ViewingGrant } from '../tokens/viewing-token.ts';

/** What admitting a viewer needs. */
export interface ViewerAdmissionDeps {
  keys: SigningKeys;
  config: { TOKEN_ISSUER: string };
  grants: { find(grantId: string): Promise<Grant | undefined> };
  directory: { userById(userId: string): Promise<User | undefined> };
  live: { get(incidentId: string): LiveIncident | undefined };
  incidents: { find(incidentId: string): Promise<Incident | undefined> };
  agreements: { active(): Promise<Agreement[]> };
  audit: Pick<Auditor, 'note'>;
}

/** Where the request came from, for the audit; `via` names a channel other than signalling. */
export interface AdmissionContext {
  source: AuditSource;
  via?: 'whep';
}

/** A clinician admitted to a live incident, with what the grant allows now. */
export interface ViewerSeatRequest {
  clinician: User;
  actor: AuditActor;
  grant: Grant;
  /** The verified token, its permissions narrowed to the grant's and its expiry the grant's. */
  claims: ViewingGrant;
  permissions: Set<Permission>;
  live: LiveIncident;
  incidentId: string;
}

/** Who acted, as the audit trail names them. */
export const auditActorOf = (user: User): AuditActor => ({ id: user.id, role: user.role, agencyId: user.agencyId });

/** The audit entry of a refused admission, then the error thrown. */
export async function refuseAdmission(
  audit: Pick<Auditor, 'note'>,
  action: 'join' | 'watch',
  context: AdmissionContext,
  error: SightlineError,
  facts: { actor: AuditActor | null; incidentId: string; grantId?: string; userId?: string },
): Promise<never> {
  await audit.note({
    action,
    outcome: 'denied',
    actor: facts.actor,
    target: { incidentId: facts.incidentId, ...(facts.grantId ? { grantId: facts.grantId } : {}), ...(facts.userId ? { userId: facts.userId } : {}) },
    source: context.source,
    reason: error.code,
    ...(context.via ? { detail: { via: context.via } } : {}),
  });
  throw error;
}

export async function admitViewer(
  deps: ViewerAdmissionDeps,
  credential: string | null,
  incidentId: string,
  context: AdmissionContext,
): Promise<ViewerSeatRequest> {
  let actor: AuditActor | null = null;
  const refuse = (error: SightlineError, grantId?: string, userId?: string) => refuseAdmission(deps.audit, 'join', context, error, { actor, incidentId, grantId, userId });
  if (!credential) return refuse(new SightlineError('NOT_AUTHENTICATED'));
  let claims;
  try {
    claims = await verifyViewingToken(credential, deps.keys, { issuer: deps.config.TOKEN_ISSUER, incidentId });
  } catch (error) {
    return refuse(error instanceof SightlineError ? error : new SightlineError('TOKEN_MALFORMED'));
  }
  const grant = await deps.grants.find(claims.grantId);
  if (!grant || grant.clinicianId !== claims.clinicianId || grant.incidentId !== incidentId) {
    return refuse(new SightlineError('TOKEN_REVOKED', 'this link is no longer valid'), claims.grantId, claims.clinicianId);
  }
  const status = grantStatus(grant, Date.now());
  if (status !== 'active') return refuse(new SightlineError(refusalOf(status, grant.revokeReason)), grant.id, grant.clinicianId);
  const clinician = await deps.directory.userById(grant.clinicianId);
  if (!clinician || clinician.role !== 'clinician') return refuse(new SightlineError('FORBIDDEN'), grant.id, grant.clinicianId);
  actor = auditActorOf(clinician);
  const live = deps.live.get(incidentId);
  const record = await deps.incidents.find(incidentId);
  if (!live || !record || live.ended) return refuse(new SightlineError('INCIDENT_NOT_FOUND'), grant.id, clinician.id);
  if (!grantStillCovered(record, clinician.agencyId, await deps.agreements.active()).allowed) {
    return refuse(new SightlineError('ACCESS_WITHDRAWN', 'the sharing agreement behind this access has ended'), grant.id, clinician.id);
  }
  // The grant may have narrowed since the token was issued; the grant record is authoritative.
  const permissions = new Set(claims.permissions.filter((p) => grant.permissions.includes(p)));
  return {
    clinician,
    actor,
    grant,
    claims: { ...claims, permissions: [...permissions], expiresAt: grant.expiresAt },
    permissions,
    live,
    incidentId,
  };
}

/**
 * Why a link that no longer admits is refused, from what ended its grant: a grant ended with its
 * incident says the incident ended, one ended with its sharing agreement says sharing was
 * withdrawn, and only a supervisor's revoke says the link was withdrawn.
 */
export function refusalOf(status: 'revoked' | 'expired', revokeReason: string | null): 'TOKEN_REVOKED' | 'TOKEN_EXPIRED' | 'INCIDENT_ENDED' | 'ACCESS_WITHDRAWN' {
  if (status === 'expired') return 'TOKEN_EXPIRED';
  const ended = endCodeOf(revokeReason);
  return ended === 'GRANT_REVOKED' ? 'TOKEN_REVOKED' : ended;
}
