import { describe, expect, it } from 'vitest';
import { BenchReportSchema, type BenchOk, type BenchReport } from '../../src/bench/types.js';
import { dnarch, expectUsageError, ok, okJson, tfjsNodeResolvable, TIMEOUT } from './run.js';

// Small and quick: MobileNet at 32x32 with alpha 0.25 (~2 M FLOPs), two timed runs.
const TINY = ['mobilenet', '--input-size', '32', '--alpha', '0.25', '--runs', '2', '--warmup', '1'];


describe('dnarch bench', () => {
  it('several engines: each timed in a process of its own, and the memory column says so', { timeout: TIMEOUT }, () => {
    const r = okJson<BenchReport>(['bench', ...TINY, '--engine', 'cpu,wasm']);
    expect(BenchReportSchema.safeParse(r).success).toBe(true);
    expect(r.settings.isolated).toBe(true);
    const rows = r.results.filter((x): x is BenchOk => x.status === 'ok');
    expect(rows.map((x) => x.engine).sort()).toEqual(['cpu', 'wasm']);
    for (const x of rows) {
      // the child's own peak holds the model and the engine: never below what the engine added to it
      expect(x.peakRssBytes).toBeGreaterThan(0);
      expect(x.peakRssBytes).toBeGreaterThanOrEqual(x.rssGrowthBytes ?? 0);
    }
    const table = ok(['bench', ...TINY, '--engine', 'cpu,wasm']);
    expect(table).toMatch(/│ +peak RSS │/);
    expect(table).toContain("peak RSS: the largest resident set of that engine's own process");
    // one engine: one process, no child; the column is what it added
    const one = okJson<BenchReport>(['bench', ...TINY, '--engine', 'cpu']);
    expect(one.settings.isolated).toBeUndefined();
    expect(ok(['bench', ...TINY, '--engine', 'cpu'])).toMatch(/│ +RSS growth │/);
  });

  it('--engine all --format json: one schema-valid object, every engine reported', { timeout: TIMEOUT }, () => {
    const r = okJson<BenchReport>(['bench', ...TINY, '--engine', 'all', '--batch', '1,2']);
    expect(BenchReportSchema.safeParse(r).success).toBe(true);
    expect(r.schemaVersion).toBe(1);
    expect(r.model.weights).toBe('seeded');
    expect(r.model.inputShapes).toEqual([[32, 32, 3]]);
    expect(r.settings.engines).toEqual(['onnxruntime', 'tfjs-node', 'wasm', 'cpu']);
    // one entry per engine and batch
    expect(r.results).toHaveLength(4 * 2);
    const node = r.results.filter((x) => x.engine === 'tfjs-node');
    if (!tfjsNodeResolvable) {
      for (const x of node) {
        expect(x.status).toBe('unavailable');
        if (x.status !== 'ok') expect(x.reason).toMatch(/not installed/);
      }
    }
    for (const name of ['wasm', 'cpu', 'onnxruntime']) {
      for (const batch of [1, 2]) {
        const x = r.results.find((y) => y.engine === name && y.batch === batch) as BenchOk;
        expect(x.status, `${name} ${batch}`).toBe('ok');
        expect(x.runs).toBe(2);
        expect(x.warmupRuns).toBe(1);
        const l = x.latencyMs;
        expect(l.min).toBeLessThanOrEqual(l.p50);
        expect(l.p50).toBeLessThanOrEqual(l.p90);
        expect(l.p90).toBeLessThanOrEqual(l.p99);
        // throughput = batch * 1000 / mean; GFLOP/s = FLOPs per image * batch / mean(ms) / 1e6
        expect(x.throughput).toBeCloseTo((batch * 1000) / l.mean, 6);
        expect(x.gflopsPerSecond).toBeCloseTo((r.model.flopsPerImage * batch) / l.mean / 1e6, 6);
        expect(x.peakRssBytes).toBeGreaterThan(0);
      }
    }
    expect((r.results.find((x) => x.engine === 'wasm') as BenchOk).threads).toBe(1);
  });

  it('table output names the engine that ran, its version and threads, and the weights', { timeout: TIMEOUT }, () => {
    const out = ok(['bench', ...TINY, '--engine', 'wasm']);
    expect(out).toMatch(/Weights: seeded random weights/);
    const row = out.split('\n').find((l) => /\bwasm\b/.test(l) && /\d+\.\d+\.\d+/.test(l));
    expect(row).toMatch(/wasm\s+│\s+\d+\.\d+\.\d+\s+│\s+1\s+│\s+1\s+│/);
    expect(out).toMatch(/single-threaded under Node/);
  });

  it('--format markdown: a table with a header row', { timeout: TIMEOUT }, () => {
    const out = ok(['bench', ...TINY, '--engine', 'cpu', '--format', 'markdown']);
    expect(out).toMatch(/^\| engine \| version \| threads \| batch \|/m);
    expect(out).toMatch(/^\| cpu \| \d+\.\d+\.\d+ \| 1 \| 1 \|/m);
  });

  it('--profile on wasm: every layer timed on wasm, slowest first, with its MACs; no roofs', { timeout: TIMEOUT }, () => {
    const r = okJson<BenchReport>(['bench', ...TINY, '--engine', 'wasm', '--profile', '3']);
    const p = r.profile!;
    expect(p.engine).toBe('wasm');
    expect(p.method).toBe('layer-by-layer');
    expect(r.settings.profile).toBe(3);
    // JSON keeps every layer the pass ran (all but the input); the analysis' MACs are on them.
    const analysis = okJson<{ layers: { name: string; macs: number }[] }>(['summarize', 'mobilenet', '--input-size', '32', '--alpha', '0.25', '--format', 'json']);
    expect(p.layers).toHaveLength(analysis.layers.length - 1);
    for (const l of p.layers) expect(l.macs).toBe(analysis.layers.find((a) => a.name === l.name)!.macs);
    const ms = p.layers.map((l) => l.ms);
    expect([...ms].sort((a, b) => b - a)).toEqual(ms);
    expect(p.peaks).toBeNull();
    expect(p.layers.every((l) => l.bound === null)).toBe(true);
  });

  it('--profile 3 table: three rows under the profile header', { timeout: TIMEOUT }, () => {
    const out = ok(['bench', ...TINY, '--engine', 'wasm', '--profile', '3']);
    expect(out).toMatch(/^Profile on wasm: layer by layer/m);
    expect(out).toMatch(/The 3 slowest of \d+ rows/);
    const table = out.slice(out.indexOf('The 3 slowest'));
    expect(table.split('\n').filter((l) => /^│ \S/.test(l) && !/│ layer /.test(l))).toHaveLength(3);
  });

  it.runIf(!tfjsNodeResolvable)('--engine tfjs-node alone: exit 2, the reason in one line', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', ...TINY, '--engine', 'tfjs-node']), [/^dnarch: tfjs-node is not available: not installed/]);
  });

  it.each([
    ['unknown engine', ['--engine', 'tpu'], ['tpu']],
    ['batch 0', ['--batch', '0'], ['--batch']],
    ['batch not a number', ['--batch', '1,x'], ['--batch']],
    ['runs 0', ['--runs', '0'], ['--runs']],
    ['negative seconds', ['--seconds', '-1'], ['--seconds']],
    ['threads 0', ['--threads', '0'], ['--threads']],
    ['bad format', ['--format', 'csv'], ['csv']],
  ])('bad option (%s): exit 2, one line', { timeout: TIMEOUT }, (_label, args, mentions) => {
    expectUsageError(dnarch(['bench', 'mobilenet', ...args]), mentions);
  });

  it('an unknown model: exit 2', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', 'resnet5000', '--engine', 'cpu']), ['resnet5000']);
  });

  it('a model with an opaque (Lambda) layer cannot run: exit 2 naming the layer', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', 'fixtures/models/custom-layer.json', '--engine', 'cpu', '--runs', '1']), ['my_attention', 'cannot run']);
  });
});
