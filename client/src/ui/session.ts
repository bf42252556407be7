// Sign-in form and the session token, kept in localStorage: one sign-in per browser, shared by its
// tabs (the audit page opens without asking again); signing out in one tab signs out the others.
// The markup it uses (#signin with its form, #account with #account-name and #signout) is every
// signed-in page's shell, built around the page at build time (client/page-shell.ts).
import type { LoginResponse, MfaChallengeResponse } from '../../../signaling/protocol/http.ts';
import type { UserInfo } from '../../../signaling/protocol/messages.ts';
import { api, setAuthToken } from '../net/api.ts';
import { setState } from '../media/debug-hooks.ts';
import { SightlineError, humanMessage, toSightlineError } from '../net/errors.ts';
import { secondFactor } from './mfa-step.ts';
import { addPasskeyButton } from './passkey-add.ts';
import { pageLinks } from './page-links.ts';
import { byId, el, setFlash, show } from './ui.ts';

export interface Session {
  token: string;
  user: UserInfo;
}

type Role = UserInfo['role'];

const STORAGE_KEY = 'sightline.session';
const ROLE_NAMES: Record<Role, string> = {
  officer: 'officers',
  supervisor: 'supervisors',
  clinician: 'clinicians',
  admin: 'administrators',
  'platform-admin': 'administrators',
};

function loadStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Session) : null;
    return parsed && typeof parsed.token === 'string' && parsed.user ? parsed : null;
  } catch {
    return null;
  }
}

/** Whether this browser holds a session of `role` from an earlier sign-in (not yet checked with the server). */
export function storedSessionFor(role: Role): boolean {
  return loadStored()?.user.role === role;
}

function store(session: Session | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
  setAuthToken(session?.token ?? null);
}

/** The session this page shows (its account bar); null until then. */
let shown: Session | null = null;

// Another tab signed out: this tab's session is over too. (Signing in as someone else there leaves
// this tab as it is: an officer's stream never ends because of another tab.)
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY && event.storageArea === localStorage && event.newValue === null && shown) location.reload();
});

/** Re-use a stored session if the server still knows it and the role fits. */
async function resumeStored(roles: readonly Role[]): Promise<Session | null> {
  const stored = loadStored();
  if (!stored || !roles.includes(stored.user.role)) return null;
  setAuthToken(stored.token);
  try {
    const { user } = await api.get<{ user: UserInfo }>('/api/me');
    const session = { token: stored.token, user };
    store(session);
    return session;
  } catch (error) {
    const e = toSightlineError(error);
    if (e.code === 'NETWORK') throw e;
    store(null);
    return null;
  }
}

/** Resolves with a session for `role`, showing the sign-in form until one exists. */
export async function requireSession(accepted: Role | readonly Role[]): Promise<Session> {
  const roles: readonly Role[] = typeof accepted === 'string' ? [accepted] : accepted;
  const role = roles[0]!;
  const section = byId('signin');
  const errorBox = byId('signin-error');
  const showError = (message: string) => {
    errorBox.textContent = message;
    show(errorBox, message !== '');
  };

  try {
    const resumed = await resumeStored(roles);
    if (resumed) return resumed;
  } catch (error) {
    showError(humanMessage(toSightlineError(error).code));
  }

  setState('signin');
  show(section);
  const form = byId<HTMLFormElement>('signin-form');
  const username = byId<HTMLInputElement>('signin-username');
  const password = byId<HTMLInputElement>('signin-password');
  const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  username.focus();

  return new Promise<Session>((resolve) => {
    const onSubmit = async (event: SubmitEvent) => {
      event.preventDefault();
      if (!username.value.trim() || !password.value) {
        showError('Enter your username and password.');
        return;
      }
      showError('');
      if (submit) submit.disabled = true;
      try {
        const answer = await api.post<LoginResponse | MfaChallengeResponse>('/api/session', {
          username: username.value.trim(),
          password: password.value,
        });
        let login: LoginResponse;
        if ('mfa' in answer) {
          // Supervisors and admins: the second factor, in place of the password form.
          form.hidden = true;
          try {
            login = await secondFactor(section, answer.mfa);
          } finally {
            form.hidden = false;
          }
        } else {
          login = answer;
        }
        if (!roles.includes(login.user.role)) {
          setAuthToken(login.token);
          await api.delete('/api/session').catch(() => undefined);
          setAuthToken(null);
          throw new SightlineError('WRONG_ROLE', `This page is for ${ROLE_NAMES[role]}.`);
        }
        const session = { token: login.token, user: login.user };
        store(session);
        password.value = '';
        form.removeEventListener('submit', onSubmit);
        show(section, false);
        resolve(session);
      } catch (error) {
        const e = toSightlineError(error);
        showError(e.code === 'WRONG_ROLE' ? e.message : humanMessage(e.code, e.message));
        password.select();
      } finally {
        if (submit) submit.disabled = false;
      }
    };
    form.addEventListener('submit', onSubmit);
  });
}

/** End the session on the server (best effort) and forget it locally. */
export async function signOut(): Promise<void> {
  await api.delete('/api/session').catch(() => undefined);
  store(null);
}

/** Fill the account bar and wire its sign-out button. `beforeSignOut` runs first (e.g. stop streaming). */
/** `beforeSignOut` runs first; resolving false keeps the person signed in (they changed their mind). */
export function showAccount(session: Session, beforeSignOut?: () => Promise<boolean | void> | boolean | void): void {
  shown = session;
  byId('account-name').textContent = session.user.name;
  const account = byId('account');
  const links = pageLinks(session.user.role, location.pathname);
  if (links.length > 0) {
    const nav = el('nav', 'page-links');
    nav.setAttribute('aria-label', 'Your pages');
    nav.dataset.testid = 'page-links';
    for (const link of links) {
      const anchor = el('a', undefined, link.label);
      anchor.href = link.href;
      nav.append(anchor);
    }
    account.prepend(nav);
  }
  addPasskeyButton(account, session.user);
  show(account);
  byId<HTMLButtonElement>('signout').addEventListener('click', async () => {
    if ((await beforeSignOut?.()) === false) return;
    await signOut();
    location.reload();
  });
}

/** The server no longer accepts the session: keep the reason across a reload, then show the sign-in form. */
export async function sessionLost(error: SightlineError): Promise<void> {
  setFlash(humanMessage(error.code));
  await signOut();
  location.reload();
}
