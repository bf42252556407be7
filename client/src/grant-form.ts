// Supervisor: the "grant a clinician access" form for one incident, and the resulting link.
import type { ClinicianSummary, GrantResponse } from '../../signaling/protocol/http.ts';
import type { Permission } from '../../signaling/protocol/messages.ts';
import { api } from './api.ts';
import { humanMessage, toSightlineError, type SightlineError } from './errors.ts';
import { el, formatTime, setStatus, show, toEpochMs } from './ui.ts';

const DEFAULT_MINUTES = 15;
let formCount = 0;

function labelled<T extends HTMLElement>(control: T, text: string, testid: string, id: string): HTMLLabelElement {
  control.id = id;
  control.dataset.testid = testid;
  const label = el('label', undefined, text);
  label.htmlFor = id;
  return label;
}

function checkbox(text: string, testid: string, checked: boolean): { wrap: HTMLLabelElement; input: HTMLInputElement } {
  const input = el('input');
  input.type = 'checkbox';
  input.checked = checked;
  input.dataset.testid = testid;
  const wrap = el('label', 'check');
  wrap.append(input, ` ${text}`);
  return { wrap, input };
}

async function copyText(text: string, input: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input.select();
    return document.execCommand('copy');
  }
}

/**
 * Build the grant form for `incidentId`. `onSessionError` handles SESSION_* failures
 * (sign-in again). Returns the root element.
 */
export function createGrantForm(
  incidentId: string,
  clinicians: ClinicianSummary[],
  onSessionError: (error: SightlineError) => void,
): HTMLElement {
  const n = ++formCount;
  const root = el('div', 'grant');
  const form = el('form', 'grant-form');
  form.dataset.testid = 'grant-form';
  form.noValidate = true;
  const fieldset = el('fieldset');
  fieldset.append(el('legend', undefined, 'Give a clinician access'));

  const select = el('select');
  const selectLabel = labelled(select, 'Clinician', 'grant-clinician', `grant-clinician-${n}`);
  select.append(new Option('Choose a clinician…', ''));
  for (const clinician of clinicians) select.append(new Option(`${clinician.name} (${clinician.agencyId})`, clinician.id));
  if (clinicians.length === 1 && clinicians[0]) select.value = clinicians[0].id;

  const perms = el('fieldset', 'perms');
  perms.append(el('legend', undefined, 'Allow'));
  const view = checkbox('Watch video and hear audio', 'grant-view', true);
  const talk = checkbox('Talk to the officer', 'grant-talk', false);
  perms.append(view.wrap, talk.wrap);

  const minutes = el('input');
  const minutesLabel = labelled(minutes, 'Duration (minutes)', 'grant-duration', `grant-duration-${n}`);
  minutes.type = 'number';
  minutes.min = '1';
  minutes.step = '1';
  minutes.inputMode = 'numeric';
  minutes.value = String(DEFAULT_MINUTES);

  const submit = el('button', 'primary', 'Grant access');
  submit.type = 'submit';
  submit.dataset.testid = 'grant-submit';
  const error = el('p', 'form-error');
  error.dataset.testid = 'grant-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  fieldset.append(selectLabel, select, perms, minutesLabel, minutes, submit, error);
  form.append(fieldset);

  const result = el('div', 'grant-result');
  result.dataset.testid = 'grant-result';
  result.hidden = true;
  const linkInput = el('input');
  const linkLabel = labelled(linkInput, 'Link', 'grant-link', `grant-link-${n}`);
  linkInput.readOnly = true;
  const actions = el('div', 'row');
  const copy = el('button', undefined, 'Copy');
  copy.type = 'button';
  copy.dataset.testid = 'grant-copy';
  const open = el('a', 'button-link', 'Open');
  open.dataset.testid = 'grant-open';
  open.target = '_blank';
  open.rel = 'noopener noreferrer';
  actions.append(copy, open);
  result.append(linkLabel, linkInput, actions);
  root.append(form, result);

  const fail = (message: string) => {
    error.textContent = message;
    show(error, message !== '');
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const permissions: Permission[] = [];
    if (view.input.checked) permissions.push('view');
    if (talk.input.checked) permissions.push('talk');
    const mins = Number(minutes.value);
    if (!select.value) return fail('Choose a clinician.');
    if (permissions.length === 0) return fail('Allow at least watching or talking.');
    if (!Number.isFinite(mins) || mins < 1) return fail('Enter a duration of at least 1 minute.');
    fail('');
    submit.disabled = true;
    try {
      const grant = await api.post<GrantResponse>(`/api/incidents/${encodeURIComponent(incidentId)}/grants`, {
        clinicianId: select.value,
        permissions,
        ttlSeconds: Math.round(mins * 60),
      });
      const who = select.selectedOptions[0]?.textContent ?? 'the clinician';
      linkLabel.textContent = `Link for ${who}, valid until ${formatTime(toEpochMs(grant.expiresAt))}`;
      linkInput.value = grant.link;
      open.href = grant.link;
      copy.textContent = 'Copy';
      show(result);
      setStatus(`Access granted to ${who}. Send them the link.`, 'ok');
      linkInput.focus();
      linkInput.select();
    } catch (err) {
      const e = toSightlineError(err);
      if (e.code.startsWith('SESSION_') || e.code === 'NOT_AUTHENTICATED') onSessionError(e);
      else fail(humanMessage(e.code, e.message));
    } finally {
      submit.disabled = false;
    }
  });

  copy.addEventListener('click', async () => {
    const ok = await copyText(linkInput.value, linkInput);
    copy.textContent = ok ? 'Copied' : 'Copy failed: select the link and copy it';
    setStatus(ok ? 'Link copied.' : 'Could not copy automatically. Select the link and copy it.', ok ? 'ok' : 'warn');
  });

  return root;
}
