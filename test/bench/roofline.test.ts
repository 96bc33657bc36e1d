import { describe, expect, it } from 'vitest';
import { ridge, roofline } from '../../src/bench/roofline.js';

describe('roofline columns', () => {
  const peaks = { gflops: 200, gbPerS: 20 };
  it('ridge point = peak GFLOP/s / peak GB/s', () => {
    expect(ridge(peaks)).toBe(10);
  });
  it('a layer above the ridge is compute-bound; GFLOP/s = FLOPs / ms / 1e6', () => {
    // 2e9 FLOPs in 20 ms = 100 GFLOP/s; 2e9 / 1e8 bytes = 20 FLOP/byte >= 10
    expect(roofline(2e9, 1e8, 20, peaks)).toEqual({ gflops: 100, gflopsPerSecond: 100, bytes: 1e8, intensity: 20, bound: 'compute', ofPeak: 0.5 });
  });
  it('a layer below it is memory-bound', () => {
    // 1e6 FLOPs over 4e6 bytes: 0.25 FLOP/byte
    const r = roofline(1e6, 4e6, 0.5, peaks);
    expect(r.intensity).toBe(0.25);
    expect(r.bound).toBe('memory');
    expect(r.gflops).toBe(2);
    expect(r.ofPeak).toBe(0.01);
  });
  it('no peaks: no bound; no FLOPs: no rate; no bytes: no intensity', () => {
    expect(roofline(1e6, 4e6, 1, null)).toMatchObject({ bound: null, ofPeak: null, gflops: 1 });
    expect(roofline(0, 4e6, 1, peaks)).toMatchObject({ gflops: null, intensity: 0, bound: 'memory', ofPeak: null });
    expect(roofline(1e6, 0, 1, peaks)).toMatchObject({ intensity: null, bound: null });
  });
});
