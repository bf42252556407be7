// A grant link is redeemed only by the clinician it names: opened in a browser, it asks them to
// sign in, then lands on the incident. Another clinician who signs in with the same link is
// refused and audited. The clinician's second device takes the one seat over (the first is told
// and closed), and the officer's page names the device of the seat.
import { describe, expect, it } from 'vitest';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn, startStreaming } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

describe('grant links bound to their clinician', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started));

  it('signs in, then lands on the incident; refuses anyone else; a second device takes the seat over', async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const incidentId = relay.services.live.all()[0]!.incident.id;
    const { link, grantId } = await grant(relay, incidentId, { permissions: ['view', 'talk'] });

    // Someone the link was forwarded to: signed in as another clinician, refused.
    const forwarded = await browser.page(relay.url);
    await forwarded.goto(link);
    await waitForState(forwarded, 'signin');
    await signIn(forwarded, DEMO.clinicianOffCall.username, DEMO.clinicianOffCall.password);
    await waitForState(forwarded, 'error:GRANT_NOT_YOURS');
    await expect(forwarded.locator('#ended').textContent()).resolves.toMatch(/sent to another clinician/);
    const refusal = (await relay.services.audit.log.entries()).find((e) => e.action === 'join' && e.reason === 'GRANT_NOT_YOURS')!;
    expect(refusal).toMatchObject({ outcome: 'denied', actor: { id: DEMO.clinicianOffCall.id }, target: { grantId, userId: DEMO.clinician.id } });

    // The clinician it names: sign in, then the incident.
    const phone = await browser.page(relay.url);
    await phone.goto(link);
    await waitForState(phone, 'signin');
    await signIn(phone, DEMO.clinician.username, DEMO.clinician.password);
    await waitForState(phone, 'joined', 20_000);
    await officer.getByTestId('presence-entry').filter({ hasText: /Okafor.*Chrome on Linux/ }).waitFor({ timeout: 10_000 });

    // Her second device takes the one seat over: the first is told and closed.
    const laptop = await browser.page(relay.url);
    await laptop.goto(link);
    await waitForState(laptop, 'signin');
    await signIn(laptop, DEMO.clinician.username, DEMO.clinician.password);
    await waitForState(laptop, 'joined', 20_000);
    await waitForState(phone, 'ended', 10_000);
    expect(await phone.evaluate(() => window.sightline.code)).toBe('SEAT_TAKEN_OVER');
    await until(() => relay.services.live.get(incidentId)!.participants().filter((p) => p.grantId === grantId).length === 1, 5000, 'one seat for the grant');
    const entries = await relay.services.audit.log.entries();
    expect(entries.filter((e) => e.action === 'seat.takeover' && e.target.grantId === grantId)).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'join' && e.outcome === 'allowed' && e.target.grantId === grantId)).toHaveLength(2);
  });
});
