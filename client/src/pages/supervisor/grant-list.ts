// Supervisor: the grants of one incident, each with a live countdown and Extend / Revoke.
// Rows are keyed by grant id and updated in place from every `console.incidents` push.
import type { GrantInfo } from '../../../../signaling/protocol/messages.ts';
import { agencyName } from '../../net/agencies.ts';
import { Countdown } from '../../ui/countdown.ts';
import { openFormModal } from '../../ui/dialog.ts';
import { button, field, minutesInput, readMinutes } from '../../ui/form-fields.ts';
import { describePermissions, extendGrant, revokeGrant } from '../../net/grants-api.ts';
import { KeyedList } from '../../ui/keyed-list.ts';
import { el, formatDuration, formatTime, setStatus, show, toEpochMs } from '../../ui/ui.ts';

const DEFAULT_EXTEND_MINUTES = 15;

interface GrantRow {
  root: HTMLLIElement;
  grant: GrantInfo;
  name: HTMLElement;
  meta: HTMLElement;
  state: HTMLElement;
  countdown: Countdown;
  actions: HTMLElement;
}

const STATUS_LABELS: Record<GrantInfo['status'], string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

/** Active grants first, then the most recent. */
const byRelevance = (a: GrantInfo, b: GrantInfo): number =>
  Number(b.status === 'active') - Number(a.status === 'active') || b.createdAt - a.createdAt;

export class GrantList {
  private readonly rows: KeyedList<GrantInfo, GrantRow>;

  constructor(
    readonly root: HTMLUListElement,
    private readonly now: () => number,
  ) {
    root.dataset.testid = 'grant-list';
    this.rows = new KeyedList(root, {
      key: (grant) => grant.id,
      create: (grant) => this.create(grant),
      update: (row, grant) => this.fill(row, grant),
      destroy: (row) => row.countdown.stop(),
    });
  }

  update(grants: readonly GrantInfo[]): void {
    this.rows.sync([...grants].sort(byRelevance));
  }

  destroy(): void {
    this.rows.clear();
  }

  private create(grant: GrantInfo): GrantRow {
    const root = el('li', 'grant-row');
    root.dataset.testid = 'grant-row';
    root.dataset.grantId = grant.id;
    const who = el('div', 'grant-who');
    const name = el('strong');
    const meta = el('span', 'meta');
    who.append(name, meta);
    const state = el('span', 'badge');
    const clock = el('span', 'grant-countdown');
    clock.dataset.testid = 'grant-countdown';
    const countdown = new Countdown(clock, toEpochMs(grant.expiresAt), {
      now: this.now,
      label: (left) => (left > 0 ? `${formatDuration(left)} left` : 'Time is up'),
    });
    const extend = button('Extend', 'grant-extend');
    const revoke = button('Revoke', 'grant-revoke', 'danger-outline');
    const actions = el('div', 'row grant-actions');
    actions.append(extend, revoke);
    const status = el('div', 'row grant-status');
    status.append(state, clock);
    root.append(who, status, actions);
    const row: GrantRow = { root, grant, name, meta, state, countdown, actions };
    extend.addEventListener('click', () => this.openExtend(row, extend));
    revoke.addEventListener('click', () => this.openRevoke(row, revoke));
    return row;
  }

  private fill(row: GrantRow, grant: GrantInfo): void {
    if (row.grant.status === 'active' && grant.status !== 'active') {
      setStatus(`Access for ${grant.clinician.name} ${grant.status === 'revoked' ? 'was revoked' : 'expired'}.`, 'info');
    }
    row.grant = grant;
    const active = grant.status === 'active';
    row.root.dataset.status = grant.status;
    row.root.dataset.watching = String(grant.watching);
    row.name.textContent = grant.clinician.name;
    const by = grant.agreementId ? ` · ${agencyName(grant.clinician.agencyId)}` : '';
    row.meta.textContent = `${describePermissions(grant.permissions)}${by} · granted by ${grant.grantedBy.name} at ${formatTime(toEpochMs(grant.createdAt))}`;
    row.state.textContent = active ? (grant.watching ? 'Watching now' : 'Not joined yet') : STATUS_LABELS[grant.status];
    row.state.className = active && grant.watching ? 'badge badge-watching' : 'badge';
    row.countdown.update(active ? toEpochMs(grant.expiresAt) : 0);
    show(row.countdown.element, active);
    show(row.actions, active);
  }

  private openExtend(row: GrantRow, opener: HTMLButtonElement): void {
    const minutes = minutesInput(DEFAULT_EXTEND_MINUTES);
    const name = row.grant.clinician.name;
    openFormModal({
      parent: row.root,
      opener,
      title: `Extend access for ${name}`,
      testid: 'extend-dialog',
      fields: [...field('New duration from now (minutes)', minutes, 'extend-minutes')],
      submitLabel: 'Extend',
      submitTestid: 'extend-submit',
      errorTestid: 'extend-error',
      submit: async () => {
        const updated = await extendGrant(row.grant.id, readMinutes(minutes));
        // The console push follows; show the new end at once if the reply has it.
        if (typeof updated?.expiresAt === 'number') row.countdown.update(toEpochMs(updated.expiresAt));
        setStatus(`Access for ${name} now ends ${minutes.value} minutes from now.`, 'ok');
      },
    });
  }

  private openRevoke(row: GrantRow, opener: HTMLButtonElement): void {
    const name = row.grant.clinician.name;
    openFormModal({
      parent: row.root,
      opener,
      title: `Revoke access for ${name}?`,
      testid: 'revoke-dialog',
      fields: [el('p', undefined, `${name} loses video, audio and talk-back at once. This cannot be undone; you can grant access again later.`)],
      submitLabel: 'Revoke access',
      submitTestid: 'revoke-confirm',
      errorTestid: 'revoke-error',
      danger: true,
      submit: async () => {
        await revokeGrant(row.grant.id);
        setStatus(`Access for ${name} revoked.`, 'ok');
      },
    });
  }
}
