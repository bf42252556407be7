// The second step of a supervisor's or admin's sign-in: a code from their authenticator app (or
// a recovery code), and for someone without one yet, the key to add to the app first and then
// their recovery codes, shown once. Built into the sign-in section in place of the password form.
import type { MfaChallengeResponse, MfaLoginResponse } from '../../../signaling/protocol/http.ts';
import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { api } from '../net/api.ts';
import { humanMessage, toSightlineError } from '../net/errors.ts';
import { el } from './ui.ts';

/** Resolves with the completed sign-in; rejects when the person must start again from the password. */
export function secondFactor(section: HTMLElement, mfa: MfaChallengeResponse['mfa']): Promise<MfaLoginResponse> {
  return new Promise((resolve, reject) => {
    const box = el('div', 'mfa-step stack');
    box.dataset.testid = 'mfa-step';
    const title = el('h2', undefined, mfa.enrol ? 'Add an authenticator' : 'Enter your code');
    title.tabIndex = -1;
    box.append(title);
    if (mfa.enrol) {
      box.append(
        el('p', undefined, 'Supervisors and administrators sign in with a second factor. Add this account to an authenticator app (scan the link or type the key), then enter the six-digit code it shows.'),
      );
      const key = el('code', 'mfa-secret', mfa.enrol.secret);
      key.dataset.testid = 'mfa-secret';
      const link = el('a', undefined, 'Open in an authenticator app');
      link.href = mfa.enrol.uri;
      box.append(el('p', undefined, 'Key: '), key, el('p', undefined), link);
    }
    const form = el('form', 'stack');
    form.noValidate = true;
    const label = el('label', undefined, 'Code from your authenticator app, or a recovery code');
    label.htmlFor = 'mfa-code';
    const input = el('input');
    input.id = 'mfa-code';
    input.dataset.testid = 'mfa-code';
    input.autocomplete = 'one-time-code';
    input.required = true;
    const error = el('p', 'form-error');
    error.setAttribute('role', 'alert');
    error.dataset.testid = 'mfa-error';
    error.hidden = true;
    const submit = el('button', 'primary', 'Verify');
    submit.type = 'submit';
    submit.dataset.testid = 'mfa-submit';
    form.append(label, input, error, submit);
    box.append(form);
    if (mfa.passkey) {
      const usePasskey = el('button', 'primary', 'Use a passkey');
      usePasskey.type = 'button';
      usePasskey.dataset.testid = 'mfa-passkey';
      usePasskey.addEventListener('click', async () => {
        usePasskey.disabled = true;
        try {
          const passkey = await startAuthentication({ optionsJSON: mfa.passkey as unknown as PublicKeyCredentialRequestOptionsJSON });
          done(await api.post<MfaLoginResponse>('/api/session/mfa', { challenge: mfa.challenge, passkey }));
        } catch (failure) {
          const e = toSightlineError(failure);
          if (e.code === 'MFA_CHALLENGE_INVALID' || e.code === 'ACCOUNT_LOCKED') {
            box.remove();
            reject(e);
            return;
          }
          error.textContent = e.code === 'UNKNOWN' ? 'The passkey did not answer. Try again, or enter a code.' : humanMessage(e.code, e.message);
          error.hidden = false;
        } finally {
          usePasskey.disabled = false;
        }
      });
      box.append(el('p', undefined, 'Or sign in with a passkey on this device:'), usePasskey);
    }
    section.append(box);
    input.focus();

    const done = (login: MfaLoginResponse) => {
      box.remove();
      resolve(login);
    };
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!input.value.trim()) return;
      submit.disabled = true;
      try {
        const login = await api.post<MfaLoginResponse>('/api/session/mfa', { challenge: mfa.challenge, code: input.value.trim() });
        if (!login.recoveryCodes) return done(login);
        // Enrolled now: the recovery codes, once.
        form.remove();
        const codes = el('ol', 'mfa-recovery-codes');
        codes.dataset.testid = 'mfa-recovery-codes';
        for (const code of login.recoveryCodes) codes.append(el('li', undefined, code));
        const next = el('button', 'primary', 'I have saved these codes');
        next.type = 'button';
        next.dataset.testid = 'mfa-continue';
        next.addEventListener('click', () => done(login));
        title.textContent = 'Save your recovery codes';
        box.append(el('p', undefined, 'Each code signs you in once if your authenticator is lost. Keep them somewhere safe: they are not shown again.'), codes, next);
        next.focus();
      } catch (failure) {
        const e = toSightlineError(failure);
        if (e.code === 'MFA_CHALLENGE_INVALID' || e.code === 'ACCOUNT_LOCKED') {
          box.remove();
          reject(e);
          return;
        }
        error.textContent = humanMessage(e.code, e.message);
        error.hidden = false;
        input.select();
      } finally {
        submit.disabled = false;
      }
    });
  });
}
