// Durability: the real relay process runs a flow of acknowledged actions (sign-ins, an incident,
// grants, joins) and is killed with SIGKILL in the middle of it. Every action the client saw
// acknowledged must have its audit entry, for the file store and for Redis (which is killed with
// SIGKILL too and restarted from its append-only file). The relay then restarts, continues the
// chain, and audit:verify passes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import { parseEntry } from '../../../../signaling/audit/chain-verification.ts';
import { readLines } from '../../../../signaling/infra/append-only-file.ts';
import { RedisAuditLog } from '../../../../signaling/audit/redis-audit-log.ts';
import { runCli } from '../../../helpers/cli.ts';
import { startRedis, type TestRedis } from '../../../helpers/redis-server.ts';
import { DEMO } from '../../../helpers/relay.ts';
import { startRelayProcess, type RelayProcess } from '../../../helpers/relay-process.ts';
import { TestSocket } from '../../../helpers/ws-client.ts';

type Ack = { what: string; found: (entries: AuditEntry[]) => boolean };

async function post(relay: RelayProcess, path: string, body: unknown, token?: string) {
  const response = await fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** A signalling request that resolves with its reply, or null if the socket dies first. */
function request(socket: TestSocket, type: string, body: Record<string, unknown>): Promise<any | null> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: any) => {
      if (!done) (done = true), resolve(value);
    };
    socket.ws.once('close', () => finish(null));
    socket.send(type, body).then(
      (reply) => finish(reply.ok ? reply.data : null),
      () => finish(null),
    );
  });
}

const count = (entries: AuditEntry[], predicate: (e: AuditEntry) => boolean) => entries.filter(predicate).length;

/** Runs sign-ins, grants and joins until the relay dies, recording each acknowledged action. */
async function acknowledgedFlowUntilKilled(relay: RelayProcess, kill: () => void): Promise<Ack[]> {
  const acks: Ack[] = [];
  const login = await post(relay, '/api/session', { username: DEMO.officer.username, password: DEMO.officer.password });
  acks.push({ what: 'officer login', found: (es) => count(es, (e) => e.action === 'login' && e.outcome === 'allowed' && e.actor?.id === DEMO.officer.id) >= 1 });
  const caps = ((await (await fetch(`${relay.url}/api/media/capabilities`)).json()) as { routerRtpCapabilities: unknown }).routerRtpCapabilities;
  const officer = await TestSocket.open(relay.wsUrl);
  await officer.request('auth', { token: login.body.token });
  const { incidentId } = await officer.request('incident.start', { rtpCapabilities: caps });
  acks.push({ what: `incident.start ${incidentId}`, found: (es) => es.some((e) => e.action === 'incident.start' && e.target.incidentId === incidentId) });

  const clinicianLogin = await post(relay, '/api/session', { username: DEMO.clinician.username, password: DEMO.clinician.password });
  let supervisorLogins = 0;
  let alive = true;
  const worker = async () => {
    while (alive) {
      try {
        const sup = await post(relay, '/api/session', { username: DEMO.supervisor.username, password: DEMO.supervisor.password });
        if (sup.status !== 200) continue;
        const n = (supervisorLogins += 1);
        acks.push({ what: `supervisor login #${n}`, found: (es) => count(es, (e) => e.action === 'login' && e.outcome === 'allowed' && e.actor?.id === DEMO.supervisor.id) >= n });
        const granted = await post(relay, `/api/incidents/${incidentId}/grants`, { clinicianId: DEMO.clinician.id, permissions: ['view'], ttlSeconds: 600 }, sup.body.token);
        if (granted.status !== 201) continue;
        const grantId = granted.body.grantId as string;
        acks.push({ what: `grant ${grantId}`, found: (es) => es.some((e) => e.action === 'grant.create' && e.outcome === 'allowed' && e.target.grantId === grantId) });
        const clinician = await TestSocket.open(relay.wsUrl);
        const joined = await request(clinician, 'join', { incidentId, grantToken: granted.body.token, session: clinicianLogin.body.token, rtpCapabilities: caps });
        if (joined) acks.push({ what: `join ${grantId}`, found: (es) => es.some((e) => e.action === 'join' && e.outcome === 'allowed' && e.target.grantId === grantId) });
        clinician.close();
        // One active grant per clinician and incident: revoked, so the next round can grant again.
        const revoked = await post(relay, `/api/grants/${grantId}/revoke`, {}, sup.body.token);
        if (revoked.status === 200) acks.push({ what: `revoke ${grantId}`, found: (es) => es.some((e) => e.action === 'grant.revoke' && e.outcome === 'allowed' && e.target.grantId === grantId) });
      } catch {
        // the relay is gone: nothing in flight was acknowledged
        alive = false;
      }
    }
  };
  const workers = [worker(), worker(), worker()];
  const started = Date.now();
  while (acks.length < 40 && Date.now() - started < 8000) await new Promise((resolve) => setTimeout(resolve, 20));
  kill(); // mid-flow: the workers have requests in flight
  await Promise.all(workers);
  officer.close();
  return acks;
}

describe.each(['file', 'redis'] as const)('a relay killed mid-flow (%s store)', (store) => {
  let dir: string;
  let redis: TestRedis | null = null;
  afterAll(async () => {
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('has an audit entry for every action it acknowledged, and the chain continues after a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sightline-crash-'));
    if (store === 'redis') redis = await startRedis({ durable: true });
    const env = {
      DATA_DIR: dir,
      RTC_MIN_PORT: store === 'file' ? '47400' : '47600',
      RTC_MAX_PORT: store === 'file' ? '47599' : '47799',
      AUDIT_CHECKPOINT_EVERY: '7',
      ...(redis ? { REDIS_URL: redis.url } : {}),
    };
    const relay = await startRelayProcess(env);
    const acks = await acknowledgedFlowUntilKilled(relay, () => relay.child.kill('SIGKILL'));
    expect(await relay.exited()).toBeNull();
    expect(relay.child.signalCode).toBe('SIGKILL');
    expect(acks.length).toBeGreaterThanOrEqual(10);

    const readEntries = async (): Promise<AuditEntry[]> => {
      if (!redis) return (await readLines(join(dir, 'audit.jsonl'))).map(({ text }) => parseEntry(text)!);
      const log = await RedisAuditLog.open({ url: redis.url, prefix: 'sightline:audit' });
      const all = await log.entries();
      await log.close();
      return all;
    };
    if (redis) {
      await redis.kill('SIGKILL');
      await redis.restart();
    }
    const entries = await readEntries();
    const missing = acks.filter((ack) => !ack.found(entries)).map((ack) => ack.what);
    expect(missing).toEqual([]);
    entries.forEach((entry, index) => expect(entry.seq).toBe(index + 1));

    // The restarted relay continues the chain; verification passes.
    const restarted = await startRelayProcess(env);
    const again = await post(restarted, '/api/session', { username: DEMO.supervisor.username, password: DEMO.supervisor.password });
    expect(again.status).toBe(200);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited()).toBe(0);
    // The restarted relay signed the supervisor in and, where the killed relay's incident is gone
    // (the file store's state is in memory), sealed the recording it left unsealed.
    const after = await readEntries();
    expect(after.slice(entries.length).map((e) => e.action).filter((action) => action !== 'recording.sealed')).toEqual(['login']);
    const verified = await runCli('audit-verify', redis ? ['--redis', redis.url] : ['--file', join(dir, 'audit.jsonl')], { DATA_DIR: dir });
    expect(verified.stdout).toContain('OK: the chain is intact');
    expect(verified.stdout).toMatch(new RegExp(`the chain ends at seq ${after.length}\\b`));
    expect(verified.code).toBe(0);
  }, 90_000);
});
