// Page-level steps of the end-to-end tests, through the real UI.
import type { Page } from 'playwright-core';
import type { MediaStats } from '../../client/src/media/debug-hooks.ts';
import { delayBetween } from '../../client/src/media/playout-guard.ts';
import { describePage, waitForState, waitInPage } from './browser.ts';
import { publicUser } from '../../signaling/identity/directory.ts';
import { DEMO, type TestRelay } from './relay.ts';

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
    if (Date.now() > deadline) throw new Error(`no decoded video (framesDecoded=${framesDecoded}, videoWidth=${videoWidth}): ${await describePage(page)}`);
    await page.waitForTimeout(100);
  }
}

/**
 * Opens a page and waits until its script ran (it names its state). A Chromium in a network
 * namespace now and then gets a page whose script never runs (seen in the namespaced officer's
 * browser only): the requests still open are then reported, and the page is loaded once more.
 */
export async function openPage(page: Page, url: string): Promise<void> {
  const open = new Map<unknown, string>();
  const track = (request: { url(): string }) => open.set(request, request.url());
  const settle = (request: unknown) => open.delete(request);
  page.on('request', track);
  page.on('requestfinished', settle);
  page.on('requestfailed', settle);
  const ran = () => waitInPage(page, 'the page’s script runs', () => typeof window.sightline?.state === 'string', undefined, 15_000);
  try {
    await page.goto(url);
    try {
      await ran();
    } catch {
      console.error(`[test] ${url}: the page's script did not run; requests still open: ${[...open.values()].join(', ') || 'none'}; loading it again`);
      await page.reload();
      await ran();
    }
  } finally {
    page.off('request', track);
    page.off('requestfinished', settle);
    page.off('requestfailed', settle);
  }
}

export async function startStreaming(page: Page, origin: string, username: string, password: string): Promise<void> {
  await openPage(page, `${origin}/officer.html`);
  await signIn(page, username, password);
  await page.getByTestId('start').click();
  await waitForState(page, 'live');
}

/** The officer presses Stop streaming and confirms that the incident ends for everyone. */
export async function stopStreaming(page: Page): Promise<void> {
  await page.getByTestId('stop').click();
  await page.getByTestId('confirm-end-confirm').click();
}

/** The demo user a viewing token names (its `sub`). */
function clinicianOfLink(link: string): { username: string; password: string } {
  const token = new URLSearchParams(new URL(link).hash.slice(1)).get('token') ?? '';
  const sub = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as { sub?: string }).sub;
  const who = Object.values(DEMO).find((user) => user.id === sub);
  if (!who) throw new Error(`no demo account for the clinician ${sub} the link names`);
  return who;
}

/**
 * Opens a grant link as its clinician does: the page asks them to sign in (unless this browser
 * already is), then joins. Resolves once the page is joining, joined or refused.
 */
export async function openGrantLink(page: Page, link: string): Promise<void> {
  const who = clinicianOfLink(link);
  await page.goto(link);
  await waitInPage(page, 'the grant link asks for a sign-in or joins', () => {
    const state = window.sightline?.state ?? '';
    return state === 'signin' || state === 'joining' || state === 'joined' || state.startsWith('error:');
  }, undefined, 20_000);
  if ((await page.evaluate(() => window.sightline.state)) !== 'signin') return;
  await signIn(page, who.username, who.password);
  await waitInPage(page, 'the sign-in is taken', () => window.sightline?.state !== 'signin', undefined, 20_000);
}

/**
 * The page's browser is signed in as `userId` already (a session in localStorage, as after an
 * earlier sign-in): a grant link opened there joins at once. For benchmarks that time the join.
 */
export async function signedInAlready(page: Page, relay: TestRelay, userId: string): Promise<void> {
  const user = await relay.services.directory.userById(userId);
  if (!user) throw new Error(`no user ${userId}`);
  const session = JSON.stringify({ token: await relay.services.sessions.create(userId), user: publicUser(user) });
  await page.addInitScript((value) => localStorage.setItem('sightline.session', value), session);
}
