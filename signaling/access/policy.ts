// Who may do what, as small pure functions over (actor, action, incident, agreements).
// Every refusal names a stable code; every cross-agency allowance names the agreement it rests on.
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { MediaSource, Permission } from '../protocol/messages.ts';
import type { Role } from '../protocol/roles.ts';

export type { Role } from '../protocol/roles.ts';

export interface Actor {
  id: string;
  role: Role;
  agencyId: string;
  onCall?: boolean;
}

export interface IncidentFacts {
  agencyId: string;
  officerId: string;
  /** Marked by its agency for sharing under "marked incidents only" agreements. */
  shared: boolean;
  helpRequested: boolean;
}

export interface AgreementFacts {
  id: string;
  fromAgencyId: string;
  toAgencyId: string;
  scope: 'all' | 'marked';
  /** Whether it also covers the incidents' recordings (false when absent). */
  recordings?: boolean;
  revokedAt: number | null;
}

export type Decision = { allowed: true; agreementId: string | null } | { allowed: false; code: ErrorCode };

const allow = (agreementId: string | null = null): Decision => ({ allowed: true, agreementId });
const deny = (code: ErrorCode): Decision => ({ allowed: false, code });

/** The live agreement under which `agencyId` may see the incident, if it is not the incident's own agency. */
export function coveringAgreement(incident: IncidentFacts, agencyId: string, agreements: readonly AgreementFacts[]): AgreementFacts | undefined {
  return agreements.find(
    (a) =>
      a.revokedAt === null &&
      a.fromAgencyId === incident.agencyId &&
      a.toAgencyId === agencyId &&
      (a.scope === 'all' || incident.shared),
  );
}

/** How an agency relates to an incident: its own, shared with it under an agreement, or neither. */
export function agencyAccess(incident: IncidentFacts, agencyId: string, agreements: readonly AgreementFacts[]): Decision {
  if (incident.agencyId === agencyId) return allow();
  const agreement = coveringAgreement(incident, agencyId, agreements);
  return agreement ? allow(agreement.id) : deny('FORBIDDEN');
}

/** Supervisors see (list, watch) their agency's incidents and those shared with their agency. */
export function canSeeIncident(actor: Actor, incident: IncidentFacts, agreements: readonly AgreementFacts[]): Decision {
  if (actor.role !== 'supervisor') return deny('FORBIDDEN');
  return agencyAccess(incident, actor.agencyId, agreements);
}

/**
 * A supervisor grants a clinician access. The supervisor must see the incident; the clinician must
 * belong to the incident's agency or to an agency it is shared with; a supervisor of a partner
 * agency grants only to clinicians of their own agency.
 */
export function canGrant(actor: Actor, incident: IncidentFacts, clinician: Actor, agreements: readonly AgreementFacts[]): Decision {
  const sees = canSeeIncident(actor, incident, agreements);
  if (!sees.allowed) return sees;
  if (clinician.role !== 'clinician') return deny('NOT_A_CLINICIAN');
  if (actor.agencyId !== incident.agencyId && clinician.agencyId !== actor.agencyId) return deny('FORBIDDEN');
  return agencyAccess(incident, clinician.agencyId, agreements);
}

/** Extending or revoking a grant needs the same standing as granting it would. */
export function canManageGrant(
  actor: Actor,
  incident: IncidentFacts,
  grant: { grantedByAgencyId: string },
  agreements: readonly AgreementFacts[],
): Decision {
  const sees = canSeeIncident(actor, incident, agreements);
  if (!sees.allowed) return sees;
  // The owning agency manages every grant on its incidents; a partner manages the grants it made.
  if (actor.agencyId !== incident.agencyId && grant.grantedByAgencyId !== actor.agencyId) return deny('FORBIDDEN');
  return sees;
}

/** A grant stays valid only while the clinician's agency may still see the incident. */
export function grantStillCovered(incident: IncidentFacts, clinicianAgencyId: string, agreements: readonly AgreementFacts[]): Decision {
  return agencyAccess(incident, clinicianAgencyId, agreements);
}

/** On-call clinicians of agencies that may see an incident hear its "watch me" and may accept it. */
export function canAcceptHelp(actor: Actor, incident: IncidentFacts, agreements: readonly AgreementFacts[]): Decision {
  if (actor.role !== 'clinician' || !actor.onCall) return deny('FORBIDDEN');
  if (!incident.helpRequested) return deny('HELP_NOT_REQUESTED');
  return agencyAccess(incident, actor.agencyId, agreements);
}

export const canStartIncident = (actor: Actor): Decision => (actor.role === 'officer' ? allow() : deny('FORBIDDEN'));

/** The officer of the incident, or a supervisor of its own agency, marks it for sharing. */
export function canMarkShared(actor: Actor, incident: IncidentFacts): Decision {
  if (actor.role === 'officer' && actor.id === incident.officerId) return allow();
  if (actor.role === 'supervisor' && actor.agencyId === incident.agencyId) return allow();
  return deny('FORBIDDEN');
}

export type RecordingAction = 'list' | 'play' | 'export';

/**
 * Evidence recordings of an incident (listing, playing, exporting): supervisors of its agency, and
 * supervisors of an agency it is shared with under a live agreement that covers recordings (the
 * allowance names it); sharing the live picture alone does not share the evidence.
 * Clinicians never, though they were in the incident; officers and admins never.
 */
export function canAccessRecording(actor: Actor, incident: IncidentFacts, agreements: readonly AgreementFacts[], _action: RecordingAction): Decision {
  if (actor.role !== 'supervisor') return deny('FORBIDDEN');
  return agencyAccess(
    incident,
    actor.agencyId,
    agreements.filter((agreement) => agreement.recordings === true),
  );
}

/**
 * Putting an incident's recording on legal hold (so retention does not delete it), or releasing
 * the hold: whoever administers the incident's agency.
 */
export const canHoldRecording = (actor: Actor, incident: Pick<IncidentFacts, 'agencyId'>): Decision => canAdministerAgency(actor, incident.agencyId);

/** Switching evidence recording off (or back on) for an agency: whoever administers the agency. */
export const canSetAgencyRecording = (actor: Actor, agencyId: string): Decision => canAdministerAgency(actor, agencyId);

/** Agreements are made and revoked by an admin of the sharing agency; supervisors may read those involving them. */
export function canManageAgreement(actor: Actor, agreement: Pick<AgreementFacts, 'fromAgencyId'>): Decision {
  return actor.role === 'admin' && actor.agencyId === agreement.fromAgencyId ? allow() : deny('FORBIDDEN');
}

/** Who may open the administration console at all: agency admins and platform admins. */
export const canAdminister = (actor: Actor): Decision => (actor.role === 'admin' || actor.role === 'platform-admin' ? allow() : deny('FORBIDDEN'));

/**
 * Administering an agency's directory (its users, its officers' cameras): an admin of that agency,
 * or a platform admin. An agency admin never reaches into another agency.
 */
export function canAdministerAgency(actor: Actor, agencyId: string): Decision {
  if (actor.role === 'platform-admin') return allow();
  return actor.role === 'admin' && actor.agencyId === agencyId ? allow() : deny('FORBIDDEN');
}

/** Giving a user a role in an agency: as administering it, and only a platform admin makes platform admins. */
export function canAssignRole(actor: Actor, agencyId: string, role: Role): Decision {
  const administers = canAdministerAgency(actor, agencyId);
  if (!administers.allowed) return administers;
  return role === 'platform-admin' && actor.role !== 'platform-admin' ? deny('FORBIDDEN') : administers;
}

/** Agencies are created by platform admins only. */
export const canCreateAgency = (actor: Actor): Decision => (actor.role === 'platform-admin' ? allow() : deny('FORBIDDEN'));

/** The agencies whose directory an administrator may read: every agency (`all`) or their own. */
export function administeredScope(actor: Actor): 'all' | { agencyId: string } | null {
  if (actor.role === 'platform-admin') return 'all';
  return actor.role === 'admin' ? { agencyId: actor.agencyId } : null;
}

/** Which permission a participant needs to send a stream from this source. */
export function permissionToSend(source: MediaSource, kind: 'audio' | 'video'): Permission | 'officer' | null {
  if (source === 'camera') return 'officer';
  if (source === 'talkback' && kind === 'audio') return 'talk';
  return null;
}
