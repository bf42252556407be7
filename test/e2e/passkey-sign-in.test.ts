// A passkey as the second factor, in Chromium with its virtual authenticator (CDP WebAuthn): a
// signed-in supervisor adds a passkey from the account bar; at the next sign-in the page offers
// it, and it signs them in instead of a code. Both are audited.
import { describe, expect, it } from 'vitest';
import { totpCode } from '../../signaling/identity/totp.ts';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { until } from '../helpers/until.ts';

describe('signing in with a passkey', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started), { MFA_REQUIRED: 'true' });

  it('adds a passkey, then signs in with it instead of a code', async () => {
    // WebAuthn needs a host name, not an address: the same relay as http://localhost.
    const origin = relay.url.replace('127.0.0.1', 'localhost');
    const page = await browser.page(origin);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });

    await page.goto(`${origin}/supervisor.html`);
    await signIn(page, DEMO.supervisor.username, DEMO.supervisor.password);
    const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
    await page.getByTestId('mfa-code').fill(totpCode(secret));
    await page.getByTestId('mfa-submit').click();
    await page.getByTestId('mfa-continue').click();
    await waitForState(page, 'console');

    await page.getByTestId('passkey-add').click();
    await until(async () => /Passkey added/.test((await page.getByTestId('status').textContent()) ?? ''), 10_000, 'the passkey added');
    expect((await relay.services.directory.userById(DEMO.supervisor.id))?.passkeys).toHaveLength(1);

    await page.getByTestId('signout').click();
    await waitForState(page, 'signin');
    await signIn(page, DEMO.supervisor.username, DEMO.supervisor.password);
    await page.getByTestId('mfa-passkey').click();
    await waitForState(page, 'console');

    const entries = await relay.services.audit.log.entries();
    expect(entries.filter((e) => e.action === 'mfa.enrol').map((e) => e.detail?.factor)).toEqual(['totp', 'passkey']);
    expect(entries.filter((e) => e.action === 'login' && e.outcome === 'allowed').at(-1)?.detail).toMatchObject({ method: 'password+passkey' });
  });
});
