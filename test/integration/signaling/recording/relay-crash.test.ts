// A relay killed (SIGKILL) in the middle of a recorded incident: every segment hashed before the
// kill is kept as it was; the muxers, told by the kernel, finish the segment they were writing,
// which the manifest then names as written after the stop and not part of the evidence; the
// next start seals the recording, saying it was interrupted, and its export verifies. A camera
// that takes its incident back on a restarted node resumes the same recording instead of
// writing a new one over it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Auditor } from '../../../../signaling/audit/auditor.ts';
import type { RecordingManifest } from '../../../../signaling/protocol/recordings.ts';
import { IncidentRecording } from '../../../../signaling/recording/incident-recording.ts';
import { strayFiles } from '../../../../signaling/recording/interrupted-recordings.ts';
import { manifestBytes, newManifest } from '../../../../signaling/recording/manifest.ts';
import { RecordingPaths } from '../../../../signaling/recording/recording-paths.ts';
import { generateSigningJwk, signingKeysFromJwk } from '../../../../signaling/tokens/signing-keys.ts';
import { runCli } from '../../../helpers/cli.ts';
import { muxersOf } from '../../../helpers/muxer-processes.ts';
import { DEMO, startRelay, type TestRelay } from '../../../helpers/relay.ts';
import { until } from '../../../helpers/until.ts';

const work = mkdtempSync(join(tmpdir(), 'sightline-relay-crash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const muxers = (incidentId: string): number => muxersOf(incidentId).length;
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;

describe('a relay killed while recording', () => {
  let relay: TestRelay | undefined;
  afterAll(async () => relay?.close());

  it('keeps every hashed segment, names what was written after the stop, and is sealed by the next start', async () => {
    const dataDir = mkdtempSync(join(work, 'data-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/recording-relay-child.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const { incidentId, ffmpegPid } = await until(() => (out.includes('\n') ? (JSON.parse(out.split('\n')[0]!) as { incidentId: string; ffmpegPid: number }) : undefined), 30_000, 'the child relay recording');
    const dir = join(dataDir, 'recordings', incidentId);
    try {
      // Two segments of the camera's picture hashed and audited, then the relay dies mid-segment.
      await until(() => existsSync(join(dir, 'manifest.json')) && readManifest(dir).segments.filter((s) => s.file.startsWith('tracks/t4/')).length >= 2, 30_000, 'two video segments');
      await new Promise((resolve) => setTimeout(resolve, 700));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    } finally {
      child.kill('SIGKILL');
      try {
        process.kill(ffmpegPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    const before = readManifest(dir);
    expect(before.endedAt).toBeNull();
    await until(() => muxers(incidentId) === 0, 10_000, 'the muxers to finish and exit on their own');
    const paths = new RecordingPaths(join(dataDir, 'recordings'));
    const stray = await strayFiles(paths, before);
    expect(stray.length, 'the segment each live muxer was writing, finished after the kill').toBeGreaterThanOrEqual(1);

    // The next start on the same data seals it (the incident is not live any more).
    relay = await startRelay({ RECORDING_ENABLED: 'true' }, { dataDir });
    await until(() => existsSync(join(dir, 'manifest.jws')), 15_000, 'the interrupted recording sealed');
    const after = readManifest(dir);
    expect(after.segments).toEqual(before.segments);
    expect(after.endedAt).toBe(before.segments.at(-1)!.endedAt);
    expect(after.tracks.every((t) => t.endedAt !== null)).toBe(true);
    expect(after.tracks.filter((t) => t.endCause === 'node-stopped').length).toBeGreaterThanOrEqual(2);
    expect(after.problems.at(-1)!.what).toContain('stopped after');
    for (const file of stray) expect(after.problems.at(-1)!.what).toContain(file);

    const entries = await relay.services.audit.log.entries();
    expect(entries.filter((e) => e.action === 'recording.sealed' && e.target.incidentId === incidentId).map((e) => e.detail?.interrupted)).toEqual([true]);
    const { token } = await relay.login(DEMO.supervisor.username, DEMO.supervisor.password);
    const response = await fetch(`${relay.url}/api/incidents/${incidentId}/recordings/export`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const tar = join(work, 'crash.tar');
    writeFileSync(tar, Buffer.from(await response.arrayBuffer()));
    execFileSync('tar', ['-xf', tar, '-C', work]);
    const verified = await runCli('evidence-verify', [join(work, incidentId)]);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  }, 120_000);

  it('resumes an interrupted recording when its incident is taken back on this node, and never reopens a finished one', async () => {
    const paths = new RecordingPaths(join(work, 'resume'));
    const incidentId = 'inc-00000000-0000-4000-8000-000000000001';
    const manifest = newManifest({ id: incidentId, agencyId: 'metro-police' }, 2, new Date(Date.now() - 60_000));
    manifest.tracks.push({ id: 't1', kind: 'video', source: 'camera', userId: DEMO.officer.id, role: 'officer', mimeType: 'video/VP8', startedAt: manifest.startedAt, endedAt: null, endCause: null });
    execFileSync('mkdir', ['-p', paths.trackDir(incidentId, 't1')]);
    writeFileSync(join(paths.incidentDir(incidentId), 'manifest.json'), manifestBytes(manifest));
    const keys = await signingKeysFromJwk(await generateSigningJwk());
    const noted: string[] = [];
    const deps = {
      paths,
      keys,
      audit: new Auditor({ record: async (e: { action: string; detail?: unknown }) => (noted.push(`${e.action} ${JSON.stringify(e.detail ?? {})}`), {}) } as never, pino({ level: 'silent' })),
      source: { ip: null, userAgent: null, node: 'node-b' },
      segmentSeconds: 2,
      onFailure: () => undefined,
    };
    const resumed = await IncidentRecording.open({ id: incidentId, agencyId: 'metro-police' }, deps);
    expect(resumed.manifest.startedAt).toBe(manifest.startedAt);
    expect(resumed.manifest.tracks[0]).toMatchObject({ id: 't1', endCause: 'node-stopped' });
    expect(resumed.manifest.problems.map((p) => p.what)).toEqual([expect.stringContaining('stopped after')]);
    expect(noted).toEqual(['recording.start {"segmentSeconds":2,"resumed":true}']);
    await resumed.seal();
    await expect(IncidentRecording.open({ id: incidentId, agencyId: 'metro-police' }, deps)).rejects.toThrow('already has a finished recording');
  });
});
