// The audit console in Chromium, on a phone-sized screen: sign in, filter with the keyboard,
// open an incident's access report, download CSV, and no Content-Security-Policy violations.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForState, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { signIn } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { capabilities, goLive, grant, joinWith, signedInSocket } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

describe('audit console page', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let page: Page;
  let incidentId: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    ensureClientBuilt();
    relay = await startRelay();
    const live = await goLive(relay);
    incidentId = live.incidentId;
    const granted = await grant(relay, incidentId, { permissions: ['view'] });
    const { socket } = await joinWith(relay, incidentId, granted.token);
    socket.close();
    await until(async () => (await relay.services.audit.log.entries()).some((e) => e.action === 'leave'), 5000, 'the leave');
    // The supervisor extends the grant and watches from the console for a while.
    await relay.api('POST', `/api/grants/${granted.grantId}/extend`, { token: (await relay.login(DEMO.supervisor.username, DEMO.supervisor.password)).token, body: { ttlSeconds: 1800 } });
    const console_ = await signedInSocket(relay, DEMO.supervisor);
    await console_.socket.request('watch', { incidentId, rtpCapabilities: await capabilities(relay) });
    console_.socket.close();
    await until(async () => (await relay.services.audit.log.entries()).filter((e) => e.action === 'leave').length === 2, 5000, 'the supervisor leaving');
    browser = await launchBrowser();
    page = await browser.page(relay.url);
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to (apply|execute|load)/i.test(message.text())) cspViolations.push(message.text());
    });
    live.socket.close();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });

  it('is only for supervisors', async () => {
    await page.goto(`${relay.url}/audit.html`);
    await signIn(page, DEMO.officer.username, DEMO.officer.password);
    await until(async () => /for supervisors/.test((await page.getByTestId('login-error').textContent()) ?? ''), 5000, 'the wrong-role message');
  });

  it('lists the agency’s entries after sign-in, as cards on a phone', async () => {
    await page.getByTestId('login-username').fill(DEMO.supervisor.username);
    await page.getByTestId('login-password').fill(DEMO.supervisor.password);
    await page.getByTestId('login-password').press('Enter');
    await waitForState(page, 'ready');
    const rows = page.getByTestId('audit-row');
    expect(await rows.count()).toBeGreaterThan(5);
    await expect(page.getByTestId('entries-summary').textContent()).resolves.toMatch(/newest first/);
    const firstCell = rows.first().locator('td').first();
    expect(await firstCell.evaluate((td) => getComputedStyle(td).display)).toBe('grid');
    expect(await page.locator('#entries thead').evaluate((head) => head.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
  });

  it('filters with the keyboard', async () => {
    await page.getByTestId('filter-incident').focus();
    await page.keyboard.type(incidentId);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab'); // user id → action
    // Every action the trail records can be chosen, by its label.
    const choices = await page.getByTestId('filter-action').locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(choices).toEqual(expect.arrayContaining(['watch', 'grant.extend', 'grant.revoke', 'access.withdrawn', 'seat.takeover', 'help.accept']));
    await page.getByTestId('filter-action').selectOption('join');
    await page.getByTestId('filter-incident').press('Enter');
    await until(async () => (await page.getByTestId('audit-row').count()) === 1, 5000, 'one join row');
    await expect(page.getByTestId('audit-row').first().textContent()).resolves.toContain(incidentId);
    await page.getByTestId('filter-reset').click();
    await until(async () => (await page.getByTestId('audit-row').count()) > 1, 5000, 'all rows again');
  });

  it('opens an incident’s access report from an entry', async () => {
    await page.getByRole('button', { name: incidentId }).first().click();
    await page.getByTestId('report').waitFor({ state: 'visible' });
    const rows = page.getByTestId('report-row');
    await until(async () => (await rows.count()) === 3, 5000, 'three people in the report');
    await expect(rows.nth(0).textContent()).resolves.toMatch(/Cst\..*Officer on the incident/);
    // People by name, the grant's end as extended, actions by label.
    await expect(rows.nth(1).textContent()).resolves.toMatch(/Dr\. Grace Okafor.*Granted by Sgt\. Mei Chen.*\(changed 1×\).*Left/);
    await expect(rows.nth(2).textContent()).resolves.toMatch(/Sgt\. Mei Chen.*Supervisor of the agency/);
    expect(await page.getByTestId('report').textContent()).not.toMatch(/u-sup-chen|grant\.extend|metro-police/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('report');
  });

  it('downloads CSV and JSON exports', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/^sightline-audit-.*\.csv$/);
    expect(await readFile((await csv.path())!, 'utf8')).toMatch(/^seq,at,action,outcome/);
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-json').click()]);
    expect(report.suggestedFilename()).toMatch(new RegExp(`^access-report-${incidentId}-.*\\.json$`));
    const body = JSON.parse(await readFile((await report.path())!, 'utf8')) as { sessions: unknown[] };
    expect(body.sessions).toHaveLength(3);
    const entries = await relay.services.audit.log.entries();
    expect(entries.filter((e) => e.action === 'audit.export' && e.detail?.format === 'csv')).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'audit.access-report' && e.detail?.format === 'json')).toHaveLength(1);
  });

  it('ran without Content-Security-Policy violations', () => {
    expect(cspViolations).toEqual([]);
  });
});
