// Instant join from the inbox, in Chromium: while the inbox shows an active grant it keeps a seat
// ready (socket, Device, receive transport connected, nothing consumed, nothing audited); Join
// then opens the viewer in the page on that seat. The seat ends with its grant (revoked, expired).
// The viewer shows the connection's quality, the officer's sound level, the clinician's own
// microphone level, full screen and a clear "reconnecting" state; the officer sees who is
// connected and their own uplink. Every state is checked with axe-core.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from '../helpers/axe.ts';
import { waitForState, waitInPage, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn, startStreaming, stats, waitForDecodedVideo } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { grant, storedGrant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

const attribute = (page: Page, testid: string, name: string) => page.getByTestId(testid).first().getAttribute(name);
const level = async (page: Page, testid: string) => Number((await attribute(page, testid, 'data-level')) ?? 0);

describe('instant join from the inbox, in Chromium', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started), { RESUME_GRACE_SECONDS: '30' });

  const incidentOf = (officerId: string) => relay.services.live.all().find((live) => live.incident.officerId === officerId)!;
  const grantEntries = async (grantId: string) => (await relay.services.audit.log.entries()).filter((e) => e.target.grantId === grantId).map((e) => e.action);

  /** The signalling messages each page sent, by type. */
  const framesSent = new WeakMap<Page, Array<{ type: string; bound?: unknown }>>();
  /** The MIDs of the consumers in a page's join reply on a prepared seat. */
  const joinReplyMids = new WeakMap<Page, string[]>();
  /** The video SSRC a page's prepare reply reserved, and the one its join reply's video consumer has. */
  const videoSsrcs = new WeakMap<Page, { reserved?: number; joined?: number }>();

  async function openInbox(): Promise<Page> {
    const inbox = await browser.page(relay.url);
    const sent: Array<{ type: string; bound?: unknown }> = [];
    framesSent.set(inbox, sent);
    inbox.on('websocket', (socket) => {
      socket.on('framesent', ({ payload }) => {
        if (typeof payload === 'string') sent.push(JSON.parse(payload) as { type: string });
      });
      socket.on('framereceived', ({ payload }) => {
        type Reply = { data?: { consumers?: Array<{ kind: string; rtpParameters: { mid?: string; encodings?: Array<{ ssrc?: number }> } }>; running?: unknown; boundSsrcs?: { video: { ssrc: number } } } };
        const reply = typeof payload === 'string' ? (JSON.parse(payload) as Reply) : null;
        const ssrcs = videoSsrcs.get(inbox) ?? {};
        videoSsrcs.set(inbox, ssrcs);
        if (reply?.data?.boundSsrcs) ssrcs.reserved = reply.data.boundSsrcs.video.ssrc;
        if (reply?.data?.consumers && reply.data.running) {
          joinReplyMids.set(inbox, reply.data.consumers.map((c) => c.rtpParameters.mid ?? '').sort());
          ssrcs.joined = reply.data.consumers.find((c) => c.kind === 'video')?.rtpParameters.encodings?.[0]?.ssrc;
        }
      });
    });
    await inbox.goto(`${relay.url}/inbox.html`);
    await signIn(inbox, DEMO.clinician.username, DEMO.clinician.password);
    await waitForState(inbox, 'inbox');
    return inbox;
  }

  const ready = (page: Page, grantId: string) =>
    waitInPage(page, 'the grant’s seat is ready', (id) => document.querySelector(`[data-grant-id="${id}"]`)?.getAttribute('data-prepared') === 'ready', grantId, 20_000);

  it('keeps a connected seat for the grant, unaudited, and joins on it in one message; the viewer and the officer show the link', async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const live = incidentOf(DEMO.officer.id);
    const granted = await grant(relay, live.incident.id);
    const inbox = await openInbox();
    await ready(inbox, granted.grantId);
    expect(await inbox.getByTestId('inbox-ready').first().isVisible()).toBe(true);

    // On the relay: one prepared seat, its transport connected (ICE and DTLS), nothing consumed, not a participant, not audited.
    expect(live.prepared.size).toBe(1);
    const seat = live.prepared.byGrant(granted.grantId)[0]!;
    const [transport] = (await seat.media.transportStats()) as Array<Array<{ dtlsState?: string; iceState?: string }>>;
    expect(transport?.[0]?.dtlsState).toBe('connected');
    expect(seat.media.consumerCount()).toBe(0);
    // Its bandwidth estimate already runs, so the join's first keyframe request is not held back
    // until the estimate gives a first figure.
    const estimate = async () => ((await seat.media.transportStats()) as Array<Array<{ availableOutgoingBitrate?: number }>>)[0]?.[0]?.availableOutgoingBitrate ?? 0;
    await until(async () => (await estimate()) > 0, 10_000, 'the prepared transport’s bandwidth estimate');
    expect(live.participants().some((p) => p.info.userId === DEMO.clinician.id)).toBe(false);
    expect(await grantEntries(granted.grantId)).toEqual(['grant.create']);
    await expectAccessible(inbox, 'inbox with a seat ready');

    // The keyframe requests the join makes reach the camera, by simulcast layer.
    const camera = live.participants().find((p) => p.info.userId === DEMO.officer.id)!.media;
    const cameraVideo = camera.producer(camera.producers().find((p) => p.kind === 'video')!.producerId)!;
    const rids = cameraVideo.rtpParameters.encodings!.map((e) => e.rid);
    expect(rids, 'the camera sends three layers').toHaveLength(3);
    const requestedSsrcs: number[] = [];
    cameraVideo.on('trace', (trace) => {
      if ((trace.type === 'pli' || trace.type === 'fir') && trace.direction === 'out') requestedSsrcs.push((trace.info as { ssrc: number }).ssrc);
    });
    const requestedLayers = async () => {
      const ridOf = new Map((await cameraVideo.getStats()).map((s) => [s.ssrc, s.rid]));
      return requestedSsrcs.map((ssrc) => ridOf.get(ssrc) ?? `ssrc ${ssrc}`);
    };

    // The viewer is laid out ahead, unseen (and out of the keyboard's and screen reader's way), and
    // shown with the officer's name as Join is pressed; its picture follows the join.
    expect(await inbox.locator('#viewer').evaluate((v) => v.classList.contains('backstage') && (v as HTMLElement).inert)).toBe(true);
    expect(await inbox.getByTestId('officer-name').isVisible()).toBe(false);
    await inbox.getByTestId('inbox-join').first().click();
    expect(await inbox.getByTestId('officer-name').textContent()).toBe('Cst. Ana Reyes');
    await waitForState(inbox, 'joined');
    await waitForDecodedVideo(inbox);
    expect(live.prepared.size, 'the seat took the prepared transport over').toBe(0);
    // The picture comes on the SSRC the prepare reply reserved, which the browser's receiver was
    // bound for ahead: signalled, not discovered as its first packet came.
    const { reserved, joined } = videoSsrcs.get(inbox) ?? {};
    expect(reserved, 'the prepare reply reserves the video SSRC').toBeTypeOf('number');
    expect(joined).toBe(reserved);
    const decoding = (await stats(inbox)).inbound.filter((s) => s.kind === 'video' && (s.framesDecoded ?? 0) > 0).map((s) => s.ssrc);
    expect(decoding).toEqual([reserved]);
    // The first picture comes from the lowest layer, asked for once: not held back to be sent
    // again when mediasoup's keyframe request delay (1 s) ends. Then the viewer climbs to the top
    // layer (first-picture-layer.ts): the picture grows to the camera's full 720 lines.
    await until(async () => (await inbox.getByTestId('video').evaluate((video) => (video as HTMLVideoElement).videoHeight)) === 720 || undefined, 10_000, 'the viewer climbs to the top layer');
    const keyFrameRequests = await requestedLayers();
    expect(keyFrameRequests[0], `keyframe requests by layer: ${keyFrameRequests.join(', ')}`).toBe(rids[0]);
    expect(keyFrameRequests.filter((rid) => rid === rids[0]), `keyframe requests by layer: ${keyFrameRequests.join(', ')}`).toHaveLength(1);
    expect(keyFrameRequests, 'the climb asked for the top layer').toContain(rids[2]);
    // Join cost one message: the relay sent the camera's streams on the receivers the browser bound
    // ahead (their MIDs), so the browser negotiated and resumed nothing after it.
    const sent = framesSent.get(inbox)!;
    const joinFrame = sent.find((m) => m.type === 'join');
    expect(joinFrame?.bound, 'the join names the receivers bound ahead').toEqual({ video: 'bv', audio: 'ba' });
    expect(sent.filter((m) => m.type === 'consumers.resume'), 'nothing to resume: the streams run from the join').toEqual([]);
    const participant = live.participants().find((p) => p.info.userId === DEMO.clinician.id)!;
    expect(joinReplyMids.get(inbox), 'the relay sent them on those MIDs').toEqual(['ba', 'bv']);
    expect(participant.media.transportCount(), 'the prepared receive transport and the talk-back one').toBe(2);
    expect((await grantEntries(granted.grantId)).filter((a) => a === 'join'), 'the join is the access on record, once').toHaveLength(1);

    // What the clinician sees: quality, the officer's sound, full screen, their own microphone.
    await until(async () => (await attribute(inbox, 'link-quality', 'data-quality')) ?? undefined, 10_000, 'a connection-quality reading');
    await until(async () => (await level(inbox, 'officer-level')) > 0 || undefined, 10_000, 'the officer’s sound level moves');
    await inbox.getByTestId('fullscreen').click();
    await until(async () => (await attribute(inbox, 'fullscreen', 'aria-pressed')) === 'true' || undefined, 5000, 'full screen');
    expect(await inbox.evaluate(() => document.fullscreenElement?.id)).toBe('video-wrap');
    await inbox.getByTestId('fullscreen').click();
    await until(async () => (await attribute(inbox, 'fullscreen', 'aria-pressed')) === 'false' || undefined, 5000, 'back from full screen');
    await inbox.getByTestId('talk').hover();
    await inbox.mouse.down();
    try {
      await until(async () => (await level(inbox, 'talk-level')) > 0 || undefined, 10_000, 'the clinician’s microphone level moves');
    } finally {
      await inbox.mouse.up();
    }
    await expectAccessible(inbox, 'the inbox’s viewer, joined');

    // What the officer sees: who is connected, and their own uplink.
    await until(async () => ((await officer.getByTestId('presence-list').textContent()) ?? '').includes('Okafor') || undefined, 10_000, 'the clinician in the officer’s list');
    await until(async () => (await attribute(officer, 'uplink-quality', 'data-quality')) ?? undefined, 10_000, 'an uplink reading on the officer’s page');
    expect(await officer.getByTestId('uplink-quality').textContent()).toMatch(/kbit\/s/);
    await expectAccessible(officer, 'the officer streaming, with the uplink shown');

    // The link drops: the viewer says so clearly, then comes back by itself.
    (participant.channel as unknown as { socket: { terminate(): void } }).socket.terminate();
    await until(async () => (await inbox.getByTestId('link-state').isVisible()) || undefined, 10_000, 'the reconnecting banner');
    await expectAccessible(inbox, 'the viewer reconnecting');
    await until(async () => !(await inbox.getByTestId('link-state').isVisible()) || undefined, 20_000, 'the banner goes once reconnected');
    await inbox.context().close();
    await officer.context().close();
  });

  it('gives the seat up when its grant is revoked or expires while it waits', async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer2.username, DEMO.officer2.password);
    const live = incidentOf(DEMO.officer2.id);
    const revoked = await grant(relay, live.incident.id);
    const inbox = await openInbox();
    await ready(inbox, revoked.grantId);
    expect(live.prepared.byGrant(revoked.grantId)).toHaveLength(1);
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    expect((await relay.api('POST', `/api/grants/${revoked.grantId}/revoke`, { token })).status).toBe(200);
    await until(() => live.prepared.size === 0 || undefined, 5000, 'the relay ends the prepared seat with its grant');
    await waitInPage(inbox, 'the revoked grant leaves the inbox', (id) => !document.querySelector(`[data-grant-id="${id}"]`), revoked.grantId, 10_000);

    const expiring = await storedGrant(relay, { incidentId: live.incident.id, clinicianId: DEMO.clinician.id, expiresAt: Date.now() + 6000 });
    await inbox.reload();
    await waitForState(inbox, 'inbox');
    await ready(inbox, expiring.grantId);
    expect(live.prepared.byGrant(expiring.grantId)).toHaveLength(1);
    await until(() => live.prepared.size === 0 || undefined, 10_000, 'the relay ends the prepared seat when its grant expires');
    await waitInPage(inbox, 'the expired grant is no longer ready', (id) => document.querySelector(`[data-grant-id="${id}"]`)?.getAttribute('data-prepared') !== 'ready', expiring.grantId, 10_000);
    await inbox.context().close();
    await officer.context().close();
  });
});
