// Live video and audio over cellular-like links, through the relay and over a direct peer
// connection side by side. One end sits in a network namespace behind a router namespace whose
// links are impaired (nftables loss, tbf rate; `impair()` in test/helpers/netns.ts): the officer
// for uplink profiles, the clinician for downlink ones. In each profile the real officer page
// streams its canvas camera (the glass-to-glass probe) through the relay to the real watch page,
// and the same two pages hold a direct RTCPeerConnection over the same impaired links.
//
//   npm run bench:network            (BENCH_QUICK=1 for a smoke run)
//   BENCH_PROFILES='uplink 5 % loss' BENCH_SECONDS=20 npm run bench:network   (some profiles, shorter;
//   separate names with ';' when one holds a comma)
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Page } from 'playwright-core';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { impairedIncident } from '../helpers/impaired-incident.ts';
import type { TestNamespace } from '../helpers/netns.ts';
import type { TestRelay } from '../helpers/relay.ts';
import { connectDirect, pathStats, PROBE, type PathStat, type WithProbe } from './lib/g2g.ts';
import { isQuick, log } from './lib/machine.ts';
import { pathWindow, type PathWindow } from './lib/path-window.ts';
import { onTeardown, sleep, waitUntil } from './lib/processes.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome, type Target } from './lib/report.ts';
import { ratio } from './lib/stats.ts';

type Side = 'uplink' | 'downlink';

interface Profile {
  name: string;
  side: Side;
  lossPercent?: number;
  rateKbit?: number;
}

const PROFILES: readonly Profile[] = [
  { name: 'clean', side: 'uplink' },
  { name: 'uplink 1 % loss, 2 Mbit/s', side: 'uplink', lossPercent: 1, rateKbit: 2000 },
  { name: 'uplink 3 % loss', side: 'uplink', lossPercent: 3 },
  { name: 'uplink 5 % loss', side: 'uplink', lossPercent: 5 },
  { name: 'uplink 3 % loss, 800 kbit/s', side: 'uplink', lossPercent: 3, rateKbit: 800 },
  { name: 'uplink 400 kbit/s', side: 'uplink', rateKbit: 400 },
  { name: 'downlink 3 % loss', side: 'downlink', lossPercent: 3 },
  { name: 'downlink 5 % loss', side: 'downlink', lossPercent: 5 },
];
const QUICK_PROFILES = ['uplink 3 % loss', 'downlink 3 % loss'];
const POLL_MS = 250;
const SETTLE_MS = 3000;

interface Stage {
  ns: TestNamespace;
  relay: TestRelay;
  officer: Page;
  viewer: Page;
  close(): Promise<void>;
}

const probe = (page: Page) => page.evaluate.bind(page);

/** The relay's simulcast video consumers (seen through mediasoup's observer), for the layers it forwards. */
const simulcastConsumers = new Set<types.Consumer>();
mediasoup.observer.on('newworker', (worker) =>
  worker.observer.on('newrouter', (router) =>
    router.observer.on('newtransport', (transport) =>
      transport.observer.on('newconsumer', (consumer) => {
        if (consumer.kind !== 'video' || consumer.type !== 'simulcast') return;
        simulcastConsumers.add(consumer);
        consumer.observer.once('close', () => simulcastConsumers.delete(consumer));
      }),
    ),
  ),
);

/** The spatial and temporal layer the relay forwards to the clinician now, if any. */
function forwardedLayers(): { spatial: number; temporal: number } | null {
  for (const consumer of simulcastConsumers) {
    const layers = consumer.currentLayers;
    if (layers) return { spatial: layers.spatialLayer, temporal: layers.temporalLayer ?? 0 };
  }
  return null;
}

/** A relay, an officer page and a watch page, one of them behind the namespace's router, joined directly too. */
async function stage(side: Side): Promise<Stage> {
  const incident = await impairedIncident(side === 'uplink' ? 'officer' : 'clinician', { relayEnv: { RTC_MIN_PORT: '30000', RTC_MAX_PORT: '30999' }, initScript: PROBE });
  const { ns, relay, officer, clinician: viewer } = incident;
  try {
    await probe(viewer)(() => (window as unknown as WithProbe).__g2g.readRelay());
    await connectDirect(officer, viewer);
    await probe(viewer)(() => (window as unknown as WithProbe).__g2g.record(true));
    await waitUntil(
      async () => {
        const c = await probe(viewer)(() => (window as unknown as WithProbe).__g2g.counts());
        return c.relay > 0 && c.direct > 0;
      },
      30_000,
      'frames on both paths',
    );
    return { ns, relay, officer, viewer, close: () => incident.close() };
  } catch (error) {
    await incident.close();
    throw error;
  }
}

/** Reads both paths over `seconds` (frames read back, stats polled, layers forwarded). */
async function readWindow(s: Stage, seconds: number): Promise<{ relay: PathWindow; direct: PathWindow; forwarded: Record<string, number> }> {
  await probe(s.viewer)(() => {
    const p = (window as unknown as WithProbe).__g2g;
    const r = p.results();
    r.samples.relay.length = 0;
    r.samples.direct.length = 0;
    p.record(true);
  });
  const before = await pathStats(s.viewer);
  const polls: PathStat[][] = [before];
  /** How often each layer (spatial/temporal) was the one forwarded, over the polls. */
  const forwarded: Record<string, number> = {};
  const endAt = Date.now() + seconds * 1000;
  while (Date.now() < endAt) {
    await sleep(POLL_MS);
    polls.push(await pathStats(s.viewer));
    const layers = forwardedLayers();
    const key = layers ? `S${layers.spatial}T${layers.temporal}` : 'none';
    forwarded[key] = (forwarded[key] ?? 0) + 1;
  }
  const after = polls.at(-1)!;
  const { samples } = await probe(s.viewer)(() => {
    const p = (window as unknown as WithProbe).__g2g;
    p.record(false);
    return p.results();
  });
  return {
    relay: pathWindow('relay', before, after, polls, POLL_MS, samples.relay, seconds),
    direct: pathWindow('direct', before, after, polls, POLL_MS, samples.direct, seconds),
    forwarded,
  };
}

const sending = (s: Stage, path: 'relay' | 'direct', on: boolean) =>
  s.officer.evaluate(([p, o]) => (window as unknown as WithProbe).__g2g.setSending(p as 'relay' | 'direct', o as boolean), [path, on] as const);

/**
 * One profile: impair, settle, measure, restore. Both paths are measured at once, except on a
 * rate-limited link, which two paths would share: there each is measured alone, one after the
 * other, with the other path's sending held.
 */
async function measure(s: Stage, profile: Profile, seconds: number): Promise<{ relay: PathWindow; direct: PathWindow; forwarded: Record<string, number>; oneAtATime: boolean }> {
  s.ns.impair({ lossPercent: profile.lossPercent, rateKbit: profile.rateKbit });
  const oneAtATime = profile.rateKbit !== undefined;
  let result: { relay: PathWindow; direct: PathWindow; forwarded: Record<string, number> };
  if (!oneAtATime) {
    await sleep(SETTLE_MS);
    result = await readWindow(s, seconds);
  } else {
    await sending(s, 'direct', false);
    await sleep(SETTLE_MS);
    const relayAlone = await readWindow(s, seconds);
    await sending(s, 'direct', true);
    await sending(s, 'relay', false);
    await sleep(SETTLE_MS);
    const directAlone = await readWindow(s, seconds);
    await sending(s, 'relay', true);
    result = { relay: relayAlone.relay, direct: directAlone.direct, forwarded: relayAlone.forwarded };
  }
  s.ns.impair({});
  const { relay, direct, forwarded } = result;
  log(`network: ${profile.name}: relay ${relay.framesShownPerSecond} frames/s, ${relay.freezeSeconds} s frozen, layer ${relay.frameHeight}p (${JSON.stringify(forwarded)}); direct ${direct.framesShownPerSecond} frames/s, ${direct.freezeSeconds} s frozen${oneAtATime ? ' (one path at a time)' : ''}`);
  if (oneAtATime) await sleep(SETTLE_MS); // both paths recover their rate before the next profile
  return { ...result, oneAtATime };
}

/** The reported targets of one profile (never enforced). */
function targetsOf(profile: Profile, r: { relay: PathWindow; direct: PathWindow }, seconds: number): Target[] {
  const out: Target[] = [];
  if ((profile.lossPercent ?? 0) <= 5) {
    const perMinute = (v: number) => (v * 60) / seconds;
    const extra = Math.round((perMinute(r.relay.freezeSeconds) - perMinute(r.direct.freezeSeconds)) * 100) / 100;
    out.push(target(`${profile.name}: relay freeze time over direct`, '≤ 0.2 s per minute', extra, 's/min', (v) => v <= 0.2));
    out.push(target(`${profile.name}: frames shown, relay / direct`, '≥ 0.95×', ratio(r.relay.framesShownPerSecond, r.direct.framesShownPerSecond), '×', (v) => v >= 0.95));
    // A ratio of two shares near zero says nothing (0.2 % against 0.1 % is 2×): within 0.2
    // percentage points of direct counts as met.
    const concealment = ratio(r.relay.audioConcealment, r.direct.audioConcealment);
    const close = r.relay.audioConcealment !== null && r.direct.audioConcealment !== null && r.relay.audioConcealment - r.direct.audioConcealment <= 0.002;
    out.push({ ...target(`${profile.name}: audio concealment, relay / direct`, '≤ 1.1× (or within 0.2 points)', concealment, '×', (v) => v <= 1.1), ...(close ? { met: true } : {}) });
  }
  if (profile.rateKbit === 400) {
    out.push(target(`${profile.name}: relay video frames/s (lower layer)`, '≥ 10', r.relay.framesShownPerSecond, 'frames/s', (v) => v >= 10));
    out.push(target(`${profile.name}: longest relay audio gap`, '≤ 200 ms', r.relay.longestAudioGapMs, 'ms', (v) => v <= 200));
  }
  return out;
}

export const network: BenchDefinition = {
  name: 'network',
  title: 'Live picture and voice over impaired cellular-like links (relay vs direct peer connection)',
  async run(): Promise<BenchOutcome> {
    const quick = isQuick();
    const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 4 : 60));
    ensureClientBuilt();
    // Names are separated by ';' (a name may hold a comma), or by ',' when there is no ';'.
    const list = process.env.BENCH_PROFILES;
    const only = list?.split(list.includes(';') ? ';' : ',').map((name) => name.trim());
    const profiles = PROFILES.filter((p) => (only ? only.includes(p.name) : !quick || QUICK_PROFILES.includes(p.name)));
    const results: Array<{ profile: Profile; relay: PathWindow; direct: PathWindow; forwarded: Record<string, number>; oneAtATime: boolean }> = [];
    for (const side of ['uplink', 'downlink'] as const) {
      const mine = profiles.filter((p) => p.side === side);
      if (mine.length === 0) continue;
      const s = await stage(side);
      const release = onTeardown(`network stage (${side})`, () => s.close());
      for (const profile of mine) results.push({ profile, ...(await measure(s, profile, seconds)) });
      await release();
    }
    const row = (label: string, p: PathWindow) => [
      label,
      String(p.framesShownPerSecond),
      `${p.freezeCount} / ${p.freezeSeconds} s`,
      `${p.glassToGlassMs.median ?? '–'} / ${p.glassToGlassMs.p95 ?? '–'}`,
      p.videoPlayoutDelayMs === null ? '–' : String(p.videoPlayoutDelayMs),
      String(p.receivedKbps),
      p.frameHeight === null ? '–' : `${p.frameHeight}p`,
      String(p.retransmissionsReceived),
      p.audioConcealment === null ? '–' : `${Math.round(p.audioConcealment * 1000) / 10} %`,
      String(p.longestAudioGapMs),
    ];
    return {
      results: { seconds, profiles: results.map((r) => ({ ...r.profile, oneAtATime: r.oneAtATime, relay: { ...r.relay, forwardedLayers: r.forwarded }, direct: r.direct })) },
      targets: results.flatMap((r) => targetsOf(r.profile, r, seconds)),
      method: [
        'The real officer page streams through the relay to the real watch page (view grant); its camera is the glass-to-glass probe\'s 640x480 canvas sent as simulcast (three layers), its microphone Chromium\'s fake beep. The same two pages also hold a direct RTCPeerConnection (VP8, one layer) carrying the same canvas and microphone.',
        'For uplink profiles the officer\'s Chromium sits in a network namespace behind a router namespace; for downlink profiles the clinician\'s does. The router drops the given share of the UDP packets it forwards, either way (nftables numgen), and limits each of its links to the given rate (tbf); the relay and the other page are on the host. Both paths cross the same impaired links.',
        'On a rate-limited profile the two paths would share the one link and each get about half of it, so there each path is measured alone, one after the other, with the other path\'s sending held (its tracks replaced by none); loss-only profiles measure both at once.',
        `Each profile is applied, left ${SETTLE_MS / 1000} s to settle, then measured for ${seconds} s: frames presented per path (each read back by the probe, which also gives glass-to-glass latency), freezes (freezeCount, totalFreezesDuration), received bitrate and frame height, retransmissions received and keyframe requests from the receiver's inbound-rtp statistics, and audio concealment (concealedSamples / totalSamplesReceived); audio statistics are polled every ${POLL_MS} ms for the longest stretch of concealed audio.`,
      ],
      notes: quick ? ['Quick mode: two profiles, a few seconds each; figures are not representative.'] : [],
      table: [
        ['profile', 'path', 'frames shown/s', 'freezes / frozen', 'g2g median / p95 ms', 'video playout delay ms', 'kbit/s', 'layer', 'retransmissions', 'audio concealed', 'longest audio gap ms'],
        ...results.flatMap((r) => [[r.profile.name, ...row('relay', r.relay)], [r.profile.name, ...row('direct', r.direct)]]),
      ],
      chart: [
        {
          title: 'Frames shown per second',
          unit: 'frames/s',
          groups: results.map((r) => r.profile.name),
          series: [
            { name: 'Sightline relay', values: results.map((r) => r.relay.framesShownPerSecond) },
            { name: 'direct', values: results.map((r) => r.direct.framesShownPerSecond) },
          ],
        },
        {
          title: 'Time frozen',
          unit: 's',
          groups: results.map((r) => r.profile.name),
          series: [
            { name: 'Sightline relay', values: results.map((r) => r.relay.freezeSeconds) },
            { name: 'direct', values: results.map((r) => r.direct.freezeSeconds) },
          ],
        },
      ],
    };
  },
};

await benchMain(import.meta.url, network);
