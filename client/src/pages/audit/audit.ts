// Audit console (supervisors): filter the agency's audit entries, page through them, download
// them as CSV or JSON, and see an incident's access report and its recording (play, export).
import type { AccessReport, AuditPage } from '../../../../signaling/protocol/audit.ts';
import { loadAgencies } from '../../net/agencies.ts';
import { api } from '../../net/api.ts';
import { downloadExport } from './audit-download.ts';
import { showRecording } from './recording-panel.ts';
import { entryRow, fillActionChoices, renderReport } from './audit-view.ts';
import { setErrorState, setState } from '../../media/debug-hooks.ts';
import { humanMessage, toSightlineError, type SightlineError } from '../../net/errors.ts';
import { requireSession, showAccount, signOut, type Session } from '../../ui/session.ts';
import { byId, setFlash, setStatus, show, showFlash } from '../../ui/ui.ts';

const filters = byId<HTMLFormElement>('filters');
const entriesBody = byId('entries-body');
const summary = byId('entries-summary');
const more = byId<HTMLButtonElement>('more');
const reportForm = byId<HTMLFormElement>('report-form');
const reportInput = byId<HTMLInputElement>('report-incident');
const report = byId('report');

let session: Session;
let nextCursor: number | null = null;
let shown = 0;

const isSessionError = (error: SightlineError) => error.code.startsWith('SESSION_') || error.code === 'NOT_AUTHENTICATED';

async function failed(error: unknown, what: string): Promise<void> {
  const e = toSightlineError(error);
  if (isSessionError(e)) {
    setFlash(humanMessage(e.code));
    await signOut();
    location.reload();
    return;
  }
  setStatus(`${what}: ${humanMessage(e.code, e.message)}`, 'error');
  setErrorState(e.code);
}

/** The filter form as query parameters; datetime-local values are local times. */
function filterParams(): URLSearchParams {
  const params = new URLSearchParams();
  const data = new FormData(filters);
  for (const name of ['incidentId', 'userId', 'action', 'outcome', 'limit']) {
    const value = String(data.get(name) ?? '').trim();
    if (value) params.set(name, value);
  }
  for (const name of ['from', 'to']) {
    const value = String(data.get(name) ?? '');
    if (value) params.set(name, new Date(value).toISOString());
  }
  return params;
}

async function loadEntries(append: boolean): Promise<void> {
  const params = filterParams();
  if (append && nextCursor !== null) params.set('cursor', String(nextCursor));
  setState('loading');
  try {
    const page = await api.get<AuditPage>(`/api/audit?${params}`);
    if (!append) {
      entriesBody.replaceChildren();
      shown = 0;
    }
    for (const entry of page.entries) entriesBody.append(entryRow(entry, page.people, showReportFor));
    shown += page.entries.length;
    nextCursor = page.nextCursor;
    show(more, nextCursor !== null);
    summary.textContent =
      shown === 0 ? 'No entries match these filters.' : `Showing ${shown} entr${shown === 1 ? 'y' : 'ies'}, newest first${nextCursor === null ? '.' : '; older ones follow.'}`;
    setState('ready');
  } catch (error) {
    await failed(error, 'Could not load the audit entries');
  }
}

async function download(kind: 'csv' | 'json'): Promise<void> {
  const params = filterParams();
  params.delete('limit');
  params.set('format', kind);
  try {
    const name = await downloadExport(`/api/audit?${params}`, session.token, `sightline-audit.${kind}`);
    setStatus(`Downloaded ${name}.`, 'ok');
  } catch (error) {
    await failed(error, 'Could not download the audit entries');
  }
}

async function loadReport(incidentId: string): Promise<void> {
  setState('loading');
  try {
    const result = await api.get<AccessReport>(`/api/incidents/${encodeURIComponent(incidentId)}/access-report`);
    renderReport(result, byId('report-incident-facts'), byId('report-body'), byId('report-refused'));
    show(report);
    const names = Object.fromEntries(result.sessions.flatMap((s) => (s.name ? [[s.userId, s.name]] : [])));
    void showRecording(byId('recording'), incidentId, { token: session.token, names, onStatus: setStatus });
    report.focus();
    setStatus(`Access report for ${incidentId}: ${result.sessions.length} ${result.sessions.length === 1 ? 'person' : 'people'}.`, 'info');
    setState('ready');
  } catch (error) {
    show(report, false);
    await failed(error, 'Could not load the access report');
  }
}

function showReportFor(incidentId: string): void {
  reportInput.value = incidentId;
  reportInput.scrollIntoView({ block: 'center' });
  void loadReport(incidentId);
}

async function downloadReport(kind: 'csv' | 'json'): Promise<void> {
  const incidentId = reportInput.value.trim();
  if (!incidentId) {
    setStatus('Enter an incident id first.', 'warn');
    reportInput.focus();
    return;
  }
  try {
    const name = await downloadExport(
      `/api/incidents/${encodeURIComponent(incidentId)}/access-report?format=${kind}`,
      session.token,
      `access-report-${incidentId}.${kind}`,
    );
    setStatus(`Downloaded ${name}.`, 'ok');
  } catch (error) {
    await failed(error, 'Could not download the access report');
  }
}

async function main(): Promise<void> {
  showFlash();
  session = await requireSession('supervisor');
  showAccount(session);
  fillActionChoices(byId<HTMLSelectElement>('filter-action'));
  await loadAgencies();
  show(byId('dashboard'));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    nextCursor = null;
    void loadEntries(false);
  });
  filters.addEventListener('reset', () => {
    setTimeout(() => void loadEntries(false)); // after the form has cleared itself
  });
  more.addEventListener('click', () => void loadEntries(true));
  byId('download-csv').addEventListener('click', () => void download('csv'));
  byId('download-json').addEventListener('click', () => void download('json'));
  reportForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const incidentId = reportInput.value.trim();
    if (!incidentId) {
      setStatus('Enter an incident id.', 'warn');
      reportInput.focus();
      return;
    }
    void loadReport(incidentId);
  });
  byId('report-csv').addEventListener('click', () => void downloadReport('csv'));
  byId('report-json').addEventListener('click', () => void downloadReport('json'));
  const wanted = new URLSearchParams(location.hash.slice(1)).get('incident');
  if (wanted) showReportFor(wanted);
  await loadEntries(false);
}

void main();
