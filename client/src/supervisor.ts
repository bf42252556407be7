// Supervisor page: sign in, watch the list of live incidents, grant clinicians access.
import type { ClinicianSummary, IncidentSummary } from '../../signaling/protocol/http.ts';
import { api } from './api.ts';
import { setErrorState, setState } from './debug-hooks.ts';
import { humanMessage, toSightlineError, type SightlineError } from './errors.ts';
import { IncidentList } from './incident-list.ts';
import { requireSession, showAccount, signOut } from './session.ts';
import { byId, setFlash, setStatus, show, showFlash } from './ui.ts';

const REFRESH_MS = 3000;

let clinicians: ClinicianSummary[] = [];
let timer: ReturnType<typeof setTimeout> | null = null;
let offline = false;

async function sessionLost(error: SightlineError): Promise<void> {
  if (timer !== null) clearTimeout(timer);
  setFlash(humanMessage(error.code));
  await signOut();
  location.reload();
}

const isSessionError = (error: SightlineError) =>
  error.code.startsWith('SESSION_') || error.code === 'NOT_AUTHENTICATED';

async function refresh(list: IncidentList): Promise<void> {
  try {
    const incidents = await api.get<IncidentSummary[]>('/api/incidents');
    list.update(incidents);
    if (offline) setStatus('Connection restored.', 'ok');
    offline = false;
    setState('ready');
  } catch (error) {
    const e = toSightlineError(error);
    if (isSessionError(e)) return sessionLost(e);
    if (!offline) setStatus(`${humanMessage(e.code, e.message)} Retrying…`, 'error');
    offline = true;
    setErrorState(e.code);
  }
  timer = setTimeout(() => void refresh(list), REFRESH_MS);
}

async function main(): Promise<void> {
  showFlash();
  const session = await requireSession('supervisor');
  showAccount(session, () => {
    if (timer !== null) clearTimeout(timer);
  });
  show(byId('dashboard'));
  setState('loading');
  try {
    clinicians = await api.get<ClinicianSummary[]>('/api/clinicians');
  } catch (error) {
    const e = toSightlineError(error);
    if (isSessionError(e)) return sessionLost(e);
    setStatus(`Could not load the clinician list: ${humanMessage(e.code, e.message)}`, 'error');
  }
  const list = new IncidentList(
    byId('incidents'),
    byId('no-incidents'),
    () => clinicians,
    (e) => void sessionLost(e),
  );
  await refresh(list);
}

void main();
