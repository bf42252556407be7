// The supervisor watches from the console: the viewer takes a seat on a socket of its own, which
// is a seat like the clinician's. It decodes the officer's video, comes back by itself when its
// socket drops (resume, same seat, no new sign-in), and closing it releases the seat at once.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TestBrowser } from '../helpers/browser.ts';
import { waitForState, waitInPage } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn, startStreaming, stats, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { until } from '../helpers/until.ts';

const viewerState = (page: Page) => page.getByTestId('console-viewer').evaluate((panel) => (panel as HTMLElement).dataset.state ?? '');
const framesDecoded = async (page: Page) => (await stats(page)).inbound.find((s) => s.kind === 'video')?.framesDecoded ?? 0;

describe('the console’s viewer, in Chromium', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser(
    (started) => ({ relay, browser } = started),
    { RESUME_GRACE_SECONDS: '30' },
  );

  it('watches, resumes its seat after its socket drops, and releases the seat when closed', async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const incidentId = relay.services.live.all()[0]!.incident.id;
    const console_ = await browser.page(relay.url);
    await console_.goto(`${relay.url}/supervisor.html`);
    await signIn(console_, DEMO.supervisor.username, DEMO.supervisor.password);
    await waitForState(console_, 'console');
    await console_.getByTestId('incident-watch').first().click();
    await waitInPage(console_, 'the viewer is watching', () => document.querySelector<HTMLElement>('[data-testid="console-viewer"]')?.dataset.state === 'watching', undefined, 20_000);
    await waitForDecodedVideo(console_);
    const seats = () => relay.services.live.get(incidentId)!.participants().filter((p) => p.info.userId === DEMO.supervisor.id);
    expect(seats()).toHaveLength(1);
    const peerId = seats()[0]!.info.peerId;

    // The seat's socket dies (as when the network drops); the console's own socket stays up.
    (seats()[0]!.channel as unknown as { socket: { terminate(): void } }).socket.terminate();
    await until(async () => (await relay.services.audit.log.entries()).some((e) => e.action === 'resume' && e.outcome === 'allowed' && e.actor?.id === DEMO.supervisor.id), 15_000, 'the viewer resumes its seat');
    await until(async () => (await viewerState(console_)) === 'watching', 10_000, 'the viewer says it is watching again');
    expect(seats().map((p) => p.info.peerId), 'the same seat, not a new one').toEqual([peerId]);
    const before = await framesDecoded(console_);
    await until(async () => (await framesDecoded(console_)) > before + 10, 15_000, 'video keeps decoding after the resume');

    await console_.getByTestId('viewer-close').click();
    await until(() => seats().length === 0, 3000, 'closing the viewer releases the seat at once');
    const leaves = (await relay.services.audit.log.entries()).filter((e) => e.action === 'leave' && e.actor?.id === DEMO.supervisor.id && e.target.incidentId === incidentId);
    expect(leaves).toHaveLength(1);
  });
});
