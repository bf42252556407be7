// A supervisor's sign-in with a second factor, in Chromium: the first time the page shows the key
// to add to an authenticator app, takes its code and shows the recovery codes once; the next time
// it asks only for the code. Both steps pass the accessibility check.
import { describe, expect, it } from 'vitest';
import { totpCode } from '../../signaling/identity/totp.ts';
import { expectAccessible } from '../helpers/axe.ts';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';

describe('signing in with a second factor', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started), { MFA_REQUIRED: 'true' });

  it('enrols an authenticator at the first sign-in, then asks for its code', async () => {
    const page = await browser.page(relay.url);
    await page.goto(`${relay.url}/supervisor.html`);
    await signIn(page, DEMO.supervisor.username, DEMO.supervisor.password);
    await page.getByTestId('mfa-step').waitFor();
    await expectAccessible(page, 'the authenticator enrolment step');
    const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
    await page.getByTestId('mfa-code').fill('000000');
    await page.getByTestId('mfa-submit').click();
    await page.getByTestId('mfa-error').filter({ hasText: /not right/ }).waitFor();
    await page.getByTestId('mfa-code').fill(totpCode(secret));
    await page.getByTestId('mfa-submit').click();
    const codes = page.getByTestId('mfa-recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    await expectAccessible(page, 'the recovery codes');
    await page.getByTestId('mfa-continue').click();
    await waitForState(page, 'console');

    const next = await browser.page(relay.url);
    await next.goto(`${relay.url}/audit.html`);
    await signIn(next, DEMO.supervisor.username, DEMO.supervisor.password);
    await next.getByTestId('mfa-step').waitFor();
    expect(await next.getByTestId('mfa-secret').count()).toBe(0);
    await next.getByTestId('mfa-code').fill(totpCode(secret, Date.now() + 30_000));
    await next.getByTestId('mfa-submit').click();
    await waitForState(next, 'ready');
  });
});
