// Redis faults under load: two nodes on one Redis (AOF, fsync on every write), an incident live
// with a real camera stream (ffmpeg over RTP) and a clinician watching. Redis is restarted, and
// separately frozen for 10 s (SIGSTOP: connections open, nothing answers, as on a cut network).
// Throughout, media keeps flowing through the node; anything that must be audited or stored is
// refused promptly with a stable code, never half done; the nodes are ready and see each other
// again once Redis is back, new access works across nodes, and the audit chain verifies with
// every acknowledged entry in it.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import { verifyAudit } from '../../../../signaling/audit/chain-verification.ts';
import { startRtpCamera, type RtpCamera } from '../../../helpers/rtp-camera.ts';
import { DEMO, type TestRelay } from '../../../helpers/relay.ts';
import { goLive, grant, joinWith } from '../../../helpers/scenario.ts';
import { startTwoNodes, type TwoNodes } from '../../../helpers/two-nodes.ts';
import { until } from '../../../helpers/until.ts';

/** Counts the camera's video packets as a consumer on a plain transport sends them out of the node. */
async function watchPackets(node: TestRelay, incidentId: string, camera: RtpCamera): Promise<{ count: () => number; close: () => void }> {
  const router = node.services.media.room(incidentId)!.router;
  const socket: Socket = createSocket('udp4');
  let packets = 0;
  socket.on('message', () => void (packets += 1));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
  await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
  await transport.consume({ producerId: camera.videoProducer.id, rtpCapabilities: router.rtpCapabilities, paused: false });
  return { count: () => packets, close: () => (transport.close(), socket.close()) };
}

const flowsFor = async (packets: () => number, ms: number) => {
  const start = packets();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return packets() - start;
};

describe('Redis faults while incidents are live on two nodes', () => {
  let nodes: TwoNodes;
  let camera: RtpCamera;
  let flow: { count: () => number; close: () => void };
  let incidentId: string;
  let officer: { close(): void };
  let supervisor: string;
  /** Audit entries the relay acknowledged (its action succeeded), to find after the faults. */
  const acknowledged: Array<(entries: AuditEntry[]) => boolean> = [];

  beforeAll(async () => {
    nodes = await startTwoNodes({ NODE_HEARTBEAT_MS: '200', NODE_TIMEOUT_MS: '3000', LOST_INCIDENT_GRACE_SECONDS: '60' }, { durable: true });
    const live = await goLive(nodes.a);
    incidentId = live.incidentId;
    officer = live.socket;
    camera = await startRtpCamera(nodes.a.services.media.room(incidentId)!.router);
    flow = await watchPackets(nodes.a, incidentId, camera);
    supervisor = (await nodes.b.login(DEMO.supervisor.username, DEMO.supervisor.password)).token;
    const granted = await grant(nodes.b, incidentId, { permissions: ['view'] });
    const { reply } = await joinWith(nodes.a, incidentId, granted.token);
    expect(reply.ok).toBe(true);
    acknowledged.push((es) => es.some((e) => e.action === 'join' && e.outcome === 'allowed' && e.target.grantId === granted.grantId));
    await until(() => flow.count() > 20, 15_000, 'camera packets through the node');
  }, 60_000);
  afterAll(async () => {
    flow?.close();
    await camera?.close();
    officer?.close();
    await nodes?.close();
  });

  /** While Redis is away: media flows, and stored or audited actions are refused with a stable code, promptly. */
  async function duringTheFault(): Promise<void> {
    expect(await flowsFor(flow.count, 1500), 'video packets out of the node while Redis is away').toBeGreaterThan(10);
    const refusedPromptly = async (request: () => Promise<{ status: number; body: { error: { code: string } } }>) => {
      const started = Date.now();
      const refused = await request();
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toMatch(/^(AUDIT_UNAVAILABLE|STORE_UNAVAILABLE)$/);
      expect(Date.now() - started, 'refused promptly, not when Redis is back').toBeLessThan(6000);
    };
    await refusedPromptly(() => nodes.b.api('POST', `/api/incidents/${incidentId}/grants`, { token: supervisor, body: { clinicianId: DEMO.clinicianOffCall.id, permissions: ['view'], ttlSeconds: 300 } }));
    await refusedPromptly(() => nodes.a.api('POST', '/api/session', { body: { username: DEMO.officer2.username, password: DEMO.officer2.password } }));
    for (const node of [nodes.a, nodes.b]) expect((await node.api('GET', '/readyz')).status).toBe(503);
  }

  /** Once Redis is back: both nodes ready and seeing each other, new access works across nodes. */
  async function afterTheFault(): Promise<void> {
    for (const node of [nodes.a, nodes.b]) await until(async () => (await node.api('GET', '/readyz')).status === 200, 20_000, `${node.services.nodeId} ready again`);
    await until(async () => (await nodes.b.services.cluster.nodes()).length === 2, 20_000, 'both nodes registered again');
    const again = await grant(nodes.b, incidentId, { permissions: ['view'], clinicianId: DEMO.clinicianOffCall.id });
    const { socket, reply } = await joinWith(nodes.a, incidentId, again.token);
    expect(reply.ok).toBe(true);
    acknowledged.push((es) => es.some((e) => e.action === 'join' && e.outcome === 'allowed' && e.target.grantId === again.grantId));
    socket.close();
    await until(async () => (await nodes.a.services.grants.list({ incidentId, activeOnly: true })).length >= 2, 5000, 'the grant stored');
    for (const g of await nodes.a.services.grants.list({ incidentId, clinicianId: DEMO.clinicianOffCall.id, activeOnly: true })) {
      await nodes.b.api('POST', `/api/grants/${g.id}/revoke`, { token: supervisor });
    }
    expect(await flowsFor(flow.count, 1000)).toBeGreaterThan(5);
    // The incident and the clinician's seat lived through it.
    expect(nodes.a.services.live.get(incidentId)?.participants().some((p) => p.info.userId === DEMO.clinician.id)).toBe(true);
  }

  it('a Redis restart: media flows, actions are refused cleanly, the nodes reconverge', async () => {
    await nodes.redis.kill('SIGKILL');
    await duringTheFault();
    await nodes.redis.restart();
    await afterTheFault();
  }, 90_000);

  it('Redis unreachable for 10 s: the same', async () => {
    nodes.redis.freeze();
    const frozenAt = Date.now();
    try {
      await duringTheFault();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 10_000 - (Date.now() - frozenAt))));
    } finally {
      nodes.redis.resume();
    }
    await afterTheFault();
  }, 90_000);

  it('the audit chain verifies, with every acknowledged entry in it', async () => {
    const entries = await nodes.a.services.audit.log.entries();
    expect(acknowledged.filter((found) => !found(entries))).toHaveLength(0);
    entries.forEach((entry, index) => expect(entry.seq).toBe(index + 1));
    const checkpoints = await (nodes.a.services.audit.log as unknown as { store: { checkpoints(): Promise<unknown[]> } }).store.checkpoints();
    const result = await verifyAudit(
      entries.map((value, i) => ({ location: `#${i + 1}`, value })),
      checkpoints.map((value, i) => ({ location: `#${i + 1}`, value: value as never })),
      nodes.a.services.keys.publicKey,
    );
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  }, 30_000);
});
