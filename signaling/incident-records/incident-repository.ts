// Live incidents in the shared Store: any node can list them; the hosting node writes them.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SightlineError } from '../errors.ts';
import { incidentReference, referenceDay } from './incident-reference.ts';
import { roleSchema } from '../protocol/role-schema.ts';
import type { Collection, Store } from '../state/store.ts';

const participant = z.object({
  peerId: z.string(),
  userId: z.string(),
  name: z.string(),
  role: roleSchema,
  agencyId: z.string(),
  device: z.string().optional(),
  watching: z.boolean(),
  talking: z.boolean(),
});

const incidentSchema = z.object({
  id: z.string(),
  /** The short reference people read out (incident-reference.ts). */
  reference: z.string().optional(),
  agencyId: z.string(),
  officerId: z.string(),
  officerName: z.string(),
  nodeId: z.string(),
  startedAt: z.number(),
  helpRequested: z.boolean(),
  helpRequestedAt: z.number().nullable(),
  /** The clinician whose watching answered the last help request, and when. */
  helpAnswer: z.object({ userId: z.string(), name: z.string(), at: z.number() }).nullable().default(null),
  shared: z.boolean(),
  note: z.string().nullable(),
  location: z.object({ lat: z.number(), lon: z.number(), accuracy: z.number() }).nullable(),
  viewers: z.array(participant),
  /** Set while the hosting node is gone and the camera has not reconnected elsewhere. */
  lostAt: z.number().nullable().default(null),
  /** Evidence recording runs: viewers are told before they join. */
  recorded: z.boolean().default(false),
  /** The latest recording failure (a muxer that died, a stream that could not be recorded); the live stream went on. */
  recordingProblem: z.object({ at: z.number(), what: z.string() }).nullable().default(null),
});
export type Incident = z.infer<typeof incidentSchema>;

export class IncidentRepository {
  readonly #incidents: Collection<Incident>;
  readonly #byOfficer: Collection<{ incidentId: string }>;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.#incidents = store.collection('incidents', incidentSchema);
    this.#byOfficer = store.collection('incident-by-officer', z.object({ incidentId: z.string() }));
  }

  /**
   * Opens an incident for an officer; one live incident per officer, across all nodes. An
   * officer's incident whose node has died (`isOrphan`) is taken over by `nodeId` instead, with
   * its id, grants and history intact.
   */
  async start(
    officer: { id: string; name: string; agencyId: string },
    nodeId: string,
    note: string | null,
    isOrphan: (incident: Incident) => Promise<boolean> = async () => false,
  ): Promise<{ incident: Incident; adopted: boolean }> {
    const startedAt = this.now();
    const incident: Incident = {
      id: `inc-${randomUUID()}`,
      reference: await this.#nextReference(officer.agencyId, startedAt),
      agencyId: officer.agencyId,
      officerId: officer.id,
      officerName: officer.name,
      nodeId,
      startedAt,
      helpRequested: false,
      helpRequestedAt: null,
      helpAnswer: null,
      shared: false,
      note,
      location: null,
      viewers: [],
      lostAt: null,
      recorded: false,
      recordingProblem: null,
    };
    if (!(await this.#byOfficer.create(officer.id, { incidentId: incident.id }))) {
      const owned = await this.#byOfficer.get(officer.id);
      const existing = owned ? await this.#incidents.get(owned.incidentId) : undefined;
      if (existing) {
        if (!(await isOrphan(existing))) throw new SightlineError('INCIDENT_ALREADY_LIVE');
        const adopted: Incident = { ...existing, nodeId, lostAt: null, viewers: [] };
        await this.#incidents.put(adopted.id, adopted);
        return { incident: adopted, adopted: true };
      }
      await this.#byOfficer.put(officer.id, { incidentId: incident.id });
    }
    await this.#incidents.put(incident.id, incident);
    return { incident, adopted: false };
  }

  /** The agency's next incident number today, across every node (the shared store counts). */
  async #nextReference(agencyId: string, startedAt: number): Promise<string> {
    const number = await this.store.counters.increment(`incident-ref:${agencyId}:${referenceDay(startedAt)}`, 2 * 86_400_000);
    return incidentReference(agencyId, startedAt, number);
  }

  async get(incidentId: string): Promise<Incident> {
    const incident = await this.#incidents.get(incidentId);
    if (!incident) throw new SightlineError('INCIDENT_NOT_FOUND');
    return incident;
  }

  find = (incidentId: string) => this.#incidents.get(incidentId);
  list = () => this.#incidents.list();

  /**
   * Applies a change to an incident as one atomic step (a concurrent change by another writer or
   * node is never lost: `change` runs again on the newer record); undefined when it has ended.
   */
  update(incidentId: string, change: (incident: Incident) => Partial<Incident>): Promise<Incident | undefined> {
    return this.#incidents.update(incidentId, (incident) => ({ ...incident, ...change(incident) }));
  }

  async end(incidentId: string): Promise<Incident | undefined> {
    const incident = await this.#incidents.get(incidentId);
    if (!incident) return undefined;
    await this.#incidents.delete(incidentId);
    const owner = await this.#byOfficer.get(incident.officerId);
    if (owner?.incidentId === incidentId) await this.#byOfficer.delete(incident.officerId);
    return incident;
  }
}
