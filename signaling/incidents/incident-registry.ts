// Live incidents as the control plane knows them: who started them, for which agency, and their state.
import { randomUUID } from 'node:crypto';
import { SightlineError } from '../errors.ts';

export interface Incident {
  id: string;
  agencyId: string;
  officerId: string;
  startedAt: number;
  helpRequested: boolean;
  note: string | null;
}

export class IncidentRegistry {
  readonly #live = new Map<string, Incident>();

  constructor(private readonly now: () => number = Date.now) {}

  start(officer: { id: string; agencyId: string }, note: string | null): Incident {
    if (this.liveForOfficer(officer.id)) throw new SightlineError('INCIDENT_ALREADY_LIVE');
    const incident: Incident = {
      id: `inc-${randomUUID()}`,
      agencyId: officer.agencyId,
      officerId: officer.id,
      startedAt: this.now(),
      helpRequested: false,
      note,
    };
    this.#live.set(incident.id, incident);
    return incident;
  }

  get(incidentId: string): Incident {
    const incident = this.#live.get(incidentId);
    if (!incident) throw new SightlineError('INCIDENT_NOT_FOUND');
    return incident;
  }

  find(incidentId: string): Incident | undefined {
    return this.#live.get(incidentId);
  }

  liveForOfficer(officerId: string): Incident | undefined {
    for (const incident of this.#live.values()) if (incident.officerId === officerId) return incident;
    return undefined;
  }

  list(): Incident[] {
    return [...this.#live.values()];
  }

  setHelpRequested(incidentId: string, requested: boolean): Incident {
    const incident = this.get(incidentId);
    incident.helpRequested = requested;
    return incident;
  }

  end(incidentId: string): Incident | undefined {
    const incident = this.#live.get(incidentId);
    this.#live.delete(incidentId);
    return incident;
  }
}
