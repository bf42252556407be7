// Legal holds (GET /api/recording-holds): the recordings kept past retention for a case, a
// complaint or a court order; place one on an incident's recording (PUT …/recordings/hold) and
// release one (DELETE, after a confirmation). Each is audited with who and why.
import { legalHoldBody } from '../../../../signaling/protocol/http.ts';
import type { LegalHold, LegalHoldListing } from '../../../../signaling/protocol/recordings.ts';
import { agencyName } from '../../net/agencies.ts';
import { api, apiPath } from '../../net/api.ts';
import { openFormModal } from '../../ui/dialog.ts';
import { button, InvalidInput, onSubmit } from '../../ui/form-fields.ts';
import { el, setStatus, show } from '../../ui/ui.ts';
import { value } from './admin-form.ts';

const INCIDENT_ID = /^inc-[0-9a-f-]{36}$/;
const when = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export class HoldsSection {
  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
    form: HTMLFormElement,
  ) {
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    const errors = form.querySelector<HTMLElement>('.form-error')!;
    onSubmit(form, submit, errors, async () => {
      const incidentId = value(form, 'incidentId');
      if (!INCIDENT_ID.test(incidentId)) throw new InvalidInput('Incident: enter the incident id as the audit trail shows it (inc-…).');
      const body = legalHoldBody.safeParse({ reason: value(form, 'reason') });
      if (!body.success) throw new InvalidInput('Reason: say what the hold is for (up to 500 characters), e.g. a case or court order number.');
      await api.put<{ hold: LegalHold }>(apiPath`/api/incidents/${incidentId}/recordings/hold`, body.data);
      form.reset();
      setStatus(`The recording of ${incidentId} is on legal hold: it is kept until the hold is released.`, 'ok');
      await this.load();
    });
  }

  async load(): Promise<void> {
    const holds = await api.get<LegalHoldListing>('/api/recording-holds');
    this.list.replaceChildren(...holds.map((hold) => this.row(hold)));
    show(this.empty, holds.length === 0);
  }

  private row(hold: LegalHoldListing[number]): HTMLElement {
    const item = el('li', 'admin-row');
    item.dataset.testid = 'hold-row';
    item.dataset.incidentId = hold.incidentId;
    item.append(el('strong', undefined, hold.reason));
    item.append(el('span', 'meta', ` · ${hold.incidentId} (${agencyName(hold.agencyId)}) · placed by ${hold.placedBy.name}, ${when(hold.placedAt)}`));
    const release = button('Release', 'hold-release', 'danger-outline');
    release.setAttribute('aria-label', `Release the hold on ${hold.incidentId}: ${hold.reason}`);
    release.addEventListener('click', () => this.confirmRelease(item, hold, release));
    item.append(release);
    return item;
  }

  private confirmRelease(item: HTMLElement, hold: LegalHold, opener: HTMLButtonElement): void {
    openFormModal({
      parent: item,
      opener,
      title: 'Release this legal hold?',
      testid: 'hold-release-dialog',
      fields: [el('p', undefined, `“${hold.reason}”. The recording of ${hold.incidentId} is then kept only for its retention period, and deleted when that has passed.`)],
      submitLabel: 'Release hold',
      submitTestid: 'hold-release-confirm',
      errorTestid: 'hold-release-error',
      danger: true,
      submit: async (modal) => {
        await api.delete(apiPath`/api/incidents/${hold.incidentId}/recordings/hold`);
        modal.close();
        setStatus(`Legal hold on ${hold.incidentId} released.`, 'ok');
        await this.load();
        this.list.closest('section')?.querySelector<HTMLElement>('h2')?.focus();
      },
    });
  }
}
