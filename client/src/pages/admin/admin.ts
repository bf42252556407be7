// Administration: agencies, users, camera devices, sharing agreements and legal holds on recordings.
import { renderAgencies, bindAgencyForm } from './admin-agencies.ts';
import { AgreementsSection } from './admin-agreements.ts';
import { bindDeviceForm } from './admin-devices.ts';
import { HoldsSection } from './admin-holds.ts';
import { bindUserForm, renderUsers, type AdminUser } from './admin-users.ts';
import { agencyName, loadAgencies } from '../../net/agencies.ts';
import { api } from '../../net/api.ts';
import { setErrorState, setState } from '../../media/debug-hooks.ts';
import { describeError, isSessionError, toSightlineError } from '../../net/errors.ts';
import { ADMIN_ROLES } from '../../../../signaling/protocol/roles.ts';
import { requireSession, sessionLost, showAccount, type Session } from '../../ui/session.ts';
import { byId, setStatus, show, showFlash } from '../../ui/ui.ts';

let session: Session;
let users: AdminUser[] = [];

/** Replace a select's options, keeping the current choice when it still exists. */
function fillSelect(select: HTMLSelectElement, options: Array<[value: string, text: string]>, placeholder: string): void {
  const current = select.value;
  select.replaceChildren(new Option(placeholder, ''), ...options.map(([value, text]) => new Option(text, value)));
  if (options.some(([value]) => value === current)) select.value = current;
}

async function refreshAgencies(): Promise<void> {
  const list = await loadAgencies(true);
  renderAgencies(byId('agency-list'), list);
  const all = list.map((agency): [string, string] => [agency.id, agency.name]);
  fillSelect(byId<HTMLSelectElement>('user-agency'), all, 'Choose an agency…');
  byId<HTMLSelectElement>('user-agency').value ||= session.user.agencyId;
  fillSelect(byId<HTMLSelectElement>('agreement-to'), all.filter(([id]) => id !== session.user.agencyId), 'Choose an agency…');
  byId('admin-agency').textContent = `Administrator of ${agencyName(session.user.agencyId)}`;
}

async function refreshUsers(): Promise<void> {
  users = await api.get<AdminUser[]>('/api/admin/users');
  renderUsers(byId('user-list'), users);
  const officers = users.filter((user) => user.role === 'officer');
  fillSelect(
    byId<HTMLSelectElement>('device-officer'),
    officers.map((officer) => [officer.id, `${officer.name} (${officer.username})`]),
    'Choose an officer…',
  );
}

/** Run one section's loader; a failure is reported without hiding the other sections. */
async function load(section: string, loader: () => Promise<void>): Promise<boolean> {
  try {
    await loader();
    return true;
  } catch (error) {
    const e = toSightlineError(error);
    if (isSessionError(e)) void sessionLost(e);
    else setStatus(`Could not load ${section}: ${describeError(e)}`, 'error');
    setErrorState(e.code);
    return false;
  }
}

async function main(): Promise<void> {
  showFlash();
  session = await requireSession(ADMIN_ROLES);
  showAccount(session);
  show(byId('admin'));
  setState('loading');

  const agreements = new AgreementsSection(byId('agreement-list'), byId('agreement-empty'), byId<HTMLFormElement>('agreement-form'));
  const holds = new HoldsSection(byId('hold-list'), byId('hold-empty'), byId<HTMLFormElement>('hold-form'));
  bindAgencyForm(byId<HTMLFormElement>('agency-form'), refreshAgencies);
  bindUserForm(byId<HTMLFormElement>('user-form'), refreshUsers);
  bindDeviceForm(byId<HTMLFormElement>('device-form'));

  // Agencies first: the other lists show agency names.
  const results = [await load('agencies', refreshAgencies)];
  results.push(...(await Promise.all([load('users', refreshUsers), load('sharing agreements', () => agreements.load()), load('legal holds', () => holds.load())])));
  if (results.every(Boolean)) setState('admin');
}

void main();
