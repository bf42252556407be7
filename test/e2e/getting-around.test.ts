// Getting around: one sign-in per browser (the audit page and a second console tab open without
// asking again; signing out in one tab signs out the others), pages that link to each other, and
// a second grant link opened in the same tab showing that link, not what the first one said.
import { describe, expect, it } from 'vitest';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { openGrantLink, signIn } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { goLive, grant } from '../helpers/scenario.ts';

describe('getting around', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started));

  it('signs in once per browser, links the console and the audit, and signs out every tab together', async () => {
    const console_ = await browser.page(relay.url);
    await console_.goto(`${relay.url}/supervisor.html`);
    await signIn(console_, DEMO.supervisor.username, DEMO.supervisor.password);
    await waitForState(console_, 'console');

    await console_.getByTestId('page-links').getByRole('link', { name: 'Audit and access reports' }).click();
    await waitForState(console_, 'ready'); // the audit page, without the sign-in form
    expect(await console_.getByTestId('page-links').getByRole('link', { name: 'Console' }).count()).toBe(1);

    const second = await console_.context().newPage();
    await second.goto(`${relay.url}/supervisor.html`);
    await waitForState(second, 'console');

    await second.getByTestId('signout').click();
    await waitForState(second, 'signin');
    await waitForState(console_, 'signin');
  });

  it('a second grant link opened in the same tab shows that link, not the first one’s message', async () => {
    const live = await goLive(relay);
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const first = await grant(relay, live.incidentId, { permissions: ['view'] });
    expect((await relay.api('POST', `/api/grants/${first.grantId}/revoke`, { token, body: {} })).status).toBe(200);
    const clinician = await browser.page(relay.url);
    await openGrantLink(clinician, first.link);
    await waitForState(clinician, 'error:TOKEN_REVOKED');
    const firstMessage = await clinician.locator('#ended').textContent();

    const second = await grant(relay, live.incidentId, { permissions: ['view'] });
    await clinician.evaluate((link) => (location.href = link), second.link);
    await waitForState(clinician, 'joined', 20_000);
    expect(await clinician.locator('#ended').isVisible()).toBe(false);
    expect(firstMessage).toMatch(/./);
    live.socket.close();
  });
});
