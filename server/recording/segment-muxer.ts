// One gst-launch-1.0 child that writes one RTP stream into Matroska segments. It dies with the
// relay (setpriv --pdeathsig sends it SIGINT, which still finishes its open segment), and `stop`
// ends it the same way, with SIGKILL after a grace period.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { muxerArguments, parseMuxerLine, type MuxerPipelineSpec } from './muxer-pipeline.ts';

const STOP_GRACE_MS = 5000;
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

export interface SegmentTimes {
  file: string;
  /** Wall clock (ms since epoch) of the segment's first and last media. */
  startedAt: number;
  endedAt: number;
}

export interface SegmentMuxerEvents {
  /** The pipeline runs: RTP sent to its port from now on is recorded. */
  playing: [];
  opened: [file: string, startedAt: number];
  /** A segment is finished and closed: it will not change again. */
  closed: [SegmentTimes];
  /** A segment closed without any media in it (the stream never sent any): nothing to keep. */
  empty: [file: string];
  /** The process ended; `expected` when `stop` asked it to. */
  exited: [{ code: number | null; signal: NodeJS.Signals | null; expected: boolean; stderr: string }];
}

export class SegmentMuxer extends EventEmitter<SegmentMuxerEvents> {
  readonly #child: ChildProcess;
  /** Wall clock at the pipeline's running time 0 (when it went to PLAYING). */
  #baseWallClock = Date.now();
  #open: { file: string; startedAt: number } | null = null;
  #stopping = false;
  #exited = false;
  #stderr = '';
  readonly #done: Promise<void>;

  constructor(spec: MuxerPipelineSpec, gstLaunch = 'gst-launch-1.0') {
    super();
    const args = muxerArguments(spec);
    const [command, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'INT', '--', gstLaunch, ...args]] : [gstLaunch, args];
    this.#child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stderr!.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-2000);
    });
    const lines = createInterface({ input: this.#child.stdout! });
    lines.on('line', (line) => this.#read(line));
    this.#done = new Promise((resolve) => {
      // 'close' comes after stdout is drained, so the last fragment-closed is read first.
      this.#child.once('close', (code, signal) => {
        this.#exited = true;
        this.emit('exited', { code, signal, expected: this.#stopping, stderr: this.#stderr.trim() });
        resolve();
      });
      this.#child.once('error', (error) => {
        this.#stderr += String(error.message);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The segment being written now, if any. */
  get openSegment(): { file: string; startedAt: number } | null {
    return this.#open;
  }

  #read(line: string): void {
    const message = parseMuxerLine(line);
    if (!message) return;
    if (message.type === 'playing') {
      this.#baseWallClock = Date.now();
      this.emit('playing');
      return;
    }
    // No media reached the segment: splitmuxsink reports an invalid running time (2^63).
    if (message.runningTimeNs >= 2 ** 62) {
      if (message.type === 'closed' && !this.#open) this.emit('empty', message.location);
      if (message.type === 'closed' && this.#open?.file === message.location) {
        const { startedAt } = this.#open;
        this.#open = null;
        this.emit('closed', { file: message.location, startedAt, endedAt: Math.max(Date.now(), startedAt) });
      }
      return;
    }
    const at = this.#baseWallClock + Math.round(message.runningTimeNs / 1e6);
    if (message.type === 'opened') {
      this.#open = { file: message.location, startedAt: at };
      this.emit('opened', message.location, at);
    } else {
      const startedAt = this.#open?.file === message.location ? this.#open.startedAt : at;
      this.#open = null;
      this.emit('closed', { file: message.location, startedAt, endedAt: Math.max(at, startedAt) });
    }
  }

  /** Ends the process, finishing its open segment. Idempotent; resolves once it has exited. */
  async stop(): Promise<void> {
    if (!this.#exited && !this.#stopping) {
      this.#stopping = true;
      this.#child.kill('SIGINT');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.#done;
      clearTimeout(timer);
    }
    await this.#done;
  }

  /** Ends the process at once, as a crash would (tests and fault handling). */
  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }
}
