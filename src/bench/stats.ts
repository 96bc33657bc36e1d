/**
 * Summary statistics of timed runs, in the unit they come in (ms).
 *
 * Percentiles: linear interpolation between closest ranks, as numpy.percentile's default
 * ('linear', Hyndman & Fan type 7): for sorted x[0..n-1], p in [0, 100],
 * h = (n - 1) * p / 100, value = x[floor h] + (h - floor h) * (x[ceil h] - x[floor h]).
 * Standard deviation: the SAMPLE standard deviation (divides by n - 1, numpy ddof=1),
 * since the runs are a sample of the engine's latency; 0 for a single run.
 */
export interface Stats {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  stddev: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function sampleStddev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function summarize(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new RangeError('statistics of no runs');
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    min: sorted[0],
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: mean(sorted),
    stddev: sampleStddev(sorted),
  };
}
