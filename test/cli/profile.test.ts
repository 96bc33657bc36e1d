/**
 * bench --profile on onnxruntime, for real: ONNX Runtime's own profiler on a small zoo
 * model (dnarch's export) and on an ONNX file, and dnarch peaks. What is checked against
 * an independent source: the rows' layers and MACs against `dnarch summarize` (another
 * code path), the schema, and what the output says it ran on.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchReportSchema, type BenchReport } from '../../src/bench/types.js';
import type { ModelReport } from '../../src/analysis/types.js';
import { PeaksOutputSchema, type PeaksOutput } from '../../src/schema/peaks.js';
import { dnarch, expectUsageError, ok, okJson, TIMEOUT } from './run.js';

const TINY = ['mobilenet', '--input-size', '64', '--alpha', '0.25', '--runs', '3', '--warmup', '1'];

/** Every layer with work is in exactly one row or among the unattributed; the MACs add up to the model's. */
function expectAccounted(p: NonNullable<BenchReport['profile']>, model: ModelReport): void {
  const seen = p.layers.flatMap((l) => l.layers);
  expect(new Set(seen).size).toBe(seen.length);
  const all = [...seen, ...p.unattributed.names];
  for (const l of model.layers) {
    if (l.className === 'InputLayer' || l.className === 'Input') continue;
    if (l.macs > 0) expect(seen, l.name).toContain(l.name);
  }
  expect(all.length).toBeLessThanOrEqual(model.layers.length);
  expect(p.layers.reduce((s, l) => s + l.macs, 0) + p.unattributed.macs).toBe(model.totals.macs);
}

describe('bench --profile on onnxruntime', () => {
  it('a zoo model: ORT kernels mapped back to layers, with roofline columns, in the schema; ORT\'s trace file is removed', { timeout: TIMEOUT }, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'dnarch-profile-tmp-'));
    const r = okJson<BenchReport>(['bench', ...TINY, '--engine', 'onnxruntime', '--profile', '5'], { env: { TMPDIR: tmp } });
    // (ONNX Runtime itself leaves `.ses` and `mat-debug-<pid>.log` there on any run, profiled or not.)
    expect(readdirSync(tmp).filter((f) => f.startsWith('dnarch-') || f.endsWith('.json'))).toEqual([]);
    rmSync(tmp, { recursive: true });
    expect(BenchReportSchema.safeParse(r).success).toBe(true);
    const p = r.profile!;
    expect(p.engine).toBe('onnxruntime');
    expect(p.method).toBe('onnxruntime-profiler');
    expect(p.runs).toBe(10);
    expect(p.coverage).toBeGreaterThan(0.9);
    expect(p.peaks!.gflops).toBeGreaterThan(0);
    expect(p.timedP50Ms).toBe((r.results[0] as { latencyMs: { p50: number } }).latencyMs.p50);
    const model = okJson<ModelReport>(['summarize', 'mobilenet', '--input-size', '64', '--alpha', '0.25']);
    expectAccounted(p, model);
    // ORT fuses each conv with its BatchNormalization and ReLU: one row holds all three.
    const conv = p.layers.find((l) => l.name === 'conv_pw_1')!;
    expect(conv.layers).toEqual(['conv_pw_1', 'conv_pw_1_bn', 'conv_pw_1_relu']);
    expect(conv.macs).toBe(model.layers.find((l) => l.name === 'conv_pw_1')!.macs);
    for (const l of p.layers.filter((x) => x.mapped && x.flops > 0 && x.ms > 0)) {
      expect(l.gflops).toBeCloseTo(l.flops / l.ms / 1e6, 6);
      expect(l.bound === 'compute' || l.bound === 'memory').toBe(true);
    }
  });

  it('table: the profile says which engine and method ran it, coverage and the peaks; --depth folds into blocks', { timeout: TIMEOUT }, () => {
    const out = ok(['bench', ...TINY, '--engine', 'onnxruntime', '--profile', '4']);
    expect(out).toMatch(/^Profile on onnxruntime: ONNX Runtime's own profiler/m);
    expect(out).toMatch(/^Coverage: \d+\.\d% of the kernel time/m);
    expect(out).toMatch(/^This machine's measured peaks .*GFLOP\/s, .* GB\/s; ridge/m);
    expect(out).toMatch(/The 4 slowest of \d+ rows/);
    const folded = ok(['bench', ...TINY, '--engine', 'onnxruntime', '--profile', '3', '--depth', '1']);
    expect(folded).toMatch(/The \d+ slowest of \d+ blocks \(depth 1\)/);
    expect(folded).toMatch(/│ block /);
    const md = ok(['bench', ...TINY, '--engine', 'onnxruntime', '--profile', '2', '--format', 'markdown']);
    expect(md).toMatch(/^### Profile on onnxruntime$/m);
    expect(md).toMatch(/^\| layer \| class \| ms \| share \| MACs \| GFLOP\/s \| of peak \| bytes \| FLOP\/B \| bound \|$/m);
    const table = md.slice(md.indexOf('| layer |')).split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| layer') && !l.startsWith('| ---'));
    expect(table).toHaveLength(2);
  });

  it('an ONNX file: rows are the file\'s own nodes', { timeout: TIMEOUT }, () => {
    const r = okJson<BenchReport>(['bench', 'fixtures/onnx/tiny-cnn.onnx', '--runs', '3', '--profile']);
    const p = r.profile!;
    expect(p.engine).toBe('onnxruntime');
    const model = okJson<ModelReport>(['summarize', 'fixtures/onnx/tiny-cnn.onnx']);
    expectAccounted(p, model);
    const names = new Set(model.layers.map((l) => l.name));
    for (const l of p.layers.filter((x) => x.mapped)) expect(names.has(l.name), l.name).toBe(true);
  });

  it('a file of nameless nodes (torch.onnx 1.x): ORT\'s own names for them are matched, the convolutions are rows', { timeout: TIMEOUT }, () => {
    const file = '../shared/real-models/onnx/pytorch-tutorial__super_resolution.onnx';
    const r = okJson<BenchReport>(['bench', file, '--runs', '3', '--profile']);
    const p = r.profile!;
    const model = okJson<ModelReport>(['summarize', file]);
    expectAccounted(p, model);
    expect(p.unattributed.macs).toBe(0);
    expect(p.coverage).toBeGreaterThan(0.9);
    expect(p.layers.filter((l) => l.mapped && l.className === 'Conv')).toHaveLength(4);
  });

  it('--depth without --profile is refused', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', ...TINY, '--depth', '1']), ['--depth', '--profile']);
  });
});

describe('report --bench', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnarch-report-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('adds the profile section to the page; every wrong --bench file is one line, exit 2, nothing written', { timeout: TIMEOUT }, () => {
    const bench = join(dir, 'bench.json');
    ok(['bench', ...TINY, '--engine', 'onnxruntime', '--profile', '--format', 'json', '--out', bench]);
    const page = join(dir, 'page.html');
    ok(['report', 'mobilenet', '--input-size', '64', '--alpha', '0.25', '--bench', bench, '--out', page]);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('id="m1-profile-time"');
    expect(html).toContain('id="m1-roofline"');
    expect(html).toContain('Slowest layers on onnxruntime');

    const noProfile = file('plain.json', JSON.stringify({ ...JSON.parse(readFileSync(bench, 'utf8')), profile: undefined }));
    const cases: [string[], string[]][] = [
      [['mobilenet', '--input-size', '64', '--alpha', '0.25', '--bench', file('bad.json', '{')], ['bad.json', 'not JSON']],
      [['mobilenet', '--input-size', '64', '--alpha', '0.25', '--bench', file('other.json', '{"schemaVersion": 1}')], ['other.json', 'not a dnarch bench report']],
      [['mobilenet', '--input-size', '64', '--alpha', '0.25', '--bench', noProfile], ['plain.json', 'without a profile']],
      [['resnet50', '--bench', bench], ['profiles mobilenet', 'not among the models']],
      [['mobilenet', '--bench', bench], ['MACs per image', 'options']],
      [['mobilenet', '--input-size', '64', '--alpha', '0.25', '--bench', join(dir, 'missing.json')], ['missing.json']],
    ];
    for (const [args, mentions] of cases) {
      const out = join(dir, 'never.html');
      expectUsageError(dnarch(['report', ...args, '--out', out]), mentions);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('dnarch peaks', () => {
  it('measures, then answers from the cache, in the schema', { timeout: TIMEOUT }, () => {
    const a = okJson<PeaksOutput>(['peaks', '--refresh']);
    expect(PeaksOutputSchema.safeParse(a).success).toBe(true);
    expect(a.peaks.cached).toBe(false);
    expect(a.ridge).toBeCloseTo(a.peaks.gflops / a.peaks.gbPerS, 9);
    const b = okJson<PeaksOutput>(['peaks']);
    expect(b.peaks).toEqual({ ...a.peaks, cached: true });
    expect(ok(['peaks'])).toMatch(/^compute peak\s+\d/m);
  });
});
