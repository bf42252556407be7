// What happens around a live incident's life, to whoever owns a part of it: recording starts and
// seals, the history keeps its metadata, the audit notes the end, grants end with the incident.
// Each feature registers its own observer (see `observe`); observers run in registration order,
// and the officer's "live" reply and the end's announcement wait for them.
import type { AuditActor, AuditSource } from '../audit/audit-entry.ts';
import type { Incident } from '../incident-records/incident-repository.ts';
import type { ErrorCode } from '../protocol/error-codes.ts';
import type { PresenceEntry } from '../protocol/messages.ts';
import type { LiveIncident, Participant, SeatEnding } from './live-incident.ts';

/** Who ended an incident, for its audit entry. */
export interface EndedBy {
  actor: AuditActor | null;
  source: AuditSource;
}

export interface IncidentLifecycleObserver {
  /** The incident started here and its media room is open. */
  started?(incident: Incident, live: LiveIncident): void | Promise<void>;
  /** Its media was rebuilt on a live worker after its worker died. */
  recovered?(live: LiveIncident): void;
  /** A clinician's watching answered the officer's help request (the officer has been told). */
  helpAnswered?(incident: Incident, clinician: PresenceEntry): void;
  /** A seat's grant expired; the seat is cut right after. */
  seatExpired?(incidentId: string, seat: Participant): void;
  /** A viewer left its seat (not cut); the leaving waits for this. */
  seatLeft?(incidentId: string, seat: Participant, ending: SeatEnding): void | Promise<void>;
  /** It ended, by `by` (null when the system ended it); called on the node that ended it. */
  ended?(incidentId: string, code: ErrorCode, by: EndedBy | null): void | Promise<void>;
}

export class IncidentLifecycle {
  readonly #observers: IncidentLifecycleObserver[] = [];

  observe(observer: IncidentLifecycleObserver): void {
    this.#observers.push(observer);
  }

  async started(incident: Incident, live: LiveIncident): Promise<void> {
    for (const observer of this.#observers) await observer.started?.(incident, live);
  }

  recovered(live: LiveIncident): void {
    for (const observer of this.#observers) observer.recovered?.(live);
  }

  helpAnswered(incident: Incident, clinician: PresenceEntry): void {
    for (const observer of this.#observers) observer.helpAnswered?.(incident, clinician);
  }

  seatExpired(incidentId: string, seat: Participant): void {
    for (const observer of this.#observers) observer.seatExpired?.(incidentId, seat);
  }

  async seatLeft(incidentId: string, seat: Participant, ending: SeatEnding): Promise<void> {
    for (const observer of this.#observers) await observer.seatLeft?.(incidentId, seat, ending);
  }

  async ended(incidentId: string, code: ErrorCode, by: EndedBy | null): Promise<void> {
    for (const observer of this.#observers) await observer.ended?.(incidentId, code, by);
  }
}
