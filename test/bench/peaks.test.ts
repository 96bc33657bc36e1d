import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheDir, getPeaks } from '../../src/bench/peaks.js';
import { measurePeaks } from '../../src/engines/ort-peaks.js';

const machine = { cpu: 'Test CPU 9000', cores: 2 };
const dirs: string[] = [];
const fresh = () => {
  const d = mkdtempSync(join(tmpdir(), 'dnarch-peaks-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function counting(gflops = 100, gbPerS = 10) {
  const calls: (number | undefined)[] = [];
  return { calls, measure: async (o: { threads?: number }) => (calls.push(o.threads), { gflops, gbPerS, version: '1.0' }) };
}

describe('the peaks cache', () => {
  it('measures once, then answers from the cache; --refresh measures again', async () => {
    const dir = fresh();
    const m = counting();
    const a = await getPeaks({ dir, machine, version: '1.0', measure: m.measure });
    expect(a).toMatchObject({ gflops: 100, gbPerS: 10, cpu: 'Test CPU 9000', cores: 2, threads: null, cached: false });
    const b = await getPeaks({ dir, machine, version: '1.0', measure: m.measure });
    expect(b).toMatchObject({ gflops: 100, cached: true });
    expect(m.calls).toHaveLength(1);
    await getPeaks({ dir, machine, version: '1.0', measure: m.measure, refresh: true });
    expect(m.calls).toHaveLength(2);
  });

  it('keyed by threads, CPU and runtime version', async () => {
    const dir = fresh();
    const m = counting();
    await getPeaks({ dir, machine, version: '1.0', measure: m.measure });
    await getPeaks({ dir, machine, version: '1.0', threads: 1, measure: m.measure });
    await getPeaks({ dir, machine: { cpu: 'Other', cores: 2 }, version: '1.0', measure: m.measure });
    await getPeaks({ dir, machine, version: '2.0', measure: m.measure });
    expect(m.calls).toEqual([undefined, 1, undefined, undefined]);
    const file = JSON.parse(readFileSync(join(dir, 'peaks.json'), 'utf8'));
    expect(Object.keys(file.entries)).toHaveLength(4);
  });

  it('a corrupt cache is measured over; an unwritable one costs a measurement, nothing else', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'peaks.json'), '{"version": 1, "entries": {"x": {"gflops": "lots"}}');
    const m = counting();
    expect((await getPeaks({ dir, machine, version: '1.0', measure: m.measure })).cached).toBe(false);
    // A directory that cannot be made, even by root: its parent is a regular file.
    const file = join(fresh(), 'a-file');
    writeFileSync(file, '');
    const r = await getPeaks({ dir: join(file, 'sub'), machine, version: '1.0', measure: m.measure });
    expect(r).toMatchObject({ gflops: 100, cached: false });
    expect(m.calls).toHaveLength(2);
  });

  it('lives in DNARCH_CACHE_DIR, else XDG_CACHE_HOME/dnarch, else ~/.cache/dnarch', () => {
    expect(cacheDir({ DNARCH_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/dnarch');
    expect(cacheDir({})).toMatch(/\.cache\/dnarch$/);
  });
});

describe('measurePeaks on onnxruntime (small sizes)', () => {
  it('gives positive rates from FLOPs and bytes over the best time', async () => {
    // An injected clock: every run takes 2 ms, so the rates follow from the sizes alone.
    let t = 0;
    const clock = () => (t += 1);
    const p = await measurePeaks(ort as never, { matmul: 64, convs: [[8, 8]], streamFloats: 1024, runs: 2, clock });
    // best time 1 tick (the clock moves 1 per call: start, end) = 1 ms
    // MatMul: 2 * 64^3 FLOPs / 1 ms; Conv 8->8 3x3 on 8x8: 2 * 8 * 8 * 9 * 64 FLOPs; the larger
    expect(p.gflops).toBeCloseTo(Math.max(2 * 64 ** 3, 2 * 8 * 8 * 9 * 64) / 1e6, 9);
    expect(p.gbPerS).toBeCloseTo((4 * 1024) / 1e6, 12);
    expect(p.version).toMatch(/^\d+\.\d+/);
  });
});
