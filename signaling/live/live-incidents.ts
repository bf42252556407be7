// The live incidents hosted on this node: the shared record, the media room and the participants,
// started and ended together. Bus events reach the participants connected here.
import { referenceOf } from '../incident-records/incident-reference.ts';
import type { MediaPlane } from '../../server/media-plane.ts';
import type { User } from '../identity/directory.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { Bus } from '../state/bus.ts';
import { LiveIncident, type Participant } from './live-incident.ts';
import { IncidentLifecycle, type EndedBy, type IncidentLifecycleObserver } from './incident-lifecycle.ts';
import { LatestWrites } from './latest-writes.ts';

export type { EndedBy } from './incident-lifecycle.ts';

/** How long a broken incident waits for a live worker before it ends. */
const RECOVERY_WAIT_MS = 5000;

export interface LiveIncidentsHooks {
  /** Whether a node still beats in the registry (an incident on a dead node is lost). */
  isNodeLive(nodeId: string): Promise<boolean>;
  onError(error: Error, context: string): void;
}

export class LiveIncidents {
  readonly #live = new Map<string, LiveIncident>();
  readonly #lifecycle = new IncidentLifecycle();
  readonly #presenceWrites = new LatestWrites<string>((error, incidentId) => this.hooks.onError(error, `store presence of ${incidentId}`));

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly media: MediaPlane,
    private readonly bus: Bus,
    private readonly nodeId: string,
    private readonly hooks: LiveIncidentsHooks,
  ) {
    media.on('roomClosed', (incidentId, reason) => {
      if (reason === 'worker-died') void this.#recover(incidentId);
    });
    bus.subscribe((event) => {
      // A grant may hold several seats (a signalling connection and a WHEP player).
      if (event.type === 'grant.revoked') for (const { participant } of this.#forGrant(event.grantId)) participant.channel.endAccess(event.code);
      if (event.type === 'grant.extended') for (const { live, participant } of this.#forGrant(event.grantId)) live.extend(participant, event.expiresAt);
      // Seats made ready ahead of a join end and move with their grant too.
      for (const live of this.#live.values()) {
        if (event.type === 'grant.revoked') for (const seat of live.prepared.byGrant(event.grantId)) live.prepared.drop(seat.peerId, event.code);
        if (event.type === 'grant.extended') live.prepared.extend(event.grantId, event.expiresAt);
      }
    });
  }

  /** Registers what a feature does when incidents start, recover, get help and end. */
  observe(observer: IncidentLifecycleObserver): void {
    this.#lifecycle.observe(observer);
  }

  async start(officer: User, note: string | null): Promise<LiveIncident> {
    const { incident } = await this.incidents.start(officer, this.nodeId, note, async (existing) => existing.nodeId !== this.nodeId && !(await this.hooks.isNodeLive(existing.nodeId)));
    try {
      const room = await this.media.openRoom(incident.id);
      const live = new LiveIncident({ id: incident.id, reference: referenceOf(incident), agencyId: incident.agencyId, officerId: incident.officerId }, room, {
        onError: this.hooks.onError,
        onPresence: (incidentId) => this.#storePresence(incidentId),
        onSeatExpired: (participant) => this.#lifecycle.seatExpired(incident.id, participant),
        onSeatLeft: (participant, ending) => this.#lifecycle.seatLeft(incident.id, participant, ending),
      });
      this.#live.set(incident.id, live);
      await this.#lifecycle.started(incident, live);
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

  /**
   * Runs a step nobody waits for (a timer's, a dropped connection's): its failure, such as a store
   * that went away while the incident ended, is reported, never left as an unhandled rejection.
   */
  inBackground(step: Promise<unknown>, context: string): void {
    step.catch((error: unknown) => this.hooks.onError(error instanceof Error ? error : new Error(String(error)), context));
  }

  /** Ends an incident: participants are cut and told `code`, the room closes, its grants end. Idempotent. */
  async end(incidentId: string, code: ErrorCode, by: EndedBy | null = null): Promise<void> {
    const live = this.#live.get(incidentId);
    if (!live) return;
    this.#live.delete(incidentId);
    live.end(code);
    await this.incidents.end(incidentId);
    await this.#lifecycle.ended(incidentId, code, by);
    await this.bus.publish({ type: 'incidents.changed', incidentId });
  }

  /**
   * Incidents whose node died are marked lost; one still lost after `graceMs` (its camera never
   * came back through another node) is ended. Every node runs this; the steps are idempotent.
   */
  async sweepLost(graceMs: number): Promise<void> {
    const now = Date.now();
    for (const incident of await this.incidents.list()) {
      if (incident.nodeId === this.nodeId || (await this.hooks.isNodeLive(incident.nodeId))) continue;
      if (incident.lostAt === null) {
        await this.incidents.update(incident.id, () => ({ lostAt: now, viewers: [] }));
        await this.bus.publish({ type: 'incidents.changed', incidentId: incident.id });
      } else if (now - incident.lostAt > graceMs && (await this.incidents.end(incident.id))) {
        await this.#lifecycle.ended(incident.id, 'NODE_LOST', null);
        await this.bus.publish({ type: 'incidents.changed', incidentId: incident.id });
      }
    }
  }

  async endAll(code: ErrorCode): Promise<void> {
    await Promise.all([...this.#live.keys()].map((incidentId) => this.end(incidentId, code)));
  }

  /**
   * A worker died under an incident: rebuild its media room on a live worker (waiting briefly for
   * the replacement worker) and have every participant rejoin. Only if that fails does the
   * incident end.
   */
  async #recover(incidentId: string): Promise<void> {
    const live = this.#live.get(incidentId);
    if (!live) return;
    const deadline = Date.now() + RECOVERY_WAIT_MS;
    for (;;) {
      try {
        const room = await this.media.openRoom(incidentId);
        if (this.#live.get(incidentId) !== live) {
          room.close('ended');
          return;
        }
        await live.rebind(room, 'MEDIA_WORKER_DIED');
        this.#lifecycle.recovered(live);
        return;
      } catch (error) {
        if (Date.now() > deadline || this.media.closed) {
          this.hooks.onError(error as Error, `recover ${incidentId}`);
          await this.end(incidentId, 'MEDIA_WORKER_DIED');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  #forGrant(grantId: string): { live: LiveIncident; participant: Participant }[] {
    return [...this.#live.values()].flatMap((live) => live.participants().filter((p) => p.grantId === grantId).map((participant) => ({ live, participant })));
  }

  /**
   * Stores who is in the incident for the consoles, from its seats as they are when the write runs.
   * A clinician watching answers an open help request: the request clears and the officer is told.
   */
  #storePresence(incidentId: string): void {
    void this.#presenceWrites.schedule(incidentId, async () => {
      const live = this.#live.get(incidentId);
      if (!live || live.ended) return;
      const presence = live.presence();
      const clinician = presence.find((p) => p.role === 'clinician' && p.watching);
      let answered = false;
      const incident = await this.incidents.update(incidentId, (current) => {
        answered = current.helpRequested && clinician !== undefined;
        return answered && clinician
          ? { viewers: presence, helpRequested: false, helpAnswer: { userId: clinician.userId, name: clinician.name, at: Date.now() } }
          : { viewers: presence };
      });
      if (!incident) return;
      if (answered && clinician) {
        live.officer?.channel.send({ type: 'help.answered', incidentId, clinician: { userId: clinician.userId, name: clinician.name, agencyId: clinician.agencyId } });
        this.#lifecycle.helpAnswered(incident, clinician);
      }
      await this.bus.publish({ type: 'incidents.changed', incidentId });
    });
  }
}
