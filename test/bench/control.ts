// Control-plane benchmark: viewing-token verification per core, clinician join round trips and
// throughput against an in-process relay, revoke → media cut on one node and across two nodes on
// Redis, and audit append latency with fsync on for the file and Redis Streams stores.
//
//   npm run bench:control            (BENCH_QUICK=1 for a smoke run)
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AuditEvent } from '../../signaling/audit/audit-entry.ts';
import type { AuditStore } from '../../signaling/audit/audit-log.ts';
import { FileAuditLog } from '../../signaling/audit/file-audit-log.ts';
import { RedisAuditLog } from '../../signaling/audit/redis-audit-log.ts';
import { generateSigningJwk, signingKeysFromJwk } from '../../signaling/tokens/signing-keys.ts';
import { issueViewingToken, verifyViewingToken } from '../../signaling/tokens/viewing-token.ts';
import { startRedis, type TestRedis } from '../helpers/redis-server.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { capabilities, clinicianSession, goLive, grant, storedGrant } from '../helpers/scenario.ts';
import { TestSocket } from '../helpers/ws-client.ts';
import { REPO_ROOT, isQuick, log } from './lib/machine.ts';
import { cpuSeconds, onTeardown, waitUntil } from './lib/processes.ts';
import { benchMain, target, type BenchDefinition, type BenchOutcome } from './lib/report.ts';
import { round, summarize } from './lib/stats.ts';

const ISSUER = 'sightline-bench';

/** Verifies one token repeatedly for `seconds`, `inFlight` at a time; CPU from process.cpuUsage. */
async function tokenVerifyThroughput(seconds: number, inFlight: number) {
  const keys = await signingKeysFromJwk(await generateSigningJwk());
  const { token } = await issueViewingToken(keys, ISSUER, {
    clinicianId: DEMO.clinician.id,
    incidentId: 'inc-bench',
    permissions: ['view', 'talk'],
    notBefore: Date.now() - 1000,
    expiresAt: Date.now() + 3600_000,
  });
  const expected = { issuer: ISSUER, incidentId: 'inc-bench' };
  for (let i = 0; i < 200; i++) await verifyViewingToken(token, keys, expected); // warm-up (JIT, key import caches)
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await verifyViewingToken(token, keys, expected);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    inFlight,
    verifications: count,
    perSecond: round(count / elapsed, 0),
    cpuCores: round(cpuSeconds / elapsed),
    perCoreSecond: round(count / cpuSeconds, 0),
  };
}

async function joinOnce(relay: TestRelay, incidentId: string, rtpCapabilities: unknown, token: string) {
  const session = await clinicianSession(relay, token);
  const opened = performance.now();
  const socket = await TestSocket.open(relay.wsUrl);
  const sent = performance.now();
  const reply = await socket.send('join', { incidentId, grantToken: token, session, rtpCapabilities });
  const replied = performance.now();
  socket.close();
  if (!reply.ok) throw new Error(`join refused: ${reply.error.code}`);
  return { openMs: sent - opened, roundTripMs: replied - sent };
}

/** Clinicians join a live incident whose camera producers are fake RTP producers (no browser). */
async function joinBench(sequential: number, concurrent: number, concurrency: number) {
  const relay = await startRelay({ RTC_MIN_PORT: '43000', RTC_MAX_PORT: '44999', AUDIT_FSYNC: 'true' });
  const release = onTeardown('relay (control bench)', () => relay.close());
  try {
    const live = await goLive(relay);
    const rtpCapabilities = await capabilities(relay);
    // One real grant record per join (tokens are only accepted while their grant is in the store).
    const tokens = await Promise.all(
      Array.from({ length: sequential + concurrent + 5 }, async () =>
        (await storedGrant(relay, {
          incidentId: live.incidentId,
          clinicianId: DEMO.clinician.id,
          permissions: ['view', 'talk'],
          expiresAt: Date.now() + 3600_000,
        })).token,
      ),
    );
    for (let i = 0; i < 5; i++) await joinOnce(relay, live.incidentId, rtpCapabilities, tokens.pop()!); // warm-up
    const roundTrips: number[] = [];
    const opens: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const r = await joinOnce(relay, live.incidentId, rtpCapabilities, tokens.pop()!);
      roundTrips.push(r.roundTripMs);
      opens.push(r.openMs);
    }
    const loaded: number[] = [];
    const cpuBefore = process.cpuUsage();
    const workerPid = relay.services.media.workerPids()[0]!;
    const workerBefore = cpuSeconds(workerPid);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let token = tokens.pop(); token !== undefined; token = tokens.pop()) {
          loaded.push((await joinOnce(relay, live.incidentId, rtpCapabilities, token)).roundTripMs);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    live.socket.close();
    return {
      what: 'join request → reply over ws (view+talk grant: token check, audit append with fsync, 2 WebRtcTransports, 2 paused consumers)',
      sequential: { roundTripMs: summarize(roundTrips), socketOpenMs: summarize(opens) },
      concurrent: {
        concurrency,
        joins: loaded.length,
        perSecond: round(loaded.length / elapsed, 1),
        roundTripMs: summarize(loaded),
        relayProcessCpuCores: round((cpu.user + cpu.system) / 1e6 / elapsed),
        workerCpuCores: round((cpuSeconds(workerPid) - workerBefore) / elapsed),
      },
    };
  } finally {
    await release();
  }
}

interface RevokeSample {
  /** Revoke request sent → `access.ended` received on the clinician's socket. */
  cutMs: number;
  /** Revoke request sent → the HTTP reply. */
  httpMs: number;
  /** The viewer's consumers still open in the room when `access.ended` arrived (0 expected). */
  consumersLeft: number;
}

/**
 * One revoke → cut measurement: a clinician joins through `edge` an incident whose media is on
 * `host`, then the supervisor revokes the grant through `edge`'s HTTP API.
 */
async function revokeOnce(host: TestRelay, edge: TestRelay, incidentId: string, rtpCapabilities: unknown, supervisorToken: string): Promise<RevokeSample> {
  const granted = await grant(edge, incidentId, { permissions: ['view', 'talk'], ttlSeconds: 600, clinicianId: DEMO.clinician.id });
  const session = await clinicianSession(edge, granted.token);
  const socket = await TestSocket.open(edge.wsUrl);
  try {
    const reply = await socket.send('join', { incidentId, grantToken: granted.token, session, rtpCapabilities });
    if (!reply.ok) throw new Error(`join refused: ${reply.error.code}`);
    const room = host.services.media.room(incidentId);
    if (!room) throw new Error('no media room on the host node');
    await waitUntil(() => room.consumerCount() === 2, 5000, 'the viewer’s two consumers');
    const started = performance.now();
    let httpMs = Number.NaN;
    const revoked = edge.api('POST', `/api/grants/${granted.grantId}/revoke`, { token: supervisorToken }).then((r) => {
      httpMs = performance.now() - started;
      if (r.status !== 200) throw new Error(`revoke failed: ${r.status} ${JSON.stringify(r.body)}`);
    });
    revoked.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
    const ended = await socket.waitFor(() => socket.notifications.find((n) => n.type === 'access.ended'), 10_000);
    const cutMs = performance.now() - started;
    const consumersLeft = room.consumerCount();
    await revoked;
    if ((ended as { code?: string }).code !== 'GRANT_REVOKED') throw new Error(`access ended with ${JSON.stringify(ended)}`);
    await waitUntil(() => room.consumerCount() === 0, 5000, 'the viewer’s consumers to close');
    return { cutMs, httpMs, consumersLeft };
  } finally {
    socket.close();
  }
}

function summarizeRevokes(samples: RevokeSample[]) {
  return {
    repeats: samples.length,
    cutMs: summarize(samples.map((s) => s.cutMs)),
    httpReplyMs: summarize(samples.map((s) => s.httpMs)),
    consumersLeftAtAccessEnded: Math.max(0, ...samples.map((s) => s.consumersLeft)),
    samples: samples.map((s) => round(s.cutMs, 1)),
  };
}

const RELAY_OVERRIDES = { AUTH_RATE_PER_MINUTE: '100000', AUDIT_FSYNC: 'true' } as const;

/** Revoke → cut on one node: relay, camera and clinician all on the same in-process relay. */
async function revokeSingleNode(repeats: number, warmup: number) {
  const relay = await startRelay({ ...RELAY_OVERRIDES, RTC_MIN_PORT: '47000', RTC_MAX_PORT: '47499' });
  const release = onTeardown('relay (revoke bench)', () => relay.close());
  try {
    const live = await goLive(relay);
    const rtpCapabilities = await capabilities(relay);
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const samples: RevokeSample[] = [];
    for (let i = 0; i < warmup + repeats; i++) {
      const sample = await revokeOnce(relay, relay, live.incidentId, rtpCapabilities, token);
      if (i >= warmup) samples.push(sample);
    }
    live.socket.close();
    return {
      what: 'POST /api/grants/:id/revoke (supervisor) → `access.ended` on the clinician’s socket; one in-process relay, file stores, audit fsync on',
      ...summarizeRevokes(samples),
    };
  } finally {
    await release();
  }
}

/** Revoke → cut across nodes: incident on node A, clinician joined and grant revoked through node B. */
async function revokeCrossNode(repeats: number, warmup: number) {
  const redis = await startRedis();
  const releaseRedis = onTeardown('redis-server (revoke bench)', () => redis.stop(), () => redis.process.kill('SIGKILL'));
  const keyDir = await mkdtemp(join(tmpdir(), 'sightline-bench-key-'));
  const releaseKey = onTeardown('signing key dir (revoke bench)', () => rm(keyDir, { recursive: true, force: true }));
  const shared = { ...RELAY_OVERRIDES, REDIS_URL: redis.url, SIGNING_KEY_FILE: join(keyDir, 'signing-key.jwk'), NODE_HEARTBEAT_MS: '200', NODE_TIMEOUT_MS: '1000' };
  const releases: Array<() => Promise<void>> = [releaseKey, releaseRedis];
  try {
    const a = await startRelay({ ...shared, NODE_ID: 'node-a', RTC_MIN_PORT: '47500', RTC_MAX_PORT: '47999' });
    releases.unshift(onTeardown('relay node A (revoke bench)', () => a.close()));
    const b = await startRelay({ ...shared, NODE_ID: 'node-b', RTC_MIN_PORT: '48000', RTC_MAX_PORT: '48499' });
    releases.unshift(onTeardown('relay node B (revoke bench)', () => b.close()));
    await waitUntil(async () => (await b.services.cluster.nodes()).length === 2, 10_000, 'both nodes registered');
    const live = await goLive(a);
    const record = await b.services.incidents.get(live.incidentId);
    if (record.nodeId !== 'node-a') throw new Error(`incident placed on ${record.nodeId}, expected node-a`);
    const rtpCapabilities = await capabilities(b);
    const { token } = await b.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const samples: RevokeSample[] = [];
    for (let i = 0; i < warmup + repeats; i++) {
      const sample = await revokeOnce(a, b, live.incidentId, rtpCapabilities, token);
      if (i >= warmup) samples.push(sample);
    }
    if (b.services.media.stats().rooms !== 0) throw new Error('node B hosted media; the bench expects it on node A only');
    live.socket.close();
    return {
      what: 'incident on node A; clinician joins through node B; POST /api/grants/:id/revoke on node B → `access.ended` on the clinician’s socket (node B); two in-process relays on one redis-server (no persistence)',
      ...summarizeRevokes(samples),
    };
  } finally {
    for (const release of releases) await release();
  }
}

const auditEvent = (n: number): AuditEvent => ({
  action: 'join',
  outcome: 'allowed',
  actor: { id: DEMO.clinician.id, role: 'clinician', agencyId: 'harbour-health' },
  target: { incidentId: 'inc-bench', grantId: `g-${n}` },
  source: { ip: '127.0.0.1', userAgent: 'sightline-bench', node: 'bench' },
  detail: { permissions: 'view,talk', expiresAt: Date.now() },
});

function filesystemOf(dir: string): string {
  try {
    return execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Sequential appends for latency, then a burst of concurrent appends (serialised by the store). */
async function appendLatency(store: AuditStore, sequential: number, concurrent: number) {
  for (let i = 0; i < 10; i++) await store.record(auditEvent(i));
  const latencies: number[] = [];
  for (let i = 0; i < sequential; i++) {
    const t = performance.now();
    await store.record(auditEvent(i));
    latencies.push(performance.now() - t);
  }
  const started = performance.now();
  const burst = await Promise.all(
    Array.from({ length: concurrent }, async (_, i) => {
      const t = performance.now();
      await store.record(auditEvent(i));
      return performance.now() - t;
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    sequentialMs: summarize(latencies),
    burst: { appends: concurrent, perSecond: round(concurrent / elapsed, 0), latencyMs: summarize(burst) },
  };
}

/** Appends to the file audit store with fsync on, in the repo's var/ (the default DATA_DIR's disk). */
async function fileAuditBench(sequential: number, concurrent: number) {
  const dir = await mkdtemp(join(REPO_ROOT, 'var', 'bench-audit-'));
  const removeDir = onTeardown('audit temp dir', () => rm(dir, { recursive: true, force: true }));
  const filesystem = filesystemOf(dir);
  const store = await FileAuditLog.open(join(dir, 'audit.jsonl'), { fsync: true });
  try {
    return {
      store: 'file (JSON lines, hash-chained, datasync before each append resolves)',
      filesystem,
      ...(await appendLatency(store, sequential, concurrent)),
    };
  } finally {
    await store.close();
    await removeDir();
  }
}

/** Appends to the Redis Streams audit store on a local redis-server with AOF `appendfsync always`. */
async function redisAuditBench(sequential: number, concurrent: number) {
  const redis: TestRedis = await startRedis({ durable: true });
  const stopRedis = onTeardown('redis-server (audit bench)', () => redis.stop(), () => redis.process.kill('SIGKILL'));
  const warnings: string[] = [];
  try {
    const store = await RedisAuditLog.open({ url: redis.url, prefix: 'bench:audit', onWarning: (message) => warnings.push(message) });
    try {
      if (warnings.length > 0) throw new Error(`Redis audit store not durable: ${warnings.join('; ')}`);
      return {
        store: 'Redis Streams (compare-and-append Lua script, hash-chained; redis-server with appendonly yes, appendfsync always, on loopback)',
        filesystem: filesystemOf(redis.dir),
        ...(await appendLatency(store, sequential, concurrent)),
      };
    } finally {
      await store.close();
    }
  } finally {
    await stopRedis();
  }
}

export const control: BenchDefinition = {
  name: 'control',
  title: 'Control plane',
  async run(): Promise<BenchOutcome> {
    const quick = isQuick();
    execFileSync('mkdir', ['-p', join(REPO_ROOT, 'var')]);
    log('control: token verification');
    const tokenSerial = await tokenVerifyThroughput(quick ? 0.3 : 3, 1);
    const tokenParallel = await tokenVerifyThroughput(quick ? 0.3 : 3, 16);
    log('control: joins');
    const joins = await joinBench(quick ? 5 : 100, quick ? 10 : 200, quick ? 4 : 8);
    log('control: revoke → cut, one node');
    const revokeSingle = await revokeSingleNode(quick ? 3 : 50, quick ? 1 : 3);
    log('control: revoke → cut, two nodes on Redis');
    const revokeCross = await revokeCrossNode(quick ? 3 : 50, quick ? 1 : 3);
    log('control: audit appends (file store)');
    const auditFile = await fileAuditBench(quick ? 20 : 500, quick ? 20 : 200);
    log('control: audit appends (Redis store)');
    const auditRedis = await redisAuditBench(quick ? 20 : 500, quick ? 20 : 200);
    const results = {
      tokenVerify: { serial: tokenSerial, parallel: tokenParallel },
      join: joins,
      revokeToCut: { singleNode: revokeSingle, crossNode: revokeCross },
      audit: { file: auditFile, redis: auditRedis },
    };
    const perCore = Math.max(tokenSerial.perCoreSecond, tokenParallel.perCoreSecond);
    const ms = (s: { median: number | null; p95: number | null }) => `${s.median} / ${s.p95} ms`;
    return {
      results,
      targets: [
        target('revoke → cut, one node (p95)', '≤ 250 ms', revokeSingle.cutMs.p95, 'ms', (v) => v <= 250),
        target('revoke → cut, across nodes (p95)', '≤ 250 ms', revokeCross.cutMs.p95, 'ms', (v) => v <= 250),
      ],
      method: [
        'Token verify: `verifyViewingToken` (EdDSA via jose) on one valid token in a loop, 1 and 16 in flight; per core = verifications per CPU-second of the process (WebCrypto runs on the libuv pool).',
        'Join: an in-process relay (real mediasoup worker, fake RTP camera producers as in the integration tests); each clinician opens a WebSocket, sends `join` with the token of its own grant record (written to the grant store before the run) and waits for the reply; sequential for latency, several clients in parallel for throughput.',
        `Revoke → cut, one node: an in-process relay (audit fsync on); per repeat the supervisor grants view+talk through the HTTP API, a protocol-level clinician socket joins (2 consumers), then the timer starts as \`POST /api/grants/:id/revoke\` is sent and stops when \`access.ended\` (GRANT_REVOKED) arrives on the clinician's socket; the room's consumers are then checked to be gone. ${revokeSingle.repeats} repeats after warm-up. The 250 ms goal is the bound the integration tests assert.`,
        `Revoke → cut, two nodes: a real redis-server and two in-process relays sharing REDIS_URL and SIGNING_KEY_FILE (node-a, node-b); the incident is hosted on node A, the clinician joins and the supervisor revokes through node B; timed as above, consumers checked on node A. ${revokeCross.repeats} repeats after warm-up.`,
        'Audit: the same events appended to `FileAuditLog` with fsync on (temp dir under `var/`) and to `RedisAuditLog` on a local redis-server with `appendonly yes`, `appendfsync always` (its dir on the same disk); sequential appends for latency, a burst of concurrent appends (serialised by each store) for throughput.',
      ],
      notes: [
        `Consumers still open when \`access.ended\` arrived (worst repeat): ${revokeSingle.consumersLeftAtAccessEnded} on one node, ${revokeCross.consumersLeftAtAccessEnded} across nodes; every repeat waits for them to reach 0.`,
      ],
      table: [
        ['measure', 'figure'],
        ['token verify, per core', `${perCore.toLocaleString('en')} /s`],
        ['token verify, wall (16 in flight)', `${tokenParallel.perSecond.toLocaleString('en')} /s on ${tokenParallel.cpuCores} cores`],
        ['join round trip, sequential (median / p95)', ms(joins.sequential.roundTripMs)],
        [`join throughput (${joins.concurrent.concurrency} clients)`, `${joins.concurrent.perSecond} joins/s (p95 ${joins.concurrent.roundTripMs.p95} ms)`],
        [`revoke → media cut, one node (median / p95, ${revokeSingle.repeats} repeats)`, ms(revokeSingle.cutMs)],
        [`revoke → media cut, across two nodes on Redis (median / p95, ${revokeCross.repeats} repeats)`, ms(revokeCross.cutMs)],
        ['audit append, file store, fsync (median / p95)', `${ms(auditFile.sequentialMs)} on ${auditFile.filesystem}`],
        ['audit append, Redis store, appendfsync always (median / p95)', `${ms(auditRedis.sequentialMs)} on ${auditRedis.filesystem}`],
        ['audit appends, burst (file / Redis)', `${auditFile.burst.perSecond} / ${auditRedis.burst.perSecond} /s`],
      ],
      chart: [
        {
          title: 'Control plane latency',
          unit: 'ms',
          groups: ['join (seq)', `join (${joins.concurrent.concurrency} clients)`, 'revoke→cut', 'revoke→cut (2 nodes)', 'audit file', 'audit Redis'],
          series: [
            {
              name: 'median',
              values: [joins.sequential.roundTripMs.median, joins.concurrent.roundTripMs.median, revokeSingle.cutMs.median, revokeCross.cutMs.median, auditFile.sequentialMs.median, auditRedis.sequentialMs.median],
            },
            {
              name: 'p95',
              values: [joins.sequential.roundTripMs.p95, joins.concurrent.roundTripMs.p95, revokeSingle.cutMs.p95, revokeCross.cutMs.p95, auditFile.sequentialMs.p95, auditRedis.sequentialMs.p95],
            },
          ],
        },
      ],
    };
  },
};

await benchMain(import.meta.url, control);
