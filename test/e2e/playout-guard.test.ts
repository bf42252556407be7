// A clinician's audio that falls seconds behind live (as after the burst a camera's browser sends
// when its network returns) is put back at live: the watch page notices its audio receiver's
// playout delay staying above the limit and renews that receiver. Here the delay is forced with
// the receiver's own jitterBufferTarget (2 s), so the test does not depend on a drop happening to
// leave a backlog.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_AUDIO_DELAY_MS } from '../../client/src/media/playout-guard.ts';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { audioDelayOverASecond, openGrantLink, startStreaming } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

/** Every peer connection the page makes, so that the test can reach the audio receiver. */
const KEEP_CONNECTIONS = () => {
  const kept: RTCPeerConnection[] = [];
  const Native = window.RTCPeerConnection;
  const Wrapped = function (this: unknown, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
    const pc = new Native(...args);
    kept.push(pc);
    return pc;
  } as unknown as typeof RTCPeerConnection;
  Wrapped.prototype = Native.prototype;
  window.RTCPeerConnection = Wrapped;
  (window as unknown as { __connections: RTCPeerConnection[] }).__connections = kept;
};

/**
 * The tracks of the page's audio receivers now (a renewed receiver is a new one; the old one goes,
 * or stays as an inactive m-section when it was the transport's first).
 */
const audioTracks = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __connections: RTCPeerConnection[] }).__connections
      .flatMap((pc) => pc.getTransceivers())
      .filter((t) => t.receiver.track.kind === 'audio')
      .map((t) => t.receiver.track.id),
  );

describe('clinician audio held behind live', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let clinician: Page;

  relayAndBrowser((started) => ({ relay, browser } = started));
  beforeAll(async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const incidentId = relay.services.live.all()[0]!.incident.id;
    clinician = await browser.page(relay.url);
    await clinician.addInitScript(KEEP_CONNECTIONS);
    await openGrantLink(clinician, (await grant(relay, incidentId, { permissions: ['view'] })).link);
    await waitForState(clinician, 'joined');
    await until(async () => ((await audioDelayOverASecond(clinician)) ?? Infinity) < MAX_AUDIO_DELAY_MS, 15_000, 'live audio');
  }, 120_000);

  it('is renewed back to live by the watch page', async () => {
    const before = new Set(await audioTracks(clinician));
    const added = async () => (await audioTracks(clinician)).filter((id) => !before.has(id));
    await clinician.evaluate(() => {
      for (const pc of (window as unknown as { __connections: RTCPeerConnection[] }).__connections) {
        for (const receiver of pc.getReceivers()) if (receiver.track.kind === 'audio') receiver.jitterBufferTarget = 2000;
      }
    });
    // Once the held receiver plays more than the limit behind, the page replaces it (a new audio
    // receiver; nothing else would make one here) and its audio is live again, still playing.
    await until(async () => (await added()).length > 0 || undefined, 30_000, 'the held audio receiver renewed');
    await until(async () => ((await audioDelayOverASecond(clinician)) ?? Infinity) < MAX_AUDIO_DELAY_MS, 20_000, 'the audio back at live');
    expect(await added(), 'one receiver renewed').toHaveLength(1);
    expect(await clinician.evaluate(() => window.sightline.state)).toBe('joined');
  });
});
