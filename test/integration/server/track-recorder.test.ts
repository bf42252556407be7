// Recording one producer on a real worker with a real GStreamer muxer: segments begin on
// keyframes and decode, a killed muxer costs only the segment it was writing, and the end of the
// producer finishes the last segment.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaPlane } from '../../../server/media-plane.ts';
import { TrackRecorder, type RecordedSegment } from '../../../server/recording/track-recorder.ts';
import { decodeCheck, probeStreams, startRtpCamera, type RtpCamera } from '../../helpers/rtp-camera.ts';
import { until } from '../../helpers/until.ts';

const options = {
  workers: 1,
  listenIp: '127.0.0.1',
  portRange: { min: 46400, max: 46499 },
  maxTransportsPerPeer: 2,
  logLevel: 'warn' as const,
  initialAvailableOutgoingBitrate: 1_000_000,
  viewersPerRouter: 100,
};

describe('track recorder (gst-launch splitmuxsink → Matroska segments)', () => {
  let plane: MediaPlane | undefined;
  let camera: RtpCamera | undefined;
  const recorders: TrackRecorder[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(recorders.splice(0).map((r) => r.stop()));
    await camera?.close();
    plane?.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function setUp() {
    plane = await MediaPlane.start(options);
    const room = await plane.openRoom('inc-rec');
    camera = await startRtpCamera(room.router);
    const dir = mkdtempSync(join(tmpdir(), 'sightline-track-'));
    dirs.push(dir);
    return { room, dir };
  }

  function record(recorder: TrackRecorder) {
    recorders.push(recorder);
    const segments: RecordedSegment[] = [];
    recorder.on('segment', (segment) => segments.push(segment));
    return segments;
  }

  it('writes video and audio segments that probe and decode, with ordered wall-clock times', async () => {
    const { room, dir } = await setUp();
    mkdirSync(join(dir, 'v'));
    mkdirSync(join(dir, 'a'));
    const started = Date.now();
    const video = record(await TrackRecorder.start(room.router, camera!.videoProducer.id, { dir: join(dir, 'v'), segmentSeconds: 2 }));
    const audio = record(await TrackRecorder.start(room.router, camera!.audioProducer.id, { dir: join(dir, 'a'), segmentSeconds: 2 }));
    await until(() => video.length >= 2 && audio.length >= 2, 15_000, 'two finished segments per track');
    await Promise.all(recorders.map((r) => r.stop()));
    expect(video.every((s) => s.complete)).toBe(true);
    for (const [segments, codec] of [[video, 'vp8'], [audio, 'opus']] as const) {
      for (const [i, segment] of segments.entries()) {
        expect(segment.startedAt).toBeGreaterThanOrEqual(started - 1000);
        expect(segment.endedAt).toBeGreaterThanOrEqual(segment.startedAt);
        if (i > 0) expect(segment.startedAt).toBeGreaterThanOrEqual(segments[i - 1]!.endedAt - 50);
        expect((await probeStreams(segment.file)).map((s) => s.codec_name)).toEqual([codec]);
        const decoded = await decodeCheck(segment.file);
        expect(decoded.code, decoded.errors).toBe(0);
        expect(decoded.errors).toBe('');
        expect(decoded.frames).toBeGreaterThan(0);
      }
    }
  });

  it('loses only the segment in progress when its muxer is killed, and carries on with a new one', async () => {
    const { room, dir } = await setUp();
    const recorder = await TrackRecorder.start(room.router, camera!.videoProducer.id, { dir, segmentSeconds: 2 });
    const segments = record(recorder);
    const restarted = new Promise<string>((resolve) => recorder.once('restarted', resolve));
    // The open segment's file is on disk (a muxer killed before it made the file loses nothing).
    await until(() => segments.length >= 1 && recorder.muxer?.openSegment && existsSync(recorder.muxer.openSegment.file), 15_000, 'a finished segment and an open one on disk');
    recorder.muxer!.kill();
    expect(await restarted).toMatch(/muxer exited \(SIGKILL\)/);
    const lost = segments.find((s) => !s.complete);
    expect(lost).toBeDefined();
    await until(() => segments.filter((s) => s.complete && s.startedAt > lost!.startedAt).length >= 1, 15_000, 'a segment from the new muxer');
    const after = segments.find((s) => s.complete && s.startedAt > lost!.startedAt)!;
    expect((await decodeCheck(after.file)).code).toBe(0);
    expect(readdirSync(dir).some((name) => name.startsWith('r1-'))).toBe(true);
  });

  it('finishes the last segment when the producer closes, and its muxer exits', async () => {
    const { room, dir } = await setUp();
    const recorder = await TrackRecorder.start(room.router, camera!.videoProducer.id, { dir, segmentSeconds: 10 });
    const segments = record(recorder);
    const ended = new Promise<string>((resolve) => recorder.once('ended', resolve));
    await until(() => recorder.muxer?.openSegment, 10_000, 'an open segment');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const pid = recorder.muxer!.pid!;
    camera!.videoProducer.close();
    expect(await ended).toBe('producer-closed');
    expect(segments).toHaveLength(1);
    expect(segments[0]!.complete).toBe(true);
    expect((await decodeCheck(segments[0]!.file)).frames).toBeGreaterThan(5);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
