// Media through a real coturn: the clinician's page is forced to relay-only ICE
// (#...&relay=1) with the TURN credentials the join reply minted, and still decodes the
// officer's video; getStats proves the selected pair's local candidate is a relay candidate.
// A credential past its expiry is refused by coturn itself, both to a raw TURN Allocate and to
// Chromium, which then gathers no relay candidate at all.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnPassword } from '../../signaling/turn/turn-credentials.ts';
import { launchBrowser, waitForState, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { startCoturn, type TestCoturn } from '../helpers/coturn.ts';
import { openGrantLink, startStreaming, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { endGrants, grant, joinWith } from '../helpers/scenario.ts';
import { tryAllocate } from '../helpers/turn-client.ts';
import { until } from '../helpers/until.ts';

/** Relay candidates Chromium gathers with these ICE servers (relay-only policy). */
function gatherRelayCandidates(page: Page, iceServers: RTCIceServer[]): Promise<number> {
  return page.evaluate(async (servers) => {
    const pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: 'relay' });
    const candidates: string[] = [];
    pc.onicecandidate = (event) => event.candidate && candidates.push(event.candidate.candidate);
    pc.createDataChannel('probe');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      const done = () => pc.iceGatheringState === 'complete' && resolve();
      pc.onicegatheringstatechange = done;
      setTimeout(resolve, 8000);
      done();
    });
    pc.close();
    return candidates.filter((c) => / typ relay /.test(c)).length;
  }, iceServers);
}

describe('media through TURN (real coturn)', () => {
  let coturn: TestCoturn;
  let relay: TestRelay;
  let browser: TestBrowser;
  let incidentId: string;

  beforeAll(async () => {
    ensureClientBuilt();
    coturn = await startCoturn({ allowedPeerIp: '127.0.0.1' });
    relay = await startRelay({ TURN_SECRET: coturn.secret, TURN_URLS: coturn.url, TURN_CREDENTIAL_TTL_SECONDS: '600' });
    browser = await launchBrowser();
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    incidentId = relay.services.live.all()[0]!.incident.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    await coturn?.stop();
  });

  it('hands out TURN credentials that end with the grant, and coturn accepts them', async () => {
    const granted = await grant(relay, incidentId, { permissions: ['view'], ttlSeconds: 300 });
    const { socket, reply } = await joinWith(relay, incidentId, granted.token);
    if (!reply.ok) throw new Error(reply.error.code);
    const [server] = reply.data.iceServers;
    expect(server.urls).toEqual([coturn.url]);
    const [expiry, userId] = server.username.split(':');
    expect(userId).toBe(DEMO.clinician.id);
    expect(Number(expiry) * 1000).toBeLessThanOrEqual(granted.expiresAt);
    expect(Number(expiry) * 1000).toBeGreaterThan(granted.expiresAt - 2000);
    expect(await tryAllocate(coturn.host, coturn.port, server.username, server.credential)).toMatchObject({ ok: true });
    socket.close();
  });

  it('a clinician forced to relay-only ICE decodes the video through TURN', async () => {
    await endGrants(relay, incidentId);
    const granted = await grant(relay, incidentId, { permissions: ['view'] });
    const clinician = await browser.page(relay.url);
    await openGrantLink(clinician, `${granted.link}&relay=1`);
    await waitForState(clinician, 'joined');
    const video = await waitForDecodedVideo(clinician, 20_000);
    expect(video.framesDecoded).toBeGreaterThan(0);
    // Every transport's selected pair goes through TURN. Read once its checks have settled: as the
    // first frames decode, Chromium may have just switched to another relay pair still being checked.
    const settled = async () => {
      const now = await clinician.evaluate(() => window.sightline.candidatePairs!());
      return now.length > 0 && now.every((pair) => pair.state === 'succeeded') ? now : undefined;
    };
    const pairs = await until(settled, 10_000, 'the selected candidate pairs succeeded').catch(() => clinician.evaluate(() => window.sightline.candidatePairs!()));
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) expect(pair).toMatchObject({ state: 'succeeded', localType: 'relay' });
    console.log(JSON.stringify({ turnPairs: pairs.map((p) => `${p.localType}->${p.remoteType}`) }));
  });

  it('coturn refuses an expired credential: 401 to a TURN Allocate, and Chromium gathers no relay candidate', async () => {
    const expiredUser = `${Math.floor(Date.now() / 1000) - 5}:${DEMO.clinician.id}`;
    const expired = { urls: [coturn.url], username: expiredUser, credential: turnPassword(coturn.secret, expiredUser) };
    expect(await tryAllocate(coturn.host, coturn.port, expired.username, expired.credential)).toMatchObject({ ok: false, code: 401 });
    const validUser = `${Math.floor(Date.now() / 1000) + 300}:${DEMO.clinician.id}`;
    const valid = { urls: [coturn.url], username: validUser, credential: turnPassword(coturn.secret, validUser) };
    const page = await browser.page(relay.url);
    await page.goto(`${relay.url}/index.html`);
    expect(await gatherRelayCandidates(page, [valid])).toBeGreaterThan(0);
    expect(await gatherRelayCandidates(page, [expired])).toBe(0);
  });
});
