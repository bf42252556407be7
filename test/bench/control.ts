// Control-plane benchmark: viewing-token verification per core, clinician join round trips and
// throughput against an in-process relay, and audit append latency with fsync on.
//
//   npm run bench:control            (BENCH_QUICK=1 for a smoke run)
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AuditEvent } from '../../signaling/audit/audit-entry.ts';
import { FileAuditLog } from '../../signaling/audit/file-audit-log.ts';
import { loadConfig } from '../../signaling/config.ts';
import { generateSigningJwk, signingKeysFromJwk } from '../../signaling/tokens/signing-keys.ts';
import { issueViewingToken, verifyViewingToken } from '../../signaling/tokens/viewing-token.ts';
import { DEMO, startRelay, type TestRelay } from '../helpers/relay.ts';
import { capabilities, goLive } from '../helpers/scenario.ts';
import { TestSocket } from '../helpers/ws-client.ts';
import { REPO_ROOT, isQuick, log } from './lib/machine.ts';
import { cpuSeconds, onTeardown } from './lib/processes.ts';
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
  const opened = performance.now();
  const socket = await TestSocket.open(relay.wsUrl);
  const sent = performance.now();
  const reply = await socket.send('join', { incidentId, grantToken: token, rtpCapabilities });
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
    const tokens = await Promise.all(
      Array.from({ length: sequential + concurrent + 5 }, async () =>
        (await issueViewingToken(relay.services.keys, relay.services.config.TOKEN_ISSUER, {
          clinicianId: DEMO.clinician.id,
          incidentId: live.incidentId,
          permissions: ['view', 'talk'],
          notBefore: Date.now() - 1000,
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

const auditEvent = (n: number): AuditEvent => ({
  action: 'join',
  outcome: 'allowed',
  actor: { id: DEMO.clinician.id, role: 'clinician', agencyId: 'harbour-health' },
  target: { incidentId: 'inc-bench', grantId: `g-${n}` },
  source: { ip: '127.0.0.1', userAgent: 'sightline-bench', node: 'bench' },
  detail: { permissions: 'view,talk', expiresAt: Date.now() },
});

/** Appends to the file audit store with fsync on, in the repo's var/ (the default DATA_DIR's disk). */
async function auditBench(sequential: number, concurrent: number) {
  const dir = await mkdtemp(join(REPO_ROOT, 'var', 'bench-audit-'));
  const removeDir = onTeardown('audit temp dir', () => rm(dir, { recursive: true, force: true }));
  let filesystem = 'unknown';
  try {
    filesystem = execFileSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' }).trim();
  } catch {
    // Reported as unknown.
  }
  const log = await FileAuditLog.open(join(dir, 'audit.jsonl'), { fsync: true });
  try {
    for (let i = 0; i < 10; i++) await log.record(auditEvent(i));
    const latencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const t = performance.now();
      await log.record(auditEvent(i));
      latencies.push(performance.now() - t);
    }
    const started = performance.now();
    const burst = await Promise.all(
      Array.from({ length: concurrent }, async (_, i) => {
        const t = performance.now();
        await log.record(auditEvent(i));
        return performance.now() - t;
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    return {
      store: 'file (JSON lines, hash-chained, datasync before each append resolves)',
      filesystem,
      sequentialMs: summarize(latencies),
      burst: { appends: concurrent, perSecond: round(concurrent / elapsed, 0), latencyMs: summarize(burst) },
    };
  } finally {
    await log.close();
    await removeDir();
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
    log('control: audit appends');
    const audit = await auditBench(quick ? 20 : 500, quick ? 20 : 200);
    const redisConfigured = 'REDIS_URL' in loadConfig({});
    const results = {
      tokenVerify: { serial: tokenSerial, parallel: tokenParallel },
      join: joins,
      audit: {
        file: audit,
        redis: { status: redisConfigured ? 'pending: Redis store present but not benchmarked yet' : 'pending: no Redis audit store on this branch' },
      },
      revokeToCut: { status: 'pending: revocation not on this branch' },
    };
    const perCore = Math.max(tokenSerial.perCoreSecond, tokenParallel.perCoreSecond);
    return {
      results,
      targets: [],
      method: [
        'Token verify: `verifyViewingToken` (EdDSA via jose) on one valid token in a loop, 1 and 16 in flight; per core = verifications per CPU-second of the process (WebCrypto runs on the libuv pool).',
        'Join: an in-process relay (real mediasoup worker, fake RTP camera producers as in the integration tests); each clinician opens a WebSocket, sends `join` with a fresh view+talk token and waits for the reply; sequential for latency, several clients in parallel for throughput.',
        'Audit: `FileAuditLog` with fsync on, in a temp dir under `var/`; sequential appends for latency, a burst of concurrent appends (serialised by the store) for throughput.',
      ],
      notes: [
        results.audit.redis.status,
        'Revoke → media cut latency: pending, revocation is not on this branch (JSON `revokeToCut`).',
      ],
      table: [
        ['measure', 'figure'],
        ['token verify, per core', `${perCore.toLocaleString('en')} /s`],
        ['token verify, wall (16 in flight)', `${tokenParallel.perSecond.toLocaleString('en')} /s on ${tokenParallel.cpuCores} cores`],
        ['join round trip, sequential (median / p95)', `${joins.sequential.roundTripMs.median} / ${joins.sequential.roundTripMs.p95} ms`],
        [`join throughput (${joins.concurrent.concurrency} clients)`, `${joins.concurrent.perSecond} joins/s (p95 ${joins.concurrent.roundTripMs.p95} ms)`],
        ['audit append, fsync (median / p95)', `${audit.sequentialMs.median} / ${audit.sequentialMs.p95} ms on ${audit.filesystem}`],
        ['audit appends, burst', `${audit.burst.perSecond} /s`],
        ['revoke → media cut', 'pending (revocation not on this branch)'],
      ],
      chart: [
        {
          title: 'Control plane latency',
          unit: 'ms',
          groups: ['join (seq)', `join (${joins.concurrent.concurrency} clients)`, 'audit fsync'],
          series: [
            { name: 'median', values: [joins.sequential.roundTripMs.median, joins.concurrent.roundTripMs.median, audit.sequentialMs.median] },
            { name: 'p95', values: [joins.sequential.roundTripMs.p95, joins.concurrent.roundTripMs.p95, audit.sequentialMs.p95] },
          ],
        },
      ],
    };
  },
};

await benchMain(import.meta.url, control);
