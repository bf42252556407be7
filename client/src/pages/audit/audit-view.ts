// Rendering of audit entries and access reports as tables. On narrow screens each row becomes a
// card (CSS); every cell carries its column name in data-label for that layout.
import { AUDIT_ACTIONS, auditActionLabel } from '../../../../signaling/protocol/audit-actions.ts';
import type { AccessReport, AccessSession, AuditEntryView } from '../../../../signaling/protocol/audit.ts';
import { agencyName } from '../../net/agencies.ts';
import { el } from '../../ui/ui.ts';

const OUTCOMES: Record<AuditEntryView['outcome'], string> = { allowed: 'Allowed', denied: 'Refused', info: 'Recorded' };

export const actionName = auditActionLabel;

export const formatInstant = (iso: string | null): string =>
  iso ? new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' }) : '—';

function cell(label: string, ...content: Array<Node | string>): HTMLTableCellElement {
  const td = el('td');
  td.dataset.label = label;
  td.append(...content);
  return td;
}

function lines(...parts: Array<string | null | undefined>): HTMLElement {
  const box = el('div', 'cell-lines');
  for (const part of parts) if (part) box.append(el('span', undefined, part));
  return box;
}

/** The Action filter's choices: every action the audit trail records, by label. */
export function fillActionChoices(select: HTMLSelectElement): void {
  const choices = Object.entries(AUDIT_ACTIONS).sort(([, a], [, b]) => a.localeCompare(b));
  for (const [value, label] of choices) select.append(new Option(label, value));
}

/** People as a reader knows them: by name, the id only when the directory has no name. */
export type PeopleNames = Readonly<Record<string, string>>;
const person = (id: string, people: PeopleNames): string => people[id] ?? id;

export function entryRow(entry: AuditEntryView, people: PeopleNames, onReport: (incidentId: string) => void): HTMLTableRowElement {
  const row = el('tr');
  row.dataset.testid = 'audit-row';
  row.dataset.seq = String(entry.seq);
  row.dataset.outcome = entry.outcome;
  const time = el('time', undefined, formatInstant(entry.at));
  time.dateTime = entry.at;
  const outcome = el('span', `outcome outcome-${entry.outcome}`, OUTCOMES[entry.outcome]);
  const who = entry.actor ? lines(person(entry.actor.id, people), `${entry.actor.role} · ${entry.actor.agencyId ? agencyName(entry.actor.agencyId) : 'no agency'}`) : lines(entry.outcome === 'denied' ? 'unidentified caller' : 'Sightline (automatic)');
  const target = lines(
    entry.target.userId ? person(entry.target.userId, people) : null,
    entry.target.grantId ? `grant ${entry.target.grantId.slice(0, 8)}…` : null,
    entry.target.agencyId && !entry.target.incidentId ? agencyName(entry.target.agencyId) : null,
  );
  if (entry.target.incidentId) {
    const incidentId = entry.target.incidentId;
    const report = el('button', 'link-button incident-link', incidentId);
    report.type = 'button';
    report.title = `Show the access report of ${incidentId}`;
    report.addEventListener('click', () => onReport(incidentId));
    target.prepend(report);
  }
  row.append(
    cell('Time', time, lines(`#${entry.seq}`)),
    cell('Action', lines(actionName(entry.action), entry.reason ? entry.reason : null)),
    cell('Outcome', outcome),
    cell('Who', who),
    cell('Target', target),
    cell('From', lines(entry.source.ip ?? '—', entry.source.userAgent ? entry.source.userAgent.slice(0, 60) : null)),
  );
  return row;
}

const talkSeconds = (session: AccessSession): number =>
  session.talk.reduce((total, t) => total + ((t.to ? Date.parse(t.to) : Date.now()) - Date.parse(t.from)) / 1000, 0);

const AUTHORITY: Record<AccessSession['authority'], string> = {
  'incident-officer': 'Officer on the incident',
  grant: 'Access granted',
  agency: 'Supervisor of the agency',
  'sharing-agreement': 'Partner supervisor (sharing agreement)',
  recording: 'From the recording',
};

const named = (actor: { id: string; name: string | null } | null): string | null => (actor ? (actor.name ?? actor.id) : null);

function authorityOf(session: AccessSession): HTMLElement {
  if (session.authority === 'recording') {
    return lines(session.via === 'recording-export' ? 'Recording exported' : 'Recording played', session.agreementId ? 'under a sharing agreement' : null);
  }
  if (session.authority !== 'grant') return lines(AUTHORITY[session.authority], session.via === 'whep' ? 'through a WHEP player' : null);
  const until = session.grantExpiresAt ? `until ${formatInstant(session.grantExpiresAt)}` : null;
  const changed = session.grantChanges > 0 ? ` (changed ${session.grantChanges}×)` : '';
  return lines(
    session.grantedBy ? `Granted by ${named(session.grantedBy)}` : AUTHORITY.grant,
    until ? until + changed : null,
    session.via === 'whep' ? 'through a WHEP player' : null,
  );
}

function endOf(session: AccessSession): HTMLElement {
  if (!session.leftAt) return lines('still present');
  const by = named(session.endedByActor);
  return lines(formatInstant(session.leftAt), session.endedBy ? `${actionName(session.endedBy)}${by ? ` by ${by}` : ''}` : null);
}

export function renderReport(report: AccessReport, facts: HTMLElement, body: HTMLElement, refused: HTMLElement): void {
  facts.replaceChildren();
  const fact = (term: string, value: string) => facts.append(el('dt', undefined, term), el('dd', undefined, value));
  const officer = report.sessions.find((s) => s.authority === 'incident-officer');
  fact('Incident', report.incident.id);
  fact('Agency', agencyName(report.incident.agencyId));
  fact('Officer', officer?.name ?? report.incident.officerId ?? '—');
  fact('Started', formatInstant(report.incident.startedAt));
  fact('Ended', report.incident.endedAt ? formatInstant(report.incident.endedAt) : 'still live');

  body.replaceChildren();
  if (report.sessions.length === 0) {
    const row = el('tr');
    const td = el('td', 'empty', 'Nobody on record.');
    td.colSpan = 6;
    row.append(td);
    body.append(row);
  }
  for (const session of report.sessions) {
    const row = el('tr');
    row.dataset.testid = 'report-row';
    row.dataset.authority = session.authority;
    const seconds = Math.round(talkSeconds(session));
    row.append(
      cell('Who', lines(session.name ?? session.userId, `${session.role} · ${session.agencyId ? agencyName(session.agencyId) : 'no agency'}`)),
      cell('Authority', authorityOf(session)),
      cell('Joined', formatInstant(session.joinedAt)),
      cell('Left', endOf(session)),
      cell('Permissions', session.permissions.join(', ') || '—'),
      cell('Talked', session.talk.length ? `${seconds} s (${session.talk.length}×)` : '—'),
    );
    body.append(row);
  }

  refused.replaceChildren();
  if (report.refused.length > 0) {
    refused.append(el('h3', undefined, `Refused attempts (${report.refused.length})`));
    const list = el('ul', 'refused-list');
    for (const attempt of report.refused) {
      const who = named(attempt.actor) ?? attempt.userId ?? 'an unidentified caller';
      list.append(el('li', undefined, `${formatInstant(attempt.at)} — ${who}: ${attempt.reason ?? 'refused'} (from ${attempt.source.ip ?? '—'})`));
    }
    refused.append(list);
  }
}
