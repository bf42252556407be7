// CI smoke for the benchmarks: every bench runs in quick mode (a few iterations, small N; Janus
// only where it is installed and the run is root) and must print a well-formed JSON report and
// write its summary files. Figures are never checked: a slow machine must not fail CI.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import type { BenchReport } from './lib/report.ts';

let outDir: string;

function runBench(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `test/bench/${name}.ts`], {
      env: { ...process.env, BENCH_QUICK: '1', BENCH_RESULTS_DIR: outDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const numberOrNull = (value: unknown) => value === null || (typeof value === 'number' && Number.isFinite(value));

function expectSummary(value: unknown): void {
  const s = value as Record<string, unknown>;
  for (const key of ['n', 'median', 'p95', 'min', 'max']) expect(numberOrNull(s[key]), key).toBe(true);
}

async function quickReport(name: string): Promise<BenchReport> {
  const { code, stdout, stderr } = await runBench(name);
  expect(code, stderr.slice(-3000)).toBe(0);
  const report = JSON.parse(stdout) as BenchReport;
  expect(report.bench).toBe(name);
  expect(report.quick).toBe(true);
  expect(report.machine.cores).toBeGreaterThan(0);
  expect(report.method.length).toBeGreaterThan(0);
  for (const t of report.targets) {
    expect(typeof t.name).toBe('string');
    expect(typeof t.goal).toBe('string');
    expect(numberOrNull(t.value)).toBe(true);
    expect([true, false, null]).toContain(t.met);
  }
  for (const ext of ['json', 'md', 'png']) expect(existsSync(join(outDir, `${name}.${ext}`)), `${name}.${ext}`).toBe(true);
  return report;
}

describe('benchmarks, quick mode', () => {
  beforeAll(async () => {
    ensureClientBuilt();
    outDir = await mkdtemp(join(tmpdir(), 'sightline-bench-smoke-'));
  });
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('ttff reports the pre-connected inbox join and the grant link, with their phases, beside Janus', async () => {
    const r = (await quickReport('ttff')).results as Record<string, any>;
    for (const flow of [r.inbox, r.link]) {
      expectSummary(flow.ttffMs);
      expect(flow.samples.length).toBeGreaterThan(0);
      for (const phase of ['setupMs', 'replyMs', 'negotiateMs', 'keyframeMs', 'heldInJitterBufferMs']) expect(numberOrNull(flow.phases[phase])).toBe(true);
      // The browser's receiver was read as the first frame was shown: it had decoded that frame at least.
      expect(flow.phases.decodedByFirstShown).toBeGreaterThanOrEqual(1);
    }
    expectSummary(r.link.sinceNavigationMs);
    expect('janus' in r && 'medianRatio' in r && 'linkRatio' in r).toBe(true);
  }, 180_000);

  it('latency reports relay and direct glass-to-glass figures', async () => {
    const r = (await quickReport('latency')).results as Record<string, any>;
    expectSummary(r.relay);
    expectSummary(r.direct);
    expect(numberOrNull(r.medianRatio)).toBe(true);
  }, 120_000);

  it('fanout reports steps, receivers per core and the CPU ratio', async () => {
    const r = (await quickReport('fanout')).results as Record<string, any>;
    expect(r.steps.length).toBeGreaterThan(0);
    for (const step of r.steps) for (const key of ['receivers', 'cpuCores', 'lossRate', 'forwardedMbps']) expect(numberOrNull(step[key]), key).toBe(true);
    expect(numberOrNull(r.sightline.receiversPerCore)).toBe(true);
    expect(numberOrNull(r.cpuPerMbpsRatio.sightlineOverJanus)).toBe(true);
  }, 120_000);

  it('control reports token, join, revoke → cut (one node and two) and both audit stores', async () => {
    const r = (await quickReport('control')).results as Record<string, any>;
    expect(numberOrNull(r.tokenVerify.serial.perCoreSecond)).toBe(true);
    expectSummary(r.join.sequential.roundTripMs);
    expect(numberOrNull(r.join.concurrent.perSecond)).toBe(true);
    for (const where of ['singleNode', 'crossNode']) {
      expectSummary(r.revokeToCut[where].cutMs);
      expect(r.revokeToCut[where].repeats, where).toBeGreaterThan(0);
    }
    for (const store of ['file', 'redis']) {
      expectSummary(r.audit[store].sequentialMs);
      expect(numberOrNull(r.audit[store].burst.perSecond), store).toBe(true);
    }
    expect(JSON.stringify(r)).not.toMatch(/pending/);
  }, 120_000);

  it('reconnect reports link up → video for the relay and a direct connection', async () => {
    const r = (await quickReport('reconnect')).results as Record<string, any>;
    expectSummary(r.relay);
    expectSummary(r.direct);
    expectSummary(r.officerResumedMs);
    expect(r.samples.length).toBe(r.rounds);
    expect(typeof r.sameIncidentThroughout).toBe('boolean');
  }, 120_000);

  it('network reports both paths per impaired profile, uplink and downlink', async () => {
    const r = (await quickReport('network')).results as Record<string, any>;
    expect(r.profiles.map((p: { side: string }) => p.side)).toEqual(['uplink', 'downlink']);
    for (const profile of r.profiles) {
      for (const path of ['relay', 'direct']) {
        const p = profile[path];
        for (const key of ['framesShownPerSecond', 'freezeCount', 'freezeSeconds', 'receivedKbps', 'retransmissionsReceived', 'longestAudioGapMs']) expect(numberOrNull(p[key]), `${path}.${key}`).toBe(true);
        expectSummary(p.glassToGlassMs);
        expect(numberOrNull(p.audioConcealment)).toBe(true);
      }
    }
  }, 180_000);

  it('soak runs incidents with viewers joining, leaving and being revoked, and reports loss, memory, the end state and the audit trail', async () => {
    const r = (await quickReport('soak')).results as Record<string, any>;
    // Every seat joined once at the start; churn added sessions beyond that.
    expect(r.churn.viewerSessions).toBeGreaterThanOrEqual(r.settings.incidents * r.settings.viewers);
    expect(r.loss.sessions).toBe(r.churn.viewerSessions);
    expectSummary(r.loss.perSession);
    expect(r.loss.packets.received).toBeGreaterThan(0);
    for (const side of ['node', 'worker', 'total']) expect(numberOrNull(r.memory[side].percent)).toBe(true);
    expect(r.samples.length).toBeGreaterThan(2);
    // What the soak checks at the end is behaviour, not a figure: nothing left open, nothing unaudited.
    expect(r.end).toEqual({ incidentsEnded: true, transports: 0, consumers: 0 });
    expect(r.audit.expected).toBeGreaterThan(0);
    expect(r.audit.lost).toBe(0);
    expect(r.audit.chainVerified).toBe(true);
    expect(r.churn.failureCount).toBe(0);
  }, 180_000);

  it('recording reports CPU and disk per recorded incident, and glass-to-glass with recording on and off', async () => {
    const r = (await quickReport('recording')).results as Record<string, any>;
    for (const key of ['muxerCpuPercent', 'workerCpuPercent', 'diskMegabytesPerHour']) expect(numberOrNull(r.perIncident[key]), key).toBe(true);
    expect(r.raw.muxers).toBeGreaterThanOrEqual(2);
    expect(r.glassToGlass.recordedIncident).toBe(true);
    expectSummary(r.glassToGlass.recording);
    expectSummary(r.glassToGlass.notRecording);
  }, 180_000);
});
