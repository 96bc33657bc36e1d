/**
 * A row on the roofline (Williams, Waterman & Patterson, CACM 2009): what it achieved,
 * how many FLOPs it does per byte it moves, and which roof bounds it on this machine.
 * The ridge point is peak GFLOP/s / peak GB/s: below it a kernel cannot reach the compute
 * peak however well it is written, since memory cannot feed it fast enough.
 */
import type { BenchProfile, Peaks, ProfileLayer } from './types.js';

export type RooflineColumns = Pick<ProfileLayer, 'gflops' | 'bytes' | 'intensity' | 'bound' | 'ofPeak' | 'gflopsPerSecond'>;

/** Ridge point in FLOPs per byte. */
export const ridge = (peaks: Pick<Peaks, 'gflops' | 'gbPerS'>): number => peaks.gflops / peaks.gbPerS;

/** The profile's model line and slowdown: analysis FLOPs per batch over the unprofiled p50, profiled run time over it. */
export function modelRate(flopsPerBatch: number, runMs: number, timedP50Ms: number | null, peaks: Pick<Peaks, 'gflops'> | null): Pick<BenchProfile, 'slowdown' | 'model'> {
  if (!timedP50Ms) return { slowdown: null, model: null };
  const gflops = flopsPerBatch / timedP50Ms / 1e6;
  return { slowdown: runMs / timedP50Ms, model: { gflops, ofPeak: peaks ? gflops / peaks.gflops : null } };
}

/** `flops` and `bytes` are per batch, `ms` the time of that batch. */
export function roofline(flops: number, bytes: number, ms: number, peaks: Pick<Peaks, 'gflops' | 'gbPerS'> | null): RooflineColumns {
  const gflops = flops > 0 && ms > 0 ? flops / ms / 1e6 : null;
  const intensity = bytes > 0 ? flops / bytes : null;
  return {
    gflops,
    gflopsPerSecond: gflops,
    bytes: Math.round(bytes),
    intensity,
    bound: peaks === null || intensity === null ? null : intensity >= ridge(peaks) ? 'compute' : 'memory',
    ofPeak: peaks === null || gflops === null ? null : gflops / peaks.gflops,
  };
}
