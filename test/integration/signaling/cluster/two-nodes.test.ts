// Two relay nodes sharing one real Redis: any node serves any incident.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, type TestRelay } from '../../../helpers/relay.ts';
import { startTwoNodes, type TwoNodes } from '../../../helpers/two-nodes.ts';
import { goLive, grant, joinWith, signedInSocket } from '../../../helpers/scenario.ts';
import { until } from '../../../helpers/until.ts';
import type { TestSocket } from '../../../helpers/ws-client.ts';

describe('two nodes on one Redis', () => {
  let nodes: TwoNodes;
  let a: TestRelay;
  let b: TestRelay;
  beforeAll(async () => {
    nodes = await startTwoNodes();
    ({ a, b } = nodes);
  });
  afterAll(async () => nodes?.close());

  it('a clinician joins through node B an incident hosted on node A, and a revoke on B cuts media on A within 250 ms', async () => {
    const live = await goLive(a);
    const record = await b.services.incidents.get(live.incidentId);
    expect(record.nodeId).toBe('node-a');
    expect(a.services.live.get(live.incidentId)).toBeDefined();

    const { socket: console_ } = await signedInSocket(b, DEMO.supervisor);
    const granted = await grant(b, live.incidentId);
    const { socket: clinician, reply } = await joinWith(b, live.incidentId, granted.token);
    expect(reply).toMatchObject({ ok: true });
    expect(reply.ok && reply.data.consumers).toHaveLength(2);
    // The media lives on node A; node B only relays the signalling.
    const viewer = a.services.live.get(live.incidentId)!.participants().find((p) => p.info.userId === DEMO.clinician.id);
    expect(viewer?.media.consumerCount()).toBe(2);
    expect(b.services.media.stats().rooms).toBe(0);
    // Node B's console shows the viewer on node A's incident.
    await until(
      () =>
        ([...console_.notifications].reverse().find((n) => n.type === 'console.incidents') as Extract<TestSocket['notifications'][number], { type: 'console.incidents' }> | undefined)?.incidents
          .find((i) => i.id === live.incidentId)
          ?.viewers.some((v) => v.userId === DEMO.clinician.id),
      3000,
      'the viewer on node B’s console',
    );

    const { token } = await b.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const started = performance.now();
    expect((await b.api('POST', `/api/grants/${granted.grantId}/revoke`, { token })).status).toBe(200);
    const ended = await clinician.notification('access.ended');
    const latencyMs = performance.now() - started;
    expect(ended.code).toBe('GRANT_REVOKED');
    expect(latencyMs).toBeLessThan(250);
    expect(a.services.media.room(live.incidentId)?.consumerCount()).toBe(0);
    console.log(JSON.stringify({ crossNodeRevokeToCutMs: Math.round(latencyMs * 10) / 10 }));
    for (const s of [console_, clinician, live.socket]) s.close();
  });

  it('places a new incident on the less loaded node, whichever node the camera connected to', async () => {
    const busy = await goLive(a, DEMO.officer);
    const busyNode = (await a.services.incidents.get(busy.incidentId)).nodeId;
    const otherNode = busyNode === 'node-a' ? 'node-b' : 'node-a';
    await until(async () => {
      const nodes = await a.services.cluster.nodes();
      const load = (id: string) => nodes.find((n) => n.nodeId === id)?.load.incidents;
      return load(busyNode) === 1 && load(otherNode) === 0;
    }, 5000, 'both nodes to report their load');
    const placed = await goLive(a, DEMO.officer2);
    expect((await a.services.incidents.get(placed.incidentId)).nodeId).toBe(otherNode);
    const host = otherNode === 'node-a' ? a : b;
    expect(host.services.live.get(placed.incidentId)).toBeDefined();
    // The camera stays connected to node A whichever node hosts its media session.
    await placed.socket.request('incident.end');
    expect(host.services.live.get(placed.incidentId)).toBeUndefined();
    for (const s of [busy.socket, placed.socket]) s.close();
  });
});
