// A node killed with SIGKILL: the other node's incidents keep streaming, the dead node's cameras
// reconnect to the live node and carry on with the same incident and grants.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';
import { DEMO } from '../../../helpers/relay.ts';
import { api, loginAt, startRelayProcess, type RelayProcess } from '../../../helpers/relay-process.ts';
import { until } from '../../../helpers/until.ts';
import { FAKE_RTP, TestSocket } from '../../../helpers/ws-client.ts';

async function camera(node: RelayProcess, who: { username: string; password: string }) {
  const socket = await TestSocket.open(node.wsUrl);
  await socket.request('auth', { token: await loginAt(node.url, who.username, who.password) });
  const caps = (await api<{ routerRtpCapabilities: object }>(node.url, 'GET', '/api/media/capabilities')).body.routerRtpCapabilities;
  const started = await socket.request('incident.start', { rtpCapabilities: caps });
  await socket.request('produce', { transportId: started.sendTransport.id, kind: 'video', rtpParameters: FAKE_RTP.video, source: 'camera' });
  return { socket, incidentId: started.incidentId as string, caps };
}

describe('a node killed with SIGKILL', () => {
  let redis: TestRedis;
  let a: RelayProcess;
  let b: RelayProcess;

  beforeAll(async () => {
    redis = await startRedis();
    const keyFile = join(await mkdtemp(join(tmpdir(), 'sightline-key-')), 'signing-key.jwk');
    const shared = { REDIS_URL: redis.url, SIGNING_KEY_FILE: keyFile, NODE_HEARTBEAT_MS: '250', NODE_TIMEOUT_MS: '1500', LOST_INCIDENT_GRACE_SECONDS: '60' };
    a = await startRelayProcess({ ...shared, NODE_ID: 'node-a' });
    b = await startRelayProcess({ ...shared, NODE_ID: 'node-b' });
  }, 60_000);
  afterAll(async () => {
    for (const node of [a, b]) if (node && node.child.exitCode === null) node.child.kill('SIGKILL');
    await redis?.stop();
  });

  it('keeps the other node streaming and lets the dead node’s camera carry on through the live node', async () => {
    const onA = await camera(a, DEMO.officer);
    const onB = await camera(b, DEMO.officer2);
    const supervisor = await loginAt(b.url, DEMO.supervisor.username, DEMO.supervisor.password);
    const clinicianSession = await loginAt(b.url, DEMO.clinician.username, DEMO.clinician.password);
    const grantOn = async (incidentId: string) =>
      (await api<{ token: string }>(b.url, 'POST', `/api/incidents/${incidentId}/grants`, { token: supervisor, body: { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 600 } })).body.token;
    const viewerOnB = await TestSocket.open(b.wsUrl);
    expect((await viewerOnB.send('join', { incidentId: onB.incidentId, grantToken: await grantOn(onB.incidentId), session: clinicianSession, rtpCapabilities: onB.caps })).ok).toBe(true);
    const tokenForA = await grantOn(onA.incidentId);

    a.child.kill('SIGKILL');
    await a.exited();
    await onA.socket.waitFor(() => onA.socket.closeCode ?? undefined, 5000);

    // Node B's incident is untouched: its viewer stays joined and the incident stays live.
    const incidents = async () => (await api<Array<{ id: string; lostAt: number | null; viewers: unknown[] }>>(b.url, 'GET', '/api/incidents', { token: supervisor })).body;
    const lost = await until(async () => (await incidents()).find((i) => i.id === onA.incidentId && i.lostAt !== null), 10_000, 'node A’s incident to be marked lost');
    expect(lost.lostAt).toBeGreaterThan(0);
    expect((await incidents()).find((i) => i.id === onB.incidentId)).toMatchObject({ lostAt: null, viewers: [expect.objectContaining({ userId: DEMO.clinician.id })] });
    expect(viewerOnB.notifications.some((n) => n.type === 'access.ended')).toBe(false);
    expect((await viewerOnB.send('ping')).ok).toBe(true);

    // The camera from node A reconnects through node B and takes its incident back, same id.
    const back = await camera(b, DEMO.officer);
    expect(back.incidentId).toBe(onA.incidentId);
    expect((await incidents()).find((i) => i.id === onA.incidentId)?.lostAt).toBeNull();
    // The grant issued before the failure still works.
    const viewerOfA = await TestSocket.open(b.wsUrl);
    const rejoined = await viewerOfA.send('join', { incidentId: onA.incidentId, grantToken: tokenForA, session: clinicianSession, rtpCapabilities: back.caps });
    expect(rejoined).toMatchObject({ ok: true, data: { consumers: [expect.objectContaining({ kind: 'video' })] } });
    for (const s of [viewerOnB, viewerOfA, back.socket, onB.socket]) s.close();
  });
});
