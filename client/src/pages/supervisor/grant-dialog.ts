// Supervisor: the "give a clinician access" dialog for one incident. The clinician list comes
// from GET /api/clinicians?incidentId= (only those who may be granted it); after granting, the
// dialog shows the link to send.
import type { ClinicianSummary } from '../../../../signaling/protocol/http.ts';
import type { Permission } from '../../../../signaling/protocol/messages.ts';
import { agencyName } from '../../net/agencies.ts';
import { openFormModal } from '../../ui/dialog.ts';
import { describeError } from '../../net/errors.ts';
import { InvalidInput, button, checkbox, field, minutesInput, readMinutes } from '../../ui/form-fields.ts';
import { grantLinkView } from './grant-link-view.ts';
import { createGrant, listClinicians } from '../../net/grants-api.ts';
import { el, setStatus } from '../../ui/ui.ts';

const DEFAULT_MINUTES = 15;

export interface GrantTarget {
  incidentId: string;
  officerName: string;
}

const clinicianLabel = (clinician: ClinicianSummary): string =>
  `${clinician.name} · ${agencyName(clinician.agencyId)}${clinician.onCall ? ' · on call' : ''}`;

async function fillClinicians(select: HTMLSelectElement, incidentId: string): Promise<void> {
  try {
    const clinicians = await listClinicians(incidentId);
    const placeholder = clinicians.length ? 'Choose a clinician…' : 'No clinician may be given this incident';
    select.replaceChildren(new Option(placeholder, ''));
    for (const clinician of clinicians) select.append(new Option(clinicianLabel(clinician), clinician.id));
    if (clinicians.length === 1 && clinicians[0]) select.value = clinicians[0].id;
  } catch (error) {
    select.replaceChildren(new Option(`Could not load clinicians: ${describeError(error)}`, ''));
  }
  select.dataset.loaded = 'true';
}

/** Open the dialog inside `parent` (the incident card); focus returns to `opener`. */
export function openGrantDialog(parent: HTMLElement, target: GrantTarget, opener: HTMLElement | null): void {
  const select = el('select');
  select.append(new Option('Loading clinicians…', ''));
  void fillClinicians(select, target.incidentId);

  const perms = el('fieldset', 'perms');
  perms.append(el('legend', undefined, 'Allow'));
  const view = checkbox('Watch video and hear audio', 'grant-view', true);
  const talk = checkbox('Talk to the officer', 'grant-talk', false);
  perms.append(view.wrap, talk.wrap);
  const minutes = minutesInput(DEFAULT_MINUTES);

  openFormModal({
    parent,
    opener,
    title: `Give a clinician access to ${target.officerName}`,
    testid: 'grant-dialog',
    formTestid: 'grant-form',
    fields: [
      ...field('Clinician', select, 'grant-clinician'),
      perms,
      ...field('Duration (minutes)', minutes, 'grant-duration'),
      el('p', 'hint', 'A clinician holds one grant per incident: to give more time, extend the grant they have.'),
    ],
    submitLabel: 'Grant access',
    submitTestid: 'grant-submit',
    errorTestid: 'grant-error',
    async submit(modal) {
      const permissions: Permission[] = [];
      if (view.input.checked) permissions.push('view');
      if (talk.input.checked) permissions.push('talk');
      if (!select.value) throw new InvalidInput('Choose a clinician.');
      if (permissions.length === 0) throw new InvalidInput('Allow at least watching or talking.');
      const grant = await createGrant(target.incidentId, select.value, permissions, readMinutes(minutes));
      const who = select.selectedOptions[0]?.textContent?.split(' · ')[0] ?? 'the clinician';
      const result = grantLinkView(grant, who);
      const done = button('Done', 'grant-done', 'primary');
      done.addEventListener('click', () => modal.close());
      modal.title.textContent = `Access granted to ${who}`;
      modal.body.replaceChildren(result.root, done);
      setStatus(`Access granted to ${who}. Send them the link.`, 'ok');
      result.input.focus();
      result.input.select();
      return true;
    },
  });
}
