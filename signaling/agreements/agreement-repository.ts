// Sharing agreements: agency A shares its live incidents (all, or only those marked) with agency B,
// and, when the agreement says so, their evidence recordings.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import type { Collection, Store } from '../state/store.ts';

const agreementSchema = z.object({
  id: z.string(),
  fromAgencyId: z.string(),
  toAgencyId: z.string(),
  scope: z.enum(['all', 'marked']),
  /** B's supervisors may also list, play and export the recordings of the incidents it covers. */
  recordings: z.boolean().default(false),
  createdAt: z.number(),
  createdBy: z.string(),
  revokedAt: z.number().nullable(),
  revokedBy: z.string().nullable(),
});
export type Agreement = z.infer<typeof agreementSchema>;

export class AgreementRepository {
  readonly #agreements: Collection<Agreement>;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.#agreements = store.collection('agreements', agreementSchema);
  }

  list = () => this.#agreements.list();

  async active(): Promise<Agreement[]> {
    return (await this.#agreements.list()).filter((a) => a.revokedAt === null);
  }

  async get(id: string): Promise<Agreement> {
    const agreement = await this.#agreements.get(id);
    if (!agreement) throw new SightlineError('AGREEMENT_NOT_FOUND');
    return agreement;
  }

  async create(input: { fromAgencyId: string; toAgencyId: string; scope: 'all' | 'marked'; recordings?: boolean; createdBy: string; id?: string }): Promise<Agreement> {
    if (input.fromAgencyId === input.toAgencyId) throw new SightlineError('BAD_REQUEST', 'an agency cannot share with itself');
    const existing = (await this.active()).find((a) => a.fromAgencyId === input.fromAgencyId && a.toAgencyId === input.toAgencyId);
    if (existing) throw new SightlineError('AGREEMENT_EXISTS');
    const agreement: Agreement = {
      id: input.id ?? `agr-${randomUUID()}`,
      fromAgencyId: input.fromAgencyId,
      toAgencyId: input.toAgencyId,
      scope: input.scope,
      recordings: input.recordings ?? false,
      createdAt: this.now(),
      createdBy: input.createdBy,
      revokedAt: null,
      revokedBy: null,
    };
    if (!(await this.#agreements.create(agreement.id, agreement))) throw new SightlineError('ALREADY_EXISTS');
    return agreement;
  }

  async revoke(id: string, by: string): Promise<Agreement> {
    const agreement = await this.get(id);
    if (agreement.revokedAt !== null) return agreement;
    const revoked = { ...agreement, revokedAt: this.now(), revokedBy: by };
    await this.#agreements.put(id, revoked);
    return revoked;
  }
}
