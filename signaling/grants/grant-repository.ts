// Grants: a clinician's time-limited access to one incident. The viewing token's jti is the
// grant id, so revoking the grant refuses the token everywhere.
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import { permission } from '../protocol/messages.ts';
import type { Collection, Store } from '../state/store.ts';

const grantSchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  incidentAgencyId: z.string(),
  clinicianId: z.string(),
  clinicianAgencyId: z.string(),
  grantedBy: z.string(),
  grantedByAgencyId: z.string(),
  permissions: z.array(permission),
  createdAt: z.number(),
  expiresAt: z.number(),
  revokedAt: z.number().nullable(),
  revokedBy: z.string().nullable(),
  revokeReason: z.string().nullable(),
  agreementId: z.string().nullable(),
});
export type Grant = z.infer<typeof grantSchema>;

/** How long a grant is kept after it ends, so its token stays refused and reports can name it. */
const KEEP_AFTER_END_MS = 24 * 3600_000;

export const grantStatus = (grant: Grant, now: number): 'active' | 'expired' | 'revoked' =>
  grant.revokedAt !== null ? 'revoked' : grant.expiresAt <= now ? 'expired' : 'active';

/** The one seat a clinician holds on an incident: at most one active grant per pair. */
const claimKey = (incidentId: string, clinicianId: string) => `${incidentId}|${clinicianId}`;

export class GrantRepository {
  readonly #grants: Collection<Grant>;
  /** Which grant holds each (incident, clinician) pair, kept while that grant is active. */
  readonly #claims: Collection<string>;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.#grants = store.collection('grants', grantSchema);
    this.#claims = store.collection('grant-claims', z.string());
  }

  /**
   * Claims the grant's (incident, clinician) pair for it, atomically on every node. Resolves
   * with the active grant that already holds the pair, or null once the pair is the new grant's.
   * A claim whose grant is gone or no longer active is stale and is taken over.
   */
  async claim(grant: Grant): Promise<Grant | null> {
    const key = claimKey(grant.incidentId, grant.clinicianId);
    const ttlMs = Math.max(1, grant.expiresAt - this.now());
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.#claims.create(key, grant.id, { ttlMs })) return null;
      const holderId = await this.#claims.get(key);
      const holder = holderId === undefined ? undefined : await this.#grants.get(holderId);
      if (holder && holder.id !== grant.id && grantStatus(holder, this.now()) === 'active') return holder;
      if (holderId !== undefined) await this.#claims.delete(key);
    }
    throw new SightlineError('GRANT_ALREADY_ACTIVE', 'another grant for this clinician and incident was recorded at the same moment');
  }

  /** Lets the pair go when its grant ends (only the claim of that grant). */
  async #release(grant: Grant): Promise<void> {
    const key = claimKey(grant.incidentId, grant.clinicianId);
    if ((await this.#claims.get(key)) === grant.id) await this.#claims.delete(key);
  }

  async put(grant: Grant): Promise<void> {
    await this.#grants.put(grant.id, grant, { ttlMs: Math.max(1, grant.expiresAt - this.now()) + KEEP_AFTER_END_MS });
  }

  find = (id: string) => this.#grants.get(id);

  async get(id: string): Promise<Grant> {
    const grant = await this.#grants.get(id);
    if (!grant) throw new SightlineError('GRANT_NOT_FOUND');
    return grant;
  }

  async list(filter: { incidentId?: string; clinicianId?: string; activeOnly?: boolean } = {}): Promise<Grant[]> {
    const at = this.now();
    return (await this.#grants.list())
      .filter(
        (g) =>
          (!filter.incidentId || g.incidentId === filter.incidentId) &&
          (!filter.clinicianId || g.clinicianId === filter.clinicianId) &&
          (!filter.activeOnly || grantStatus(g, at) === 'active'),
      )
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async revoke(id: string, by: string, reason: string): Promise<Grant> {
    const grant = await this.get(id);
    if (grant.revokedAt !== null) return grant;
    const revoked = { ...grant, revokedAt: this.now(), revokedBy: by, revokeReason: reason };
    await this.put(revoked);
    await this.#release(revoked);
    return revoked;
  }

  async extend(id: string, expiresAt: number): Promise<Grant> {
    const grant = await this.get(id);
    if (grantStatus(grant, this.now()) !== 'active') throw new SightlineError('GRANT_NOT_ACTIVE');
    const extended = { ...grant, expiresAt };
    await this.put(extended);
    // The claim lives as long as the grant: moved with its end.
    const key = claimKey(grant.incidentId, grant.clinicianId);
    if ((await this.#claims.get(key)) === grant.id) await this.#claims.put(key, grant.id, { ttlMs: Math.max(1, expiresAt - this.now()) });
    return extended;
  }
}
