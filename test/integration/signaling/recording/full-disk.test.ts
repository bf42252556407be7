// Evidence recording on a disk that fills up (a 6 MiB tmpfs as RECORDING_DIR, filled on purpose):
// the muxers die, the track stalls and keeps trying; once space is back it resumes. What was
// written before is kept, the segment cut short is marked incomplete, the manifest says when
// nothing was recorded and why, the failure is audited and counted, and the sealed recording's
// export verifies. Mounting the tmpfs needs root, as the rest of the suite does.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createWriteStream, mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
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
import type { RecordingManifest } from '../../../../signaling/protocol/recordings.ts';
import { evidenceFiles } from '../../../../signaling/recording/evidence-export.ts';
import { IncidentRecording, type RecordableRoom } from '../../../../signaling/recording/incident-recording.ts';
import { RecordingPaths } from '../../../../signaling/recording/recording-paths.ts';
import { tarStream } from '../../../../signaling/recording/tar-stream.ts';
import { generateSigningJwk, signingKeysFromJwk } from '../../../../signaling/tokens/signing-keys.ts';
import { runCli } from '../../../helpers/cli.ts';
import { startRtpCamera, type RtpCamera } from '../../../helpers/rtp-camera.ts';
import { until } from '../../../helpers/until.ts';

const describeProducer = (producer: types.Producer): ProducerDescription => ({ producerId: producer.id, peerId: 'officer', kind: producer.kind, source: 'camera', paused: false, layers: 1 });

/** Fills the file system holding `dir` to the last byte. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    for (;;) {
      try {
        writeSync(fd, Buffer.alloc(1, 1));
      } catch {
        break;
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe('a recording on a disk that fills up', () => {
  const work = mkdtempSync(join(tmpdir(), 'sightline-full-disk-'));
  const disk = join(work, 'disk');
  const incidentId = `inc-${randomUUID()}`;
  let plane: MediaPlane;
  let camera: RtpCamera;
  let audit: FileAuditLog;
  let manifest: RecordingManifest;
  const failures: string[] = [];
  let exported: string;

  beforeAll(async () => {
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', disk]);
    plane = await MediaPlane.start({ workers: 1, listenIp: '127.0.0.1', portRange: { min: 46600, max: 46699 }, maxTransportsPerPeer: 2, logLevel: 'warn', initialAvailableOutgoingBitrate: 1_000_000, viewersPerRouter: 100 });
    const mediaRoom = await plane.openRoom(incidentId);
    camera = await startRtpCamera(mediaRoom.router);
    // The audit trail lives elsewhere (DATA_DIR): only the recordings' disk fills.
    audit = await FileAuditLog.open(join(work, 'audit.jsonl'), { fsync: false });
    const keys = await signingKeysFromJwk(await generateSigningJwk());
    const paths = new RecordingPaths(disk);
    const recording = await IncidentRecording.open(
      { id: incidentId, agencyId: 'metro-police' },
      {
        paths,
        keys,
        audit: new Auditor(audit, pino({ level: 'silent' })),
        source: { ip: null, userAgent: null, node: 'test-node' },
        segmentSeconds: 2,
        stallPauseMs: 300,
        onFailure: (kind, error) => failures.push(`${kind}: ${error.message}`),
      },
    );
    const room = Object.assign(new EventEmitter(), { router: mediaRoom.router, producers: () => [describeProducer(camera.videoProducer), describeProducer(camera.audioProducer)] });
    recording.attach(room as unknown as RecordableRoom, () => ({ userId: 'u-officer-reyes', role: 'officer' }));
    const videoTrack = () => recording.manifest.tracks.find((t) => t.kind === 'video')?.id;
    const videoSegments = () => recording.manifest.segments.filter((s) => s.track === videoTrack());
    await until(() => videoSegments().length >= 2, 30_000, 'two video segments');

    fill(join(disk, 'filler'));
    // Both tracks stall (the video muxer dies at each segment boundary, the audio one sooner).
    await until(() => failures.filter((f) => f.startsWith('track-stalled')).length >= 2, 45_000, 'both tracks stalled');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const beforeSpace = videoSegments().length;
    rmSync(join(disk, 'filler'));
    await until(() => recording.manifest.problems.some((p) => p.track === videoTrack() && p.what.startsWith('recording resumed')), 30_000, 'the video track resumed');
    await until(() => videoSegments().length > beforeSpace, 30_000, 'a video segment after the disk had room again');
    await recording.seal();
    manifest = recording.manifest;

    const entries: AuditEntry[] = [];
    for await (const entry of audit.find({ incidentId, order: 'asc' })) entries.push(entry);
    const tar = join(work, 'export.tar');
    await pipeline(tarStream(await evidenceFiles(paths, incidentId, keys.publicJwk, entries)), createWriteStream(tar));
    execFileSync('tar', ['-xf', tar, '-C', work]);
    exported = join(work, incidentId);
  }, 120_000);

  afterAll(async () => {
    await camera?.close();
    plane?.close();
    await audit?.close();
    try {
      execFileSync('umount', ['-l', disk]);
    } catch {
      // not mounted
    }
    rmSync(work, { recursive: true, force: true });
  });

  const video = () => manifest.tracks.find((t) => t.kind === 'video')!.id;

  it('stalls while the disk is full, resumes when it has room, and the manifest says what was lost and when', () => {
    const problems = manifest.problems.filter((p) => p.track === video()).map((p) => p.what);
    expect(problems.some((what) => /^recording stopped at .* nothing is recorded until a segment can be written again$/.test(what)), problems.join(' | ')).toBe(true);
    expect(problems.some((what) => /^recording resumed: nothing was recorded from \S+ to \S+$/.test(what)), problems.join(' | ')).toBe(true);
    expect(manifest.tracks.find((t) => t.id === video())?.endCause).not.toBe('failed');
    expect(failures.filter((f) => f.startsWith('track-stalled')).length).toBeGreaterThanOrEqual(1);
  });

  it('keeps what was written, and its export verifies', async () => {
    expect(manifest.segments.filter((s) => s.track === video() && s.complete).length).toBeGreaterThanOrEqual(3);
    const verified = await runCli('evidence-verify', [exported]);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
  });
});
