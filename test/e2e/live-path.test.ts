// The whole live path in real Chromium with a fake camera and microphone: an officer streams,
// a supervisor grants through the console, the clinician watches and talks back, the officer
// hears them, and an expiring grant cuts the clinician's media.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { openGrantLink, signIn, signedInAlready, startStreaming, stats, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { storedGrant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

describe('body camera → clinician and back, in Chromium', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let officer: Page;
  let incidentId: string;

  relayAndBrowser((started) => ({ relay, browser } = started));
  beforeAll(async () => {
    officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    incidentId = relay.services.live.all()[0]!.incident.id;
  }, 120_000);

  it('the officer page publishes audio and video', async () => {
    await until(async () => {
      const out = (await stats(officer)).outbound;
      return out.some((s) => s.kind === 'video' && s.packetsSent > 0) && out.some((s) => s.kind === 'audio' && s.packetsSent > 0);
    }, 15_000, 'outbound packets');
    await expect(officer.getByTestId('live-indicator')).toBeTruthy();
    expect(relay.services.media.room(incidentId)?.producers().map((p) => p.kind).sort()).toEqual(['audio', 'video']);
  });

  it('a supervisor grants through the console; the clinician decodes video and the officer hears the talk-back', async () => {
    const supervisor = await browser.page(relay.url);
    await supervisor.goto(`${relay.url}/supervisor.html`);
    await signIn(supervisor, DEMO.supervisor.username, DEMO.supervisor.password);
    const incident = supervisor.getByTestId('incident').filter({ hasText: 'Reyes' }).first();
    await incident.waitFor({ timeout: 10_000 });
    await incident.getByTestId('incident-grant').click();
    await incident.getByTestId('grant-clinician').selectOption(DEMO.clinician.id);
    await incident.getByTestId('grant-talk').check();
    await incident.getByTestId('grant-duration').fill('10');
    await incident.getByTestId('grant-submit').click();
    const link = await until(async () => (await incident.getByTestId('grant-link').inputValue()) || undefined, 10_000, 'the grant link');
    expect(link).toContain(`/watch.html#incident=${incidentId}&token=`);

    const clinician = await browser.page(relay.url);
    await openGrantLink(clinician, link);
    await waitForState(clinician, 'joined');
    const video = await waitForDecodedVideo(clinician);
    expect(video.framesDecoded).toBeGreaterThan(0);
    expect(video.videoWidth).toBeGreaterThan(0);
    await until(async () => ((await stats(clinician)).inbound.find((s) => s.kind === 'audio')?.packetsReceived ?? 0) > 0, 10_000, 'camera audio at the clinician');

    // The officer sees who is watching.
    await officer.getByTestId('presence-entry').filter({ hasText: 'Okafor' }).waitFor({ timeout: 10_000 });
    // And the clinician sees who is connected: the officer streaming, and themself.
    await clinician.getByTestId('presence-entry').filter({ hasText: /Reyes.*Streaming/ }).waitFor({ timeout: 10_000 });
    await clinician.getByTestId('presence-entry').filter({ hasText: /Okafor \(you\)/ }).waitFor({ timeout: 5_000 });

    // Push-to-talk: hold the button; the officer receives audio with energy.
    const talk = clinician.getByTestId('talk');
    await talk.hover();
    await clinician.mouse.down();
    try {
      await until(
        async () => {
          const audio = (await stats(officer)).inbound.find((s) => s.kind === 'audio');
          return audio && audio.packetsReceived > 0 && (audio.totalAudioEnergy ?? 0) > 0 ? audio : undefined;
        },
        15_000,
        'talk-back audio with energy at the officer',
      );
      await officer.getByTestId('presence-entry').filter({ hasText: /talking/i }).waitFor({ timeout: 5_000 });
    } finally {
      await clinician.mouse.up();
    }
    const audit = await relay.services.audit.log.entries();
    expect(audit.some((e) => e.action === 'talk.start' && e.actor?.id === DEMO.clinician.id)).toBe(true);

    // The node's metrics see the real media flowing.
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    const value = (pattern: RegExp) => Number(pattern.exec(metrics)?.[1] ?? NaN);
    expect(value(/^sightline_bitrate_bps\{direction="in",kind="video"\} (\S+)$/m)).toBeGreaterThan(0);
    expect(value(/^sightline_bitrate_bps\{direction="out",kind="video"\} (\S+)$/m)).toBeGreaterThan(0);
    expect(value(/^sightline_viewers (\S+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^sightline_transports (\S+)$/m)).toBeGreaterThanOrEqual(4);
    expect(value(/^sightline_worker_cpu_seconds\{pid="\d+"\} (\S+)$/m)).toBeGreaterThan(0);
    expect(value(/^sightline_worker_max_rss_bytes\{pid="\d+"\} (\S+)$/m)).toBeGreaterThan(1_000_000);
    expect(value(/^sightline_audit_write_seconds_count (\S+)$/m)).toBeGreaterThan(0);
    expect(metrics).toMatch(/^sightline_rtp_packets_lost\{direction="in",kind="video"\} \d+$/m);
  });

  it('cuts the clinician’s media within a second of the grant expiring', async () => {
    // The clinician's browser is signed in already, so the grant's few seconds go to the join only.
    const clinician = await browser.page(relay.url);
    await signedInAlready(clinician, relay, 'u-clin-silva');
    const expiresAt = (Math.floor(Date.now() / 1000) + 8) * 1000;
    const { link } = await storedGrant(relay, { clinicianId: 'u-clin-silva', incidentId, expiresAt, permissions: ['view'] });
    await openGrantLink(clinician, link);
    await waitForState(clinician, 'joined');
    await waitForDecodedVideo(clinician);
    expect(Date.now()).toBeLessThan(expiresAt);

    await waitForState(clinician, 'ended', 10_000);
    const endedAt = Date.now();
    expect(endedAt - expiresAt).toBeLessThan(1000);
    expect(await clinician.evaluate(() => window.sightline.code)).toBe('GRANT_EXPIRED');
    await expect(clinician.getByTestId('ended-message').textContent()).resolves.toMatch(/expired/i);
    // Server side the clinician's consumers are gone, and nothing more arrives at the page.
    const viewers = relay.services.live.get(incidentId)!.participants().filter((p) => p.info.userId === 'u-clin-silva');
    expect(viewers).toHaveLength(0);
    const before = await stats(clinician);
    await clinician.waitForTimeout(500);
    const after = await stats(clinician);
    const received = (s: typeof before) => s.inbound.reduce((n, x) => n + x.packetsReceived, 0);
    expect(received(after)).toBe(received(before));
  });
});
