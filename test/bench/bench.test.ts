import { describe, expect, it } from 'vitest';
import { benchModel } from '../../src/bench/bench.js';
import { explainFailure } from '../../src/bench/resource-limits.js';
import { BenchReportSchema, type BenchOk } from '../../src/bench/types.js';
import type { EngineStatus } from '../../src/engines/discovery.js';
import type { Engine, EngineName } from '../../src/engines/engine.js';

const TINY = { inputSize: [32, 32] as [number, number], alpha: 0.25 };

const statuses = (unavailable: string[] = []): EngineStatus[] =>
  (['onnxruntime', 'tfjs-node', 'wasm', 'cpu'] as const).map((name) => ({
    name,
    description: name,
    available: !unavailable.includes(name),
    version: '1.2.3',
    ...(unavailable.includes(name) ? { reason: `${name} is switched off in this test` } : {}),
  }));

/** A fake engine on a fake clock: each run of a batch of b takes `msPerImage * b` ms; it can fail at a batch. */
function fakeEngines(clock: { now: number }, msPerImage: number, failAt?: { engine: string; batch: number; error: unknown }) {
  return (name: EngineName): Engine => ({
    name,
    async load() {
      return {
        engine: name,
        version: '1.2.3',
        threads: 2,
        inputs: [{ name: 'x', shape: [32, 32, 3] }],
        async prepare(batch: number) {
          if (failAt && failAt.engine === name && failAt.batch === batch) throw failAt.error;
          return {
            batch,
            run: async () => {
              clock.now += msPerImage * batch;
              return [];
            },
            dispose: () => undefined,
          };
        },
        async dispose() {},
      };
    },
  });
}

describe('benchModel with a fake engine and clock', () => {
  it('latency, throughput and GFLOP/s follow from the clock and the analysis FLOPs', async () => {
    const clock = { now: 0 };
    const r = await benchModel(
      'mobilenet',
      { engines: ['wasm'], batches: [1, 4], warmup: 2, runs: 5, model: TINY },
      { probe: async () => statuses(), engine: fakeEngines(clock, 10), clock: () => clock.now, rss: () => 1000 },
    );
    expect(BenchReportSchema.safeParse(r).success).toBe(true);
    const [b1, b4] = r.results as BenchOk[];
    // batch 1: every run 10 ms -> mean 10, sd 0; throughput 1 * 1000 / 10 = 100 img/s
    expect(b1.latencyMs).toEqual({ min: 10, p50: 10, p90: 10, p99: 10, mean: 10, stddev: 0 });
    expect(b1.throughput).toBe(100);
    expect(b1.runs).toBe(5);
    expect(b1.firstRunMs).toBe(10);
    // batch 4: 40 ms a run -> 4 * 1000 / 40 = 100 img/s; GFLOP/s = FLOPs * 4 / 40 ms / 1e6
    expect(b4.latencyMs.mean).toBe(40);
    expect(b4.gflopsPerSecond).toBeCloseTo((r.model.flopsPerImage * 4) / 40 / 1e6, 9);
    expect(b4.threads).toBe(2);
    expect(b4.peakRssBytes).toBe(1000);
  });

  it('RSS growth is per engine: the second engine does not inherit what the first left in the process', async () => {
    const clock = { now: 0 };
    // The process's RSS as sampled: wasm loads at 500 MB, its prepared batch and runs reach
    // 900; it leaves the process at 880, where cpu starts; cpu's own runs reach 950.
    const MB = 1e6;
    const samples = [500, 800, 850, 900, 880, 880, 920, 950].map((x) => x * MB);
    let i = 0;
    const rss = () => samples[Math.min(i++, samples.length - 1)];
    const r = await benchModel(
      'mobilenet',
      { engines: ['wasm', 'cpu'], warmup: 1, runs: 2, model: TINY },
      { probe: async () => statuses(), engine: fakeEngines(clock, 10), clock: () => clock.now, rss },
    );
    expect(BenchReportSchema.safeParse(r).success).toBe(true);
    // Sampled: before load, after prepare, after the warm-up and each of the 2 timed runs.
    const [wasm, cpu] = r.results as BenchOk[];
    expect([wasm.engine, wasm.peakRssBytes, wasm.rssGrowthBytes]).toEqual(['wasm', 900 * MB, 400 * MB]);
    expect([cpu.engine, cpu.peakRssBytes, cpu.rssGrowthBytes]).toEqual(['cpu', 950 * MB, 70 * MB]);
  });

  it('auto takes the fastest available engine only', async () => {
    const clock = { now: 0 };
    const r = await benchModel('mobilenet', { runs: 1, warmup: 1, model: TINY }, { probe: async () => statuses(['onnxruntime']), engine: fakeEngines(clock, 1), clock: () => clock.now });
    // onnxruntime is off: tfjs-node is next in speed order
    expect(r.settings.engines).toEqual(['tfjs-node']);
    expect(r.results.map((x) => x.engine)).toEqual(['tfjs-node']);
  });

  it('an unavailable engine among several is reported, not fatal', async () => {
    const clock = { now: 0 };
    const r = await benchModel('mobilenet', { engines: 'all', runs: 1, warmup: 1, model: TINY }, { probe: async () => statuses(['tfjs-node']), engine: fakeEngines(clock, 1), clock: () => clock.now });
    const node = r.results.find((x) => x.engine === 'tfjs-node')!;
    expect(node).toMatchObject({ status: 'unavailable', reason: 'tfjs-node is switched off in this test' });
    expect(r.results.filter((x) => x.status === 'ok').map((x) => x.engine)).toEqual(['onnxruntime', 'wasm', 'cpu']);
  });

  it('a single requested engine that is unavailable is BAD_OPTION', async () => {
    await expect(benchModel('mobilenet', { engines: ['tfjs-node'], model: TINY }, { probe: async () => statuses(['tfjs-node']) })).rejects.toMatchObject({
      code: 'BAD_OPTION',
      message: 'tfjs-node is not available: tfjs-node is switched off in this test',
    });
  });

  it('running out of memory at one batch is that result\'s failure; alone it is BAD_OPTION', async () => {
    const clock = { now: 0 };
    const oom = { engine: 'wasm', batch: 64, error: new WebAssembly.RuntimeError('memory access out of bounds') };
    const hooks = { probe: async () => statuses(), engine: fakeEngines(clock, 1, oom), clock: () => clock.now };
    const r = await benchModel('mobilenet', { engines: ['wasm', 'cpu'], batches: [1, 64], runs: 1, warmup: 1, model: TINY }, hooks);
    expect(r.results.find((x) => x.engine === 'wasm' && x.batch === 64)).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^wasm ran out of memory at batch 64/) });
    expect(r.results.find((x) => x.engine === 'cpu' && x.batch === 64)?.status).toBe('ok');
    await expect(benchModel('mobilenet', { engines: ['wasm'], batches: [64], runs: 1, model: TINY }, hooks)).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});

describe('explaining failures', () => {
  it('wasm heap exhaustion names the 4 GiB limit and what to do', () => {
    expect(explainFailure('wasm', 256, new WebAssembly.RuntimeError('memory access out of bounds'))).toBe(
      'wasm ran out of memory at batch 256 (its WebAssembly heap is limited to 4 GiB): try --engine onnxruntime or a smaller --batch',
    );
  });

  it('an ONNX Runtime allocation failure says so, with its message', () => {
    const msg = explainFailure('onnxruntime', 512, new Error('Failed to allocate memory for requested buffer of size 6576668672\nmore'));
    expect(msg).toBe('onnxruntime ran out of memory at batch 512 (Failed to allocate memory for requested buffer of size 6576668672): try a smaller --batch');
  });

  it('a V8 RangeError on the cpu engine is a memory failure too', () => {
    expect(explainFailure('cpu', 128, new RangeError('Array buffer allocation failed'))).toMatch(/^cpu ran out of memory at batch 128 \(Array buffer allocation failed\): try a smaller --batch or --engine onnxruntime$/);
  });

  it('anything else is passed on as it is, first line only', () => {
    expect(explainFailure('cpu', 1, new Error('kernel Foo not registered\nstack'))).toBe('cpu failed at batch 1: kernel Foo not registered');
  });
});
