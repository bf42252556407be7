// Supervisor: one live incident in the console. Officer, start time, shared location, help flag,
// who is connected, whether it is recorded (and any recording problem, as an alert), the "shared"
// toggle (own agency), Watch, Grant access… and the grant list.
import { locationMap, type MapSource } from '../../ui/location-map.ts';
import type { GeoLocation, IncidentSummary } from '../../../../signaling/protocol/messages.ts';
import { agencyName } from '../../net/agencies.ts';
import { button, errorLine, runAction } from '../../ui/form-fields.ts';
import { openGrantDialog } from './grant-dialog.ts';
import { GrantList } from './grant-list.ts';
import { setIncidentShared } from '../../net/grants-api.ts';
import { el, formatTime, setStatus, show, toEpochMs } from '../../ui/ui.ts';

export interface CardActions {
  watch(incident: IncidentSummary): void;
}

const coordinates = (location: GeoLocation): string =>
  `${location.lat.toFixed(5)}, ${location.lon.toFixed(5)} (±${Math.round(location.accuracy)} m)`;

const mapUrl = ({ lat, lon }: GeoLocation): string =>
  `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=17/${lat}/${lon}`;

export class IncidentCard {
  readonly root = el('li', 'card incident');
  incident: IncidentSummary;
  private readonly officer = el('h2', 'incident-officer');
  private readonly help = el('span', 'badge badge-help', 'Help requested');
  private readonly access = el('span', 'badge badge-shared');
  private readonly recorded = el('span', 'badge badge-recorded', 'Recorded');
  private readonly recordingProblem = el('p', 'form-error');
  private readonly meta = el('p', 'meta');
  private readonly note = el('p', 'note');
  private readonly location = el('div', 'incident-location');
  private readonly viewers = el('p', 'viewers');
  private readonly sharedBox = el('input');
  private readonly sharedWrap = el('label', 'check');
  private readonly watchButton = button('Watch', 'incident-watch', 'primary');
  private readonly grantButton = button('Grant access…', 'incident-grant');
  private readonly errors = errorLine('incident-error');
  private readonly grants: GrantList;

  /** The location the map shows now, so that the map is drawn again only when it moves. */
  private mapped: string | null = null;

  constructor(
    incident: IncidentSummary,
    now: () => number,
    actions: CardActions,
    private readonly map: MapSource | null = null,
  ) {
    this.incident = incident;
    this.root.dataset.testid = 'incident';
    this.root.dataset.incidentId = incident.id;
    this.root.dataset.reference = incident.reference;
    this.help.dataset.testid = 'incident-help';
    this.access.dataset.testid = 'incident-access';
    this.recorded.dataset.testid = 'incident-recorded';
    this.recordingProblem.dataset.testid = 'incident-recording-problem';
    this.recordingProblem.setAttribute('role', 'alert');
    this.location.dataset.testid = 'incident-location';
    this.viewers.dataset.testid = 'incident-viewers';
    this.sharedBox.type = 'checkbox';
    this.sharedBox.dataset.testid = 'incident-shared';
    this.sharedWrap.append(this.sharedBox, ' Share with partner agencies (marked incidents)');

    const head = el('div', 'incident-head');
    head.append(this.officer, this.help, this.access, this.recorded);
    const controls = el('div', 'row incident-actions');
    controls.append(this.watchButton, this.grantButton);
    this.grants = new GrantList(el('ul', 'grant-list'), now);
    const grantsTitle = el('h3', 'grants-title', 'Clinician access');
    this.root.append(head, this.recordingProblem, this.meta, this.note, this.location, this.viewers, controls, this.sharedWrap, this.errors, grantsTitle, this.grants.root);

    this.watchButton.addEventListener('click', () => actions.watch(this.incident));
    this.grantButton.addEventListener('click', () => this.openGrant(this.grantButton));
    this.sharedBox.addEventListener('change', () => void this.toggleShared());
    this.update(incident);
  }

  update(incident: IncidentSummary): void {
    this.incident = incident;
    const { officer } = incident;
    this.officer.textContent = officer.name;
    this.root.dataset.help = String(incident.helpRequested);
    this.root.dataset.access = incident.access;
    this.root.dataset.shared = String(incident.shared);
    show(this.help, incident.helpRequested);
    this.access.textContent = `Shared by ${agencyName(incident.agencyId)}`;
    show(this.access, incident.access === 'shared');
    show(this.recorded, incident.recorded);
    const problem = incident.recordingProblem;
    if (problem && this.recordingProblem.dataset.at !== String(problem.at)) {
      this.recordingProblem.dataset.at = String(problem.at);
      this.recordingProblem.textContent = `Recording problem at ${formatTime(toEpochMs(problem.at))}: ${problem.what}`;
    }
    show(this.recordingProblem, problem !== null);
    this.meta.textContent = `Live since ${formatTime(toEpochMs(incident.startedAt))} · ${agencyName(officer.agencyId)} · Incident ${incident.reference}`;
    this.note.textContent = incident.note ?? '';
    show(this.note, Boolean(incident.note));
    this.renderLocation(incident.location);
    this.renderViewers(incident);
    // Only the incident's own agency may mark it; keep the box still while a change is on its way.
    show(this.sharedWrap, incident.access === 'own');
    if (!this.sharedBox.disabled) this.sharedBox.checked = incident.shared;
    this.grants.update(incident.grants);
  }

  /** Open the grant dialog in this card; focus returns to `opener`. */
  openGrant(opener: HTMLElement): void {
    openGrantDialog(this.root, { incidentId: this.incident.id, officerName: this.incident.officer.name }, opener);
  }

  /** The console's viewer shows this incident (or not). */
  setWatching(watching: boolean): void {
    this.watchButton.disabled = watching;
    this.watchButton.textContent = watching ? 'Watching' : 'Watch';
  }

  destroy(): void {
    this.grants.destroy();
  }

  private renderLocation(location: GeoLocation | null): void {
    show(this.location, location !== null);
    const key = location ? `${location.lat},${location.lon},${location.accuracy}` : null;
    if (key === this.mapped) return;
    this.mapped = key;
    if (!location) return this.location.replaceChildren();
    const link = el('a', undefined, 'Open map');
    link.href = mapUrl(location);
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    const line = el('span');
    line.append(`Location: ${coordinates(location)} · `, link);
    const where = `Map of ${this.incident.officer.name}'s shared location, ${coordinates(location)}`;
    this.location.replaceChildren(line, ...(this.map ? [locationMap(this.map, location, where)] : []));
    this.location.dataset.lat = String(location.lat);
    this.location.dataset.lon = String(location.lon);
  }

  private renderViewers(incident: IncidentSummary): void {
    const others = incident.viewers.filter((viewer) => viewer.role !== 'officer');
    const names = others.map((viewer) => `${viewer.name}${viewer.device ? ` (${viewer.device})` : ''}${viewer.talking ? ' (talking)' : ''}`);
    this.viewers.textContent = names.length ? `Watching: ${names.join(', ')}` : 'No one is watching yet.';
    this.viewers.dataset.count = String(names.length);
  }

  private async toggleShared(): Promise<void> {
    const shared = this.sharedBox.checked;
    const ok = await runAction(this.sharedBox, this.errors, () => setIncidentShared(this.incident.id, shared).then(() => undefined));
    if (!ok) this.sharedBox.checked = !shared;
    else setStatus(shared ? 'Incident shared with partner agencies.' : 'Incident no longer shared.', 'ok');
  }
}
