// WHIP interop with an independent client: Debian's simple-whip-client (GStreamer webrtcbin)
// publishes a test pattern from a network namespace joined by veth, authenticating with the
// camera's device credential; a clinician in Chromium decodes its frames; stopping the client
// (it sends DELETE) ends the incident.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, waitForState, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { createNamespace, type TestNamespace } from '../helpers/netns.ts';
import { openGrantLink, stats, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';
import { startWhipClient, type WhipClient } from '../helpers/whip-client.ts';

describe('WHIP interop: simple-whip-client → relay → clinician in Chromium', () => {
  let ns: TestNamespace;
  let relay: TestRelay;
  let browser: TestBrowser;
  let whip: WhipClient | undefined;

  beforeAll(async () => {
    ensureClientBuilt();
    ns = await createNamespace();
    relay = await startRelay({ MEDIA_LISTEN_IP: ns.hostIp }, { host: ns.hostIp });
    browser = await launchBrowser({ args: [`--unsafely-treat-insecure-origin-as-secure=${relay.url}`] });
  }, 60_000);
  afterAll(async () => {
    if (whip) await whip.stop();
    await browser?.close();
    await relay?.close();
    await ns?.close();
  });

  it('publishes audio and video that a clinician decodes, and DELETE on exit ends the incident', async () => {
    whip = startWhipClient(ns.exec, `${relay.url}/whip/bodycam`, 'cam-0001:demo-camera-key-0001');
    const live = await until(
      () => relay.services.live.all().find((l) => l.incident.officerId === DEMO.officer.id && l.room.producers().length === 2),
      20_000,
      `the WHIP stream to go live:\n${whip.output()}`,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\n${whip?.output()}`);
    });
    expect(live.room.producers().map((p) => `${p.kind}:${p.source}`).sort()).toEqual(['audio:camera', 'video:camera']);

    const granted = await grant(relay, live.incident.id, { permissions: ['view'] });
    const clinician = await browser.page(relay.url);
    await openGrantLink(clinician, granted.link);
    await waitForState(clinician, 'joined');
    const video = await waitForDecodedVideo(clinician, 20_000);
    expect(video.framesDecoded).toBeGreaterThan(0);
    expect(video.videoWidth).toBe(640);
    await until(async () => ((await stats(clinician)).inbound.find((s) => s.kind === 'audio')?.packetsReceived ?? 0) > 0, 10_000, 'audio from the WHIP client');
    console.log(JSON.stringify({ whipFramesDecoded: (await stats(clinician)).inbound.find((s) => s.kind === 'video')?.framesDecoded }));

    expect(await whip.stop()).toBe(0);
    expect(whip.output()).toContain('Disconnecting from server');
    await until(() => relay.services.live.get(live.incident.id) === undefined, 5000, 'the incident to end on DELETE');
    await waitForState(clinician, 'ended', 5000);
    expect(await clinician.evaluate(() => window.sightline.code)).toBe('INCIDENT_ENDED');
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'whip.publish' && e.outcome === 'allowed' && e.detail?.deviceId === 'cam-0001')).toBe(true);
    expect(audit.some((e) => e.action === 'whip.end')).toBe(true);
  });
});
