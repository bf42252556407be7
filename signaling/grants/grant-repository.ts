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

export class GrantRepository {
  readonly #grants: Collection<Grant>;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.#grants = store.collection('grants', grantSchema);
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
    return revoked;
  }

  async extend(id: string, expiresAt: number): Promise<Grant> {
    const grant = await this.get(id);
    if (grantStatus(grant, this.now()) !== 'active') throw new SightlineError('GRANT_NOT_ACTIVE');
    const extended = { ...grant, expiresAt };
    await this.put(extended);
    return extended;
  }
}
