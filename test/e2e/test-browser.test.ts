// The Chromium that the tests and benches drive runs their pages and nothing else. Each new
// context opens a window, and each window would otherwise preload its address bar's popup, a
// WebUI page in a renderer of its own: CPU that no page needs, taken while the pages work (the
// time-to-first-frame bench lost about half of its Janus and inbox figures to it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';

describe('the test browser', () => {
  let browser: TestBrowser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens no browser UI of its own beside the pages', async () => {
    const first = await browser.page('http://127.0.0.1');
    await browser.page('http://127.0.0.1');
    const cdp = await first.context().browser()!.newBrowserCDPSession();
    const { targetInfos } = await cdp.send('Target.getTargets');
    expect(targetInfos.filter((target) => target.type === 'page')).toHaveLength(2);
    expect(targetInfos.filter((target) => target.type === 'browser_ui').map((target) => target.url)).toEqual([]);
  });
});
