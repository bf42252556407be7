// Order statistics for benchmark samples. Pure.

export interface Summary {
  n: number;
  median: number | null;
  p95: number | null;
  min: number | null;
  max: number | null;
  mean: number | null;
}

/** Nearest-rank percentile (p in 0..100) of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, median: null, p95: null, min: null, max: null, mean: null };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return {
    n: sorted.length,
    median: round(median),
    p95: round(percentile(sorted, 95)!),
    min: round(sorted[0]!),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((sum, v) => sum + v, 0) / sorted.length),
  };
}

/** Rounds to `digits` decimals; null stays null. */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** a / b rounded, or null when either side is missing or b is zero. */
export function ratio(a: number | null | undefined, b: number | null | undefined, digits = 2): number | null {
  if (a == null || b == null || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return round(a / b, digits);
}
