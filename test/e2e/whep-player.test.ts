// WHEP playback in Chromium acting as a plain WHEP player (RTCPeerConnection + fetch, no
// Sightline code): a player device an admin registered to the clinician is the Bearer token (a
// link's viewing token is refused); revoking the grant closes the session at once, and a grant's
// expiry ends it too.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { startStreaming } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { grant, registerPlayer, storedGrant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

/** Starts a WHEP session from the page; returns the HTTP status and the resource URL. */
function startPlayer(page: Page, incidentId: string, token: string): Promise<{ status: number; location: string | null; body: string }> {
  return page.evaluate(
    async ({ incidentId, token }) => {
      const pc = new RTCPeerConnection();
      pc.addTransceiver('audio', { direction: 'recvonly' });
      pc.addTransceiver('video', { direction: 'recvonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const response = await fetch(`/whep/${incidentId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
        body: pc.localDescription!.sdp,
      });
      const body = await response.text();
      if (response.status === 201) await pc.setRemoteDescription({ type: 'answer', sdp: body });
      (window as unknown as { whep: RTCPeerConnection }).whep = pc;
      return { status: response.status, location: response.headers.get('location'), body: response.status === 201 ? '' : body };
    },
    { incidentId, token },
  );
}

const playerStats = (page: Page) =>
  page.evaluate(async () => {
    const pc = (window as unknown as { whep: RTCPeerConnection }).whep;
    const result = { framesDecoded: 0, audioPackets: 0, connectionState: pc.connectionState };
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') result.framesDecoded = Number(s.framesDecoded ?? 0);
      if (s.type === 'inbound-rtp' && s.kind === 'audio') result.audioPackets = Number(s.packetsReceived ?? 0);
    });
    return result;
  });

describe('WHEP playback in Chromium', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let incidentId: string;

  beforeAll(async () => {
    ensureClientBuilt();
    relay = await startRelay();
    browser = await launchBrowser();
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    incidentId = relay.services.live.all()[0]!.incident.id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.close();
  });

  it('a player registered to the clinician plays their grant over WHEP, a viewing token does not; revoking the grant closes the session', async () => {
    const granted = await grant(relay, incidentId, { permissions: ['view'] });
    const playerKey = await registerPlayer(relay);
    const player = await browser.page(relay.url);
    await player.goto(`${relay.url}/index.html`);
    // The link's viewing token alone is useless here: a grant is redeemed by its clinician.
    const leaked = await startPlayer(player, incidentId, granted.token);
    expect(leaked.status).toBe(401);
    expect(JSON.parse(leaked.body)).toMatchObject({ error: { code: 'DEVICE_LOGIN_FAILED' } });
    const started = await startPlayer(player, incidentId, playerKey);
    expect(started.status, started.body).toBe(201);
    expect(started.location).toMatch(/^\/whep\/resource\//);
    const playing = await until(async () => {
      const s = await playerStats(player);
      // Chromium can report decoded frames a moment before it updates connectionState.
      return s.framesDecoded > 0 && s.audioPackets > 0 && s.connectionState === 'connected' ? s : undefined;
    }, 20_000, 'WHEP frames on a connected peer connection');
    expect(playing.connectionState).toBe('connected');
    // The officer's page lists the WHEP viewer like any clinician.
    const live = relay.services.live.get(incidentId)!;
    expect(live.presence().some((p) => p.userId === DEMO.clinician.id && p.watching)).toBe(true);

    const { token: supervisor } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const revokedAt = performance.now();
    expect((await relay.api('POST', `/api/grants/${granted.grantId}/revoke`, { token: supervisor })).status).toBe(200);
    // The revoke cuts the seat at once; how fast is measured by `npm run bench:control` (revoke → cut).
    await until(() => !live.participants().some((p) => p.grantId === granted.grantId), 2000, 'the WHEP seat to close');
    const cutMs = performance.now() - revokedAt;
    const frozen = (await playerStats(player)).framesDecoded;
    await player.waitForTimeout(1000);
    expect((await playerStats(player)).framesDecoded - frozen).toBeLessThanOrEqual(2);
    expect((await fetch(`${relay.url}${started.location}`, { method: 'DELETE', headers: { authorization: `Bearer ${playerKey}` } })).status).toBe(404);
    const again = await startPlayer(player, incidentId, playerKey);
    expect(again.status).toBe(404);
    expect(JSON.parse(again.body)).toMatchObject({ error: { code: 'GRANT_NOT_FOUND' } });
    console.log(JSON.stringify({ whepFramesDecoded: playing.framesDecoded, whepRevokeToCutMs: Math.round(cutMs) }));
  });

  it('the WHEP session ends when the grant expires, and DELETE ends it early', async () => {
    const expiresAt = (Math.floor(Date.now() / 1000) + 5) * 1000;
    const short = await storedGrant(relay, { incidentId, clinicianId: DEMO.clinicianOffCall.id, expiresAt, permissions: ['view'] });
    const player = await browser.page(relay.url);
    await player.goto(`${relay.url}/index.html`);
    expect((await startPlayer(player, incidentId, await registerPlayer(relay, DEMO.clinicianOffCall.id))).status).toBe(201);
    await until(async () => (await playerStats(player)).framesDecoded > 0, 20_000, 'WHEP frames');
    const live = relay.services.live.get(incidentId)!;
    await until(() => !live.participants().some((p) => p.grantId === short.grantId), 10_000, 'the WHEP seat to end at expiry');
    expect(Date.now() - expiresAt).toBeLessThan(1000);

    const granted = await grant(relay, incidentId, { permissions: ['view'] });
    const second = await browser.page(relay.url);
    await second.goto(`${relay.url}/index.html`);
    const secondKey = await registerPlayer(relay);
    const started = await startPlayer(second, incidentId, secondKey);
    await until(async () => (await playerStats(second)).framesDecoded > 0, 20_000, 'WHEP frames');
    // The resource takes only the credential that created the session.
    const anonymous = await fetch(`${relay.url}${started.location}`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect(live.participants().some((p) => p.grantId === granted.grantId)).toBe(true);
    expect((await fetch(`${relay.url}${started.location}`, { method: 'DELETE', headers: { authorization: `Bearer ${secondKey}` } })).status).toBe(200);
    expect(live.participants().some((p) => p.grantId === granted.grantId)).toBe(false);
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'join' && e.outcome === 'allowed' && e.detail?.via === 'whep')).toBe(true);
    expect(audit.some((e) => e.action === 'grant.expire' && e.target.grantId === short.grantId)).toBe(true);
  });
});
