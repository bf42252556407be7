// Records one producer: an RTP tap into a segment muxer, keyframes asked for at the start and at
// each segment boundary (segments begin on a keyframe), and a new muxer on a new tap when one
// dies. A dead muxer costs the segment it was writing, which is reported as incomplete. Muxers
// that keep dying (a full disk) stall the track: it tries again after a growing pause, for as long
// as its stream lasts, and resumes with the first segment it can finish.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { types } from 'mediasoup';
import { isRecordableCodec } from './muxer-pipeline.ts';
import { RtpTap } from './rtp-tap.ts';
import { SegmentMuxer, type SegmentTimes } from './segment-muxer.ts';
import { freeUdpPortPair } from './udp-ports.ts';

/** Keyframe requests repeat this often until the segment boundary has been crossed. */
const KEYFRAME_RETRY_MS = 1500;

export interface TrackRecorderOptions {
  /** Directory of this track's segment files; it exists. */
  dir: string;
  segmentSeconds: number;
  gstLaunch?: string;
  /** Muxers that may die in a row (without finishing a segment) before the track stalls. */
  maxRestarts?: number;
  /** A stalled track's first pause before trying again; it doubles up to 10 s. */
  stallPauseMs?: number;
}

const STALL_PAUSE_MAX_MS = 10_000;

export interface RecordedSegment extends SegmentTimes {
  /** False when the muxer died while writing it: the file is what was on disk then. */
  complete: boolean;
}

export interface TrackRecorderEvents {
  segment: [RecordedSegment];
  /** A muxer died and another took over. */
  restarted: [reason: string];
  /** The track cannot be recorded any more (the live stream is unaffected). */
  failed: [Error];
  /** Muxers keep dying (a full disk): nothing is recorded until one can finish a segment again. */
  stalled: [reason: string];
  /** A stalled track finished a segment again: nothing was recorded from `since` to `resumedAt` (epoch ms), when that segment began. */
  resumed: [since: number, resumedAt: number];
  /** Recording of this track is over: its producer or room closed, or `stop` was called. */
  ended: [cause: string];
}

export class TrackRecorder extends EventEmitter<TrackRecorderEvents> {
  #tap: RtpTap | null = null;
  #muxer: SegmentMuxer | null = null;
  #run = 0;
  #mimeType = '';
  #failuresInARow = 0;
  #stalledSince: number | null = null;
  #stallTimer: NodeJS.Timeout | undefined;
  #keyFrameTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  #ended: Promise<void>;
  #end!: () => void;

  private constructor(
    private readonly router: types.Router,
    readonly producerId: string,
    private readonly options: TrackRecorderOptions,
  ) {
    super();
    this.#ended = new Promise((resolve) => (this.#end = resolve));
  }

  /** Starts recording a producer of `router`. Rejects when its codec cannot be recorded. */
  static async start(router: types.Router, producerId: string, options: TrackRecorderOptions): Promise<TrackRecorder> {
    const recorder = new TrackRecorder(router, producerId, options);
    await recorder.#startRun();
    return recorder;
  }

  /** The codec recorded, e.g. `video/VP8`. */
  get mimeType(): string {
    return this.#mimeType;
  }

  /** The muxer now running (fault tests kill it). */
  get muxer(): SegmentMuxer | null {
    return this.#muxer;
  }

  async #startRun(): Promise<void> {
    const ports = await freeUdpPortPair();
    const tap = await RtpTap.open(this.router, this.producerId, ports);
    if (!isRecordableCodec(tap.codec.mimeType)) {
      tap.close();
      throw new Error(`${tap.codec.mimeType} cannot be recorded`);
    }
    this.#mimeType = tap.codec.mimeType;
    const run = this.#run++;
    const muxer = new SegmentMuxer(
      { codec: tap.codec, ports, location: join(this.options.dir, `r${run}-%05d.mkv`), segmentSeconds: this.options.segmentSeconds },
      this.options.gstLaunch,
    );
    this.#tap = tap;
    this.#muxer = muxer;
    tap.once('closed', (cause) => {
      if (cause !== 'closed') void this.#finish(cause);
    });
    muxer.on('playing', () => this.#keyFramesUntilBoundary(0));
    muxer.on('opened', () => this.#keyFramesUntilBoundary(this.options.segmentSeconds * 1000 + 250));
    muxer.on('closed', (segment) => {
      this.#failuresInARow = 0;
      this.emit('segment', { ...segment, complete: true });
      if (this.#stalledSince !== null) {
        const since = this.#stalledSince;
        this.#stalledSince = null;
        this.emit('resumed', since, segment.startedAt);
      }
    });
    muxer.on('empty', (file) => void unlink(file).catch(() => undefined));
    muxer.once('exited', ({ code, signal, expected, stderr }) => {
      if (expected || this.#stopped) return;
      const reason = `muxer exited (${signal ?? `code ${code}`})${stderr ? `: ${stderr.split('\n').slice(-1)[0]}` : ''}`;
      void this.#recover(muxer, reason);
    });
  }

  /** A keyframe now or after `delayMs`, then again every KEYFRAME_RETRY_MS until the next segment opens. */
  #keyFramesUntilBoundary(delayMs: number): void {
    clearTimeout(this.#keyFrameTimer);
    const ask = () => {
      if (this.#stopped) return;
      void this.#tap?.requestKeyFrame();
      this.#keyFrameTimer = setTimeout(ask, KEYFRAME_RETRY_MS);
    };
    this.#keyFrameTimer = setTimeout(ask, delayMs);
  }

  async #recover(dead: SegmentMuxer, reason: string): Promise<void> {
    clearTimeout(this.#keyFrameTimer);
    const open = dead.openSegment;
    if (open && existsSync(open.file)) this.emit('segment', { file: open.file, startedAt: open.startedAt, endedAt: Date.now(), complete: false });
    this.#tap?.close();
    const beyond = ++this.#failuresInARow - (this.options.maxRestarts ?? 3);
    if (beyond > 0) {
      if (this.#stalledSince === null) {
        this.#stalledSince = Date.now();
        this.emit('stalled', reason);
      }
      const pauseMs = Math.min(STALL_PAUSE_MAX_MS, (this.options.stallPauseMs ?? 1000) * 2 ** (beyond - 1));
      await new Promise<void>((resolve) => (this.#stallTimer = setTimeout(resolve, pauseMs)));
      if (this.#stopped) return;
    }
    try {
      await this.#startRun();
      if (this.#stalledSince === null) this.emit('restarted', reason);
    } catch (error) {
      this.emit('failed', error as Error);
      await this.#finish('failed');
    }
  }

  async #finish(cause: string): Promise<void> {
    if (this.#stopped) return this.#ended;
    this.#stopped = true;
    clearTimeout(this.#keyFrameTimer);
    clearTimeout(this.#stallTimer);
    this.#tap?.close();
    await this.#muxer?.stop();
    this.emit('ended', cause);
    this.#end();
  }

  /** Stops recording, finishing the open segment. Idempotent; resolves once the muxer has exited. */
  async stop(): Promise<void> {
    await this.#finish('stopped');
    await this.#ended;
  }
}
