import { describe, expect, it } from 'vitest';
import { percentile, sampleStddev, summarize } from '../../src/bench/stats.js';

describe('summary statistics', () => {
  // Samples (sorted): 1 2 3 4 10, n = 5.
  const xs = [4, 1, 10, 3, 2];

  it('min, mean and the median of an odd count', () => {
    const s = summarize(xs);
    expect(s.min).toBe(1);
    expect(s.mean).toBe((1 + 2 + 3 + 4 + 10) / 5); // 4
    expect(s.p50).toBe(3); // h = (5 - 1) * 0.5 = 2 -> x[2] = 3
  });

  it('p90 and p99 interpolate linearly between closest ranks (numpy default)', () => {
    const s = summarize(xs);
    // p90: h = 4 * 0.9 = 3.6 -> x[3] + 0.6 * (x[4] - x[3]) = 4 + 0.6 * 6 = 7.6
    expect(s.p90).toBeCloseTo(7.6, 12);
    // p99: h = 4 * 0.99 = 3.96 -> 4 + 0.96 * 6 = 9.76
    expect(s.p99).toBeCloseTo(9.76, 12);
  });

  it('the sample standard deviation divides by n - 1', () => {
    // deviations from 4: -3 -2 -1 0 6; squares 9 4 1 0 36 = 50; 50 / 4 = 12.5
    expect(summarize(xs).stddev).toBeCloseTo(Math.sqrt(12.5), 12);
  });

  it('the median of an even count is the midpoint of the middle pair', () => {
    // sorted 1 2 3 4: h = 3 * 0.5 = 1.5 -> 2 + 0.5 * (3 - 2) = 2.5
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
  });

  it('one run: every percentile is that run, stddev 0', () => {
    expect(summarize([7])).toEqual({ min: 7, p50: 7, p90: 7, p99: 7, mean: 7, stddev: 0 });
    expect(sampleStddev([7])).toBe(0);
  });

  it('refuses no samples', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});
