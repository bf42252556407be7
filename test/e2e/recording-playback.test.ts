// Evidence recording end to end in Chromium: an officer streams from the camera page, a clinician
// joins and talks back, the officer stops. A supervisor then finds the recording on the audit
// page under the incident's access report, plays it (the camera's picture decodes, and the
// talk-back, chosen among the tracks, plays at the moment it was said), and downloads the evidence
// export, whose talk-back segment decodes as audio and which evidence:verify accepts. An admin
// puts the recording on legal hold from the admin page, the supervisor sees it, and the admin
// releases it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingManifest } from '../../signaling/protocol/recordings.ts';
import { waitForState, type TestBrowser } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { openGrantLink, signIn, startStreaming, stopStreaming, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

const work = mkdtempSync(join(tmpdir(), 'sightline-playback-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const probe = (file: string) =>
  JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', file], { encoding: 'utf8' })) as { streams: Array<{ codec_type: string; codec_name: string }> };
/**
 * Decodes the whole file; returns how many bytes of 48 kHz s16 audio, or how many video frames,
 * came out (video as one checksum line per frame: raw frames of a long segment outgrow any buffer).
 */
function decoded(file: string, kind: 'audio' | 'video'): number {
  if (kind === 'audio') return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:a:0', '-f', 's16le', '-'], { maxBuffer: 1 << 30 }).length;
  const frames = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return frames.split('\n').filter((line) => line && !line.startsWith('#')).length;
}

describe('a recorded incident, played back and exported from the audit page', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  let incidentId: string;
  let manifest: RecordingManifest;
  let supervisor: Page;

  relayAndBrowser((started) => ({ relay, browser } = started), { RECORDING_ENABLED: 'true', RECORDING_SEGMENT_SECONDS: '3' });

  beforeAll(async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    incidentId = relay.services.live.all()[0]!.incident.id;
    const clinician = await browser.page(relay.url);
    await openGrantLink(clinician, (await grant(relay, incidentId, { permissions: ['view', 'talk'] })).link);
    await waitForState(clinician, 'joined');
    await waitForDecodedVideo(clinician);
    await clinician.getByTestId('talk').hover();
    await clinician.mouse.down();
    await clinician.waitForTimeout(4000);
    await clinician.mouse.up();
    await clinician.waitForTimeout(2000);
    await stopStreaming(officer);
    const dir = relay.services.recordingPaths.incidentDir(incidentId);
    await until(() => existsSync(join(dir, 'manifest.jws')), 30_000, 'the recording sealed');
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;
    expect(manifest.endedAt).not.toBeNull();
  }, 120_000);

  it('records the camera and the talk-back as tracks of their own', () => {
    expect(manifest.tracks.map((t) => [t.kind, t.source, t.userId]).sort()).toEqual([
      ['audio', 'camera', DEMO.officer.id],
      ['audio', 'talkback', DEMO.clinician.id],
      ['video', 'camera', DEMO.officer.id],
    ]);
    const talkback = manifest.tracks.find((t) => t.source === 'talkback')!;
    expect(manifest.segments.filter((s) => s.track === talkback.id).length).toBeGreaterThan(0);
  });

  it('plays on the audit page: the picture decodes, and the chosen talk-back plays when it was said', async () => {
    supervisor = await browser.page(relay.url);
    await supervisor.goto(`${relay.url}/audit.html#incident=${incidentId}`);
    await signIn(supervisor, DEMO.supervisor.username, DEMO.supervisor.password);
    const panel = supervisor.getByTestId('recording');
    await panel.getByTestId('recording-status').waitFor({ timeout: 15_000 });
    expect(await panel.getByTestId('recording-status').textContent()).toContain('sealed');
    const labels = await panel.locator('fieldset label').allTextContents();
    expect(labels.some((l) => /Okafor.*talk-back/.test(l)), labels.join(' | ')).toBe(true);
    expect(await panel.getByTestId('recording-track').count()).toBe(3);

    await panel.getByTestId('recording-play').click();
    const video = panel.getByTestId('recording-video');
    await until(async () => (await video.evaluate((v) => (v as HTMLVideoElement).videoWidth)) > 0, 15_000, 'the recorded picture');
    const position = async () => Number(await panel.locator('.recording-player').getAttribute('data-position'));
    const t0 = await video.evaluate((v) => (v as HTMLVideoElement).currentTime);
    await until(async () => (await video.evaluate((v) => (v as HTMLVideoElement).currentTime)) > t0 + 0.5, 10_000, 'the picture moving');
    expect(await position()).toBeGreaterThan(0);

    // To the moment the clinician spoke: the talk-back element loads that segment and plays.
    const talkback = manifest.tracks.find((t) => t.source === 'talkback')!;
    const firstTalk = manifest.segments.find((s) => s.track === talkback.id)!;
    const at = Date.parse(firstTalk.startedAt) - Date.parse(manifest.startedAt) + 200;
    await panel.getByTestId('recording-position').evaluate((input, value) => {
      (input as HTMLInputElement).value = String(value);
      input.dispatchEvent(new Event('input'));
    }, at);
    const voice = panel.locator(`[data-testid="recording-audio"][data-track="${talkback.id}"]`);
    await until(async () => voice.evaluate((a) => !(a as HTMLAudioElement).paused && (a as HTMLAudioElement).currentTime > 0), 15_000, 'the talk-back playing');

    const audited = (await relay.services.audit.log.entries()).filter((e) => e.action === 'recording.play');
    expect(audited.map((e) => `${e.outcome} ${e.actor?.id}`)).toEqual([`allowed ${DEMO.supervisor.id}`]);
  });

  it('refuses a segment outside an audited play, and to anyone the policy refuses', async () => {
    const url = `${relay.url}/api/incidents/${incidentId}/recordings/segments/1`;
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const noTicket = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect([noTicket.status, ((await noTicket.json()) as { error: { code: string } }).error.code]).toEqual([403, 'RECORDING_PLAY_REQUIRED']);
    const play = await relay.api<{ ticket: string }>('POST', `/api/incidents/${incidentId}/recordings/play`, { token, body: {} });
    const clinician = await relay.login(DEMO.clinician.username, DEMO.clinician.password);
    const stolen = await fetch(url, { headers: { authorization: `Bearer ${clinician.token}`, 'x-play-ticket': play.body.ticket } });
    expect(stolen.status).toBe(403);
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}`, 'x-play-ticket': play.body.ticket } })).status).toBe(200);
  });

  it('downloads the evidence export, which verifies and whose talk-back decodes as sound', async () => {
    const panel = supervisor.getByTestId('recording');
    const [download] = await Promise.all([supervisor.waitForEvent('download'), panel.getByTestId('recording-export').click()]);
    const tar = join(work, 'export.tar');
    await download.saveAs(tar);
    execFileSync('tar', ['-xf', tar, '-C', work]);
    const verified = await runCli('evidence-verify', [join(work, incidentId)]);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);

    const talkback = manifest.tracks.find((t) => t.source === 'talkback')!;
    const dir = join(work, incidentId, 'tracks', talkback.id);
    const files = readdirSync(dir).filter((f) => f.endsWith('.mkv'));
    expect(files.length).toBeGreaterThan(0);
    const samples = files.reduce((sum, file) => {
      expect(probe(join(dir, file)).streams.map((s) => s.codec_name)).toEqual(['opus']);
      return sum + decoded(join(dir, file), 'audio');
    }, 0);
    expect(samples, 'decoded talk-back bytes (48 kHz s16)').toBeGreaterThan(48_000 * 2);
    const camera = manifest.tracks.find((t) => t.source === 'camera' && t.kind === 'video')!;
    const first = manifest.segments.find((s) => s.track === camera.id)!;
    expect(decoded(join(work, incidentId, first.file), 'video')).toBeGreaterThan(0);
  });

  it('is put on legal hold and released from the admin page, and the audit page shows the hold', async () => {
    const admin = await browser.page(relay.url);
    await admin.goto(`${relay.url}/admin.html`);
    await signIn(admin, DEMO.admin.username, DEMO.admin.password);
    await admin.getByTestId('hold-empty').waitFor({ timeout: 10_000 });
    await admin.getByTestId('hold-incident').fill(incidentId);
    await admin.getByTestId('hold-reason').fill('Complaint 2026-114');
    await admin.getByTestId('hold-create').click();
    const row = admin.getByTestId('hold-row').filter({ hasText: 'Complaint 2026-114' });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain(incidentId);

    await supervisor.reload();
    await supervisor.getByTestId('recording').getByTestId('recording-hold').waitFor({ timeout: 15_000 });
    expect(await supervisor.getByTestId('recording-hold').textContent()).toContain('Complaint 2026-114');

    await row.getByTestId('hold-release').click();
    await admin.getByTestId('hold-release-confirm').click();
    await admin.getByTestId('hold-empty').waitFor({ state: 'visible', timeout: 10_000 });
    const audited = (await relay.services.audit.log.entries()).filter((e) => e.action.startsWith('recording.hold')).map((e) => `${e.action} ${e.outcome} ${e.actor?.id}`);
    expect(audited).toEqual(expect.arrayContaining([`recording.hold allowed ${DEMO.admin.id}`, `recording.hold-release allowed ${DEMO.admin.id}`]));
  });
});
