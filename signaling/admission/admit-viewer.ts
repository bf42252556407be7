// Admission of a clinician to a live incident, whichever channel it came on, verified once at the
// edge into a seat request. A grant is redeemed only by the person it names: in the browser, the
// viewing token of the link together with the session of the clinician signed in (a forwarded
// link is useless to anyone else); over WHEP, a player device an admin registered to that
// clinician, which plays the clinician's active grant on the incident. Either way the grant must
// still be active (not revoked, not expired, still covered by any sharing agreement). A refusal
// is audited here, with its stable code, and thrown.
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
  grants: { find(grantId: string): Promise<Grant | undefined>; list(filter: { incidentId: string; clinicianId: string; activeOnly: true }): Promise<Grant[]> };
  sessions: { touch(token: string): Promise<{ userId: string }> };
  directory: { userById(userId: string): Promise<User | undefined> };
  live: { get(incidentId: string): LiveIncident | undefined };
  incidents: { find(incidentId: string): Promise<Incident | undefined> };
  agreements: { active(): Promise<Agreement[]> };
  audit: Pick<Auditor, 'note' | 'refuse'>;
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
  audit: Pick<Auditor, 'refuse'>,
  action: 'join' | 'watch' | 'prepare',
  context: AdmissionContext,
  error: SightlineError,
  facts: { actor: AuditActor | null; incidentId: string; grantId?: string; userId?: string },
): Promise<never> {
  return audit.refuse(
    {
      action,
      actor: facts.actor,
      target: { incidentId: facts.incidentId, ...(facts.grantId ? { grantId: facts.grantId } : {}), ...(facts.userId ? { userId: facts.userId } : {}) },
      source: context.source,
      ...(context.via ? { detail: { via: context.via } } : {}),
    },
    error,
  );
}

/** A grant link opened in the browser: its viewing token, and the session of whoever is signed in. */
export interface LinkRedemption {
  token: string | null;
  session: string | undefined;
}

/** Admits the holder of a grant link, who must be signed in as the clinician it names. */
export async function admitViewer(deps: ViewerAdmissionDeps, link: LinkRedemption, incidentId: string, context: AdmissionContext): Promise<ViewerSeatRequest> {
  const refuse = (error: SightlineError, facts: { actor?: AuditActor | null; grantId?: string; userId?: string } = {}) =>
    refuseAdmission(deps.audit, 'join', context, error, { actor: facts.actor ?? null, incidentId, grantId: facts.grantId, userId: facts.userId });
  if (!link.token) return refuse(new SightlineError('NOT_AUTHENTICATED'));
  let claims;
  try {
    claims = await verifyViewingToken(link.token, deps.keys, { issuer: deps.config.TOKEN_ISSUER, incidentId });
  } catch (error) {
    return refuse(error instanceof SightlineError ? error : new SightlineError('TOKEN_MALFORMED'));
  }
  const grant = await deps.grants.find(claims.grantId);
  if (!grant || grant.clinicianId !== claims.clinicianId || grant.incidentId !== incidentId) {
    return refuse(new SightlineError('TOKEN_REVOKED', 'this link is no longer valid'), { grantId: claims.grantId, userId: claims.clinicianId });
  }
  // The link is only half: the person opening it must be the clinician it names.
  if (!link.session) return refuse(new SightlineError('SIGN_IN_REQUIRED'), { grantId: grant.id, userId: grant.clinicianId });
  let holder: User | undefined;
  try {
    holder = await deps.directory.userById((await deps.sessions.touch(link.session)).userId);
  } catch (error) {
    return refuse(error instanceof SightlineError ? error : new SightlineError('SESSION_INVALID'), { grantId: grant.id, userId: grant.clinicianId });
  }
  if (!holder) return refuse(new SightlineError('SESSION_INVALID'), { grantId: grant.id, userId: grant.clinicianId });
  if (holder.id !== grant.clinicianId) return refuse(new SightlineError('GRANT_NOT_YOURS'), { actor: auditActorOf(holder), grantId: grant.id, userId: grant.clinicianId });
  return seatFor(deps, grant, claims, incidentId, refuse);
}

/**
 * Admits a signed-in clinician to a grant of theirs by its id (the inbox's join, and its seat made
 * ready ahead of a join): the session proves who it is, the grant record what they may do.
 */
export async function admitGrantHolder(
  deps: ViewerAdmissionDeps,
  holder: { grantId: string; session: string | undefined },
  incidentId: string,
  context: AdmissionContext,
  action: 'join' | 'prepare' = 'join',
): Promise<ViewerSeatRequest> {
  const refuse = (error: SightlineError, facts: { actor?: AuditActor | null; grantId?: string; userId?: string } = {}) =>
    refuseAdmission(deps.audit, action, context, error, { actor: facts.actor ?? null, incidentId, grantId: facts.grantId ?? holder.grantId, userId: facts.userId });
  if (!holder.session) return refuse(new SightlineError('SIGN_IN_REQUIRED'));
  let user: User | undefined;
  try {
    user = await deps.directory.userById((await deps.sessions.touch(holder.session)).userId);
  } catch (error) {
    return refuse(error instanceof SightlineError ? error : new SightlineError('SESSION_INVALID'));
  }
  if (!user) return refuse(new SightlineError('SESSION_INVALID'));
  const actor = auditActorOf(user);
  const grant = await deps.grants.find(holder.grantId);
  // Someone else's grant is answered as no grant at all: grant ids are not to be probed.
  if (!grant || grant.clinicianId !== user.id || grant.incidentId !== incidentId) return refuse(new SightlineError('GRANT_NOT_FOUND'), { actor, userId: user.id });
  const claims: ViewingGrant = { grantId: grant.id, clinicianId: grant.clinicianId, incidentId, permissions: grant.permissions, notBefore: grant.createdAt, expiresAt: grant.expiresAt };
  return seatFor(deps, grant, claims, incidentId, refuse);
}

/** A WHEP player an admin registered to a clinician: it plays that clinician's active grant on the incident. */
export async function admitPlayer(deps: ViewerAdmissionDeps, player: { deviceId: string; clinician: User }, incidentId: string, context: AdmissionContext): Promise<ViewerSeatRequest> {
  const actor = auditActorOf(player.clinician);
  const refuse = (error: SightlineError, facts: { grantId?: string } = {}) =>
    refuseAdmission(deps.audit, 'join', context, error, { actor, incidentId, grantId: facts.grantId, userId: player.clinician.id });
  const [grant] = await deps.grants.list({ incidentId, clinicianId: player.clinician.id, activeOnly: true });
  if (!grant) return refuse(new SightlineError('GRANT_NOT_FOUND', 'this clinician has no active access to the incident'));
  const claims: ViewingGrant = { grantId: grant.id, clinicianId: grant.clinicianId, incidentId, permissions: grant.permissions, notBefore: grant.createdAt, expiresAt: grant.expiresAt };
  return seatFor(deps, grant, claims, incidentId, refuse);
}

/** The checks every channel shares once it knows the grant: still active, its incident live, its sharing still in force. */
async function seatFor(
  deps: ViewerAdmissionDeps,
  grant: Grant,
  claims: ViewingGrant,
  incidentId: string,
  refuse: (error: SightlineError, facts: { actor?: AuditActor | null; grantId?: string; userId?: string }) => Promise<never>,
): Promise<ViewerSeatRequest> {
  const status = grantStatus(grant, Date.now());
  if (status !== 'active') return refuse(new SightlineError(refusalOf(status, grant.revokeReason)), { grantId: grant.id, userId: grant.clinicianId });
  const clinician = await deps.directory.userById(grant.clinicianId);
  if (!clinician || clinician.role !== 'clinician') return refuse(new SightlineError('FORBIDDEN'), { grantId: grant.id, userId: grant.clinicianId });
  const actor = auditActorOf(clinician);
  const live = deps.live.get(incidentId);
  const record = await deps.incidents.find(incidentId);
  if (!live || !record || live.ended) return refuse(new SightlineError('INCIDENT_NOT_FOUND'), { actor, grantId: grant.id, userId: clinician.id });
  if (!grantStillCovered(record, clinician.agencyId, await deps.agreements.active()).allowed) {
    return refuse(new SightlineError('ACCESS_WITHDRAWN', 'the sharing agreement behind this access has ended'), { actor, grantId: grant.id, userId: clinician.id });
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
