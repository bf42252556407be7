// What one path (relay or direct) delivered to the watch page over a measurement window, from
// two readings of the probe's per-path statistics and the frames it read in between. Pure.
import type { PathStat } from './g2g.ts';
import { round, summarize, type Summary } from './stats.ts';

export interface PathWindow {
  /** Frames presented per second (each one read back by the probe). */
  framesShownPerSecond: number;
  /** Frames the receiver decoded per second, and dropped before decoding. */
  framesDecodedPerSecond: number;
  framesDropped: number;
  freezeCount: number;
  freezeSeconds: number;
  glassToGlassMs: Summary;
  /** Average time a video frame waited in the receiver's jitter buffer (ms): its playout delay. */
  videoPlayoutDelayMs: number | null;
  receivedKbps: number;
  /** Height of the video received at the end of the window (the simulcast layer on the relay path). */
  frameHeight: number | null;
  retransmissionsReceived: number;
  packetsLost: number;
  keyframeRequests: number;
  /** Share of audio samples the receiver had to conceal (0–1). */
  audioConcealment: number | null;
  /** Longest stretch of (almost) all-concealed audio, at the polling resolution. */
  longestAudioGapMs: number;
}

const pick = (list: readonly PathStat[], path: 'relay' | 'direct', dir: PathStat['dir']) => list.filter((s) => s.path === path && s.dir === dir);

/**
 * Counter `key` of the path's `dir` streams, after − before, stream by stream: a receiver that
 * appeared in between (a renewed consumer, a new layer's stream) counts from zero, one that
 * went away counts no more.
 */
export function grew(before: readonly PathStat[], after: readonly PathStat[], path: 'relay' | 'direct', dir: PathStat['dir'], key: string): number {
  const earlier = new Map(pick(before, path, dir).map((s) => [s.id ?? '', Number(s[key] ?? 0)]));
  return pick(after, path, dir).reduce((n, s) => n + Math.max(0, Number(s[key] ?? 0) - (earlier.get(s.id ?? '') ?? 0)), 0);
}

/**
 * The longest run of consecutive polls in which at least `share` of the audio samples received
 * were concealed, in ms (`polls` are successive readings `everyMs` apart).
 */
export function longestConcealedRun(polls: ReadonlyArray<readonly PathStat[]>, path: 'relay' | 'direct', everyMs: number, share = 0.8): number {
  let run = 0;
  let longest = 0;
  for (let i = 1; i < polls.length; i++) {
    const samples = grew(polls[i - 1]!, polls[i]!, path, 'audio-in', 'totalSamplesReceived');
    const concealed = grew(polls[i - 1]!, polls[i]!, path, 'audio-in', 'concealedSamples');
    const gap = samples > 0 ? concealed / samples >= share : true;
    run = gap ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest * everyMs;
}

export function pathWindow(
  path: 'relay' | 'direct',
  before: readonly PathStat[],
  after: readonly PathStat[],
  polls: ReadonlyArray<readonly PathStat[]>,
  pollEveryMs: number,
  frameDelaysMs: readonly number[],
  seconds: number,
): PathWindow {
  const samples = grew(before, after, path, 'audio-in', 'totalSamplesReceived');
  const concealed = grew(before, after, path, 'audio-in', 'concealedSamples');
  const emitted = grew(before, after, path, 'in', 'jitterBufferEmittedCount');
  const height = pick(after, path, 'in').map((s) => s.frameHeight).find((h) => typeof h === 'number');
  return {
    framesShownPerSecond: round(frameDelaysMs.length / seconds, 1),
    framesDecodedPerSecond: round(grew(before, after, path, 'in', 'framesDecoded') / seconds, 1),
    framesDropped: grew(before, after, path, 'in', 'framesDropped'),
    freezeCount: grew(before, after, path, 'in', 'freezeCount'),
    freezeSeconds: round(grew(before, after, path, 'in', 'totalFreezesDuration'), 2),
    glassToGlassMs: summarize(frameDelaysMs),
    videoPlayoutDelayMs: emitted > 0 ? round((grew(before, after, path, 'in', 'jitterBufferDelay') * 1000) / emitted, 1) : null,
    receivedKbps: round((grew(before, after, path, 'in', 'bytesReceived') * 8) / 1000 / seconds, 0),
    frameHeight: typeof height === 'number' ? height : null,
    retransmissionsReceived: grew(before, after, path, 'in', 'retransmittedPacketsReceived'),
    packetsLost: grew(before, after, path, 'in', 'packetsLost'),
    keyframeRequests: grew(before, after, path, 'in', 'pliCount'),
    audioConcealment: samples > 0 ? round(concealed / samples, 4) : null,
    longestAudioGapMs: longestConcealedRun(polls, path, pollEveryMs),
  };
}
