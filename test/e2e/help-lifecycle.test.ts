// A help request lives as long as it is open, and no longer: the console's alert offers a grant
// again once the link it made is revoked; a clinician watching answers it (the request clears,
// the officer is told by name and hears a tone, the alerts go); a request open when the incident
// ends leaves the inbox. Stopping the stream asks first.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../signaling/protocol/messages.ts';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn, startStreaming } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { until } from '../helpers/until.ts';

describe('the life of a help request', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started));

  const open = async (path: string, who: { username: string; password: string }, state: string): Promise<Page> => {
    const page = await browser.page(relay.url);
    await page.goto(`${relay.url}${path}`);
    await signIn(page, who.username, who.password);
    await waitForState(page, state);
    return page;
  };
  const incident = async (): Promise<IncidentSummary | undefined> => {
    const record = (await relay.services.incidents.list())[0];
    return record ? ({ helpRequested: record.helpRequested, helpAnswer: record.helpAnswer } as IncidentSummary) : undefined;
  };

  it('re-offers, is answered by a clinician watching, and ends with the incident', async () => {
    const console_ = await open('/supervisor.html', DEMO.supervisor, 'console');
    const inbox = await open('/inbox.html', DEMO.clinician, 'inbox');
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    await officer.getByTestId('help').click();
    const consoleAlert = console_.getByTestId('help-alert');
    await consoleAlert.waitFor({ timeout: 10_000 });
    await inbox.getByTestId('help-alert').waitFor({ timeout: 10_000 });

    // The console grants from the alert; once that grant is revoked the link is of no use and
    // the alert offers a grant again.
    await consoleAlert.getByTestId('help-grant').click();
    await consoleAlert.getByTestId('grant-result').waitFor({ timeout: 10_000 });
    const grantId = (await relay.services.grants.list({ activeOnly: true }))[0]!.id;
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect((await relay.api('POST', `/api/grants/${grantId}/revoke`, { token, body: {} })).status).toBe(200);
    await consoleAlert.getByTestId('help-grant').waitFor({ timeout: 10_000 });
    expect(await consoleAlert.getByTestId('grant-result').count()).toBe(0);

    // The on-call clinician accepts and watches: that answers the request.
    await inbox.getByTestId('help-accept').click();
    await waitForState(inbox, 'joined', 20_000);
    await until(async () => (await incident())?.helpRequested === false, 10_000, 'the help request to clear');
    expect((await incident())?.helpAnswer).toMatchObject({ userId: DEMO.clinician.id, name: 'Dr. Grace Okafor' });
    await until(async () => /Dr\. Grace Okafor answered your request for help/.test((await officer.getByTestId('status').textContent()) ?? ''), 10_000, 'the officer told who answered');
    expect(await officer.getByTestId('help').getAttribute('aria-pressed')).toBe('false');
    expect(await officer.evaluate(() => document.documentElement.dataset.chimes ?? '')).toMatch(/\bjoin\b/);
    await until(async () => (await consoleAlert.count()) === 0, 10_000, 'the console’s alert to go');
    await console_.getByTestId('incident').first().waitFor();
    expect(await console_.getByTestId('incident').first().getAttribute('data-help')).toBe('false');
    expect((await relay.services.audit.log.entries()).filter((e) => e.action === 'help.answered')).toHaveLength(1);

    // A new request, then the officer stops: asked first (cancel keeps streaming), then the
    // incident ends and the request's alert leaves a freshly opened inbox.
    await officer.getByTestId('help').click();
    const inbox2 = await open('/inbox.html', DEMO.clinician, 'inbox');
    await inbox2.getByTestId('help-alert').waitFor({ timeout: 10_000 });
    await officer.getByTestId('stop').click();
    await officer.getByTestId('confirm-end').waitFor();
    expect(await officer.getByTestId('confirm-end').textContent()).toMatch(/ends for the person watching/);
    await officer.getByTestId('dialog-cancel').click();
    expect(relay.services.live.all()).toHaveLength(1);
    await officer.getByTestId('stop').click();
    await officer.getByTestId('confirm-end-confirm').click();
    await waitForState(officer, 'ended');
    await until(async () => (await inbox2.getByTestId('help-alert').count()) === 0, 10_000, 'the inbox alert to go with the incident');
  });
});
