// Granting, extending and revoking clinicians' access. Each change is checked by the access
// policy, audited before it takes effect, stored, and announced on the bus so that every node
// (consoles, inboxes, live connections) acts on it at once.
import { randomUUID } from 'node:crypto';
import { canGrant, canManageGrant, grantStillCovered, type Actor } from '../access/policy.ts';
import type { AgreementRepository } from '../agreements/agreement-repository.ts';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import type { Auditor } from '../audit/auditor.ts';
import { SightlineError } from '../errors.ts';
import { actorOf, publicUser, type Directory, type User } from '../identity/directory.ts';
import type { Incident, IncidentRepository } from '../incident-records/incident-repository.ts';
import type { GrantResponse } from '../protocol/http.ts';
import type { GrantInfo, Permission } from '../protocol/messages.ts';
import type { Bus } from '../state/bus.ts';
import type { SigningKeys } from '../tokens/signing-keys.ts';
import { issueViewingToken } from '../tokens/viewing-token.ts';
import { grantStatus, type Grant, type GrantRepository } from './grant-repository.ts';
import type { AuditAction } from '../protocol/audit-actions.ts';

export interface GrantServiceDeps {
  grants: GrantRepository;
  incidents: IncidentRepository;
  agreements: AgreementRepository;
  directory: Directory;
  keys: SigningKeys;
  audit: Auditor;
  bus: Bus;
  issuer: string;
  maxTtlSeconds: number;
  publicUrl: () => string;
  now?: () => number;
}

export type GrantAuthority = 'supervisor' | 'help-request';

export class GrantService {
  readonly #now: () => number;

  constructor(private readonly deps: GrantServiceDeps) {
    this.#now = deps.now ?? Date.now;
  }

  /** A supervisor grants a clinician access, or an on-call clinician accepts a "watch me" request. */
  async create(
    actor: User,
    request: { incidentId: string; clinicianId: string; permissions: Permission[]; ttlSeconds: number },
    source: AuditSource,
    authority: GrantAuthority = 'supervisor',
  ): Promise<GrantResponse> {
    const { audit, directory, incidents, agreements } = this.deps;
    const refuse = (code: SightlineError['code'], message?: string): Promise<never> =>
      audit.refuse({ action: 'grant.create', actor: actorOf(actor), target: { incidentId: request.incidentId, userId: request.clinicianId }, source }, code, message);
    const incident = await incidents.find(request.incidentId);
    if (!incident) return refuse('INCIDENT_NOT_FOUND');
    const clinician = await directory.userById(request.clinicianId);
    if (!clinician) return refuse('USER_NOT_FOUND');
    if (request.ttlSeconds > this.deps.maxTtlSeconds) {
      return refuse('GRANT_TTL_TOO_LONG', longestGrant(this.deps.maxTtlSeconds));
    }
    const decision =
      authority === 'help-request'
        ? grantStillCovered(incident, clinician.agencyId, await agreements.active())
        : canGrant(actorOf(actor), incident, actorOf(clinician), await agreements.active());
    if (!decision.allowed) return refuse(decision.code);

    const at = this.#now();
    const grant: Grant = {
      id: randomUUID(),
      incidentId: incident.id,
      incidentAgencyId: incident.agencyId,
      clinicianId: clinician.id,
      clinicianAgencyId: clinician.agencyId,
      grantedBy: actor.id,
      grantedByAgencyId: actor.agencyId,
      permissions: [...new Set(request.permissions)],
      createdAt: at,
      expiresAt: at + request.ttlSeconds * 1000,
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
      agreementId: decision.agreementId,
    };
    // One active grant per clinician and incident: a supervisor is refused (and told to extend or
    // revoke the one there is); an on-call clinician accepting a "watch me" gets a fresh link to
    // the grant they already hold.
    const holder = await this.deps.grants.claim(grant);
    if (holder) {
      if (authority !== 'help-request') {
        const left = Math.max(1, Math.ceil((holder.expiresAt - at) / 60_000));
        return refuse('GRANT_ALREADY_ACTIVE', `${clinician.name} already has access to this incident for ${left} more minute${left === 1 ? '' : 's'}: extend or revoke that grant instead.`);
      }
      await audit.note({
        action: 'grant.create',
        outcome: 'info',
        actor: actorOf(actor),
        target: { incidentId: incident.id, grantId: holder.id, userId: clinician.id },
        source,
        reason: 'GRANT_ALREADY_ACTIVE',
        detail: { authority, reused: true },
      });
      return this.link(holder);
    }
    await audit.allow({
      action: 'grant.create',
      actor: actorOf(actor),
      target: { incidentId: incident.id, grantId: grant.id, userId: clinician.id },
      source,
      detail: { permissions: grant.permissions.join(','), expiresAt: grant.expiresAt, authority, agreementId: grant.agreementId },
    });
    await this.deps.grants.put(grant);
    await this.#announce(grant);
    return this.link(grant);
  }

  /** A fresh viewing token and link for an active grant, valid until the grant expires. */
  async link(grant: Grant): Promise<GrantResponse> {
    if (grantStatus(grant, this.#now()) !== 'active') throw new SightlineError('GRANT_NOT_ACTIVE');
    const { token } = await issueViewingToken(this.deps.keys, this.deps.issuer, {
      grantId: grant.id,
      clinicianId: grant.clinicianId,
      incidentId: grant.incidentId,
      permissions: grant.permissions,
      notBefore: this.#now(),
      expiresAt: grant.expiresAt,
    });
    const link = `${this.deps.publicUrl()}/watch.html#incident=${encodeURIComponent(grant.incidentId)}&token=${encodeURIComponent(token)}`;
    return { grantId: grant.id, incidentId: grant.incidentId, clinicianId: grant.clinicianId, permissions: grant.permissions, expiresAt: grant.expiresAt, token, link };
  }

  async extend(actor: User, grantId: string, ttlSeconds: number, source: AuditSource): Promise<Grant> {
    const grant = await this.#manageable(actor, grantId, 'grant.extend', source);
    const event = { action: 'grant.extend' as const, actor: actorOf(actor), target: { incidentId: grant.incidentId, grantId, userId: grant.clinicianId }, source };
    if (ttlSeconds > this.deps.maxTtlSeconds) await this.deps.audit.refuse(event, 'GRANT_TTL_TOO_LONG', longestGrant(this.deps.maxTtlSeconds));
    const expiresAt = this.#now() + ttlSeconds * 1000;
    await this.deps.audit.allow({ ...event, detail: { expiresAt, previousExpiresAt: grant.expiresAt } });
    const extended = await this.deps.grants.extend(grantId, expiresAt);
    await this.deps.bus.publish({ type: 'grant.extended', grantId, expiresAt });
    await this.#announce(extended);
    return extended;
  }

  async revoke(actor: User, grantId: string, source: AuditSource): Promise<Grant> {
    const grant = await this.#manageable(actor, grantId, 'grant.revoke', source);
    await this.deps.audit.allow({
      action: 'grant.revoke',
      actor: actorOf(actor),
      target: { incidentId: grant.incidentId, grantId, userId: grant.clinicianId },
      source,
      reason: 'GRANT_REVOKED',
    });
    return this.#revoke(grant, actor.id, 'GRANT_REVOKED');
  }

  /**
   * Ending an incident ends every grant on it. Not audited per grant: the incident's one
   * `incident.end` entry records it, and ends every access to the incident.
   */
  async endAllForIncident(incidentId: string): Promise<void> {
    for (const grant of await this.deps.grants.list({ incidentId, activeOnly: true })) {
      await this.#revoke(grant, 'system', 'INCIDENT_ENDED');
    }
  }

  /**
   * After sharing is withdrawn (an agreement revoked, an incident's mark taken off), ends every
   * active grant its clinician's agency may no longer hold, in the name of whoever withdrew it.
   */
  async endUncovered(by: { actor: AuditActor; source: AuditSource; cause: 'agreement.revoke' | 'incident.unshare' }): Promise<void> {
    const agreements = await this.deps.agreements.active();
    for (const grant of await this.deps.grants.list({ activeOnly: true })) {
      const incident = await this.deps.incidents.find(grant.incidentId);
      if (!incident || grantStillCovered(incident, grant.clinicianAgencyId, agreements).allowed) continue;
      await this.deps.audit.note({
        action: 'grant.revoke',
        outcome: 'info',
        actor: by.actor,
        target: { incidentId: grant.incidentId, grantId: grant.id, userId: grant.clinicianId },
        source: by.source,
        reason: 'AGREEMENT_REVOKED',
        detail: { cause: by.cause },
      });
      await this.#revoke(grant, 'system', 'AGREEMENT_REVOKED');
    }
  }

  /** The grant as consoles show it; `incident` (when live) tells whether the clinician is watching. */
  async info(grant: Grant, incident?: Incident): Promise<GrantInfo> {
    const [clinician, grantedBy] = await Promise.all([this.deps.directory.userById(grant.clinicianId), this.deps.directory.userById(grant.grantedBy)]);
    const fallback = (id: string, agencyId: string) => ({ id, username: id, name: id, role: 'clinician' as const, agencyId });
    return {
      id: grant.id,
      incidentId: grant.incidentId,
      clinician: clinician ? publicUser(clinician) : fallback(grant.clinicianId, grant.clinicianAgencyId),
      grantedBy: grantedBy ? publicUser(grantedBy) : fallback(grant.grantedBy, grant.grantedByAgencyId),
      permissions: grant.permissions,
      createdAt: grant.createdAt,
      expiresAt: grant.expiresAt,
      revokedAt: grant.revokedAt,
      agreementId: grant.agreementId,
      status: grantStatus(grant, this.#now()),
      watching: incident?.viewers.some((v) => v.userId === grant.clinicianId && v.watching) ?? false,
    };
  }

  async #manageable(actor: User, grantId: string, action: AuditAction, source: AuditSource): Promise<Grant> {
    const grant = await this.deps.grants.find(grantId);
    const incident: Incident | undefined = grant ? await this.deps.incidents.find(grant.incidentId) : undefined;
    const decision = !grant
      ? ({ allowed: false, code: 'GRANT_NOT_FOUND' } as const)
      : !incident
        ? ({ allowed: false, code: 'GRANT_NOT_ACTIVE' } as const)
        : grantStatus(grant, this.#now()) !== 'active'
          ? ({ allowed: false, code: 'GRANT_NOT_ACTIVE' } as const)
          : canManageGrant(actorOf(actor) as Actor, incident, grant, await this.deps.agreements.active());
    await this.deps.audit.enforce(decision, { action, actor: actorOf(actor), target: { incidentId: grant?.incidentId, grantId, userId: grant?.clinicianId }, source });
    return grant!;
  }

  async #revoke(grant: Grant, by: string, code: 'GRANT_REVOKED' | 'INCIDENT_ENDED' | 'AGREEMENT_REVOKED'): Promise<Grant> {
    const revoked = await this.deps.grants.revoke(grant.id, by, code);
    await this.deps.bus.publish({
      type: 'grant.revoked',
      grantId: grant.id,
      incidentId: grant.incidentId,
      code: endCodeOf(code),
    });
    await this.#announce(revoked);
    return revoked;
  }

  #announce(grant: Grant): Promise<void> {
    return this.deps.bus.publish({ type: 'grants.changed', incidentId: grant.incidentId, clinicianId: grant.clinicianId });
  }
}

/** What a clinician whose grant was revoked is told: the event that ended it, not a generic revoke. */
export function endCodeOf(reason: string | null): 'GRANT_REVOKED' | 'INCIDENT_ENDED' | 'ACCESS_WITHDRAWN' {
  if (reason === 'INCIDENT_ENDED') return 'INCIDENT_ENDED';
  if (reason === 'AGREEMENT_REVOKED') return 'ACCESS_WITHDRAWN';
  return 'GRANT_REVOKED';
}

/** The refusal of a too-long grant names the longest one allowed, in the minutes the form asks for. */
export function longestGrant(maxTtlSeconds: number): string {
  const minutes = Math.floor(maxTtlSeconds / 60);
  return minutes >= 1 ? `Access may be granted for at most ${minutes} minute${minutes === 1 ? '' : 's'}.` : `Access may be granted for at most ${maxTtlSeconds} seconds.`;
}
