// Retention of evidence recordings on a real disk: recordings that ended before the cutoff lose
// their segments, with an audit entry first and a signed purge record after; recordings on legal
// hold, recent ones and those still being written keep theirs; a run that cannot write its audit
// entry deletes nothing; two purgers meeting at one recording (shared storage) delete it once.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../../signaling/audit/audit-entry.ts';
import { placeHold } from '../../../../signaling/recording/legal-hold.ts';
import type { RecordingManifest } from '../../../../signaling/protocol/recordings.ts';
import { manifestBytes, newManifest, sha256Hex } from '../../../../signaling/recording/manifest.ts';
import { PURGE_RECORD_FILE, verifyPurgeRecord } from '../../../../signaling/recording/purge-record.ts';
import { RecordingPaths } from '../../../../signaling/recording/recording-paths.ts';
import { purgeExpiredRecordings, type RecordingRetentionOptions } from '../../../../signaling/recording/recording-retention.ts';
import { generateSigningJwk, signingKeysFromJwk } from '../../../../signaling/tokens/signing-keys.ts';

const DAY = 24 * 3600 * 1000;
const NOW = new Date('2027-06-01T12:00:00Z');
const work = mkdtempSync(join(tmpdir(), 'sightline-retention-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const incident = (n: number) => `inc-00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A recording on disk: a manifest with one track of two segments, ended `daysAgo` before NOW. */
function writeRecording(paths: RecordingPaths, incidentId: string, daysAgo: number, options: { sealed?: boolean } = {}): RecordingManifest {
  const ended = NOW.getTime() - daysAgo * DAY;
  const manifest = newManifest({ id: incidentId, agencyId: 'metro-police' }, 10, new Date(ended - 20_000));
  manifest.tracks.push({ id: 't1', kind: 'video', source: 'camera', userId: 'u-off-reyes', role: 'officer', mimeType: 'video/VP8', startedAt: manifest.startedAt, endedAt: null, endCause: null });
  const dir = paths.trackDir(incidentId, 't1');
  mkdirSync(dir, { recursive: true });
  for (const n of [1, 2]) {
    const content = Buffer.from(`segment ${n} of ${incidentId}`);
    writeFileSync(join(dir, `r0-0000${n - 1}.mkv`), content);
    manifest.segments.push({ n, track: 't1', file: `tracks/t1/r0-0000${n - 1}.mkv`, sha256: sha256Hex(content), bytes: content.length, startedAt: new Date(ended - 20_000 + (n - 1) * 10_000).toISOString(), endedAt: new Date(ended - 20_000 + n * 10_000).toISOString(), complete: true });
  }
  if (options.sealed !== false) manifest.endedAt = new Date(ended).toISOString();
  writeFileSync(join(paths.incidentDir(incidentId), 'manifest.json'), manifestBytes(manifest));
  return manifest;
}

describe('recording retention', () => {
  let paths: RecordingPaths;
  let audited: AuditEvent[];
  let options: RecordingRetentionOptions;
  const jwk = generateSigningJwk();

  beforeEach(async () => {
    paths = new RecordingPaths(mkdtempSync(join(work, 'recordings-')));
    audited = [];
    const keys = await signingKeysFromJwk(await jwk);
    options = {
      paths,
      keys,
      audit: { record: async (event) => (audited.push(event), {} as never) },
      source: { ip: null, userAgent: null, node: 'node-a' },
      retentionDays: 30,
      isRecording: () => false,
    };
  });

  it('deletes what ended before the cutoff, audited first, and leaves a signed purge record beside the manifest', async () => {
    const old = writeRecording(paths, incident(1), 31);
    writeRecording(paths, incident(2), 29);
    const result = await purgeExpiredRecordings(options, NOW);
    expect(result).toEqual({ cutoff: new Date(NOW.getTime() - 30 * DAY).toISOString(), purged: [incident(1)], held: [] });

    const dir = paths.incidentDir(incident(1));
    expect(existsSync(join(dir, 'tracks'))).toBe(false);
    expect(existsSync(join(dir, 'manifest.json')), 'the manifest stays: the audit entries still name its segments').toBe(true);
    expect(existsSync(join(paths.incidentDir(incident(2)), 'tracks/t1/r0-00000.mkv')), 'a recording inside retention is kept').toBe(true);

    const manifestSha256 = sha256Hex(readFileSync(join(dir, 'manifest.json')));
    expect(audited).toEqual([
      {
        action: 'recording.purge',
        outcome: 'info',
        actor: null,
        target: { incidentId: incident(1), agencyId: 'metro-police' },
        source: options.source,
        detail: { manifestSha256, segments: 2, bytes: old.segments[0]!.bytes + old.segments[1]!.bytes, endedAt: old.endedAt, retentionDays: 30 },
      },
    ]);
    const record = await verifyPurgeRecord(readFileSync(join(dir, PURGE_RECORD_FILE), 'utf8'), { ...(await jwk), d: undefined });
    expect(record).toMatchObject({ incidentId: incident(1), manifestSha256, segments: 2, purgedAt: NOW.toISOString(), retentionDays: 30, node: 'node-a' });

    // A second run finds nothing more to do, and audits nothing again.
    expect((await purgeExpiredRecordings(options, NOW)).purged).toEqual([]);
    expect(audited).toHaveLength(1);
  });

  it('keeps a recording on legal hold, and deletes it once the hold is gone', async () => {
    writeRecording(paths, incident(3), 400);
    await placeHold(paths, { incidentId: incident(3), placedBy: { id: 'u-admin', name: 'Admin' }, placedAt: NOW.toISOString(), reason: 'Complaint 2027-114' });
    expect(await purgeExpiredRecordings(options, NOW)).toMatchObject({ purged: [], held: [incident(3)] });
    expect(existsSync(paths.trackDir(incident(3), 't1'))).toBe(true);
    rmSync(join(paths.incidentDir(incident(3)), 'legal-hold.json'));
    expect(await purgeExpiredRecordings(options, NOW)).toMatchObject({ purged: [incident(3)], held: [] });
  });

  it('times a recording its node never sealed by its last segment, and never touches one still being written', async () => {
    writeRecording(paths, incident(4), 31, { sealed: false });
    writeRecording(paths, incident(5), 31);
    const result = await purgeExpiredRecordings({ ...options, isRecording: (id) => id === incident(5) }, NOW);
    expect(result.purged).toEqual([incident(4)]);
    expect(existsSync(paths.trackDir(incident(5), 't1'))).toBe(true);
  });

  it('deletes nothing when the audit entry cannot be written', async () => {
    writeRecording(paths, incident(6), 31);
    const failing = { ...options, audit: { record: async () => Promise.reject(new Error('audit store down')) } };
    await expect(purgeExpiredRecordings(failing, NOW)).rejects.toThrow('audit store down');
    expect(readFileSync(join(paths.trackDir(incident(6), 't1'), 'r0-00000.mkv'), 'utf8')).toBe(`segment 1 of ${incident(6)}`);
    expect(existsSync(join(paths.incidentDir(incident(6)), PURGE_RECORD_FILE))).toBe(false);
  });

  it('two nodes on shared storage purge one recording once', async () => {
    writeRecording(paths, incident(7), 31);
    const [a, b] = await Promise.all([purgeExpiredRecordings(options, NOW), purgeExpiredRecordings({ ...options, source: { ...options.source, node: 'node-b' } }, NOW)]);
    expect([...a.purged, ...b.purged]).toEqual([incident(7)]);
    expect(audited.filter((e) => e.action === 'recording.purge')).toHaveLength(1);
  });

  it('skips what is not a recording: stray files, foreign names, a folder without a manifest', async () => {
    writeFileSync(join(paths.root, 'notes.txt'), 'x');
    mkdirSync(join(paths.root, 'lost+found'));
    mkdirSync(paths.trackDir(incident(8), 't1'), { recursive: true });
    expect(await purgeExpiredRecordings(options, NOW)).toMatchObject({ purged: [], held: [] });
    expect(existsSync(paths.trackDir(incident(8), 't1'))).toBe(true);
  });
});
