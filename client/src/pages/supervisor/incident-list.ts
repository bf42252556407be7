// Supervisor: the live incidents as keyed cards, re-rendered from every `console.incidents` push.
// Cards update in place, so an open dialog, a half-filled form or a running countdown survives.
import type { MapSource } from '../../ui/location-map.ts';
import type { IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { IncidentCard, type CardActions } from './incident-card.ts';
import { KeyedList } from '../../ui/keyed-list.ts';
import { setStatus, show } from '../../ui/ui.ts';

/** Help requests first, then the most recent. */
const byUrgency = (a: IncidentSummary, b: IncidentSummary): number =>
  Number(b.helpRequested) - Number(a.helpRequested) || b.startedAt - a.startedAt;

export class IncidentList {
  private readonly cards: KeyedList<IncidentSummary, IncidentCard>;
  private first = true;
  private watchingId: string | null = null;

  constructor(
    list: HTMLElement,
    private readonly empty: HTMLElement,
    now: () => number,
    actions: CardActions,
    /** Where shared locations are drawn from; null: no map. */
    map: MapSource | null = null,
  ) {
    this.cards = new KeyedList(list, {
      key: (incident) => incident.id,
      create: (incident) => new IncidentCard(incident, now, actions, map),
      update: (card, incident) => this.updateCard(card, incident),
      destroy: (card) => card.destroy(),
    });
  }

  update(incidents: readonly IncidentSummary[]): void {
    const before = new Map(this.cards.keys().map((id) => [id, this.cards.get(id)?.incident]));
    const { added, removed } = this.cards.sync([...incidents].sort(byUrgency));
    show(this.empty, incidents.length === 0);
    if (!this.first) this.announce(incidents, before, added, removed);
    this.first = false;
  }

  card(incidentId: string): IncidentCard | undefined {
    return this.cards.get(incidentId);
  }

  /** Mark which incident the console viewer shows. */
  setWatching(incidentId: string | null): void {
    this.cards.get(this.watchingId ?? '')?.setWatching(false);
    this.watchingId = incidentId;
    this.cards.get(incidentId ?? '')?.setWatching(true);
  }

  private updateCard(card: IncidentCard, incident: IncidentSummary): void {
    card.update(incident);
    card.setWatching(incident.id === this.watchingId);
  }

  private announce(
    incidents: readonly IncidentSummary[],
    before: Map<string, IncidentSummary | undefined>,
    added: string[],
    removed: string[],
  ): void {
    const messages: string[] = [];
    for (const incident of incidents) {
      const name = incident.officer.name;
      if (added.includes(incident.id)) messages.push(`${name} went live${incident.helpRequested ? ' and asked for help' : ''}.`);
      else if (incident.helpRequested && before.get(incident.id)?.helpRequested === false) messages.push(`${name} asked for help.`);
    }
    for (const id of removed) messages.push(`${before.get(id)?.officer.name ?? 'An officer'}'s incident ended.`);
    if (messages.length) setStatus(messages.join(' '), messages.some((m) => m.includes('help')) ? 'warn' : 'info');
  }
}
