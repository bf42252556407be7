// A thin cellular uplink: the officer's Chromium sits behind a router namespace whose links carry
// 400 kbit/s, too little for the camera's full-resolution layer. The browser would pad its
// connection up to that layer's minimum rate and fill the link's queue, freezing the lower layer
// too; the camera page switches the layer off instead (client/src/pages/officer/uplink-guard.ts), so the
// clinician's picture keeps moving on the lower layer, and gets the full layer back once the link
// can carry it again.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundStat } from '../../client/src/media/debug-hooks.ts';
import { impairedIncident, type ImpairedIncident } from '../helpers/impaired-incident.ts';
import type { TestNamespace } from '../helpers/netns.ts';
import { stats } from '../helpers/pages.ts';

const RATE_KBIT = 400;
const WINDOW_S = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The camera's video layers, lowest first. */
async function cameraLayers(officer: Page): Promise<OutboundStat[]> {
  return (await stats(officer)).outbound.filter((s) => s.kind === 'video' && s.rid !== undefined).sort((a, b) => a.rid!.localeCompare(b.rid!));
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(500);
  }
}

const framesDecoded = async (page: Page) => (await stats(page)).inbound.find((s) => s.kind === 'video')?.framesDecoded ?? 0;
const pictureHeight = (page: Page) => page.getByTestId('video').evaluate((video) => (video as HTMLVideoElement).videoHeight);

describe(`the officer’s uplink carries ${RATE_KBIT} kbit/s`, () => {
  let incident: ImpairedIncident;
  let ns: TestNamespace;
  let clinician: Page;
  let officer: Page;

  beforeAll(async () => {
    incident = await impairedIncident('officer');
    ({ ns, clinician, officer } = incident);
  }, 120_000);

  afterAll(async () => {
    await incident?.close();
  });

  // What a clinician needs at 400 kbit/s (issue 18's target): the lower layer keeps moving, at 10
  // frames a second or more over the window, and never stops for two seconds running. On the
  // loaded two-core CI machine one second without a new frame happens now and then (measured:
  // 21 20 21 20 20 18 20 13 0 1 and 21 19 21 19 20 20 19 15 0 14 frames a second on a fresh
  // machine; the shaped link's queue after a keyframe); the network benchmark reports the freeze
  // time as measured. One retry, starting from a clear link.
  it('the camera switches its full-resolution layer off, and the lower layer keeps moving', { retry: 1, timeout: 120_000 }, async () => {
    ns.impair({}); // a retry starts from a clear link (the guard then tries the top layer again)
    const layers = await cameraLayers(officer);
    expect(layers.length, 'the camera sends simulcast').toBeGreaterThanOrEqual(2);
    const top = layers.at(-1)!.rid!;
    await until('the full picture reaches the clinician', async () => (await pictureHeight(clinician)) >= 480, 60_000);

    ns.impair({ rateKbit: RATE_KBIT });
    await until(`the camera switches layer ${top} off`, async () => (await cameraLayers(officer)).find((l) => l.rid === top)?.active === false, 45_000);
    await sleep(2000); // the link's queue drains, and the clinician moves to the lower layer

    const perSecond: number[] = [];
    let last = await framesDecoded(clinician);
    for (let second = 0; second < WINDOW_S; second++) {
      await sleep(1000);
      const now = await framesDecoded(clinician);
      perSecond.push(now - last);
      last = now;
    }
    const shown = `frames decoded per second: ${perSecond.join(' ')}`;
    expect(perSecond.reduce((a, b) => a + b, 0) / WINDOW_S, shown).toBeGreaterThanOrEqual(10);
    expect(perSecond.some((frames, i) => frames === 0 && perSecond[i + 1] === 0), `two seconds running without a frame: ${shown}`).toBe(false);
    expect(await pictureHeight(clinician), 'the clinician sees the lower layer').toBeLessThan(480);
  });

  it('once the link carries it again, the full-resolution layer comes back to the clinician', async () => {
    ns.impair({});
    // The camera tries the layer again on its own schedule: 15 s after switching it off, then
    // twice as long after each failed trial (a trial may have been under way on the thin link).
    await until('the full picture reaches the clinician again', async () => (await pictureHeight(clinician)) >= 480, 120_000);
    expect((await cameraLayers(officer)).every((layer) => layer.active !== false), 'every camera layer is sent').toBe(true);
  }, 150_000);
});
