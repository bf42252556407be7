// Supervisor: live incidents as keyed cards. Refreshes update cards in place so a grant form
// being filled in (or a link just created) survives the 3-second polling.
import type { ClinicianSummary, IncidentSummary } from '../../signaling/protocol/http.ts';
import type { SightlineError } from './errors.ts';
import { createGrantForm } from './grant-form.ts';
import { el, formatTime, setStatus, show } from './ui.ts';

interface Card {
  root: HTMLLIElement;
  officer: HTMLElement;
  help: HTMLElement;
  meta: HTMLElement;
  note: HTMLElement;
  viewers: HTMLElement;
  helpRequested: boolean;
}

export class IncidentList {
  private readonly cards = new Map<string, Card>();
  private first = true;

  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly clinicians: () => ClinicianSummary[],
    private readonly onSessionError: (error: SightlineError) => void,
  ) {}

  update(incidents: IncidentSummary[]): void {
    const seen = new Set<string>();
    // Help requests first, then the most recent.
    const ordered = [...incidents].sort(
      (a, b) => Number(b.helpRequested) - Number(a.helpRequested) || b.startedAt - a.startedAt,
    );
    for (const incident of ordered) {
      seen.add(incident.id);
      const card = this.cards.get(incident.id) ?? this.create(incident);
      this.fill(card, incident);
    }
    for (const [id, card] of this.cards) {
      if (seen.has(id)) continue;
      card.root.remove();
      this.cards.delete(id);
    }
    this.reorder(ordered.map((incident) => incident.id));
    show(this.empty, incidents.length === 0);
    this.first = false;
  }

  /** Re-append only when the order changed: moving a node would drop keyboard focus inside it. */
  private reorder(ids: string[]): void {
    const current = [...this.list.children].map((child) => (child as HTMLElement).dataset.incidentId);
    if (current.length === ids.length && current.every((id, i) => id === ids[i])) return;
    for (const id of ids) {
      const card = this.cards.get(id);
      if (card) this.list.append(card.root);
    }
  }

  private create(incident: IncidentSummary): Card {
    const root = el('li', 'card incident');
    root.dataset.testid = 'incident';
    root.dataset.incidentId = incident.id;
    const head = el('div', 'incident-head');
    const officer = el('h3', 'incident-officer');
    const help = el('span', 'badge badge-help', 'Help requested');
    help.dataset.testid = 'incident-help';
    head.append(officer, help);
    const meta = el('p', 'meta');
    const note = el('p', 'note');
    const viewers = el('p', 'viewers');
    viewers.dataset.testid = 'incident-viewers';
    const grant = createGrantForm(incident.id, this.clinicians(), this.onSessionError);
    root.append(head, meta, note, viewers, grant);
    const card: Card = { root, officer, help, meta, note, viewers, helpRequested: incident.helpRequested };
    this.cards.set(incident.id, card);
    if (!this.first) {
      setStatus(`${incident.officer.name} went live${incident.helpRequested ? ' and asked for help' : ''}.`, 'info');
    }
    return card;
  }

  private fill(card: Card, incident: IncidentSummary): void {
    card.officer.textContent = incident.officer.name;
    card.meta.textContent = `Live since ${formatTime(incident.startedAt)} · ${incident.officer.agencyId} · Incident ${incident.id}`;
    card.note.textContent = incident.note ?? '';
    show(card.note, Boolean(incident.note));
    const names = incident.viewers.map((viewer) => viewer.name);
    card.viewers.textContent = names.length ? `Watching: ${names.join(', ')}` : 'No one is watching yet.';
    card.viewers.dataset.count = String(names.length);
    show(card.help, incident.helpRequested);
    card.root.dataset.help = String(incident.helpRequested);
    if (incident.helpRequested && !card.helpRequested) {
      setStatus(`${incident.officer.name} asked for help.`, 'warn');
    }
    card.helpRequested = incident.helpRequested;
  }
}
