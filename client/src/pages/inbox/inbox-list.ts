// Clinician: the grants in the inbox, each with the incident, permissions, a live countdown,
// its state, whether a seat is ready for it (joining is then instant), and a one-click Join.
import type { InboxEntry } from '../../../../signaling/protocol/messages.ts';
import { agencyName } from '../../net/agencies.ts';
import { Countdown, accessLabel } from '../../ui/countdown.ts';
import { button, errorLine, runAction } from '../../ui/form-fields.ts';
import { describePermissions } from '../../net/grants-api.ts';
import type { AheadState } from './join-ahead.ts';
import { KeyedList } from '../../ui/keyed-list.ts';
import { el, formatTime, setStatus, show, toEpochMs } from '../../ui/ui.ts';

interface EntryView {
  root: HTMLLIElement;
  entry: InboxEntry;
  title: HTMLElement;
  help: HTMLElement;
  meta: HTMLElement;
  state: HTMLElement;
  ready: HTMLElement;
  countdown: Countdown;
  join: HTMLButtonElement;
}

const STATE_LABELS: Record<InboxEntry['state'], string> = { pending: 'Not joined yet', active: 'Watching now' };

/** Help requests first, then the ones ending soonest. */
const byUrgency = (a: InboxEntry, b: InboxEntry): number =>
  Number(b.incident?.helpRequested ?? false) - Number(a.incident?.helpRequested ?? false) || a.grant.expiresAt - b.grant.expiresAt;

export class InboxList {
  private readonly entries: KeyedList<InboxEntry, EntryView>;
  private first = true;

  constructor(
    list: HTMLElement,
    private readonly empty: HTMLElement,
    private readonly now: () => number,
    /** Join: the page opens the viewer for the entry. */
    private readonly joinEntry: (entry: InboxEntry) => Promise<void>,
  ) {
    this.entries = new KeyedList(list, {
      key: (entry) => entry.grant.id,
      create: (entry) => this.create(entry),
      update: (view, entry) => this.fill(view, entry),
      destroy: (view) => view.countdown.stop(),
    });
  }

  update(entries: readonly InboxEntry[]): void {
    const { added } = this.entries.sync([...entries].sort(byUrgency));
    show(this.empty, entries.length === 0);
    // Announce access that arrived while the page was open.
    const arrived = this.first ? [] : entries.filter((entry) => added.includes(entry.grant.id));
    this.first = false;
    if (arrived.length) {
      const what = arrived.map((entry) => `${entry.grant.grantedBy.name} gave you access to ${entry.incident?.officerName ?? 'an incident'}.`);
      setStatus(what.join(' '), 'ok');
    }
  }

  private create(entry: InboxEntry): EntryView {
    const root = el('li', 'card inbox-entry');
    root.dataset.testid = 'inbox-entry';
    root.dataset.grantId = entry.grant.id;
    const head = el('div', 'incident-head');
    const title = el('h2', 'inbox-title');
    const help = el('span', 'badge badge-help', 'Help requested');
    head.append(title, help);
    const meta = el('p', 'meta');
    const status = el('div', 'row');
    const state = el('span', 'badge');
    state.dataset.testid = 'inbox-state';
    const clock = el('span', 'countdown');
    clock.dataset.testid = 'inbox-countdown';
    const ready = el('span', 'badge badge-ready', 'Ready: opens at once');
    ready.dataset.testid = 'inbox-ready';
    ready.hidden = true;
    status.append(state, clock, ready);
    const join = button('Join', 'inbox-join', 'primary big');
    const errors = errorLine('inbox-error');
    root.append(head, meta, status, join, errors);
    const view: EntryView = {
      root, entry, title, help, meta, state, ready, join,
      countdown: new Countdown(clock, toEpochMs(entry.grant.expiresAt), {
        now: this.now,
        label: accessLabel,
        expired: () => this.fill(view, view.entry),
      }),
    };
    join.addEventListener('click', () => void runAction(join, errors, () => this.joinEntry(view.entry)));
    return view;
  }

  private fill(view: EntryView, entry: InboxEntry): void {
    view.entry = entry;
    const { grant, incident } = entry;
    view.countdown.update(toEpochMs(grant.expiresAt));
    const open = incident !== null && view.countdown.remaining() > 0;
    view.root.dataset.state = entry.state;
    view.title.textContent = incident ? incident.officerName : 'Incident has ended';
    show(view.help, incident?.helpRequested ?? false);
    const where = incident ? `Incident ${incident.reference} · ${agencyName(incident.agencyId)} · live since ${formatTime(toEpochMs(incident.startedAt))} · ` : '';
    view.meta.textContent = `${where}${describePermissions(grant.permissions)} · granted by ${grant.grantedBy.name}`;
    view.state.textContent = STATE_LABELS[entry.state];
    view.state.className = entry.state === 'active' ? 'badge badge-watching' : 'badge';
    view.join.textContent = entry.state === 'active' ? 'Open again' : 'Join';
    view.join.disabled = !open;
    view.join.setAttribute('aria-label', `${view.join.textContent}: ${view.title.textContent}`);
  }

  /** A seat is being prepared for the grant, is ready (Join is instant), or neither. */
  mark(grantId: string, state: AheadState): void {
    const view = this.entries.get(grantId);
    if (!view) return;
    view.root.dataset.prepared = state ?? '';
    show(view.ready, state === 'ready');
  }
}
