// The setup most end-to-end files share: the client built, one relay and one Chromium for the
// file, both closed after it. Registers the hooks; hands the relay and browser over once started.
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { ensureClientBuilt } from './client-build.ts';
import { startRelay, type RelayOptions, type TestRelay } from './relay.ts';

export function relayAndBrowser(
  started: (env: { relay: TestRelay; browser: TestBrowser }) => void,
  overrides: Parameters<typeof startRelay>[0] = {},
  options: RelayOptions = {},
): void {
  let relay: TestRelay | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    ensureClientBuilt();
    relay = await startRelay(overrides, options);
    browser = await launchBrowser();
    started({ relay, browser });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });
}
