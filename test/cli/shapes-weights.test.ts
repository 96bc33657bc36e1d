/**
 * Issue 14, as a user meets it: impossible geometry refused by every command before anything
 * is built, run or written; a model.json without its shards timed with seeded weights (with
 * a note), and exported only when asked.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, expectUsageError, TIMEOUT } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'dnarch-shapes-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const IMPOSSIBLE = 'fixtures/shapes/impossible-conv.json';
// floor((32 - 64) / 1) + 1 per spatial axis
const SIZE = Math.floor((32 - 64) / 1) + 1;
const WHY = `${IMPOSSIBLE}: layer "conv2d" (Conv2D): a 64x64 kernel does not fit its 32x32 input (valid padding): output would be ${SIZE}x${SIZE}`;

describe('a 64x64 valid conv on a 32x32 input', () => {
  const commands: [string, string[]][] = [
    ['summarize', ['summarize', IMPOSSIBLE]],
    ['savings', ['savings', IMPOSSIBLE]],
    ['compare', ['compare', 'fixtures/models/keras2-sequential.json', IMPOSSIBLE]],
    ['diff', ['diff', IMPOSSIBLE, IMPOSSIBLE]],
    ['check', ['check', IMPOSSIBLE, '--max-macs', '1G']],
    ['check --max-latency-ms', ['check', IMPOSSIBLE, '--max-latency-ms', '1000']],
    ['bench', ['bench', IMPOSSIBLE, '--runs', '1']],
  ];
  for (const [label, args] of commands) {
    it(`${label}: one line, exit 2, naming the layer and the shapes`, { timeout: TIMEOUT }, () => {
      expect(expectUsageError(dnarch(args))).toBe(`dnarch: ${WHY}`);
    });
  }

  it('report and export write nothing', { timeout: TIMEOUT }, () => {
    const html = join(work, 'r.html');
    const onnx = join(work, 'm.onnx');
    const tfjs = join(work, 'tfjs');
    expect(expectUsageError(dnarch(['report', IMPOSSIBLE, '--out', html]))).toBe(`dnarch: ${WHY}`);
    expect(expectUsageError(dnarch(['export', IMPOSSIBLE, '--onnx', onnx, '--tfjs', tfjs]))).toBe(`dnarch: ${WHY}`);
    expect([html, onnx, tfjs].filter((f) => existsSync(f))).toEqual([]);
  });
});

describe('a model.json copied without its weight shards', () => {
  const dir = join(work, 'no-shards');
  mkdirSync(dir);
  cpSync('fixtures/models/shards/model.json', join(dir, 'model.json'));
  const model = join(dir, 'model.json');
  const note = `dnarch: note: ${model}: its weight shards are missing (group1-shard1of2.bin, group1-shard2of2.bin: not in ${dir}): seeded random weights stand in for them\n`;

  it('bench times it with seeded weights: a note on stderr, weights "seeded" in JSON', { timeout: TIMEOUT }, () => {
    const r = dnarch(['bench', model, '--engine', 'cpu', '--runs', '1', '--warmup', '1', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(note);
    const report = JSON.parse(r.stdout);
    expect(report.model.weights).toBe('seeded');
    expect(report.model.weightsNote).toContain('its weight shards are missing');
  });

  it('check --max-latency-ms times it the same way and says so', { timeout: TIMEOUT }, () => {
    const r = dnarch(['check', model, '--max-latency-ms', '600000', '--runs', '1', '--engine', 'cpu', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(note);
    expect(JSON.parse(r.stdout).latency).toMatchObject({ engine: 'cpu', weights: 'seeded' });
  });

  it('export refuses, naming --seeded-weights, and writes nothing; with the flag it writes seeded weights', { timeout: TIMEOUT }, () => {
    const out = join(work, 'out');
    mkdirSync(out);
    const onnx = join(out, 'm.onnx');
    expectUsageError(dnarch(['export', model, '--onnx', onnx]), ['its weight shards are missing', "not the model's", '--seeded-weights']);
    expect(readdirSync(out)).toEqual([]);
    const r = dnarch(['export', model, '--onnx', onnx, '--seeded-weights', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.weights).toEqual({ kind: 'seeded', seed: 1 });
    expect(result.notes.join(' ')).toContain('its weight shards are missing');
    // dense/kernel 2x3 + dense/bias 3, as the manifest declares
    expect(result.params).toBe(2 * 3 + 3);
    expect(readdirSync(out)).toEqual(['m.onnx']);
  });
});

describe('a fully convolutional file, input [null, null, null, 3]', () => {
  const OPEN = 'fixtures/models/open-size.json';

  it('summarize marks the layers on open shapes (? MACs, not unsupported), shows the totals as ≥ and names the flag', { timeout: TIMEOUT }, () => {
    const r = dnarch(['summarize', OPEN]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('unsupported');
    expect(r.stdout).toMatch(/│ conv1 +│ Conv2D +│ +\?x\?x8 │ +\? │ +224 │ +\? │ +\? │/);
    // the Dense after global pooling: 16 x 10 MACs, the only known cost
    expect(r.stdout).toContain(`MACs            ≥ ${16 * 10} `);
    expect(r.stdout).toContain('cost unknown for 3 layers whose shapes are not known (conv1, conv2, gap): totals are lower bounds');
    expect(r.stdout).toContain('give --input-size (e.g. --input-size 224) or --input-shape 224x224x3');
  });

  it('--strict fails on it, saying why', { timeout: TIMEOUT }, () => {
    const r = dnarch(['summarize', OPEN, '--strict']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dnarch: --strict: cost unknown for 3 layer(s) whose shapes are not known (open input sizes take --input-size or --input-shape); totals are incomplete\n');
  });

  it('bench needs a size and says which flag gives it; with --input-size it runs', { timeout: TIMEOUT }, () => {
    expectUsageError(dnarch(['bench', OPEN, '--engine', 'cpu', '--runs', '1']), ['unknown dimension [?, ?, ?, 3]', '--input-size']);
    const r = dnarch(['bench', OPEN, '--input-size', '32', '--engine', 'cpu', '--runs', '1', '--warmup', '1', '--format', 'json']);
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.model.inputShapes).toEqual([[32, 32, 3]]);
    // conv1: ceil(32 / 2) = 16; conv2: 16 - 3 + 1 = 14
    expect(report.model.macsPerImage).toBe(16 * 16 * 8 * 27 + 14 * 14 * 16 * 72 + 16 * 10);
    expect(report.results[0].status).toBe('ok');
  });
});
