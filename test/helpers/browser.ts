// Launches Debian's Chromium through playwright-core with a fake camera and microphone.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';

export interface TestBrowser {
  /** A fresh context (its own storage) with camera and microphone allowed. */
  page(origin: string): Promise<Page>;
  close(): Promise<void>;
}

/** `executablePath` may be a launcher (Chromium in a network namespace); `args` are added. */
export async function launchBrowser(options: { executablePath?: string; args?: string[] } = {}): Promise<TestBrowser> {
  // playwright gives every launch a fresh, temporary profile directory.
  const browser: Browser = await chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--allow-loopback-in-peer-connection',
      ...(options.args ?? []),
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    async page(origin) {
      const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 390, height: 844 } });
      // Refused for plain-http origins other than localhost; --use-fake-ui-for-media-stream covers those.
      await context.grantPermissions(['camera', 'microphone'], { origin }).catch(() => undefined);
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Reads the page's debug state (window.sightline.state). */
export const pageState = (page: Page): Promise<string> => page.evaluate(() => window.sightline?.state ?? 'none');

/**
 * How waits on a page's debug state poll it: on a timer, not on animation frames. playwright's
 * default ('raf') checks only when the page paints, and a headless page on a loaded machine can
 * go seconds without a frame (the pages' own `afterPaint` has a timer fallback for that reason).
 */
export const STATE_POLLING_MS = 100;

/** Waits for the page's debug state; a timeout names the state the page was in, its code and what it showed. */
export async function waitForState(page: Page, state: string, timeoutMs = 15_000): Promise<void> {
  try {
    await page.waitForFunction((wanted) => window.sightline?.state === wanted, state, { timeout: timeoutMs, polling: STATE_POLLING_MS });
  } catch (error) {
    const seen = await page
      .evaluate(() => ({ state: window.sightline?.state ?? 'none', code: window.sightline?.code ?? null, url: location.href.replace(/token=[^&]+/, 'token=…'), shown: document.body?.innerText.slice(0, 400) ?? '' }))
      .catch(() => null);
    throw new Error(`page never reached state ${state}${seen ? `: it was ${seen.state}${seen.code ? ` (${seen.code})` : ''} at ${seen.url}, showing ${JSON.stringify(seen.shown)}` : ''}`, { cause: error });
  }
}
