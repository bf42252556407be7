// Admin: users (GET /api/admin/users) and "Add a user" (POST /api/admin/users).
import type { UserInfo } from '../../../../signaling/protocol/messages.ts';
import { adminUserBody } from '../../../../signaling/protocol/http.ts';
import { bindAdminForm, checked, value } from './admin-form.ts';
import { agencyName } from '../../net/agencies.ts';
import { ROLE_LABELS } from '../../ui/presence-view.ts';
import { el } from '../../ui/ui.ts';

/** GET /api/admin/users: the protocol does not spell the shape out; UserInfo plus on-call is expected. */
export type AdminUser = UserInfo & { onCall?: boolean };

export function renderUsers(list: HTMLElement, users: readonly AdminUser[]): void {
  const sorted = [...users].sort((a, b) => a.agencyId.localeCompare(b.agencyId) || a.name.localeCompare(b.name));
  list.replaceChildren(
    ...sorted.map((user) => {
      const item = el('li', 'admin-row');
      item.dataset.testid = 'user-row';
      item.dataset.userId = user.id;
      item.append(
        el('strong', undefined, user.name),
        el('span', 'meta', ` ${user.username} · ${ROLE_LABELS[user.role]} · ${agencyName(user.agencyId)}`),
      );
      if (user.onCall) item.append(' ', el('span', 'badge badge-watching', 'On call'));
      return item;
    }),
  );
}

export function bindUserForm(form: HTMLFormElement, refresh: () => Promise<void>): void {
  bindAdminForm({
    form,
    schema: adminUserBody,
    path: '/api/admin/users',
    read: () => ({
      username: value(form, 'username'),
      name: value(form, 'name'),
      role: value(form, 'role'),
      agencyId: value(form, 'agencyId'),
      // Passwords are not trimmed.
      password: (form.elements.namedItem('password') as HTMLInputElement | null)?.value ?? '',
      onCall: checked(form, 'onCall'),
    }),
    problems: {
      username: 'Username: use 2–64 lowercase letters, digits, dots, hyphens or underscores.',
      name: 'Full name: enter the person’s name (up to 120 characters).',
      role: 'Role: choose a role.',
      agencyId: 'Agency: choose an agency.',
      password: 'Password: use at least 12 characters.',
    },
    success: (body) => `User ${body.username} added.`,
    done: refresh,
  });
}
