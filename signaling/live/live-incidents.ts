// All live incidents on this node: the registry record, the media room and the participants,
// started and ended together.
import type { MediaPlane } from '../../server/media-plane.ts';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import type { User } from '../identity/directory.ts';
import { IncidentRegistry, type Incident } from '../incidents/incident-registry.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import { LiveIncident, type LiveIncidentHooks } from './live-incident.ts';

export interface EndedBy {
  actor: AuditActor | null;
  source: AuditSource;
}

export interface LiveIncidentsEvents {
  /** Called once per started incident, once its media room is open. */
  onStarted?(incident: Incident): void;
  /** Called once per ended incident, with who ended it (null when the system did). */
  onEnded(incident: Incident, code: ErrorCode, by: EndedBy | null): void;
}

export class LiveIncidents {
  readonly #live = new Map<string, LiveIncident>();

  constructor(
    readonly registry: IncidentRegistry,
    private readonly media: MediaPlane,
    private readonly hooks: LiveIncidentHooks & LiveIncidentsEvents,
  ) {
    media.on('roomClosed', (incidentId, reason) => {
      if (reason === 'worker-died') this.end(incidentId, 'MEDIA_WORKER_DIED');
    });
  }

  async start(officer: User, note: string | null): Promise<LiveIncident> {
    const incident = this.registry.start(officer, note);
    try {
      const room = await this.media.openRoom(incident.id);
      const live = new LiveIncident(incident, room, this.hooks);
      this.#live.set(incident.id, live);
      this.hooks.onStarted?.(incident);
      return live;
    } catch (error) {
      this.registry.end(incident.id);
      throw error;
    }
  }

  get(incidentId: string): LiveIncident | undefined {
    return this.#live.get(incidentId);
  }

  all(): LiveIncident[] {
    return [...this.#live.values()];
  }

  /** Ends an incident: participants are cut and told `code`, the room closes. Idempotent. */
  end(incidentId: string, code: ErrorCode, by: EndedBy | null = null): void {
    const live = this.#live.get(incidentId);
    if (!live) return;
    this.#live.delete(incidentId);
    this.registry.end(incidentId);
    live.end(code);
    this.hooks.onEnded(live.incident, code, by);
  }

  endAll(code: ErrorCode): void {
    for (const incidentId of [...this.#live.keys()]) this.end(incidentId, code);
  }
}
