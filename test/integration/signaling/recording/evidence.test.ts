// Chain of custody on real parts: a real worker, an ffmpeg camera (video, audio) and a talk-back
// voice, GStreamer muxers, the file audit trail and the relay's key. The sealed recording is
// exported as a tar, unpacked with the system's tar and checked by `evidence:verify`; then edited,
// deleted, reordered and unaudited segments each make it fail with the right message.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { cpSync, createWriteStream, mkdtempSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types } from 'mediasoup';
import { MediaPlane } from '../../../../server/media-plane.ts';
import type { ProducerDescription } from '../../../../server/media-types.ts';
import type { AuditEntry } from '../../../../signaling/audit/audit-entry.ts';
import { Auditor } from '../../../../signaling/audit/auditor.ts';
import { FileAuditLog } from '../../../../signaling/audit/file-audit-log.ts';
import { evidenceFiles } from '../../../../signaling/recording/evidence-export.ts';
import { IncidentRecording, type RecordableRoom } from '../../../../signaling/recording/incident-recording.ts';
import { MANIFEST_FILE, SIGNATURE_FILE } from '../../../../signaling/recording/manifest.ts';
import type { RecordingManifest } from '../../../../signaling/protocol/recordings.ts';
import { RecordingPaths } from '../../../../signaling/recording/recording-paths.ts';
import { tarStream } from '../../../../signaling/recording/tar-stream.ts';
import { generateSigningJwk, signingKeysFromJwk } from '../../../../signaling/tokens/signing-keys.ts';
import { runCli } from '../../../helpers/cli.ts';
import { muxersOf } from '../../../helpers/muxer-processes.ts';
import { decodeCheck, probeStreams, startRtpCamera, type RtpCamera } from '../../../helpers/rtp-camera.ts';
import { until } from '../../../helpers/until.ts';

const describeProducer = (producer: types.Producer, peerId: string): ProducerDescription => ({
  producerId: producer.id,
  peerId,
  kind: producer.kind,
  source: (producer.appData as { source: string }).source,
  paused: false,
  layers: 1,
});

describe('evidence recording: manifest, audit, seal, export and offline verification', () => {
  const work = mkdtempSync(join(tmpdir(), 'sightline-evidence-'));
  const incidentId = `inc-${randomUUID()}`;
  let plane: MediaPlane;
  let camera: RtpCamera;
  let audit: FileAuditLog;
  let manifest: RecordingManifest;
  let exported: string;
  let keys: Awaited<ReturnType<typeof signingKeysFromJwk>>;
  const failures: string[] = [];

  beforeAll(async () => {
    plane = await MediaPlane.start({ workers: 1, listenIp: '127.0.0.1', portRange: { min: 46500, max: 46599 }, maxTransportsPerPeer: 2, logLevel: 'warn', initialAvailableOutgoingBitrate: 1_000_000, viewersPerRouter: 100 });
    const mediaRoom = await plane.openRoom(incidentId);
    camera = await startRtpCamera(mediaRoom.router, { talkback: true });
    audit = await FileAuditLog.open(join(work, 'audit.jsonl'), { fsync: false });
    keys = await signingKeysFromJwk(await generateSigningJwk());
    const recording = await IncidentRecording.open(
      { id: incidentId, agencyId: 'metro-police' },
      {
        paths: new RecordingPaths(join(work, 'recordings')),
        keys,
        audit: new Auditor(audit, pino({ level: 'silent' })),
        source: { ip: null, userAgent: null, node: 'test-node' },
        segmentSeconds: 2,
        onFailure: (kind, error) => failures.push(`${kind}: ${error.message}`),
      },
    );
    const room = Object.assign(new EventEmitter(), {
      router: mediaRoom.router,
      producers: () => [describeProducer(camera.videoProducer, 'officer'), describeProducer(camera.audioProducer, 'officer')],
    }) as unknown as RecordableRoom & EventEmitter;
    recording.attach(room, (peerId) => (peerId === 'officer' ? { userId: 'u-officer-reyes', role: 'officer' } : { userId: 'u-clin-okafor', role: 'clinician' }));
    // A clinician starts talking back a moment later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    room.emit('producerAdded', describeProducer(camera.talkbackProducer!, 'clinician'));
    await until(() => recording.manifest.segments.filter((s) => s.track === 't1').length >= 1, 20_000, 'a first video segment');
    // The video muxer is killed mid-incident: only its open segment is lost.
    const [pid] = muxersOf(incidentId, 't1/r0-');
    process.kill(pid!, 'SIGKILL');
    await until(() => recording.manifest.segments.filter((s) => s.track === 't1' && s.file.includes('/r1-')).length >= 1, 20_000, 'a segment from the restarted video muxer');
    await until(() => recording.manifest.segments.filter((s) => s.track === 't3').length >= 2, 20_000, 'talk-back segments');
    await recording.seal();
    manifest = recording.manifest;
    const entries: AuditEntry[] = [];
    for await (const entry of audit.find({ incidentId, order: 'asc' })) entries.push(entry);
    const tar = join(work, 'export.tar');
    await pipeline(tarStream(await evidenceFiles(new RecordingPaths(join(work, 'recordings')), incidentId, keys.publicJwk, entries)), createWriteStream(tar));
    execFileSync('tar', ['-xf', tar, '-C', work]);
    exported = join(work, incidentId);
  }, 90_000);

  afterAll(async () => {
    await camera?.close();
    plane?.close();
    await audit?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('records the camera’s video and audio and the talk-back voice as tracks of decodable segments', async () => {
    expect(manifest.tracks.map((t) => [t.id, t.kind, t.source, t.role, t.mimeType])).toEqual([
      ['t1', 'video', 'camera', 'officer', 'video/VP8'],
      ['t2', 'audio', 'camera', 'officer', 'audio/opus'],
      ['t3', 'audio', 'talkback', 'clinician', 'audio/opus'],
    ]);
    expect(manifest.endedAt).not.toBeNull();
    expect(manifest.tracks.every((t) => t.endedAt !== null)).toBe(true);
    for (const track of ['t1', 't2', 't3']) {
      const segment = manifest.segments.find((s) => s.track === track && s.complete)!;
      expect((await probeStreams(join(exported, segment.file))).map((s) => s.codec_type)).toEqual([track === 't1' ? 'video' : 'audio']);
      const decoded = await decodeCheck(join(exported, segment.file));
      expect(decoded.code, decoded.errors).toBe(0);
      expect(decoded.frames).toBeGreaterThan(0);
    }
  });

  it('says in the manifest which segment the killed muxer lost, and counts the failure', () => {
    const lost = manifest.segments.filter((s) => !s.complete);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ track: 't1' });
    expect(lost[0]!.file).toMatch(/\/r0-/);
    expect(manifest.problems.map((p) => p.what).join('\n')).toMatch(/incomplete: its muxer died/);
    expect(failures.some((f) => f.startsWith('muxer-restarted: muxer exited (SIGKILL)'))).toBe(true);
  });

  it('dates the sealed manifest and signature by when they were written, so two exports of them are the same bytes', async () => {
    const paths = new RecordingPaths(join(work, 'recordings'));
    const files = await evidenceFiles(paths, incidentId, keys.publicJwk, []);
    for (const name of [MANIFEST_FILE, SIGNATURE_FILE]) {
      const file = files.find((f) => f.name === `${incidentId}/${name}`);
      expect(file?.mtime?.getTime(), name).toBe(statSync(join(paths.incidentDir(incidentId), name)).mtime.getTime());
    }
  });

  it('verifies an intact export, and --help explains the command', async () => {
    const ok = await runCli('evidence-verify', [exported]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`evidence intact: incident ${incidentId}, 3 tracks, ${manifest.segments.length} segments \\(1 incomplete`));
    const help = await runCli('evidence-verify', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: npm run evidence:verify');
  });

  const tampered = (name: string, change: (dir: string) => void) => {
    const dir = join(work, `tampered-${name}`);
    cpSync(exported, dir, { recursive: true });
    change(dir);
    return runCli('evidence-verify', [dir]);
  };

  it('names an edited segment', async () => {
    const segment = manifest.segments[1]!;
    const result = await tampered('edit', (dir) => {
      const bytes = readFileSync(join(dir, segment.file));
      const at = bytes.length - 10;
      bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
      writeFileSync(join(dir, segment.file), bytes);
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`evidence:verify: segment ${segment.n} (${segment.file}) was altered: its SHA-256 is not the one in the manifest`);
  });

  it('names a deleted segment', async () => {
    const segment = manifest.segments[2]!;
    const result = await tampered('delete', (dir) => unlinkSync(join(dir, segment.file)));
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`evidence:verify: segment ${segment.n} (${segment.file}) is missing`);
  });

  it('names reordered segments, whether the files or the manifest entries were swapped', async () => {
    const [a, b] = manifest.segments.filter((s) => s.track === 't2');
    const swappedFiles = await tampered('swap-files', (dir) => {
      renameSync(join(dir, a!.file), join(dir, `${a!.file}.x`));
      renameSync(join(dir, b!.file), join(dir, a!.file));
      renameSync(join(dir, `${a!.file}.x`), join(dir, b!.file));
    });
    expect(swappedFiles.code).toBe(1);
    expect(swappedFiles.stderr).toContain(`segment ${Math.min(a!.n, b!.n)} (`);
    expect(swappedFiles.stderr).toContain('was altered');
    const swappedEntries = await tampered('swap-entries', (dir) => {
      const edited = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;
      [edited.segments[0], edited.segments[1]] = [edited.segments[1]!, edited.segments[0]!];
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(edited));
    });
    expect(swappedEntries.code).toBe(1);
    expect(swappedEntries.stderr.trim()).toBe('evidence:verify: manifest.json was altered: its SHA-256 is not the one signed');
  });

  it('names a segment missing from the audit extract, an edited audit entry, and a signature from another key', async () => {
    const dropped = await tampered('audit-drop', (dir) => {
      const lines = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n');
      writeFileSync(join(dir, 'audit.jsonl'), `${lines.filter((line) => !line.includes('"n":1,')).join('\n')}\n`);
    });
    expect(dropped.code).toBe(1);
    expect(dropped.stderr.trim()).toBe(`evidence:verify: segment 1 (${manifest.segments[0]!.file}) has no recording.segment entry in the audit extract`);
    const edited = await tampered('audit-edit', (dir) => {
      writeFileSync(join(dir, 'audit.jsonl'), readFileSync(join(dir, 'audit.jsonl'), 'utf8').replace('"node":"test-node"', '"node":"other-node"'));
    });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toMatch(/audit entry \d+ was altered/);
    const otherKey = await signingKeysFromJwk(await generateSigningJwk());
    const rekeyed = await tampered('key', (dir) => writeFileSync(join(dir, 'public-key.jwk'), JSON.stringify(otherKey.publicJwk)));
    expect(rekeyed.code).toBe(1);
    expect(rekeyed.stderr).toContain('evidence:verify: the signature is not valid for public-key.jwk');
  });
});
