// Time to first frame: a clinician opens a grant link and sees the officer's camera. Sightline's
// real watch page (built client) against an in-process relay, interleaved in the same run with
// the same measure against Janus VideoRoom (in a network namespace: libnice ignores loopback).
//
//   npm run bench:ttff               (BENCH_QUICK=1 for a smoke run)
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { signedInAlready, startStreaming } from '../helpers/pages.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { storedGrant } from '../helpers/scenario.ts';
import { JANUS_ROOM, startJanus, type JanusServer } from './lib/janus.ts';
import { isQuick, log, withJanus } from './lib/machine.ts';
import { createVethNamespace } from './lib/netns.ts';
import { onTeardown } from './lib/processes.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome } from './lib/report.ts';
import { serveBenchPages } from './lib/static-pages.ts';
import { ratio, round, summarize, type Summary } from './lib/stats.ts';

/**
 * Injected into the watch page before its own scripts: notes when the join starts (the first of
 * the router capabilities fetch, the WebSocket and the RTCPeerConnections that probe the
 * browser, whichever the page begins with), when `join` is sent, and the first video frame
 * presented (requestVideoFrameCallback on the element the page attaches it to).
 * The figures are handed out through a binding once the frame is shown, so that nothing runs
 * in the page while it joins (polling from outside would inject a helper script into the page
 * in the middle of the join).
 */
const WATCH_PROBE = `(() => {
  const probe = { start: null, joinSent: null, firstFrame: null };
  window.__ttff = probe;
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input instanceof Request ? input.url : String(input);
    if (url.includes('/api/media/capabilities')) probe.start ??= performance.now();
    return fetch0.call(this, input, init);
  };
  for (const name of ['WebSocket', 'RTCPeerConnection']) {
    window[name] = new Proxy(window[name], {
      construct(target, args, newTarget) {
        probe.start ??= performance.now();
        return Reflect.construct(target, args, newTarget);
      },
    });
  }
  const send0 = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (probe.joinSent === null && typeof data === 'string' && data.includes('"type":"join"')) probe.joinSent = performance.now();
    return send0.call(this, data);
  };
  const src = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    configurable: true,
    get() { return src.get.call(this); },
    set(value) {
      src.set.call(this, value);
      if (value && this instanceof HTMLVideoElement) this.requestVideoFrameCallback((now) => {
        if (probe.firstFrame !== null) return;
        probe.firstFrame = now;
        if (probe.start !== null) window.__ttffReport(probe);
      });
    },
  });
})();`;

interface Join {
  ttffMs: number;
  /** Sightline: join start → `join` sent (device load + socket). Janus: start → subscriber offer. */
  setupMs: number;
  /** Sightline: the page's navigation start → the same first frame (page load included). */
  sinceNavigationMs?: number;
}

async function sightlineJoin(browser: TestBrowser, relay: TestRelay, incidentId: string): Promise<Join> {
  // A real grant record per join (tokens are only accepted while their grant is in the store).
  const { token } = await storedGrant(relay, {
    incidentId,
    clinicianId: DEMO.clinician.id,
    permissions: ['view', 'talk'],
    expiresAt: Date.now() + 600_000,
  });
  const page = await browser.page(relay.url);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    type Probe = { start: number; joinSent: number | null; firstFrame: number };
    let report: (p: Probe) => void = () => undefined;
    const reported = new Promise<Probe>((resolve, reject) => {
      report = resolve;
      timer = setTimeout(() => reject(new Error('no video frame within 20 s')), 20_000);
    });
    await page.exposeBinding('__ttffReport', (_source, p: Probe) => report(p));
    await page.addInitScript(WATCH_PROBE);
    // The clinician is signed in on this browser already (a link is redeemed only by them).
    await signedInAlready(page, relay, DEMO.clinician.id);
    await page.goto(`${relay.url}/watch.html#incident=${encodeURIComponent(incidentId)}&token=${encodeURIComponent(token)}`);
    const p = await reported;
    // performance.now() counts from the page's navigation start.
    return { ttffMs: p.firstFrame - p.start, setupMs: (p.joinSent ?? p.start) - p.start, sinceNavigationMs: p.firstFrame };
  } finally {
    clearTimeout(timer);
    await page.context().close();
  }
}

async function janusJoin(browser: TestBrowser, pagesUrl: string, janus: JanusServer): Promise<Join> {
  const page = await browser.page(pagesUrl);
  try {
    await page.goto(`${pagesUrl}/janus.html`);
    const r = await page.evaluate(
      ([url, room]) => (window as unknown as { benchJanus: { subscribe: (u: string, r: number, f: number) => Promise<{ ttffMs: number; offerMs: number }> } }).benchJanus.subscribe(url, room, 1),
      [janus.wsUrl, JANUS_ROOM] as const,
    );
    return { ttffMs: r.ttffMs, setupMs: r.offerMs };
  } finally {
    await page.context().close();
  }
}

const describe = (joins: Join[]): { ttffMs: Summary; setupMs: Summary; samples: number[] } => ({
  ttffMs: summarize(joins.map((j) => j.ttffMs)),
  setupMs: summarize(joins.map((j) => j.setupMs)),
  samples: joins.map((j) => round(j.ttffMs, 1)),
});

export const ttff: BenchDefinition = {
  name: 'ttff',
  title: 'Time to first frame (clinician join → first decoded frame)',
  async run(): Promise<BenchOutcome> {
    const quick = isQuick();
    const joins = quick ? 3 : 30;
    const warmup = quick ? 1 : 3;
    const notes: string[] = [];
    ensureClientBuilt();
    const relay = await startRelay({ RTC_MIN_PORT: '45000', RTC_MAX_PORT: '45999' });
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

    const ours: Join[] = [];
    const theirs: Join[] = [];
    for (let i = 0; i < warmup + joins; i++) {
      // Interleave, alternating which goes first, so that both see the same machine state.
      const order = i % 2 === 0 ? (['s', 'j'] as const) : (['j', 's'] as const);
      for (const who of order) {
        if (who === 's') {
          const j = await sightlineJoin(browser, relay, incidentId);
          if (i >= warmup) ours.push(j);
        } else if (janus) {
          const j = await janusJoin(browser, pagesUrl, janus);
          if (i >= warmup) theirs.push(j);
        }
      }
      if (i >= warmup) log(`ttff: join ${i - warmup + 1}/${joins}: sightline ${round(ours.at(-1)!.ttffMs, 1)} ms${janus ? `, janus ${round(theirs.at(-1)!.ttffMs, 1)} ms` : ''}`);
    }
    const s = describe(ours);
    const j = janus ? describe(theirs) : null;
    const medianRatio = ratio(s.ttffMs.median, j?.ttffMs.median);
    const row = (name: string, d: typeof s | null) =>
      d
        ? [name, String(d.ttffMs.median), String(d.ttffMs.p95), String(d.ttffMs.min), String(d.ttffMs.max), String(d.setupMs.median), String(d.ttffMs.n)]
        : [name, '—', '—', '—', '—', '—', '0'];
    return {
      results: {
        joins,
        sightline: {
          flow: 'real watch page (client/dist/watch.html) with a view+talk grant link',
          ...s,
          sinceNavigationMs: summarize(ours.map((o) => o.sinceNavigationMs ?? 0)),
        },
        janus: j ? { flow: 'bench page test/bench/pages/janus.html: VideoRoom subscriber over the WebSocket API, trickle ICE', ...j } : { skipped: 'quick mode' },
        medianRatio,
      },
      targets: [
        target('median TTFF', '≤ 150 ms', s.ttffMs.median, 'ms', (v) => v <= 150),
        target('median TTFF vs Janus', '≤ 0.5×', medianRatio, '×', (v) => v <= 0.5),
      ],
      method: [
        `Sightline: the real watch page (built client) opens a grant link (view+talk) against an in-process relay (1 mediasoup worker, loopback) while the real officer page streams Chromium's fake camera; TTFF runs from the start of the page's join (the first of its capabilities fetch, its WebSocket and the RTCPeerConnections that probe the browser) to the first requestVideoFrameCallback on the page's <video>, timed inside the page and handed out through a binding once the frame is shown (nothing is evaluated in the page while it joins). The page paints its "Connecting…" state before it starts the join; "sinceNavigationMs" runs from the page's navigation start to the same frame (page load included), so work moved ahead of the join's start shows there. ${joins} joins after ${warmup} warm-up joins, a fresh browser context each.`,
        'Janus 1.1.2 VideoRoom (config generated by the bench) runs in a private network namespace joined by a veth pair, since libnice ignores loopback; a bench-only page publishes the same fake camera with the officer page\'s constraints, and each join opens the Janus WebSocket, creates a session, attaches, joins as subscriber, answers and starts; TTFF runs from opening the WebSocket to the first requestVideoFrameCallback.',
        'Joins alternate between the two servers (order flipped every round) in one Chromium, so both see the same load.',
        '"Setup" is the part before media negotiation: for Sightline, join start → `join` sent (router capabilities fetch, mediasoup-client Device load, WebSocket open); for Janus, WebSocket open → subscriber offer received (session, attach, join).',
      ],
      notes,
      table: [['server', 'median ms', 'p95 ms', 'min ms', 'max ms', 'setup median ms', 'joins'], row('Sightline', s), row('Janus', j)],
      chart: [
        {
          title: 'Time to first frame',
          unit: 'ms',
          groups: ['median', 'p95', 'min', 'max'],
          series: [
            { name: 'Sightline', values: [s.ttffMs.median, s.ttffMs.p95, s.ttffMs.min, s.ttffMs.max] },
            ...(j ? [{ name: 'Janus', values: [j.ttffMs.median, j.ttffMs.p95, j.ttffMs.min, j.ttffMs.max] }] : []),
          ],
          target: { value: 150, label: 'target 150 ms' },
        },
      ],
    };
  },
};

await benchMain(import.meta.url, ttff);
