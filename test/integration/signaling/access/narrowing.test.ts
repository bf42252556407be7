// Every change that narrows access re-checks every live seat, on every node: a partner supervisor
// watching a shared incident is cut the moment the incident is unmarked, their media requests are
// refused from then on, the officer no longer lists them, and the cut is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { startTwoNodes, type TwoNodes } from '../../../helpers/two-nodes.ts';
import { capabilities, goLive, signedInSocket } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import type { TestSocket } from '../../../helpers/ws-client.ts';

type Notification = TestSocket['notifications'][number];
const latestPresence = (socket: TestSocket) =>
  [...socket.notifications].reverse().find((n): n is Extract<Notification, { type: 'presence' }> => n.type === 'presence');

/** Metro's officer goes live on `host`, Metro marks the incident shared, and Durham's supervisor watches it through `via`. */
async function partnerWatching(host: TestRelay, via: TestRelay) {
  const live = await goLive(host);
  const { token: metroToken } = await host.login(DEMO.supervisor.username, DEMO.supervisor.password);
  expect((await host.api('PATCH', `/api/incidents/${live.incidentId}`, { token: metroToken, body: { shared: true } })).status).toBe(200);
  const { socket: patel } = await signedInSocket(via, DEMO.durhamSupervisor);
  const watched = await patel.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(via) });
  expect(watched.consumers).toHaveLength(2);
  await until(() => latestPresence(live.socket)?.participants.some((p) => p.userId === DEMO.durhamSupervisor.id), 3000, 'the officer to list the partner supervisor');
  return { live, patel, consumerIds: watched.consumers.map((c: { id: string }) => c.id), metroToken };
}

async function expectCutOff(host: TestRelay, setup: Awaited<ReturnType<typeof partnerWatching>>) {
  const { live, patel, consumerIds } = setup;
  const ended = await patel.notification('access.ended');
  expect(ended).toMatchObject({ incidentId: live.incidentId, code: 'ACCESS_WITHDRAWN' });
  expect(await patel.send('consumers.resume', { consumerIds })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  expect(await patel.send('consumer.renew', { consumerId: consumerIds[0]! })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  await until(() => latestPresence(live.socket)?.participants.every((p) => p.userId !== DEMO.durhamSupervisor.id), 3000, 'the officer to stop listing the partner supervisor');
  expect(host.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.durhamSupervisor.id)).toBe(false);
  // What the consoles read follows the seat too.
  await until(async () => !(await host.services.incidents.find(live.incidentId))!.viewers.some((v) => v.userId === DEMO.durhamSupervisor.id), 3000, 'the consoles to stop listing the partner supervisor');
  await until(
    async () => (await host.services.audit.log.entries()).find((e) => e.action === 'access.withdrawn' && e.actor?.id === DEMO.durhamSupervisor.id && e.target.incidentId === live.incidentId),
    3000,
    'the cut to be audited',
  );
  // Watching again is refused now that the incident is not shared.
  expect(await patel.send('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(host) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
}

describe('narrowing access cuts live seats', () => {
  describe('one node', () => {
    let relay: TestRelay;
    beforeAll(async () => {
      relay = await startRelay();
    });
    afterAll(() => relay.close());

    it('unmarking a shared incident cuts the partner supervisor who is watching it', async () => {
      const setup = await partnerWatching(relay, relay);
      expect((await relay.api('PATCH', `/api/incidents/${setup.live.incidentId}`, { token: setup.metroToken, body: { shared: false } })).status).toBe(200);
      await expectCutOff(relay, setup);
      // Metro's own supervisor keeps watching through the same change.
      for (const s of [setup.patel, setup.live.socket]) s.close();
    });

    it('the owning agency’s supervisor keeps watching when the incident is unmarked', async () => {
      const live = await goLive(relay, DEMO.officer2);
      const { socket: chen, token } = await signedInSocket(relay, DEMO.supervisor);
      await relay.api('PATCH', `/api/incidents/${live.incidentId}`, { token, body: { shared: true } });
      await chen.request('watch', { incidentId: live.incidentId, rtpCapabilities: await capabilities(relay) });
      await relay.api('PATCH', `/api/incidents/${live.incidentId}`, { token, body: { shared: false } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(chen.notifications.some((n) => n.type === 'access.ended')).toBe(false);
      expect(relay.services.live.get(live.incidentId)!.participants().some((p) => p.info.userId === DEMO.supervisor.id)).toBe(true);
      for (const s of [chen, live.socket]) s.close();
    });
  });

  describe('two nodes on one Redis', () => {
    let nodes: TwoNodes;
    let a: TestRelay;
    let b: TestRelay;
    beforeAll(async () => {
      nodes = await startTwoNodes();
      ({ a, b } = nodes);
    });
    afterAll(async () => nodes?.close());

    it('unmarking on node B cuts the partner supervisor watching, through node B, an incident hosted on node A', async () => {
      const setup = await partnerWatching(a, b);
      expect((await b.api('PATCH', `/api/incidents/${setup.live.incidentId}`, { token: setup.metroToken, body: { shared: false } })).status).toBe(200);
      await expectCutOff(a, setup);
      for (const s of [setup.patel, setup.live.socket]) s.close();
    });
  });
});
