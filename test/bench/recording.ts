// What evidence recording costs: CPU (the muxers, and the media worker's copy of each stream to
// them) and disk per recorded incident, so the README can say how many recorded incidents a core
// carries; and whether recording adds to glass-to-glass latency, with it on and off in one run.
//
//   npm run bench:recording          (BENCH_QUICK=1 for a smoke run)
import { EventEmitter } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { types } from 'mediasoup';
import type { ProducerDescription } from '../../server/media-types.ts';
import { launchBrowser, waitForState } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { signedInAlready, startStreaming } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { startRtpCamera } from '../helpers/rtp-camera.ts';
import { processesMatching } from '../helpers/muxer-processes.ts';
import { goLive, grant } from '../helpers/scenario.ts';
import { pathStats, PROBE, type WithProbe } from './lib/g2g.ts';
import { isQuick, log } from './lib/machine.ts';
import { cpuSeconds, onTeardown, sleep, waitUntil } from './lib/processes.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome } from './lib/report.ts';
import { round, summarize } from './lib/stats.ts';

const describeProducer = (producer: types.Producer): ProducerDescription => ({ producerId: producer.id, peerId: 'officer', kind: producer.kind, source: 'camera', paused: false, layers: 1 });

/** The muxer processes recording under `root`. */
const muxerPids = processesMatching;

const bytesUnder = (path: string): number => (existsSync(path) ? Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]) : 0);

/** `count` incidents on `relay`, each fed by a fake camera (ffmpeg over RTP: VP8, Opus) and, when the relay records, recorded. */
async function camerasOn(relay: TestRelay, count: number): Promise<void> {
  const { token: operator } = await relay.login(DEMO.operator.username, DEMO.operator.password);
  for (let i = 1; i <= count; i++) {
    const who = { username: `bench.officer.${i}`, password: `bench-officer-${i}-password` };
    const created = await relay.api<{ id: string }>('POST', '/api/admin/users', { token: operator, body: { ...who, name: `Bench Officer ${i}`, role: 'officer', agencyId: 'metro-police' } });
    if (created.status !== 201) throw new Error(`could not create ${who.username}: ${created.status} ${JSON.stringify(created.body)}`);
    const { incidentId } = await goLive(relay, who);
    const router = relay.services.media.room(incidentId)!.router;
    const camera = await startRtpCamera(router);
    onTeardown(`camera ${i}`, () => camera.close());
    const room = Object.assign(new EventEmitter(), { router, producers: () => [describeProducer(camera.videoProducer), describeProducer(camera.audioProducer)] });
    relay.services.recordings.attach(incidentId, room as never, () => ({ userId: created.body.id, role: 'officer' }));
  }
}

/**
 * CPU seconds used so far by the processes `pids()` names now and named before: sampled, so that
 * a muxer replaced during the window (a new segment run) still counts with what it used.
 */
function cpuMeter(pids: () => number[]): () => number {
  const seen = new Map<number, number>();
  return () => {
    for (const pid of pids()) {
      try {
        seen.set(pid, cpuSeconds(pid));
      } catch {
        // gone since it was listed: its last sample stands
      }
    }
    return [...seen.values()].reduce((sum, value) => sum + value, 0);
  };
}

/** The recording's cost over a window: CPU of the muxers and of each relay's media worker, and disk written. */
async function cost(on: TestRelay, off: TestRelay, seconds: number) {
  const root = on.services.recordingPaths.root;
  const muxers = cpuMeter(() => muxerPids(root));
  const workerOn = cpuMeter(() => on.services.media.workerPids());
  const workerOff = cpuMeter(() => off.services.media.workerPids());
  const before = { muxers: muxers(), on: workerOn(), off: workerOff(), bytes: bytesUnder(root) };
  const started = Date.now();
  for (let second = 0; second < seconds; second++) {
    await sleep(1000);
    muxers();
  }
  const elapsed = (Date.now() - started) / 1000;
  return {
    muxerCores: (muxers() - before.muxers) / elapsed,
    workerCoresRecording: (workerOn() - before.on) / elapsed,
    workerCoresNotRecording: (workerOff() - before.off) / elapsed,
    bytesPerSecond: (bytesUnder(root) - before.bytes) / elapsed,
    muxers: muxerPids(root).length,
  };
}

/** Glass-to-glass samples through a relay: the officer page paints the clock, the watch page reads it. */
async function g2gPair(relay: TestRelay, browser: Awaited<ReturnType<typeof launchBrowser>>) {
  const officer = await browser.page(relay.url);
  await officer.addInitScript({ path: PROBE });
  await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
  const incidentId = relay.services.live.all().find((l) => l.incident.officerId === DEMO.officer.id)!.incident.id;
  const { token } = await grant(relay, incidentId, { permissions: ['view'], ttlSeconds: 3600 });
  const viewer = await browser.page(relay.url);
  await viewer.addInitScript({ path: PROBE });
  await signedInAlready(viewer, relay, DEMO.clinician.id);
  await viewer.goto(`${relay.url}/watch.html#incident=${encodeURIComponent(incidentId)}&token=${encodeURIComponent(token)}`);
  await waitForState(viewer, 'joined');
  await viewer.evaluate(() => (window as unknown as WithProbe).__g2g.readRelay());
  await viewer.evaluate(() => (window as unknown as WithProbe).__g2g.record(true));
  await waitUntil(async () => (await viewer.evaluate(() => (window as unknown as WithProbe).__g2g.counts())).relay > 0, 20_000, 'decoded pixel codes');
  return {
    incidentId,
    recorded: relay.services.recordings.isRecording(incidentId),
    /** Sender pacer and receiver jitter-buffer totals so far (the caller takes differences). */
    stats: async () => {
      const all = [...(await pathStats(officer)), ...(await pathStats(viewer))];
      const out = all.find((s) => s.dir === 'out');
      const inbound = all.find((s) => s.dir === 'in');
      return {
        sendDelay: Number(out?.totalPacketSendDelay ?? 0),
        packetsSent: Number(out?.packetsSent ?? 0),
        jitterBufferDelay: Number(inbound?.jitterBufferDelay ?? 0),
        emitted: Number(inbound?.jitterBufferEmittedCount ?? 0),
      };
    },
    start: () =>
      viewer.evaluate(() => {
        const probe = (window as unknown as WithProbe).__g2g;
        probe.results().samples.relay.length = 0;
        probe.record(true);
      }),
    stop: () =>
      viewer.evaluate(() => {
        const probe = (window as unknown as WithProbe).__g2g;
        probe.record(false);
        return probe.results().samples.relay;
      }),
  };
}

export const recording: BenchDefinition = {
  name: 'recording',
  title: 'Evidence recording: CPU and disk per incident, and glass-to-glass latency with it on and off',
  async run(): Promise<BenchOutcome> {
    const quick = isQuick();
    const incidents = Number(process.env.BENCH_RECORDING_INCIDENTS ?? (quick ? 1 : 4));
    const seconds = quick ? 4 : 30;
    ensureClientBuilt();
    const on = await startRelay({ RECORDING_ENABLED: 'true', RTC_MIN_PORT: '47200', RTC_MAX_PORT: '47599' });
    onTeardown('relay recording', () => on.close());
    const off = await startRelay({ RECORDING_ENABLED: 'false', RTC_MIN_PORT: '47600', RTC_MAX_PORT: '47999' });
    onTeardown('relay not recording', () => off.close());

    log(`recording: ${incidents} camera(s) on each relay, ${seconds} s window`);
    await camerasOn(on, incidents);
    await camerasOn(off, incidents);
    if (incidents > 0) await waitUntil(() => muxerPids(on.services.recordingPaths.root).length >= incidents * 2, 20_000, 'the muxers');
    await sleep(quick ? 1000 : 5000);
    const measured = await cost(on, off, seconds);
    const perIncident = {
      muxerCpuPercent: round((measured.muxerCores / incidents) * 100, 2),
      workerCpuPercent: round(((measured.workerCoresRecording - measured.workerCoresNotRecording) / incidents) * 100, 2),
      diskMegabytesPerHour: round((measured.bytesPerSecond * 3600) / incidents / 1e6, 1),
    };
    const coreFraction = (perIncident.muxerCpuPercent + Math.max(0, perIncident.workerCpuPercent)) / 100;
    const incidentsPerCore = coreFraction > 0 ? Math.floor(1 / coreFraction) : null;

    log('recording: glass-to-glass through a recording relay and a non-recording one, at the same time');
    // A browser per pair: the probe reads presented frames, which a page in a background tab never has.
    const browsers = [await launchBrowser(), await launchBrowser()];
    for (const browser of browsers) onTeardown('chromium (recording)', () => browser.close());
    const pairs = { off: await g2gPair(off, browsers[0]!), on: await g2gPair(on, browsers[1]!) };
    await sleep(quick ? 1000 : 5000);
    // The browser camera's own recording over the same window: a real camera page's bitrate.
    const pageDir = on.services.recordingPaths.incidentDir(pairs.on.incidentId);
    const pageMuxers = cpuMeter(() => muxerPids(pageDir));
    const pageBefore = { cpu: pageMuxers(), bytes: bytesUnder(pageDir), at: Date.now() };
    const statsBefore = { on: await pairs.on.stats(), off: await pairs.off.stats() };
    await Promise.all([pairs.on.start(), pairs.off.start()]);
    for (let second = 0; second < (quick ? 3 : 30); second++) {
      await sleep(1000);
      pageMuxers();
    }
    const [samplesOn, samplesOff] = await Promise.all([pairs.on.stop(), pairs.off.stop()]);
    const statsAfter = { on: await pairs.on.stats(), off: await pairs.off.stats() };
    const where = (key: 'on' | 'off') => {
      const [a, b] = [statsBefore[key], statsAfter[key]];
      const per = (num: number, den: number) => (den > 0 ? round((num / den) * 1000, 1) : null);
      return { pacerDelayMs: per(b.sendDelay - a.sendDelay, b.packetsSent - a.packetsSent), jitterBufferMs: per(b.jitterBufferDelay - a.jitterBufferDelay, b.emitted - a.emitted) };
    };
    const pageSeconds = (Date.now() - pageBefore.at) / 1000;
    const cameraPage = {
      muxerCpuPercent: round(((pageMuxers() - pageBefore.cpu) / pageSeconds) * 100, 2),
      diskMegabytesPerHour: round(((bytesUnder(pageDir) - pageBefore.bytes) / pageSeconds) * 3600 / 1e6, 1),
    };
    const g2g = { recording: { ...summarize(samplesOn), ...where('on') }, notRecording: { ...summarize(samplesOff), ...where('off') } };
    const addedMs = g2g.recording.median !== null && g2g.notRecording.median !== null ? round(g2g.recording.median - g2g.notRecording.median, 1) : null;

    return {
      results: { incidents, seconds, perIncident, incidentsPerCore, cameraPage, raw: measured, glassToGlass: { ...g2g, recordedIncident: pairs.on.recorded, addedByRecordingMs: addedMs } },
      targets: [target('glass-to-glass added by recording (median)', '≤ 5 ms', addedMs, 'ms', (v) => v <= 5)],
      method: [
        `${incidents} incident(s) on each of two relays in this process, one recording and one not; each incident's camera is ffmpeg sending VP8 (320x240, 15 fps, 300 kbit/s) and Opus (32 kbit/s) over RTP into the incident's router, its streams recorded as the officer's (the recording relay runs one gst-launch muxer per stream, ${incidents * 2} fed).`,
        `Over ${seconds} s: the CPU time of the muxers, and of each relay's media worker (the recording worker also copies every stream to its muxer), from /proc; disk written is the growth of RECORDING_DIR. Per incident = totals ÷ incidents; the worker's share is the recording worker's CPU minus the other's.`,
        'The browser camera page of the glass-to-glass pair is recorded too: its muxers\' CPU and its folder\'s growth over that window are a real camera page\'s figures (its bitrate is what the browser chose).',
        'Glass-to-glass: the real officer page (camera replaced by a canvas painting the clock) streams to each relay, and a watch page reads the clock back from every presented frame; both pairs are measured over the same window, so both see the same machine load.',
      ],
      notes: ['Each incident also has two idle muxers, for the signalling producers that carry no media; they are counted in the muxer CPU.'],
      table: [
        ['figure', 'value'],
        ['muxer CPU per incident', `${perIncident.muxerCpuPercent} % of a core`],
        ['media worker CPU per incident (recording − not)', `${perIncident.workerCpuPercent} % of a core`],
        ['disk per incident', `${perIncident.diskMegabytesPerHour} MB/hour`],
        ['recorded incidents per core (recording alone)', String(incidentsPerCore)],
        ['browser camera page: muxer CPU', `${cameraPage.muxerCpuPercent} % of a core`],
        ['browser camera page: disk', `${cameraPage.diskMegabytesPerHour} MB/hour`],
        ['glass-to-glass median, recording', `${g2g.recording.median} ms`],
        ['glass-to-glass median, not recording', `${g2g.notRecording.median} ms`],
      ],
      chart: [
        {
          title: 'Glass-to-glass with and without recording',
          unit: 'ms',
          groups: ['median', 'p95'],
          series: [
            { name: 'recording', values: [g2g.recording.median, g2g.recording.p95] },
            { name: 'not recording', values: [g2g.notRecording.median, g2g.notRecording.p95] },
          ],
        },
      ],
    };
  },
};

await benchMain(import.meta.url, recording);
