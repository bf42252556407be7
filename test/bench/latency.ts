// Glass-to-glass latency: the officer page's camera is replaced by a canvas that paints the clock
// as a pixel code; the clinician's watch page reads the code back from every presented frame.
// Measured through the relay and, at the same time between the same two pages, over a direct
// RTCPeerConnection, so the relay's cost is the difference.
//
//   npm run bench:latency            (BENCH_QUICK=1 for a smoke run)
import { launchBrowser, waitForState } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { signedInAlready, startStreaming } from '../helpers/pages.ts';
import { DEMO, startRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';
import { isQuick, log } from './lib/machine.ts';
import { onTeardown, sleep, waitUntil } from './lib/processes.ts';
import { connectDirect, pathStats, PROBE, type PathStat, type WithProbe } from './lib/g2g.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome } from './lib/report.ts';
import { ratio, summarize } from './lib/stats.ts';


/** Where each path's time goes over the window, from the senders' and receivers' WebRTC stats. */
function breakdown(before: PathStat[], after: PathStat[], path: 'relay' | 'direct', seconds: number) {
  const pick = (list: PathStat[], dir: 'in' | 'out') => list.find((s) => s.path === path && s.dir === dir);
  const delta = (dir: 'in' | 'out', key: string) => Number(pick(after, dir)?.[key] ?? 0) - Number(pick(before, dir)?.[key] ?? 0);
  const per = (dir: 'in' | 'out', num: string, den: string, scale = 1000) => {
    const d = delta(dir, den);
    return d > 0 ? Math.round((delta(dir, num) / d) * scale * 10) / 10 : null;
  };
  const out = pick(after, 'out');
  return {
    sender: {
      encodeMs: per('out', 'totalEncodeTime', 'framesEncoded'),
      pacerDelayMs: per('out', 'totalPacketSendDelay', 'packetsSent'),
      sentMbps: Math.round(((delta('out', 'bytesSent') * 8) / 1e6 / seconds) * 100) / 100,
      targetBitrateMbps: typeof out?.targetBitrate === 'number' ? Math.round((out.targetBitrate / 1e6) * 100) / 100 : null,
      qualityLimitation: out?.qualityLimitationReason ?? null,
      retransmissions: delta('out', 'retransmittedPacketsSent'),
    },
    receiver: {
      jitterBufferMs: per('in', 'jitterBufferDelay', 'jitterBufferEmittedCount'),
      decodeMs: per('in', 'totalDecodeTime', 'framesDecoded'),
      packetsLost: delta('in', 'packetsLost'),
      nacks: delta('in', 'nackCount'),
      framesDropped: delta('in', 'framesDropped'),
    },
  };
}


export const latency: BenchDefinition = {
  name: 'latency',
  title: 'Glass-to-glass latency (relay vs direct peer connection)',
  async run(): Promise<BenchOutcome> {
    const quick = isQuick();
    const seconds = quick ? 3 : 40;
    ensureClientBuilt();
    const relay = await startRelay({ RTC_MIN_PORT: '46200', RTC_MAX_PORT: '46999' });
    onTeardown('relay (latency)', () => relay.close());
    const browser = await launchBrowser();
    onTeardown('chromium (latency)', () => browser.close());

    const officer = await browser.page(relay.url);
    await officer.addInitScript({ path: PROBE });
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const incidentId = relay.services.live.all()[0]!.incident.id;
    // A supervisor grants the clinician view access through the HTTP API, as in production.
    const { token } = await grant(relay, incidentId, { permissions: ['view'], ttlSeconds: 3600, clinicianId: DEMO.clinician.id });
    const viewer = await browser.page(relay.url);
    await viewer.addInitScript({ path: PROBE });
    await signedInAlready(viewer, relay, DEMO.clinician.id);
    await viewer.goto(`${relay.url}/watch.html#incident=${encodeURIComponent(incidentId)}&token=${encodeURIComponent(token)}`);
    await waitForState(viewer, 'joined');
    await viewer.evaluate(() => (window as unknown as WithProbe).__g2g.readRelay());
    await connectDirect(officer, viewer);

    // Both paths must be decoding before the window opens; then let bandwidth estimation settle.
    await viewer.evaluate(() => (window as unknown as WithProbe).__g2g.record(true));
    await waitUntil(
      async () => {
        const c = await viewer.evaluate(() => (window as unknown as WithProbe).__g2g.counts());
        return c.relay > 0 && c.direct > 0;
      },
      20_000,
      'decoded pixel codes on both paths',
    );
    await viewer.evaluate(() => (window as unknown as WithProbe).__g2g.record(false));
    await sleep(quick ? 1000 : 5000);
    await viewer.evaluate(() => {
      const probe = (window as unknown as WithProbe).__g2g;
      const r = probe.results();
      r.samples.relay.length = 0;
      r.samples.direct.length = 0;
      r.undecodable.relay = 0;
      r.undecodable.direct = 0;
      probe.record(true);
    });
    log(`latency: recording ${seconds} s`);
    const statsBefore = [...(await pathStats(officer)), ...(await pathStats(viewer))];
    await sleep(seconds * 1000);
    const statsAfter = [...(await pathStats(officer)), ...(await pathStats(viewer))];
    const { samples, undecodable } = await viewer.evaluate(() => {
      const probe = (window as unknown as WithProbe).__g2g;
      probe.record(false);
      return probe.results();
    });
    const relayMs = summarize(samples.relay);
    const directMs = summarize(samples.direct);
    const medianRatio = ratio(relayMs.median, directMs.median);
    const fps = (n: number) => Math.round((n / seconds) * 10) / 10;
    log(`latency: relay median ${relayMs.median} ms, direct ${directMs.median} ms`);
    return {
      results: {
        seconds,
        relay: { ...relayMs, framesPerSecond: fps(samples.relay.length), undecodable: undecodable.relay, ...breakdown(statsBefore, statsAfter, 'relay', seconds) },
        direct: { ...directMs, framesPerSecond: fps(samples.direct.length), undecodable: undecodable.direct, ...breakdown(statsBefore, statsAfter, 'direct', seconds) },
        medianRatio,
        addedByRelayMs: relayMs.median !== null && directMs.median !== null ? Math.round((relayMs.median - directMs.median) * 100) / 100 : null,
      },
      targets: [target('median latency vs direct', '≤ 1.1×', medianRatio, '×', (v) => v <= 1.1)],
      method: [
        'The real officer page streams through the relay, but its camera is a 640x480 canvas (captureStream, 30 fps) that paints the wall clock (ms, 32 bits + checksum) as black/white blocks on every frame; audio is Chromium\'s fake microphone.',
        'The real watch page (view grant) receives it; on every presented frame (requestVideoFrameCallback) the probe draws the <video> into a small canvas, reads the blocks back (getImageData) and records now − painted time; frames failing the checksum are counted, not used.',
        `At the same time the same two pages hold a direct RTCPeerConnection (VP8, like the relay path) carrying the same canvas track and microphone, read the same way; both paths are recorded together for ${seconds} s after a settling period, on one machine clock.`,
        'On both paths video and audio are separate streams (no lip sync), as the watch page plays them; the JSON breaks each path down into encode, pacer, jitter-buffer and decode time from WebRTC statistics.',
      ],
      notes: [],
      table: [
        ['path', 'median ms', 'p95 ms', 'min ms', 'max ms', 'frames/s read', 'undecodable'],
        ['relay (Sightline)', String(relayMs.median), String(relayMs.p95), String(relayMs.min), String(relayMs.max), String(fps(samples.relay.length)), String(undecodable.relay)],
        ['direct peer connection', String(directMs.median), String(directMs.p95), String(directMs.min), String(directMs.max), String(fps(samples.direct.length)), String(undecodable.direct)],
      ],
      chart: [
        {
          title: 'Glass-to-glass latency',
          unit: 'ms',
          groups: ['median', 'p95', 'min', 'max'],
          series: [
            { name: 'Sightline relay', values: [relayMs.median, relayMs.p95, relayMs.min, relayMs.max] },
            { name: 'direct', values: [directMs.median, directMs.p95, directMs.min, directMs.max] },
          ],
        },
      ],
    };
  },
};

await benchMain(import.meta.url, latency);
