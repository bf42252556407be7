// Live access control through the real pages: grant from the console, join from the inbox, revoke;
// a cross-agency grant that ends with its sharing agreement; "watch me" reaching the console.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { openGrantLink, signIn, startStreaming, stats, stopStreaming, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { until } from '../helpers/until.ts';

describe('access control in Chromium', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started));

  const openConsole = async (who: { username: string; password: string }): Promise<Page> => {
    const page = await browser.page(relay.url);
    await page.goto(`${relay.url}/supervisor.html`);
    await signIn(page, who.username, who.password);
    await waitForState(page, 'console');
    return page;
  };
  const goLive = async (who: { username: string; password: string; id: string }) => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, who.username, who.password);
    const incidentId = (await relay.services.incidents.list()).find((i) => i.officerId === who.id)!.id;
    return { officer, incidentId };
  };
  const grantFromConsole = async (console_: Page, incidentId: string, clinicianId: string) => {
    const card = console_.locator(`[data-testid="incident"][data-incident-id="${incidentId}"]`);
    await card.waitFor({ timeout: 10_000 });
    await card.getByTestId('incident-grant').click();
    await card.getByTestId('grant-clinician').selectOption(clinicianId);
    await card.getByTestId('grant-duration').fill('10');
    await card.getByTestId('grant-submit').click();
    const link = await until(async () => (await card.getByTestId('grant-link').inputValue()) || undefined, 10_000, 'the grant link');
    await card.getByTestId('grant-done').click();
    return link;
  };
  const videoStopped = async (page: Page) => {
    const received = async () => (await stats(page)).inbound.reduce((n, s) => n + s.packetsReceived, 0);
    const before = await received();
    await page.waitForTimeout(400);
    return (await received()) === before;
  };

  it('grant in the console, join from the inbox, revoke: the clinician’s video stops at once', async () => {
    const { officer, incidentId } = await goLive(DEMO.officer);
    const console_ = await openConsole(DEMO.supervisor);
    await grantFromConsole(console_, incidentId, DEMO.clinician.id);

    const inbox = await browser.page(relay.url);
    await inbox.goto(`${relay.url}/inbox.html`);
    await signIn(inbox, DEMO.clinician.username, DEMO.clinician.password);
    await waitForState(inbox, 'inbox');
    const entry = inbox.getByTestId('inbox-entry').filter({ hasText: 'Reyes' }).first();
    await entry.waitFor({ timeout: 10_000 });
    await entry.getByTestId('inbox-join').click();
    await waitForState(inbox, 'joined');
    await waitForDecodedVideo(inbox);

    const row = console_.getByTestId('grant-row').filter({ hasText: 'Okafor' }).first();
    await until(async () => (await row.getAttribute('data-watching')) === 'true' || undefined, 10_000, 'the console to show the clinician watching');
    await row.getByTestId('grant-revoke').click();
    const clicked = Date.now();
    await console_.getByTestId('revoke-confirm').click();
    await waitForState(inbox, 'ended', 5000);
    const cutMs = Date.now() - clicked;
    expect(await inbox.evaluate(() => window.sightline.code)).toBe('GRANT_REVOKED');
    expect(await videoStopped(inbox)).toBe(true);
    console.log(JSON.stringify({ uiRevokeToClientEndedMs: cutMs }));
    await until(async () => (await row.getAttribute('data-status')) === 'revoked' || undefined, 5000, 'the grant shown as revoked');
    await stopStreaming(officer);
  });

  it('a cross-agency grant works under the agreement and stops when the agreement is revoked', async () => {
    const { officer, incidentId } = await goLive(DEMO.officer2);
    const metro = await openConsole(DEMO.supervisor);
    const card = metro.locator(`[data-testid="incident"][data-incident-id="${incidentId}"]`);
    await card.waitFor({ timeout: 10_000 });
    await card.getByTestId('incident-shared').check();

    const durham = await openConsole(DEMO.durhamSupervisor);
    await durham.locator(`[data-testid="incident"][data-incident-id="${incidentId}"][data-access="shared"]`).waitFor({ timeout: 10_000 });
    const link = await grantFromConsole(durham, incidentId, DEMO.durhamClinician.id);
    const clinician = await browser.page(relay.url);
    await openGrantLink(clinician, link);
    await waitForState(clinician, 'joined');
    await waitForDecodedVideo(clinician);

    const admin = await browser.page(relay.url);
    await admin.goto(`${relay.url}/admin.html`);
    await signIn(admin, DEMO.admin.username, DEMO.admin.password);
    await waitForState(admin, 'admin');
    const agreement = admin.locator('[data-testid="agreement-row"][data-agreement-id="agr-metro-durham"]');
    await agreement.getByTestId('agreement-revoke').click();
    await admin.getByTestId('agreement-revoke-confirm').click();
    await waitForState(clinician, 'ended', 5000);
    expect(await clinician.evaluate(() => window.sightline.code)).toBe('ACCESS_WITHDRAWN');
    expect(await videoStopped(clinician)).toBe(true);
    await durham.locator(`[data-testid="incident"][data-incident-id="${incidentId}"]`).waitFor({ state: 'detached', timeout: 5000 });
    await stopStreaming(officer);
  });

  it('"watch me" from the camera page reaches the supervisor’s console at once', async () => {
    const console_ = await openConsole(DEMO.supervisor);
    const { officer, incidentId } = await goLive(DEMO.officer);
    await console_.locator(`[data-testid="incident"][data-incident-id="${incidentId}"]`).waitFor({ timeout: 10_000 });
    const pressed = Date.now();
    await officer.getByTestId('help').click();
    const alert = console_.locator(`[data-testid="help-alert"][data-incident-id="${incidentId}"]`);
    await alert.waitFor({ timeout: 5000 });
    console.log(JSON.stringify({ watchMeToConsoleMs: Date.now() - pressed }));
    await expect(alert.textContent()).resolves.toContain('Reyes');
    // One step from the alert: the on-call clinician is granted.
    await alert.getByTestId('help-grant').click();
    await until(async () => (await relay.services.grants.list({ incidentId, activeOnly: true })).find((g) => g.clinicianId === DEMO.clinician.id), 5000, 'the one-step grant');
    await stopStreaming(officer);
  });
});
