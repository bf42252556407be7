// Every page in the states people meet them in, checked with axe-core in Chromium: no serious or
// critical violation, and headings in order (test/helpers/axe.ts). The states: the home page,
// sign-in, the officer streaming and asking for help, the supervisor's console with a live
// incident, its help alert and its grant form, the clinician's inbox with a grant, the watch page
// joined and after its access ended, the audit page and the admin page.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.ts';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { openGrantLink, signIn, startStreaming, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';

describe('accessibility of every page state', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let officer: Page;
  let incidentId: string;

  relayAndBrowser((started) => ({ relay, browser } = started));
  beforeAll(async () => {
    officer = await browser.page(relay.url);
    await officer.goto(`${relay.url}/officer.html`);
  }, 60_000);

  it('home page: every card leads somewhere that works, and a phone never scrolls sideways', async () => {
    const home = await browser.page(relay.url);
    await home.goto(`${relay.url}/`);
    await expectAccessible(home, 'the home page');
    // The viewer is reached through a grant link only: a card to it without one led to "This link is incomplete".
    const targets = await home.locator('a.nav-card').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets).not.toContain('/watch.html');
    await home.setViewportSize({ width: 390, height: 844 });
    const overflow = await home.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'pixels the home page scrolls sideways at 390 px').toBeLessThanOrEqual(0);
    await home.close();
  });

  it('sign-in, then the officer streaming and asking for help', async () => {
    await expectAccessible(officer, 'the officer sign-in');
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    incidentId = relay.services.live.all()[0]!.incident.id;
    await expectAccessible(officer, 'the officer streaming');
    await officer.getByTestId('help').click();
    await expectAccessible(officer, 'the officer asking for help');
    await officer.getByTestId('stop').click();
    await officer.getByTestId('confirm-end').waitFor();
    await expectAccessible(officer, 'the officer asked to confirm stopping');
    await officer.getByTestId('dialog-cancel').click();
  });

  it('the supervisor’s console: a live incident, its help alert, its grant form', async () => {
    const console_ = await browser.page(relay.url);
    await console_.goto(`${relay.url}/supervisor.html`);
    await expectAccessible(console_, 'the console sign-in');
    await signIn(console_, DEMO.supervisor.username, DEMO.supervisor.password);
    await waitForState(console_, 'console');
    const card = console_.locator(`[data-testid="incident"][data-incident-id="${incidentId}"]`);
    await card.waitFor({ timeout: 10_000 });
    await console_.locator(`[data-testid="help-alert"][data-incident-id="${incidentId}"]`).waitFor({ timeout: 10_000 });
    await expectAccessible(console_, 'the console with a live incident and a help alert');
    await card.getByTestId('incident-grant').click();
    await card.getByTestId('grant-clinician').waitFor();
    await expectAccessible(console_, 'the console’s grant form');
    await console_.close();
  });

  it('the clinician’s inbox, the watch page joined, and after access ended', async () => {
    const granted = await grant(relay, incidentId, { permissions: ['view', 'talk'] });
    const inbox = await browser.page(relay.url);
    await inbox.goto(`${relay.url}/inbox.html`);
    await signIn(inbox, DEMO.clinician.username, DEMO.clinician.password);
    await waitForState(inbox, 'inbox');
    await inbox.getByTestId('inbox-entry').first().waitFor({ timeout: 10_000 });
    // The officer asks again (off, then on): the on-call clinician's inbox shows the alert.
    await officer.getByTestId('help').click();
    await officer.getByTestId('help').click();
    await inbox.getByTestId('help-alert').first().waitFor({ timeout: 10_000 });
    await expectAccessible(inbox, 'the inbox with a grant and a help alert');
    await inbox.close();

    const watch = await browser.page(relay.url);
    await openGrantLink(watch, granted.link);
    await waitForState(watch, 'joined');
    await waitForDecodedVideo(watch);
    await expectAccessible(watch, 'the watch page joined');
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    await relay.api('POST', `/api/grants/${granted.grantId}/revoke`, { token });
    await waitForState(watch, 'ended');
    await expectAccessible(watch, 'the watch page after access ended');
    await watch.close();
  });

  it('the audit page and the admin page', async () => {
    const audit = await browser.page(relay.url);
    await audit.goto(`${relay.url}/audit.html`);
    await signIn(audit, DEMO.supervisor.username, DEMO.supervisor.password);
    await waitForState(audit, 'ready');
    await expectAccessible(audit, 'the audit page');
    await audit.close();

    const admin = await browser.page(relay.url);
    await admin.goto(`${relay.url}/admin.html`);
    await signIn(admin, DEMO.admin.username, DEMO.admin.password);
    await waitForState(admin, 'admin');
    await expectAccessible(admin, 'the admin page');
    await admin.close();
  });
});
