// The live incidents hosted on this node: the shared record, the media room and the participants,
// started and ended together. Bus events reach the participants connected here.
import type { MediaPlane } from '../../server/media-plane.ts';
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import type { User } from '../identity/directory.ts';
import type { IncidentRepository } from '../incidents/incident-repository.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { PresenceEntry } from '../protocol/messages.ts';
import type { Bus } from '../state/bus.ts';
import { LiveIncident } from './live-incident.ts';

export interface EndedBy {
  actor: AuditActor | null;
  source: AuditSource;
}

export interface LiveIncidentsHooks {
  onError(error: Error, context: string): void;
  /** Called once per ended incident, with who ended it (null when the system did). */
  onEnded(incidentId: string, code: ErrorCode, by: EndedBy | null): Promise<void>;
}

export class LiveIncidents {
  readonly #live = new Map<string, LiveIncident>();

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly media: MediaPlane,
    private readonly bus: Bus,
    private readonly nodeId: string,
    private readonly hooks: LiveIncidentsHooks,
  ) {
    media.on('roomClosed', (incidentId, reason) => {
      if (reason === 'worker-died') void this.end(incidentId, 'MEDIA_WORKER_DIED');
    });
    bus.subscribe((event) => {
      // A grant may hold several seats (a signalling connection and a WHEP player).
      if (event.type === 'grant.revoked') for (const p of this.#forGrant(event.grantId)) p.channel.endAccess(event.code);
      if (event.type === 'grant.extended') for (const p of this.#forGrant(event.grantId)) p.channel.extendAccess(event.expiresAt);
    });
  }

  async start(officer: User, note: string | null): Promise<LiveIncident> {
    const incident = await this.incidents.start(officer, this.nodeId, note);
    try {
      const room = await this.media.openRoom(incident.id);
      const live = new LiveIncident({ id: incident.id, agencyId: incident.agencyId, officerId: incident.officerId }, room, {
        onError: this.hooks.onError,
        onPresence: (incidentId, presence) => void this.#storePresence(incidentId, presence),
      });
      this.#live.set(incident.id, live);
      await this.bus.publish({ type: 'incidents.changed', incidentId: incident.id });
      return live;
    } catch (error) {
      await this.incidents.end(incident.id);
      throw error;
    }
  }

  get(incidentId: string): LiveIncident | undefined {
    return this.#live.get(incidentId);
  }

  all(): LiveIncident[] {
    return [...this.#live.values()];
  }

  /** Ends an incident: participants are cut and told `code`, the room closes, its grants end. Idempotent. */
  async end(incidentId: string, code: ErrorCode, by: EndedBy | null = null): Promise<void> {
    const live = this.#live.get(incidentId);
    if (!live) return;
    this.#live.delete(incidentId);
    live.end(code);
    await this.incidents.end(incidentId);
    await this.hooks.onEnded(incidentId, code, by);
    await this.bus.publish({ type: 'incidents.changed', incidentId });
  }

  async endAll(code: ErrorCode): Promise<void> {
    await Promise.all([...this.#live.keys()].map((incidentId) => this.end(incidentId, code)));
  }

  #forGrant(grantId: string) {
    return [...this.#live.values()].flatMap((live) => live.participants().filter((p) => p.grantId === grantId));
  }

  async #storePresence(incidentId: string, presence: PresenceEntry[]): Promise<void> {
    try {
      if (await this.incidents.update(incidentId, () => ({ viewers: presence }))) {
        await this.bus.publish({ type: 'incidents.changed', incidentId });
      }
    } catch (error) {
      this.hooks.onError(error as Error, `store presence of ${incidentId}`);
    }
  }
}
