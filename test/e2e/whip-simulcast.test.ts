// A WHIP publisher that offers simulcast (RFC 8853 RIDs) gets the camera page's treatment: the
// relay takes every layer, and each viewer gets the layer its downlink carries. The publisher is
// Chromium's own RTCPeerConnection speaking plain WHIP (no mediasoup-client) with three RIDs.
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForState, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { openGrantLink, waitForDecodedVideo } from '../helpers/pages.ts';
import { startRelay, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** In the page: a sendonly offer with audio and three-layer simulcast video, published over WHIP. */
async function publishSimulcast(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const media = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
    const pc = new RTCPeerConnection();
    pc.addTransceiver(media.getAudioTracks()[0]!, { direction: 'sendonly' });
    pc.addTransceiver(media.getVideoTracks()[0]!, {
      direction: 'sendonly',
      sendEncodings: [
        // 720p: the browser sends all three.
        { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 120_000 },
        { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 400_000 },
        { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
      ],
    });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 2000);
    });
    const response = await fetch('/whip', {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: 'Bearer cam-0001:demo-camera-key-0001' },
      body: pc.localDescription!.sdp,
    });
    if (response.status === 201) await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
    (window as unknown as { whipPc: RTCPeerConnection }).whipPc = pc;
    return response.status;
  });
}

describe('simulcast over WHIP', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  /** The video producers the relay makes, seen through mediasoup's own observer. */
  const producers: types.Producer[] = [];
  const onWorker = (worker: types.Worker) =>
    worker.observer.on('newrouter', (router) =>
      router.observer.on('newtransport', (transport) => transport.observer.on('newproducer', (producer) => producer.kind === 'video' && producers.push(producer))),
    );

  beforeAll(async () => {
    ensureClientBuilt();
    mediasoup.observer.on('newworker', onWorker);
    relay = await startRelay();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    mediasoup.observer.off('newworker', onWorker);
    await browser?.close();
    await relay?.close();
  });

  it('the relay takes every RID as a layer, and a clinician on a good link gets more than the lowest', async () => {
    const publisher = await browser.page(relay.url);
    await publisher.goto(`${relay.url}/`);
    expect(await publishSimulcast(publisher)).toBe(201);
    const incident = relay.services.live.all()[0]!;
    expect(incident.room.producers().find((p) => p.kind === 'video')).toMatchObject({ layers: 3 });
    // Every layer arrives at the relay as its own RTP stream, named by its RID.
    const flowing = async () => (await producers[0]!.getStats()).filter((s) => s.packetCount > 0).map((s) => s.rid);
    let rids: Array<string | undefined> = [];
    for (let i = 0; i < 40 && rids.length < 3; i++) {
      await sleep(250);
      rids = await flowing();
    }
    expect(rids.sort()).toEqual(['f', 'h', 'q']);

    const viewer = await browser.page(relay.url);
    await openGrantLink(viewer, (await grant(relay, incident.incident.id, { permissions: ['view'] })).link);
    await waitForState(viewer, 'joined');
    await waitForDecodedVideo(viewer);
    // The clinician's layer follows its own downlink estimate, which ramps up from the start rate.
    let height = 0;
    for (let i = 0; i < 60 && height < 360; i++) {
      await sleep(500);
      height = await viewer.getByTestId('link-quality').evaluate((el) => Number((el as HTMLElement).dataset.height || 0));
    }
    expect(height, 'the layer the clinician receives').toBeGreaterThanOrEqual(360);
  });
});
