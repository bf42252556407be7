// A lossy downlink: the clinician's Chromium sits behind a router namespace that drops 5 % of the
// UDP packets it forwards, either way, as hospital Wi-Fi on a bad day. The clinician NACKs what it
// misses and the relay retransmits it from its consumer's buffer. A receive-only browser measures
// no round trip, so it asks a second time no sooner than 100 ms after the first: the relay sends
// each retransmission twice (the worker recipe's `rtx_twice` patch), so that one lost copy does not
// cost that wait. The clinician's picture keeps moving and it gets every packet it missed.
// A NACK lost on the way costs the same wait: the clinician's transport-wide congestion feedback
// reports the packet as not received too, and the relay retransmits a packet so reported that no
// NACK has had repaired (the recipe's `tcc_repair` patch). With every NACK dropped on the way, each
// lost packet is still repaired. Voice is NACKed too: the clinician's receive capabilities list
// `nack` for Opus (client/src/media/voice-nack.ts) and the relay's audio consumer resends.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundStat } from '../../client/src/media/debug-hooks.ts';
import { impairedIncident, type ImpairedIncident } from '../helpers/impaired-incident.ts';
import { watchStreams, type StreamWatch } from '../helpers/mediasoup-streams.ts';
import type { TestNamespace } from '../helpers/netns.ts';
import { stats } from '../helpers/pages.ts';

const LOSS_PERCENT = 5;
const WINDOW_S = 12;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const inbound = async (page: Page, kind: 'audio' | 'video'): Promise<InboundStat> => (await stats(page)).inbound.find((s) => s.kind === kind) ?? { kind, packetsReceived: 0 };
const video = (page: Page) => inbound(page, 'video');
const retransmitted = async (streams: StreamWatch) => (await streams.video()).consumers.reduce((n, c) => n + c.packetsRetransmitted, 0);
const nacksReceived = async (streams: StreamWatch) => (await streams.video()).consumers.reduce((n, c) => n + c.nackPacketCount, 0);

describe(`the clinician’s downlink loses ${LOSS_PERCENT} % of its UDP packets`, () => {
  let streams: StreamWatch;
  let incident: ImpairedIncident;
  let ns: TestNamespace;
  let clinician: Page;

  beforeAll(async () => {
    streams = watchStreams();
    incident = await impairedIncident('clinician');
    ({ ns, clinician } = incident);
    await sleep(3000);
  }, 120_000);

  afterAll(async () => {
    await incident?.close();
    streams?.stop();
  });

  it('retransmits what the clinician missed twice, and the clinician’s video decodes every second', async () => {
    const rtx = await streams.countVideoRtx();
    const before = { browser: await video(clinician), retransmitted: await retransmitted(streams), audio: await inbound(clinician, 'audio'), relayAudio: await streams.audio() };
    ns.impair({ lossPercent: LOSS_PERCENT });
    const perSecond: number[] = [];
    let last = before.browser.framesDecoded ?? 0;
    for (let second = 0; second < WINDOW_S; second++) {
      await sleep(1000);
      const now = (await video(clinician)).framesDecoded ?? 0;
      perSecond.push(now - last);
      last = now;
    }
    ns.impair({});
    await sleep(1000);
    const after = { browser: await video(clinician), retransmitted: await retransmitted(streams), audio: await inbound(clinician, 'audio'), relayAudio: await streams.audio() };
    await rtx.stop();
    const packets = after.retransmitted - before.retransmitted;
    const d = (key: keyof InboundStat) => Number(after.browser[key] ?? 0) - Number(before.browser[key] ?? 0);
    // Chromium counts a packet repaired over RTX as lost on the media stream all the same.
    const lost = d('packetsLost');
    const repairsReceived = d('retransmittedPacketsReceived');
    const a = (key: keyof InboundStat) => Number(after.audio[key] ?? 0) - Number(before.audio[key] ?? 0);
    const voiceResent = after.relayAudio.consumers.reduce((n, c) => n + c.packetsRetransmitted, 0) - before.relayAudio.consumers.reduce((n, c) => n + c.packetsRetransmitted, 0);
    const voice = { lost: a('packetsLost'), nacks: a('nackCount'), resent: voiceResent, concealed: a('concealedSamples') / Math.max(1, a('totalSamplesReceived')), playoutDelayMs: Math.round((1000 * a('jitterBufferDelay')) / Math.max(1, a('jitterBufferEmittedCount'))) };
    console.log(JSON.stringify({ lossPercent: LOSS_PERCENT, seconds: WINDOW_S, framesPerSecond: perSecond, lost, retransmitted: packets, rtxSent: rtx.sent(), repairsReceived, nacks: d('nackCount'), freezes: d('freezeCount'), voice }));

    // The downlink lost packets and the relay retransmitted them, each as two RTX packets.
    expect(packets, 'packets the relay retransmitted to the clinician').toBeGreaterThan(0);
    // (A retransmission at the window's very edge may be counted on one side only.)
    expect(Math.abs(rtx.sent() - 2 * packets), `RTX packets sent (${rtx.sent()}) for ${packets} retransmitted`).toBeLessThanOrEqual(2);
    // Each lost packet was retransmitted once: a lost copy did not make the clinician ask again
    // (both copies are lost for one packet in 400 at 5 %: two are allowed for).
    expect(packets, `packets retransmitted for ${lost} lost`).toBeLessThanOrEqual(lost + 2);
    expect(repairsReceived, `repairs the clinician received for ${lost} lost`).toBeGreaterThanOrEqual(lost);
    expect(perSecond.filter((frames) => frames === 0), `frames decoded per second: ${perSecond.join(' ')}`).toEqual([]);
    // Voice too: the clinician NACKed the voice packets it lost and the relay resent them.
    expect(voice.nacks, 'voice NACKs the clinician sent').toBeGreaterThan(0);
    expect(voice.resent, `voice packets the relay resent for ${voice.nacks} NACKs`).toBeGreaterThan(0);
    // Without it the clinician conceals about as much as the link loses (3.3 % at 5 % in a traced run).
    expect(voice.concealed, 'share of the voice the clinician concealed').toBeLessThan(LOSS_PERCENT / 100 / 2);
  });

  it('retransmits what the clinician missed when none of its NACKs reach the relay', async () => {
    const before = { browser: await video(clinician), retransmitted: await retransmitted(streams), nacked: await nacksReceived(streams) };
    // Loss on the way to the clinician only, so that its transport-wide feedback arrives.
    ns.impair({ lossPercent: 2, towardPeerOnly: true, dropPeerNacks: true });
    await sleep(WINDOW_S * 1000);
    ns.impair({});
    await sleep(1000);
    const after = { browser: await video(clinician), retransmitted: await retransmitted(streams), nacked: await nacksReceived(streams) };
    const d = (key: keyof InboundStat) => Number(after.browser[key] ?? 0) - Number(before.browser[key] ?? 0);
    const lost = d('packetsLost');
    const packets = after.retransmitted - before.retransmitted;
    const nacked = after.nacked - before.nacked;
    console.log(JSON.stringify({ lossPercent: 2, nacksDropped: true, seconds: WINDOW_S, lost, retransmitted: packets, nacksSent: d('nackCount'), packetsNackedAtRelay: nacked, repairsReceived: d('retransmittedPacketsReceived') }));

    expect(lost, 'packets the clinician lost').toBeGreaterThan(0);
    expect(d('nackCount'), 'NACKs the clinician sent').toBeGreaterThan(0);
    // Its NACKs were lost on the way (one sent behind a receiver report is not matched by the drop rule).
    expect(nacked, `packets NACKed at the relay for ${lost} lost`).toBeLessThan(lost / 2);
    // Each lost packet was repaired all the same (one whose two repair copies were both lost too is allowed for).
    expect(packets, `packets retransmitted for ${lost} lost`).toBeGreaterThanOrEqual(lost - 1);
    expect(d('retransmittedPacketsReceived'), `repairs the clinician received for ${lost} lost`).toBeGreaterThanOrEqual(lost - 1);
  });
});
