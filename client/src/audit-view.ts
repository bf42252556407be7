// Rendering of audit entries and access reports as tables. On narrow screens each row becomes a
// card (CSS); every cell carries its column name in data-label for that layout.
import type { AccessReport, AccessSession, AuditEntryView } from '../../signaling/protocol/audit.ts';
import { el } from './ui.ts';

const ACTIONS: Record<string, string> = {
  login: 'Sign-in',
  logout: 'Sign-out',
  'session.expire': 'Session timed out',
  'signalling.auth': 'Signalling sign-in',
  'incident.start': 'Incident started',
  'incident.end': 'Incident ended',
  'incident.help': 'Help request',
  'help.request': 'Help requested',
  'help.withdraw': 'Help withdrawn',
  'grant.create': 'Access granted',
  join: 'Joined',
  leave: 'Left',
  'grant.expire': 'Access expired',
  'talk.start': 'Started talking',
  'talk.stop': 'Stopped talking',
  produce: 'Send media',
  'audit.view': 'Audit viewed',
  'audit.export': 'Audit downloaded',
  'audit.access-report': 'Access report viewed',
};
const OUTCOMES: Record<AuditEntryView['outcome'], string> = { allowed: 'Allowed', denied: 'Refused', info: 'Recorded' };

export const actionName = (action: string): string => ACTIONS[action] ?? action;

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

export function entryRow(entry: AuditEntryView, onReport: (incidentId: string) => void): HTMLTableRowElement {
  const row = el('tr');
  row.dataset.testid = 'audit-row';
  row.dataset.seq = String(entry.seq);
  row.dataset.outcome = entry.outcome;
  const time = el('time', undefined, formatInstant(entry.at));
  time.dateTime = entry.at;
  const outcome = el('span', `outcome outcome-${entry.outcome}`, OUTCOMES[entry.outcome]);
  const who = entry.actor ? lines(entry.actor.id, `${entry.actor.role} · ${entry.actor.agencyId ?? 'no agency'}`) : lines('unidentified');
  const target = lines(
    entry.target.userId ? `user ${entry.target.userId}` : null,
    entry.target.grantId ? `grant ${entry.target.grantId.slice(0, 8)}…` : null,
    entry.target.agencyId && !entry.target.incidentId ? `agency ${entry.target.agencyId}` : null,
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

export function renderReport(report: AccessReport, facts: HTMLElement, body: HTMLElement, refused: HTMLElement): void {
  facts.replaceChildren();
  const fact = (term: string, value: string) => facts.append(el('dt', undefined, term), el('dd', undefined, value));
  fact('Incident', report.incident.id);
  fact('Agency', report.incident.agencyId);
  fact('Officer', report.incident.officerId ?? '—');
  fact('Started', formatInstant(report.incident.startedAt));
  fact('Ended', report.incident.endedAt ? `${formatInstant(report.incident.endedAt)} (${report.incident.endReason ?? 'ended'})` : 'still live');

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
    const authority =
      session.authority === 'incident-officer'
        ? lines('Officer on the incident')
        : lines(
            session.grantedBy ? `Granted by ${session.grantedBy.id}` : 'Grant',
            session.grantId ? `grant ${session.grantId.slice(0, 8)}…` : null,
            session.grantExpiresAt ? `until ${formatInstant(session.grantExpiresAt)}` : null,
          );
    const seconds = Math.round(talkSeconds(session));
    row.append(
      cell('Who', lines(session.name ?? session.userId, `${session.role} · ${session.agencyId ?? 'no agency'}`)),
      cell('Authority', authority),
      cell('Joined', formatInstant(session.joinedAt)),
      cell('Left', lines(session.leftAt ? formatInstant(session.leftAt) : 'still present', session.endedBy ? actionName(session.endedBy) : null)),
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
      list.append(el('li', undefined, `${formatInstant(attempt.at)} — ${attempt.userId ?? 'unknown'}: ${attempt.reason ?? 'refused'} (from ${attempt.source.ip ?? '—'})`));
    }
    refused.append(list);
  }
}
