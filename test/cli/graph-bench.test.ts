import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BenchReportSchema, type BenchOk, type BenchReport } from '../../src/bench/types.js';
import { dnarch, expectUsageError, TIMEOUT } from './run.js';

// TensorFlow.js graph models (fixtures/graph-run, written by scripts/make-graph-run-fixtures.mts)
// on the command line: bench runs them on the tfjs engines, export refuses them.
const FIX = 'fixtures/graph-run';
const REAL = '/work/shared/real-models/graph';
const QUICK = ['--runs', '2', '--warmup', '1'];

/** Exit 0 with a schema-valid report; stderr may hold notes, never a stack trace. */
function benchJson(args: string[]): { report: BenchReport; stderr: string } {
  const r = dnarch(['bench', ...args, '--format', 'json']);
  expect(r.status, `stderr: ${r.stderr}`).toBe(0);
  expect(r.stderr).not.toMatch(/^\s+at |Error:/m);
  const report = JSON.parse(r.stdout) as BenchReport;
  const parsed = BenchReportSchema.safeParse(report);
  expect(parsed.success, JSON.stringify(parsed.error?.issues[0])).toBe(true);
  return { report, stderr: r.stderr };
}

const okRows = (r: BenchReport) => r.results.filter((x): x is BenchOk => x.status === 'ok');

describe('dnarch bench on TensorFlow.js graph models', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dnarch-graph-bench-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const withoutShards = (fixture: string): string => {
    const dir = mkdtempSync(join(tmp, `${fixture}-`));
    copyFileSync(`${FIX}/${fixture}/model.json`, join(dir, 'model.json'));
    return dir;
  };

  it('runs each fixture on cpu with the weights of its shards (float32, uint8/float16-quantized, a TF1 while loop)', { timeout: 4 * TIMEOUT }, () => {
    const shapes: Record<string, number[][]> = { convnet: [[1, 4, 4, 1]], quantized: [[1, 4, 4, 1]], 'while-loop': [[1, 3]], 'float-only': [[1, 2]] };
    for (const [fixture, inputShapes] of Object.entries(shapes)) {
      const { report } = benchJson([`${FIX}/${fixture}`, '--engine', 'cpu', ...QUICK]);
      expect(report.model.weights, fixture).toBe('file');
      expect(report.model.weightsNote, fixture).toBeUndefined();
      expect(report.model.inputShapes, fixture).toEqual(inputShapes);
      expect(okRows(report).map((x) => [x.engine, x.batch, x.runs]), fixture).toEqual([['cpu', 1, 2]]);
    }
  });

  it('--engine all: the tfjs engines time it at every --batch, onnxruntime is a skipped row saying why', { timeout: TIMEOUT }, () => {
    const { report } = benchJson([`${FIX}/convnet`, '--engine', 'all', '--batch', '1,3', ...QUICK]);
    const ort = report.results.filter((x) => x.engine === 'onnxruntime');
    expect(ort.map((x) => x.status)).toEqual(['unavailable', 'unavailable']);
    for (const x of ort) if (x.status !== 'ok') expect(x.reason).toMatch(/TensorFlow\.js graph model: it runs on the tfjs engines/);
    expect(okRows(report).map((x) => `${x.engine}:${x.batch}`).sort()).toEqual(['cpu:1', 'cpu:3', 'wasm:1', 'wasm:3']);
  });

  it('--engine onnxruntime: one line, exit 2', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', `${FIX}/convnet`, '--engine', 'onnxruntime']), ['--engine onnxruntime', 'TensorFlow.js graph model', 'tfjs engines']);
  });

  it('shards missing, float weights only: seeded weights, said on stderr and in the report', { timeout: TIMEOUT }, () => {
    const dir = withoutShards('float-only');
    const { report, stderr } = benchJson([dir, '--engine', 'cpu', ...QUICK]);
    expect(report.model.weights).toBe('seeded');
    expect(report.model.weightsNote).toMatch(/weight shards are missing \(group1-shard1of1\.bin: not in .*\): seeded random weights stand in for them/);
    expect(stderr).toContain('seeded random weights stand in for them');
    expect(okRows(report)).toHaveLength(1);
  });

  it('shards missing and the graph has int32 constants: one line, exit 2, naming how many and one of them', { timeout: TIMEOUT }, () => {
    const line = expectUsageError(dnarch(['bench', withoutShards('convnet'), '--engine', 'cpu']));
    expect(line).toMatch(/bench needs its weight shards .*1 int32 constant \(2 values\).*"flatten\/shape", read by Reshape/);
  });

  it('open dimensions: one line naming the input and the options; --input-shape (with or without the batch) or --input-size runs it', { timeout: 3 * TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', `${FIX}/open-dims`, '--engine', 'cpu']), ['input "input_tensor"', '[1, -1, -1, 3]', '--input-size', '--input-shape']);
    for (const sizing of [['--input-shape', '6x5x3'], ['--input-shape', 'input_tensor=1x6x5x3'], ['--input-size', '6x5']]) {
      const { report } = benchJson([`${FIX}/open-dims`, ...sizing, '--engine', 'cpu', ...QUICK]);
      expect(report.model.inputShapes, sizing.join(' ')).toEqual([[1, 6, 5, 3]]);
      expect(okRows(report), sizing.join(' ')).toHaveLength(1);
    }
    expectUsageError(dnarch(['bench', `${FIX}/open-dims`, '--input-size', '6', '--batch', '2']), ['--batch 2', 'fixes the batch']);
  });

  it('--profile: one line, exit 2 (a graph has no layers to time one by one)', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', `${FIX}/convnet`, '--engine', 'cpu', '--profile']), ['--profile', 'graph model']);
  });
});

describe('dnarch export on a graph model', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dnarch-graph-export-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('--tfjs and --onnx: one line, exit 2, saying what export converts; nothing written', { timeout: 2 * TIMEOUT }, () => {
    for (const [flag, target] of [['--tfjs', join(tmp, 'out')], ['--onnx', join(tmp, 'out.onnx')]]) {
      expectUsageError(dnarch(['export', `${FIX}/convnet`, flag, target]), ['TensorFlow.js graph model', 'export converts layers models', 'already is a TensorFlow.js model', 'cannot convert a TensorFlow graph to ONNX']);
      expect(existsSync(target), target).toBe(false);
    }
  });
});

describe('the real graph files (their shards are not there): exit 0 or one line, never a stack trace', () => {
  const [head, ...lines] = readFileSync(`${REAL}/SOURCES.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const rows = lines.map((l) => [l[head.indexOf('file')], l[head.indexOf('int_consts')]]);

  it.each(rows)('%s (int32 values: %s)', { timeout: TIMEOUT }, (file, ints) => {
    // Every one of them keeps int32 constants in its shards (SOURCES.tsv int_consts: their values):
    // that is said first, whatever sizes its inputs would need.
    const r = dnarch(['bench', `${REAL}/${file}`, '--engine', 'cpu', ...QUICK]);
    const line = expectUsageError(r);
    expect(line).toMatch(new RegExp(`bench needs its weight shards .* int32 constants? \\(${ints} values?\\)`));
  });

  // The graph models among the layers-model files (../SOURCES.tsv, format graph-model), shards absent too.
  const [rootHead, ...rootLines] = readFileSync(`${REAL}/../SOURCES.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
  const rootGraphs = rootLines.filter((l) => l[rootHead.indexOf('format')] === 'graph-model').map((l) => l[rootHead.indexOf('file')]);

  it.each(rootGraphs)('%s', { timeout: TIMEOUT }, (file) => {
    const r = dnarch(['bench', `${REAL}/../${file}`, '--engine', 'cpu', ...QUICK, '--format', 'json']);
    if (r.status !== 0) {
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^dnarch: .*bench needs its weight shards/);
      return;
    }
    // float weights only: it runs on seeded ones, and says so
    const report = JSON.parse(r.stdout) as BenchReport;
    expect(BenchReportSchema.safeParse(report).success).toBe(true);
    expect(report.model.weights).toBe('seeded');
    expect(okRows(report)).toHaveLength(1);
  });
});
