// "Add a passkey" in the account bar of supervisors and admins: the browser creates a passkey
// for this relay, which then signs them in instead of a code from the authenticator app.
import { startRegistration, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/browser';
import type { UserInfo } from '../../../signaling/protocol/messages.ts';
import { SECOND_FACTOR_ROLES } from '../../../signaling/protocol/roles.ts';
import { api } from '../net/api.ts';
import { humanMessage, toSightlineError } from '../net/errors.ts';
import { el, setStatus } from './ui.ts';


export function addPasskeyButton(account: HTMLElement, user: UserInfo): void {
  if (!SECOND_FACTOR_ROLES.has(user.role) || !('PublicKeyCredential' in window) || account.querySelector('[data-testid="passkey-add"]')) return;
  const button = el('button', 'link-button', 'Add a passkey');
  button.type = 'button';
  button.dataset.testid = 'passkey-add';
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const optionsJSON = await api.post<PublicKeyCredentialCreationOptionsJSON>('/api/me/passkeys/options', {});
      const response = await startRegistration({ optionsJSON });
      await api.post('/api/me/passkeys', { response, label: navigator.platform || 'Passkey' });
      setStatus('Passkey added: it can sign you in instead of a code.', 'ok');
    } catch (error) {
      const e = toSightlineError(error);
      setStatus(`The passkey was not added: ${e.code === 'UNKNOWN' ? (error as Error).message : humanMessage(e.code, e.message)}`, 'error');
    } finally {
      button.disabled = false;
    }
  });
  account.querySelector('#signout')?.before(button);
}
