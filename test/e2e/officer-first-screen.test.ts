// The officer sees who is there without scrolling: beside LIVE, on the first screen of a phone
// (390×844) and of a laptop (1280×800), the number of people watching.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { openGrantLink, startStreaming } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

describe('the officer’s first screen', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let officer: Page;

  relayAndBrowser((started) => ({ relay, browser } = started));
  beforeAll(async () => {
    officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
  }, 60_000);

  it('shows how many are watching beside LIVE, on a phone and on a laptop, without scrolling', async () => {
    const count = officer.getByTestId('live-count');
    expect((await count.textContent())?.trim()).toBe('');
    const incidentId = relay.services.live.all()[0]!.incident.id;
    const clinician = await browser.page(relay.url);
    await openGrantLink(clinician, (await grant(relay, incidentId, { permissions: ['view'] })).link);
    await waitForState(clinician, 'joined');
    await until(async () => /1 watching/.test((await count.textContent()) ?? ''), 10_000, 'the count beside LIVE');
    for (const viewport of [
      { width: 390, height: 844 },
      { width: 1280, height: 800 },
    ]) {
      await officer.setViewportSize(viewport);
      await officer.evaluate(() => window.scrollTo(0, 0));
      const box = await count.boundingBox();
      expect(box, 'the count is laid out').not.toBeNull();
      expect(box!.y + box!.height, `bottom of the count at ${viewport.width}×${viewport.height}`).toBeLessThanOrEqual(viewport.height);
    }
    await clinician.close();
    await until(async () => ((await count.textContent()) ?? '').trim() === '', 10_000, 'the count to clear when the clinician leaves');
  });
});
