// Admin: register a body camera for an officer (POST /api/admin/devices), with a generated key.
import { adminDeviceBody } from '../../../../signaling/protocol/http.ts';
import { bindAdminForm, value } from './admin-form.ts';
import { byId } from '../../ui/ui.ts';

const KEY_BYTES = 24;

/** A random key: 24 bytes as base64url (32 characters). */
function generateKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(KEY_BYTES));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function bindDeviceForm(form: HTMLFormElement): void {
  const key = byId<HTMLInputElement>('device-key');
  byId<HTMLButtonElement>('device-key-generate').addEventListener('click', () => {
    key.value = generateKey();
    key.focus();
    key.select();
  });
  bindAdminForm({
    form,
    schema: adminDeviceBody,
    path: '/api/admin/devices',
    read: () => ({ id: value(form, 'id'), officerId: value(form, 'officerId'), key: value(form, 'key') }),
    problems: {
      id: 'Device id: use 2–64 lowercase letters, digits or hyphens.',
      officerId: 'Officer: choose the officer who wears this camera.',
      key: 'Device key: use 24–256 characters (select Generate for a good one).',
    },
    success: (body) => `Camera ${body.id} registered. Copy its key into the camera now.`,
    keepValues: true,
  });
}
