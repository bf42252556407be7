// Page-level steps of the end-to-end tests, through the real UI.
import type { Page } from 'playwright-core';
import type { MediaStats } from '../../client/src/debug-hooks.ts';
import { delayBetween } from '../../client/src/playout-guard.ts';
import { waitForState } from './browser.ts';

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

export const stats = (page: Page): Promise<MediaStats> => page.evaluate(() => window.sightline.stats());

/** The page's audio playout delay (ms) over the next second, over all its audio receivers; null if none played. */
export async function audioDelayOverASecond(page: Page): Promise<number | null> {
  const read = async () => {
    const audio = (await stats(page)).inbound.filter((s) => s.kind === 'audio');
    return {
      jitterBufferDelay: audio.reduce((n, s) => n + (s.jitterBufferDelay ?? 0), 0),
      jitterBufferEmittedCount: audio.reduce((n, s) => n + (s.jitterBufferEmittedCount ?? 0), 0),
    };
  };
  const before = await read();
  await page.waitForTimeout(1000);
  return delayBetween(before, await read());
}

/** Waits until the page has decoded video frames and its <video> has a size. */
export async function waitForDecodedVideo(page: Page, timeoutMs = 20_000): Promise<{ framesDecoded: number; videoWidth: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const framesDecoded = (await stats(page)).inbound.find((s) => s.kind === 'video')?.framesDecoded ?? 0;
    const videoWidth = await page.getByTestId('video').evaluate((video) => (video as HTMLVideoElement).videoWidth);
    if (framesDecoded > 0 && videoWidth > 0) return { framesDecoded, videoWidth };
    if (Date.now() > deadline) throw new Error(`no decoded video (framesDecoded=${framesDecoded}, videoWidth=${videoWidth})`);
    await page.waitForTimeout(100);
  }
}

export async function startStreaming(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/officer.html`);
  await signIn(page, username, password);
  await page.getByTestId('start').click();
  await waitForState(page, 'live');
}

/** The officer presses Stop streaming and confirms that the incident ends for everyone. */
export async function stopStreaming(page: Page): Promise<void> {
  await page.getByTestId('stop').click();
  await page.getByTestId('confirm-end-confirm').click();
}
