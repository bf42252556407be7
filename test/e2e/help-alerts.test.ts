// A help request reaches people who are not looking at the page: when the officer presses "watch
// me", the supervisor's console and the on-call clinician's inbox each sound a tone, count the
// open request in the tab's title, and show a system notification where it is allowed; the title
// gives the count back once the alert is dismissed.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn, startStreaming, stopStreaming } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { until } from '../helpers/until.ts';

interface Signals {
  tones: number;
  notifications: string[];
}

/** Counts the tones (oscillators started) and system notifications the page makes. */
function listen(): void {
  const signals = { tones: 0, notifications: [] as string[] };
  (window as unknown as { __signals: typeof signals }).__signals = signals;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args: Parameters<typeof start>) {
    signals.tones += 1;
    return start.apply(this, args);
  };
  const Native = window.Notification;
  const Counted = function (title: string, options?: NotificationOptions) {
    signals.notifications.push(title);
    return new Native(title, options);
  } as unknown as typeof Notification;
  Object.defineProperty(Counted, 'permission', { get: () => Native.permission });
  Counted.requestPermission = Native.requestPermission.bind(Native);
  window.Notification = Counted;
}

const signals = (page: Page): Promise<Signals> => page.evaluate(() => (window as unknown as { __signals: Signals }).__signals);

describe('help alerts reach people who are not looking', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started));

  const open = async (path: string, who: { username: string; password: string }, state: string): Promise<Page> => {
    const page = await browser.page(relay.url);
    await page.context().grantPermissions(['notifications'], { origin: relay.url });
    await page.addInitScript(listen);
    await page.goto(`${relay.url}${path}`);
    await signIn(page, who.username, who.password);
    await waitForState(page, state);
    return page;
  };

  it('"watch me" sounds a tone, counts in the title and notifies, on the console and the on-call inbox', async () => {
    const console_ = await open('/supervisor.html', DEMO.supervisor, 'console');
    const inbox = await open('/inbox.html', DEMO.clinician, 'inbox');
    const consoleTitle = await console_.title();
    expect(consoleTitle).not.toMatch(/Help requested/);
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    await officer.getByTestId('help').click();

    for (const page of [console_, inbox]) {
      await page.getByTestId('help-alert').first().waitFor({ timeout: 10_000 });
      await until(async () => /^\(1\) Help requested · /.test(await page.title()), 5000, 'the title to count the request');
      const seen = await signals(page);
      expect(seen.tones, 'oscillators started for the tone').toBeGreaterThanOrEqual(2);
      expect(seen.notifications).toEqual(['Cst. Ana Reyes asked for help']);
    }

    await console_.getByTestId('help-dismiss').first().click();
    await until(async () => (await console_.title()) === consoleTitle, 5000, 'the title back without the count');
    await stopStreaming(officer);
  });
});
