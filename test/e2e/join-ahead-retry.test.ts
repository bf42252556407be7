// The inbox's seat made ready ahead, when the first try fails, in Chromium against a real relay:
// a refusal that may pass (the relay's media busy or restarting) is tried again shortly and the
// seat becomes ready; a refusal for the grant itself is not asked again; a seat whose transport
// does not connect in time, or whose DTLS parameters the relay refused, is given up and made
// again. The failures are made at the page's edge: its WebSocket is routed, and the first
// `prepare` or `transport.connect` answered with a code, or the first prepare reply's ICE
// candidates moved to a port nothing answers on.
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitForState, waitInPage, type TestBrowser } from '../helpers/browser.ts';
import { relayAndBrowser } from '../helpers/e2e-setup.ts';
import { signIn, startStreaming } from '../helpers/pages.ts';
import { DEMO, type TestRelay } from '../helpers/relay.ts';
import { grant } from '../helpers/scenario.ts';
import { until } from '../helpers/until.ts';

describe('a seat made ready ahead, after a failed try, in Chromium', () => {
  let relay: TestRelay;
  let browser: TestBrowser;
  relayAndBrowser((started) => ({ relay, browser } = started));

  /** How the first try fails: its `prepare` or its `transport.connect` refused with a code, or its transport sent where nothing answers. */
  type Failure = { prepare: string } | { connect: string } | 'unreachable';

  /** An inbox whose first try to make a seat ready fails as `failure` says; the grant ids of every `prepare` it sent. */
  async function inboxFailingFirstTry(failure: Failure): Promise<{ inbox: Page; prepares: string[] }> {
    const inbox = await browser.page(relay.url);
    const prepares: string[] = [];
    let connects = 0;
    let replies = 0;
    const refuse = (ws: WebSocketRoute, id: number | undefined, code: string) =>
      ws.send(JSON.stringify({ type: 'response', id, ok: false, error: { code, message: `refused at the page's edge (${code})` } }));
    await inbox.routeWebSocket(/\/ws$/, (ws: WebSocketRoute) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const parsed = typeof message === 'string' ? (JSON.parse(message) as { type?: string; id?: number; grantId?: string }) : null;
        if (parsed?.type === 'prepare') prepares.push(parsed.grantId ?? '');
        if (parsed?.type === 'prepare' && typeof failure === 'object' && 'prepare' in failure && prepares.length === 1) return refuse(ws, parsed.id, failure.prepare);
        if (parsed?.type === 'transport.connect' && typeof failure === 'object' && 'connect' in failure && ++connects === 1) return refuse(ws, parsed.id, failure.connect);
        server.send(message);
      });
      server.onMessage((message) => {
        const reply = typeof message === 'string' ? (JSON.parse(message) as { data?: { recvTransport?: { iceCandidates: Array<{ port: number }> } } }) : null;
        const candidates = reply?.data?.recvTransport?.iceCandidates;
        // The first seat's transport is sent where nothing answers (the discard port): its ICE never connects.
        if (failure === 'unreachable' && candidates && ++replies === 1) {
          for (const candidate of candidates) candidate.port = 9;
          return ws.send(JSON.stringify(reply));
        }
        ws.send(message);
      });
    });
    await inbox.goto(`${relay.url}/inbox.html`);
    await signIn(inbox, DEMO.clinician.username, DEMO.clinician.password);
    await waitForState(inbox, 'inbox');
    return { inbox, prepares };
  }

  const prepared = (page: Page, grantId: string) => page.locator(`[data-grant-id="${grantId}"]`).getAttribute('data-prepared');
  const ready = (page: Page, grantId: string, what: string, timeoutMs: number) =>
    waitInPage(page, what, (id) => document.querySelector(`[data-grant-id="${id}"]`)?.getAttribute('data-prepared') === 'ready', grantId, timeoutMs);

  it('tries a seat again after a refusal that may pass, and it becomes ready; a refusal for the grant is not asked again', async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer.username, DEMO.officer.password);
    const live = relay.services.live.all().find((l) => l.incident.officerId === DEMO.officer.id)!;
    const { grantId } = await grant(relay, live.incident.id);

    const passing = await inboxFailingFirstTry({ prepare: 'MEDIA_ERROR' });
    await ready(passing.inbox, grantId, 'the seat is ready after a second try', 20_000);
    expect(passing.prepares).toEqual([grantId, grantId]);
    expect(live.prepared.byGrant(grantId)).toHaveLength(1);
    await passing.inbox.context().close();

    const final = await inboxFailingFirstTry({ prepare: 'GRANT_NOT_ACTIVE' });
    await until(() => final.prepares.length > 0 || undefined, 10_000, 'the grant is tried once');
    // Past the first retry delay (1 s) and then some: a refusal for the grant itself stays the answer.
    await final.inbox.waitForTimeout(3000);
    expect(final.prepares).toEqual([grantId]);
    expect(await prepared(final.inbox, grantId)).toBe('');
    await until(() => live.prepared.byGrant(grantId).length === 0 || undefined, 5000, 'no seat prepared on the relay');
    await final.inbox.context().close();
    await officer.context().close();
  });

  it('gives up a seat whose transport did not connect in time, or whose DTLS parameters the relay refused, and makes it again', async () => {
    const officer = await browser.page(relay.url);
    await startStreaming(officer, relay.url, DEMO.officer2.username, DEMO.officer2.password);
    const live = relay.services.live.all().find((l) => l.incident.officerId === DEMO.officer2.id)!;
    const { grantId } = await grant(relay, live.incident.id);

    const { inbox, prepares } = await inboxFailingFirstTry('unreachable');
    await until(() => prepares.length > 0 || undefined, 10_000, 'the grant is prepared');
    expect(await prepared(inbox, grantId)).toBe('preparing');
    // READY_DEADLINE_MS (10 s), then the first retry delay (1 s).
    await ready(inbox, grantId, 'the seat is ready after it was made again', 30_000);
    expect(prepares).toEqual([grantId, grantId]);
    await until(() => live.prepared.byGrant(grantId).length === 1 || undefined, 5000, 'only the second seat is left on the relay');
    await inbox.context().close();

    // The relay refused the transport's DTLS parameters: the browser may finish its handshake, but
    // no media would come; the seat is not ready, and is made again.
    const refused = await inboxFailingFirstTry({ connect: 'MEDIA_ERROR' });
    await ready(refused.inbox, grantId, 'the seat is ready after it was made again', 20_000);
    expect(refused.prepares).toEqual([grantId, grantId]);
    await until(() => live.prepared.byGrant(grantId).length === 1 || undefined, 5000, 'only the second seat is left on the relay');
    const [transport] = (await live.prepared.byGrant(grantId)[0]!.media.transportStats()) as Array<Array<{ dtlsState?: string }>>;
    expect(transport?.[0]?.dtlsState).toBe('connected');
    await refused.inbox.context().close();
    await officer.context().close();
  });
});
