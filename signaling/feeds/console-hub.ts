// Pushes live views to the supervisors and clinicians connected to this node: the console's
// incident list, the clinician's inbox, and "watch me" alerts. Driven by bus events, no polling.
import type { FastifyBaseLogger } from 'fastify';
import type { AgreementRepository } from '../agreements/agreement-repository.ts';
import type { User } from '../identity/directory.ts';
import type { IncidentRepository } from '../incident-records/incident-repository.ts';
import type { ServerMessage } from '../protocol/messages.ts';
import type { Bus, BusEvent } from '../state/bus.ts';
import { consoleView, hearsHelp, inboxView, openHelpFor, type ViewSources } from './views.ts';

export interface ConsoleSubscriber {
  readonly user: User;
  send(message: ServerMessage): void;
}

/** Changes arriving within this window are pushed together. */
const COALESCE_MS = 20;

export class ConsoleHub {
  readonly #subscribers = new Map<ConsoleSubscriber, string>();
  #pending: NodeJS.Timeout | null = null;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly sources: ViewSources & { incidents: IncidentRepository; agreements: AgreementRepository },
    bus: Bus,
    private readonly log: FastifyBaseLogger,
  ) {
    this.#unsubscribe = bus.subscribe((event) => this.#onEvent(event));
  }

  /** Adds a supervisor or clinician and sends them their current view. */
  async add(subscriber: ConsoleSubscriber): Promise<void> {
    this.#subscribers.set(subscriber, '');
    await this.#refresh([subscriber]);
  }

  remove(subscriber: ConsoleSubscriber): void {
    this.#subscribers.delete(subscriber);
  }

  close(): void {
    this.#unsubscribe();
    if (this.#pending) clearTimeout(this.#pending);
    this.#subscribers.clear();
  }

  #onEvent(event: BusEvent): void {
    if (event.type === 'help.requested') void this.#alert(event);
    if (event.type === 'grant.extended') return;
    if (this.#pending || this.#subscribers.size === 0) return;
    this.#pending = setTimeout(() => {
      this.#pending = null;
      void this.#refresh([...this.#subscribers.keys()]);
    }, COALESCE_MS);
  }

  async #refresh(subscribers: ConsoleSubscriber[]): Promise<void> {
    try {
      const [incidents, agreements] = await Promise.all([this.sources.incidents.list(), this.sources.agreements.active()]);
      for (const subscriber of subscribers) {
        const message: ServerMessage | null =
          subscriber.user.role === 'supervisor'
            ? { type: 'console.incidents', incidents: await consoleView(this.sources, subscriber.user, incidents, agreements) }
            : subscriber.user.role === 'clinician'
              ? { type: 'inbox', entries: await inboxView(this.sources, subscriber.user, incidents), help: openHelpFor(subscriber.user, incidents, agreements) }
              : null;
        if (!message || !this.#subscribers.has(subscriber)) continue;
        const json = JSON.stringify(message);
        if (this.#subscribers.get(subscriber) === json) continue;
        this.#subscribers.set(subscriber, json);
        subscriber.send(message);
      }
    } catch (error) {
      this.log.error({ err: error }, 'console refresh failed');
    }
  }

  async #alert(event: Extract<BusEvent, { type: 'help.requested' }>): Promise<void> {
    try {
      const [incident, agreements] = await Promise.all([this.sources.incidents.find(event.incidentId), this.sources.agreements.active()]);
      if (!incident) return;
      const alert = { incidentId: event.incidentId, agencyId: event.agencyId, officerName: event.officerName, at: event.at };
      for (const subscriber of this.#subscribers.keys()) {
        if (hearsHelp(subscriber.user, incident, agreements)) subscriber.send({ type: 'alert.help', alert });
      }
    } catch (error) {
      this.log.error({ err: error }, 'help alert failed');
    }
  }
}
