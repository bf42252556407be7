// The soak's figures from what it collected: loss per viewer session, memory growth after the
// warm-up, CPU and event-loop delay over time.
import { lossPercent, sumLoss } from '../lib/rtp-loss.ts';
import { round, summarize, type Summary } from '../lib/stats.ts';
import type { RelaySample } from './relay-sampler.ts';
import type { ViewerStats } from './soak-protocol.ts';

export interface LossFigures {
  sessions: number;
  /** Sessions that received no media at all. */
  silent: number;
  /** Loss per session (audio and video together), percent. */
  perSession: Summary;
  /** Sessions whose loss was 0.5 % or more. */
  over: number;
  packets: { expected: number; received: number; lost: number; duplicates: number };
  nacks: number;
}

export function lossFigures(sessions: ViewerStats[]): LossFigures {
  const measured = sessions.filter((s) => s.video.expected + s.audio.expected > 0);
  const percents = measured.map((s) => lossPercent(sumLoss([s.video, s.audio]))!);
  return {
    sessions: sessions.length,
    silent: sessions.length - measured.length,
    perSession: summarize(percents),
    over: percents.filter((p) => p >= 0.5).length,
    packets: sumLoss(sessions.flatMap((s) => [s.video, s.audio])),
    nacks: sessions.reduce((n, s) => n + s.nacks, 0),
  };
}

const median = (values: number[]): number | null => summarize(values).median;

/**
 * Growth of a memory figure after the warm-up, percent: the median over the minute after the
 * warm-up against the median over the last minute (medians, so a single GC pause does not count).
 */
export function growthAfterWarmup(samples: RelaySample[], warmupSeconds: number, pick: (s: RelaySample) => number): { baselineMiB: number | null; endMiB: number | null; percent: number | null } {
  const end = samples.at(-1)?.t ?? 0;
  const windowSeconds = Math.min(60, Math.max(10, (end - warmupSeconds) / 4));
  const baseline = median(samples.filter((s) => s.t >= warmupSeconds && s.t < warmupSeconds + windowSeconds).map(pick));
  const last = median(samples.filter((s) => s.t > end - windowSeconds).map(pick));
  return {
    baselineMiB: baseline === null ? null : round(baseline, 1),
    endMiB: last === null ? null : round(last, 1),
    percent: baseline === null || last === null || baseline === 0 ? null : round((100 * (last - baseline)) / baseline, 2),
  };
}

/** Samples averaged per bucket of `seconds`, for the report's table and chart. */
export function buckets(samples: RelaySample[], seconds: number): Array<{ from: number; samples: RelaySample[] }> {
  const out = new Map<number, RelaySample[]>();
  for (const s of samples) {
    const from = Math.floor(s.t / seconds) * seconds;
    out.set(from, [...(out.get(from) ?? []), s]);
  }
  return [...out].map(([from, list]) => ({ from, samples: list }));
}

/** The mean to one decimal, null for no values. */
export const mean = (values: number[]): number | null => {
  const value = summarize(values).mean;
  return value === null ? null : round(value, 1);
};
