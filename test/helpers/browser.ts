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
      // Each new context opens a window, and each window would preload its address bar's popup (a
      // WebUI page in a renderer of its own): CPU that no page needs (test-browser.test.ts).
      '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup',
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
      keepTrouble(page);
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** What went wrong on each page so far (console errors, failed requests, error responses), newest last. */
const troubles = new WeakMap<Page, string[]>();
const TROUBLES_KEPT = 12;

function keepTrouble(page: Page): void {
  const seen: string[] = [];
  troubles.set(page, seen);
  const note = (line: string) => {
    seen.push(`${new Date().toISOString().slice(11, 23)} ${line.slice(0, 300)}`);
    if (seen.length > TROUBLES_KEPT) seen.shift();
  };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') note(`console.${message.type()}: ${message.text()}`);
  });
  page.on('requestfailed', (request) => note(`request failed: ${request.method()} ${stripToken(request.url())} (${request.failure()?.errorText ?? '?'})`));
  page.on('response', (response) => {
    if (response.status() >= 400) note(`HTTP ${response.status()}: ${response.request().method()} ${stripToken(response.url())}`);
  });
  page.on('crash', () => note('the page crashed'));
}

const stripToken = (url: string) => url.replace(/token=[^&]+/, 'token=…');

/**
 * What the page is doing, for a failed wait: its debug state and code, URL, what it shows, and
 * its recent console errors and failed requests.
 */
export async function describePage(page: Page): Promise<string> {
  const seen = await page
    .evaluate(() => ({
      state: window.sightline?.state ?? 'none (the page script has not run)',
      code: window.sightline?.code ?? null,
      url: location.href,
      ready: document.readyState,
      shown: document.body?.innerText.slice(0, 400) ?? '',
    }))
    .catch((error: Error) => ({ state: `unreadable (${error.message.split('\n')[0]})`, code: null, url: page.url(), ready: '?', shown: '' }));
  const trouble = troubles.get(page) ?? [];
  return (
    `it was ${seen.state}${seen.code ? ` (${seen.code})` : ''} at ${stripToken(seen.url)} (document ${seen.ready}), showing ${JSON.stringify(seen.shown)}` +
    (trouble.length ? `; recent trouble:\n  ${trouble.join('\n  ')}` : '; no console errors or failed requests')
  );
}

/**
 * Waits until `check` (run in the page) holds, polling on a timer; a timeout says what the page was
 * doing instead.
 */
export async function waitInPage<A>(page: Page, what: string, check: (arg: A) => boolean, arg: A, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(check as (arg: unknown) => boolean, arg, { timeout: timeoutMs, polling: STATE_POLLING_MS });
  } catch (error) {
    throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}: ${await describePage(page)}`, { cause: error });
  }
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
  await waitInPage(page, `the page is ${state}`, (wanted: string) => window.sightline?.state === wanted, state, timeoutMs);
}
