// Sharing agreements (GET /api/agreements): list, create (POST /api/agreements, from the admin's
// own agency) and revoke (POST /api/agreements/:id/revoke, after a confirmation).
import type { AgreementInfo } from '../../../../signaling/protocol/http.ts';
import { agreementBody } from '../../../../signaling/protocol/http.ts';
import { bindAdminForm, checked } from './admin-form.ts';
import { agencyName } from '../../net/agencies.ts';
import { api, apiPath } from '../../net/api.ts';
import { openFormModal } from '../../ui/dialog.ts';
import { button } from '../../ui/form-fields.ts';
import { el, formatTime, setStatus, show, toEpochMs } from '../../ui/ui.ts';

const SCOPE_LABELS: Record<AgreementInfo['scope'], string> = {
  all: 'all live incidents',
  marked: 'incidents marked as shared',
};

export class AgreementsSection {
  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
    form: HTMLFormElement,
  ) {
    bindAdminForm({
      form,
      schema: agreementBody,
      path: '/api/agreements',
      read: () => ({
        toAgencyId: (form.elements.namedItem('toAgencyId') as HTMLSelectElement | null)?.value ?? '',
        scope: (form.elements.namedItem('scope') as HTMLSelectElement | null)?.value ?? '',
        recordings: checked(form, 'recordings'),
      }),
      problems: { toAgencyId: 'Share with: choose an agency.', scope: 'Which incidents: choose one.' },
      success: (body) => `Now sharing ${SCOPE_LABELS[body.scope]}${body.recordings ? ' and their recordings' : ''} with ${agencyName(body.toAgencyId)}.`,
      done: () => this.load(),
    });
  }

  async load(): Promise<void> {
    const agreements = await api.get<AgreementInfo[]>('/api/agreements');
    // Active first, newest first.
    const sorted = [...agreements].sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt - a.createdAt);
    this.list.replaceChildren(...sorted.map((agreement) => this.row(agreement)));
    show(this.empty, agreements.length === 0);
  }

  private row(agreement: AgreementInfo): HTMLElement {
    const item = el('li', 'admin-row');
    item.dataset.testid = 'agreement-row';
    item.dataset.agreementId = agreement.id;
    item.dataset.status = agreement.revokedAt === null ? 'active' : 'revoked';
    const text = `${agencyName(agreement.fromAgencyId)} shares ${SCOPE_LABELS[agreement.scope]}${agreement.recordings ? ' and their recordings' : ''} with ${agencyName(agreement.toAgencyId)}`;
    item.append(el('strong', undefined, text));
    const since = ` · since ${formatTime(toEpochMs(agreement.createdAt))}`;
    const revoked = agreement.revokedAt === null ? '' : ` · revoked ${formatTime(toEpochMs(agreement.revokedAt))}`;
    item.append(el('span', 'meta', since + revoked));
    if (agreement.revokedAt === null) {
      const revoke = button('Revoke', 'agreement-revoke', 'danger-outline');
      revoke.setAttribute('aria-label', `Revoke: ${text}`);
      revoke.addEventListener('click', () => this.confirmRevoke(item, agreement, text, revoke));
      item.append(revoke);
    }
    return item;
  }

  private confirmRevoke(item: HTMLElement, agreement: AgreementInfo, text: string, opener: HTMLButtonElement): void {
    openFormModal({
      parent: item,
      opener,
      title: 'Revoke this sharing agreement?',
      testid: 'agreement-revoke-dialog',
      fields: [el('p', undefined, `${text}. Access that relies on it ends at once.`)],
      submitLabel: 'Revoke agreement',
      submitTestid: 'agreement-revoke-confirm',
      errorTestid: 'agreement-revoke-error',
      danger: true,
      submit: async (modal) => {
        await api.post(apiPath`/api/agreements/${agreement.id}/revoke`);
        modal.close(); // before the list (and this row with its dialog) is rebuilt
        setStatus('Sharing agreement revoked.', 'ok');
        await this.load();
        this.list.closest('section')?.querySelector<HTMLElement>('h2')?.focus();
      },
    });
  }
}
