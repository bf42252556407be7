// Time to first frame: a clinician sees the officer's camera. Sightline's real pages (built client)
// against an in-process relay: the inbox's Join on a seat prepared while the grant was shown, and a
// grant link opened cold; interleaved in the same run with a subscriber join on Janus VideoRoom (in
// a network namespace: libnice ignores loopback).
//
//   npm run bench:ttff               (BENCH_QUICK=1 for a smoke run)
import type { Page } from 'playwright-core';
import { describePage, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { signedInAlready, startStreaming } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { endGrants, storedGrant } from '../helpers/scenario.ts';
import { JANUS_ROOM, startJanus, type JanusServer } from './lib/janus.ts';
import { isQuick, log, withJanus } from './lib/machine.ts';
import { createVethNamespace } from './lib/netns.ts';
import { onTeardown } from './lib/processes.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome } from './lib/report.ts';
import { serveBenchPages } from './lib/static-pages.ts';
import { firstFrameStatsScript, ttffProbeScript, type FirstFrames, type TtffProbe } from './lib/ttff-probe.ts';
import { ratio, round, summarize } from './lib/stats.ts';

interface Join {
  ttffMs: number;
  /** Sightline: start → `join` sent. Janus: start → subscriber offer. */
  setupMs: number;
  /** Sightline: `join` sent → its reply (the relay's work and the round trip). */
  replyMs?: number;
  /** Sightline: reply → video track attached (the browser's negotiation of the streams). */
  negotiateMs?: number;
  /**
   * Sightline: track attached → first frame shown (the camera's keyframe, decode, display).
   * Janus: its PeerConnection connected (ICE and DTLS done, Janus asks the camera for a keyframe) → first frame.
   */
  keyframeMs?: number;
  /** Sightline: the page's navigation start → the same first frame (page load included). */
  sinceNavigationMs?: number;
  /** The browser's receiver as the first frame was shown. */
  firstFrames: FirstFrames | null;
}

/** A fresh grant per join (tokens and prepared seats hold only while their grant is active); earlier ones end quietly. */
async function freshGrant(relay: TestRelay, incidentId: string) {
  await endGrants(relay, incidentId, DEMO.clinician.id);
  return storedGrant(relay, { incidentId, clinicianId: DEMO.clinician.id, permissions: ['view', 'talk'], expiresAt: Date.now() + 600_000 });
}

/** Opens a signed-in clinician page with the probe, runs `go`, and returns the probe's figures. */
async function timedJoin(browser: TestBrowser, relay: TestRelay, start: 'join' | 'click', go: (page: Page) => Promise<void>): Promise<Join> {
  const page = await browser.page(relay.url);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    let report: (p: TtffProbe) => void = () => undefined;
    const reported = new Promise<TtffProbe>((resolve, reject) => {
      report = resolve;
      timer = setTimeout(() => reject(new Error('no video frame within 20 s')), 20_000);
    });
    await page.exposeBinding('__ttffReport', (_source, p: TtffProbe) => report(p));
    await page.addInitScript(ttffProbeScript(start));
    // The clinician is signed in on this browser already (a link is redeemed only by them).
    await signedInAlready(page, relay, DEMO.clinician.id);
    await go(page);
    const p = await reported;
    const phase = (from: number | null, to: number | null) => (from !== null && to !== null ? to - from : undefined);
    return {
      ttffMs: p.firstFrame - p.start,
      setupMs: (p.joinSent ?? p.start) - p.start,
      // On bound receivers the track is attached while the page handles the reply, before the
      // probe's own listener hears it: nothing was negotiated, and the reply ends at the attach.
      replyMs: phase(p.joinSent, p.reply !== null && p.track !== null ? Math.min(p.reply, p.track) : p.reply),
      negotiateMs: p.reply !== null && p.track !== null && p.track < p.reply ? 0 : phase(p.reply, p.track),
      keyframeMs: phase(p.track, p.firstFrame),
      // performance.now() counts from the page's navigation start.
      sinceNavigationMs: p.firstFrame,
      firstFrames: p.firstFrames,
    };
  } finally {
    clearTimeout(timer);
    await page.context().close();
  }
}

/** The cold path: a grant link opened in a new page (navigation, page load and the whole join). */
async function linkJoin(browser: TestBrowser, relay: TestRelay, incidentId: string): Promise<Join> {
  const { token } = await freshGrant(relay, incidentId);
  return timedJoin(browser, relay, 'join', async (page) => {
    await page.goto(`${relay.url}/watch.html#incident=${encodeURIComponent(incidentId)}&token=${encodeURIComponent(token)}`);
  });
}

/** The inbox: the grant is shown and its seat prepared (connected); the clinician presses Join. */
async function inboxJoin(browser: TestBrowser, relay: TestRelay, incidentId: string): Promise<Join> {
  const { grantId } = await freshGrant(relay, incidentId);
  return timedJoin(browser, relay, 'click', async (page) => {
    await page.goto(`${relay.url}/inbox.html`);
    const entry = page.locator(`[data-testid="inbox-entry"][data-grant-id="${grantId}"][data-prepared="ready"]`);
    await entry.waitFor({ timeout: 15_000 }).catch(async (error: unknown) => {
      throw new Error(`the inbox never had grant ${grantId}'s seat ready: ${await whyNotPrepared(page, relay)}`, { cause: error });
    });
    // As a person would: a moment after the list settled, not in the same instant.
    await page.waitForTimeout(300);
    await entry.getByTestId('inbox-join').click();
  });
}

/** What the inbox and the relay say about a seat that was never ready: the entries' marks, the page, and the relay's refusals. */
async function whyNotPrepared(page: Page, relay: TestRelay): Promise<string> {
  const marks = await page
    .evaluate(() => ({
      visibility: document.visibilityState,
      entries: [...document.querySelectorAll<HTMLElement>('[data-testid="inbox-entry"]')].map((e) => `${e.dataset.grantId}: ${e.dataset.prepared ?? 'unprepared'}`),
      connections: ((window as unknown as { __ttffPcs?: RTCPeerConnection[] }).__ttffPcs ?? []).map((pc) => `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}`),
    }))
    .catch((error: Error) => ({ visibility: '?', entries: [`unreadable (${error.message.split('\n')[0]})`], connections: [] }));
  const refusals = (await relay.services.audit.log.entries())
    .filter((e) => e.outcome === 'denied')
    .slice(-5)
    .map((e) => `${e.action} ${e.outcome} ${JSON.stringify(e.target)} ${JSON.stringify(e.detail ?? {})}`.slice(0, 300));
  return (
    `page ${marks.visibility}, entries [${marks.entries.join(', ')}], peer connections (connection/ICE/signalling) [${marks.connections.join(', ')}]; ${await describePage(page)}; ` +
    (refusals.length ? `the relay's last refusals:\n  ${refusals.join('\n  ')}` : 'the relay refused nothing')
  );
}

async function janusJoin(browser: TestBrowser, pagesUrl: string, janus: JanusServer): Promise<Join> {
  const page = await browser.page(pagesUrl);
  try {
    await page.addInitScript(`window.firstFrameStats = ${firstFrameStatsScript};`);
    await page.goto(`${pagesUrl}/janus.html`);
    const r = await page.evaluate(
      ([url, room]) =>
        (window as unknown as { benchJanus: { subscribe: (u: string, r: number, f: number) => Promise<{ ttffMs: number; offerMs: number; connectedMs: number; firstFrames: FirstFrames | null }> } }).benchJanus.subscribe(url, room, 1),
      [janus.wsUrl, JANUS_ROOM] as const,
    );
    return { ttffMs: r.ttffMs, setupMs: r.offerMs, keyframeMs: Math.max(0, r.ttffMs - r.connectedMs), firstFrames: r.firstFrames };
  } finally {
    await page.context().close();
  }
}

const describe = (joins: Join[]) => ({
  ttffMs: summarize(joins.map((j) => j.ttffMs)),
  setupMs: summarize(joins.map((j) => j.setupMs)),
  samples: joins.map((j) => round(j.ttffMs, 1)),
});

/** The per-phase medians of a Sightline flow. */
const phases = (joins: Join[]) => ({
  setupMs: summarize(joins.map((j) => j.setupMs)).median,
  replyMs: summarize(joins.map((j) => j.replyMs ?? NaN)).median,
  negotiateMs: summarize(joins.map((j) => j.negotiateMs ?? NaN)).median,
  keyframeMs: summarize(joins.map((j) => j.keyframeMs ?? NaN)).median,
  // In the browser, as the first frame was shown: how long its frames had waited in the jitter
  // buffer, and how many had been decoded (more than one: those before it were not shown).
  heldInJitterBufferMs: summarize(joins.map((j) => j.firstFrames?.heldMs ?? NaN)).median,
  decodedByFirstShown: summarize(joins.map((j) => j.firstFrames?.decoded ?? NaN)).median,
});

type Flow = 'inbox' | 'link' | 'janus';

export const ttff: BenchDefinition = {
  name: 'ttff',
  title: 'Time to first frame (clinician join → first decoded frame)',
  async run(): Promise<BenchOutcome> {
    const quick = isQuick();
    const joins = Number(process.env.BENCH_TTFF_JOINS ?? (quick ? 3 : 30));
    const warmup = quick ? 1 : 3;
    const notes: string[] = [];
    ensureClientBuilt();
    const relay = await startRelay({ RTC_MIN_PORT: '45000', RTC_MAX_PORT: '45999', ...(process.env.KEYFRAME_REQUEST_DELAY_MS ? { KEYFRAME_REQUEST_DELAY_MS: process.env.KEYFRAME_REQUEST_DELAY_MS } : {}) });
    onTeardown('relay (ttff)', () => relay.close());
    const browser = await launchBrowser();
    onTeardown('chromium (ttff)', () => browser.close());
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const incidentId = relay.services.live.all()[0]!.incident.id;

    let janus: JanusServer | null = null;
    let pagesUrl = '';
    if (withJanus()) {
      const netns = createVethNamespace();
      janus = await startJanus({ netns });
      pagesUrl = (await serveBenchPages()).url;
      const publisher: Page = await browser.page(pagesUrl);
      await publisher.goto(`${pagesUrl}/janus.html`);
      await publisher.evaluate(
        ([url, room]) => (window as unknown as { benchJanus: { publish: (u: string, r: number, id: number) => Promise<void> } }).benchJanus.publish(url, room, 1),
        [janus.wsUrl, JANUS_ROOM] as const,
      );
    } else notes.push('Janus skipped (quick mode without Janus or root; BENCH_JANUS=1 to force it).');

    const measured: Record<Flow, Join[]> = { inbox: [], link: [], janus: [] };
    const flows: Flow[] = janus ? ['inbox', 'link', 'janus'] : ['inbox', 'link'];
    const join = (flow: Flow): Promise<Join> =>
      flow === 'inbox' ? inboxJoin(browser, relay, incidentId) : flow === 'link' ? linkJoin(browser, relay, incidentId) : janusJoin(browser, pagesUrl, janus!);
    for (let i = 0; i < warmup + joins; i++) {
      // Interleaved, the order rotating every round, so that every flow sees the same machine state.
      for (let k = 0; k < flows.length; k++) {
        const flow = flows[(i + k) % flows.length]!;
        const j = await join(flow);
        if (i >= warmup) measured[flow].push(j);
      }
      if (i >= warmup) log(`ttff: round ${i - warmup + 1}/${joins}: ${flows.map((f) => `${f} ${round(measured[f].at(-1)!.ttffMs, 1)} ms`).join(', ')}`);
    }
    const inbox = describe(measured.inbox);
    const link = describe(measured.link);
    const j = janus ? describe(measured.janus) : null;
    const medianRatio = ratio(inbox.ttffMs.median, j?.ttffMs.median);
    const linkRatio = ratio(link.ttffMs.median, j?.ttffMs.median);
    const linkSinceNavigation = summarize(measured.link.map((o) => o.sinceNavigationMs ?? NaN));
    const cell = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '—');
    const row = (name: string, d: ReturnType<typeof describe> | null, p: ReturnType<typeof phases> | null) =>
      d
        ? [name, cell(d.ttffMs.median), cell(d.ttffMs.p95), cell(d.ttffMs.min), cell(d.ttffMs.max), cell(p?.setupMs ?? d.setupMs.median), cell(p?.replyMs), cell(p?.negotiateMs), cell(p?.keyframeMs), cell(p?.heldInJitterBufferMs), String(d.ttffMs.n)]
        : [name, '—', '—', '—', '—', '—', '—', '—', '—', '—', '0'];
    return {
      results: {
        joins,
        inbox: { flow: 'the inbox (client/dist/inbox.html) with the grant shown and its seat prepared (connected); Join pressed → first frame', ...inbox, phases: phases(measured.inbox) },
        link: {
          flow: 'a grant link (view+talk) opened in a new page (client/dist/watch.html): the join’s start → first frame',
          ...link,
          phases: phases(measured.link),
          sinceNavigationMs: linkSinceNavigation,
        },
        janus: j ? { flow: 'bench page test/bench/pages/janus.html: VideoRoom subscriber over the WebSocket API, trickle ICE', ...j, phases: phases(measured.janus) } : { skipped: 'quick mode' },
        medianRatio,
        // What no join can skip: the camera's keyframe after the viewer asks for it. Against Janus's
        // whole join it bounds the ratio any pre-connection can reach.
        keyframeShareOfJanus: ratio(phases(measured.inbox).keyframeMs, j?.ttffMs.median),
        linkRatio,
      },
      targets: [
        target('pre-connected join (inbox): median vs Janus', '≤ 0.5×', medianRatio, '×', (v) => v <= 0.5),
        target('grant link: median join start → first frame', '≤ 150 ms', link.ttffMs.median, 'ms', (v) => v <= 150),
      ],
      method: [
        `Sightline, pre-connected (inbox): the real inbox page (built client), signed in, shows a fresh view+talk grant on the incident and prepares its seat (socket, Device, receive transport connected through an idle data channel, nothing consumed); once the entry says it is ready and 300 ms later, Join is clicked. TTFF runs from the click (timed inside the page) to the first requestVideoFrameCallback on the viewer's <video>.`,
        `Sightline, cold (grant link): the real watch page opens a fresh grant link in a new page; TTFF runs from the start of the page's join (the first of its capabilities fetch, its WebSocket and the RTCPeerConnections that probe the browser) to the first frame; "sinceNavigationMs" runs from the page's navigation start (page load included).`,
        `Phases (Sightline, medians): setup = start → \`join\` sent; reply = \`join\` sent → its reply; negotiate = reply → video track attached (the browser sets up the received streams; 0 on receivers bound ahead, where the track is attached as the reply is handled); keyframe = track attached → first frame shown (the camera's keyframe, decode, display). Janus: setup = start → subscriber offer; keyframe = its PeerConnection connected → first frame shown (Janus asks the camera for a keyframe once the subscriber is up). Both: jitter buffer = the mean time the video's frames had spent in the browser's jitter buffer (first packet in → out to the decoder, RTCInboundRtpStreamStats) when the first frame was shown; "decodedByFirstShown" counts the frames decoded by then. Both are read as the first frame's callback runs (getStats takes a few milliseconds: on a busy page a frame decoded meanwhile can count too). Both run against an in-process relay (1 mediasoup worker, loopback) while the real officer page streams Chromium's fake camera. ${joins} rounds after ${warmup} warm-up rounds, a fresh browser context each join.`,
        'Janus 1.1.2 VideoRoom (config generated by the bench) runs in a private network namespace joined by a veth pair, since libnice ignores loopback; a bench-only page publishes the same fake camera with the officer page\'s constraints, and each join opens the Janus WebSocket from an already loaded page, creates a session, attaches, joins as subscriber, answers and starts; TTFF runs from opening the WebSocket to the first requestVideoFrameCallback.',
        'The three flows are interleaved in one Chromium, the order rotating every round, so all see the same load.',
      ],
      notes,
      table: [
        ['flow', 'median ms', 'p95 ms', 'min ms', 'max ms', 'setup ms', 'reply ms', 'negotiate ms', 'keyframe ms', 'jitter buffer ms', 'joins'],
        row('Sightline, pre-connected (inbox click)', inbox, phases(measured.inbox)),
        row('Sightline, grant link (join start)', link, phases(measured.link)),
        row('Janus (subscriber join)', j, j ? phases(measured.janus) : null),
      ],
      chart: [
        {
          title: 'Time to first frame',
          unit: 'ms',
          groups: ['median', 'p95', 'min', 'max'],
          series: [
            { name: 'Sightline pre-connected', values: [inbox.ttffMs.median, inbox.ttffMs.p95, inbox.ttffMs.min, inbox.ttffMs.max] },
            { name: 'Sightline grant link', values: [link.ttffMs.median, link.ttffMs.p95, link.ttffMs.min, link.ttffMs.max] },
            ...(j ? [{ name: 'Janus', values: [j.ttffMs.median, j.ttffMs.p95, j.ttffMs.min, j.ttffMs.max] }] : []),
          ],
          ...(j?.ttffMs.median ? { target: { value: j.ttffMs.median / 2, label: '0.5× Janus' } } : {}),
        },
      ],
    };
  },
};

await benchMain(import.meta.url, ttff);
