/**
 * ONNX files through every command, as a user runs them: the fixtures of fixtures/onnx/
 * (scripts/make-onnx-fixtures.mts) whose figures are closed forms written here.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { dnarch, expectUsageError, ok, okJson, TIMEOUT } from './run.js';

const TINY = 'fixtures/onnx/tiny-cnn.onnx';
const OPEN = 'fixtures/onnx/open-size.onnx';
const ATTENTION = 'fixtures/onnx/attention.onnx';
const CHAIN = 'fixtures/onnx/reshape-chain.onnx';
const dir = mkdtempSync(join(tmpdir(), 'dnarch-onnx-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// tiny-cnn: 3x3 conv 3 -> 8 (pad 1) on 32x32, 3x3 depthwise stride 2 (pad 1) to 16x16, 1x1 to 16, Gemm 16 -> 10.
const CONV1 = 32 * 32 * 8 * (3 * 3 * 3);
const DW = 16 * 16 * 8 * (3 * 3);
const PW = 16 * 16 * 16 * 8;
const FC = 16 * 10;
const TINY_MACS = CONV1 + DW + PW + FC;
const TINY_PARAMS = (8 * 27 + 8) + (8 * 9 + 8) + (16 * 8 + 16) + (16 * 10 + 10);

describe('dnarch summarize on ONNX', { timeout: TIMEOUT }, () => {
  it('tiny-cnn: params, MACs, rows as the file writes them, the receptive field, the depthwise site', () => {
    const r = okJson<ModelReport>(['summarize', TINY]);
    expect(r.totals.params.total).toBe(TINY_PARAMS);
    expect(r.totals.macs).toBe(TINY_MACS);
    expect(r.layers.map((l) => l.className)).toEqual(['Input', 'Conv', 'Relu', 'Conv', 'Conv', 'GlobalAveragePool', 'Flatten', 'Gemm', 'Softmax']);
    expect(r.layers[3].name).toBe('/block/dw/Conv');
    expect(r.layers[3].outputShape).toEqual([1, 8, 16, 16]);
    // 3x3/1 pad 1, then 3x3/2 pad 1: r = 3 + 2 * 1 = 5, S = 2, P = 1 + 1 * 1 = 2.
    expect(r.totals.receptiveField).toEqual({ size: [5, 5], stride: [2, 2], padding: [2, 2] });
    expect(r.savings.sites.map((s) => [s.kind, s.layers])).toEqual([['depthwise-separable', ['/block/dw/Conv', '/block/pw/Conv']]]);
    expect(r.model.wholeShapes).toBe(true);
    expect(r.model.format).toEqual({ name: 'onnx', details: { producer: 'dnarch fixtures 1', opsets: 'ai.onnx 17', irVersion: '8', graph: 'tiny-cnn' } });
    expect(r.complete).toBe(true);
  });

  it('--batch 4 sets the symbolic batch: MACs four times batch 1', () => {
    const r = okJson<ModelReport>(['summarize', TINY, '--batch', '4']);
    expect(r.model.inputShapes).toEqual([[4, 3, 32, 32]]);
    expect(r.totals.macs).toBe(4 * TINY_MACS);
  });

  it('--depth 1 folds the name scopes (stem, block, head)', () => {
    const out = ok(['summarize', TINY, '--depth', '1']);
    for (const block of ['stem', 'block', 'head']) expect(out).toMatch(new RegExp(`│ ${block}\\s+│ \\d layers`));
  });

  it('the table shows whole shapes, the format and the batch note', () => {
    const out = ok(['summarize', TINY]);
    expect(out).toContain('1x8x16x16');
    expect(out).toMatch(/Format\s+onnx: producer dnarch fixtures 1, opsets ai.onnx 17, irVersion 8, graph tiny-cnn/);
    expect(out).toContain('the batch is taken as 1 (--batch to change it) for input (dimension 0, "N")');
  });

  it('open height and width: named in a note, totals incomplete; --input-shape makes them complete', () => {
    const open = okJson<ModelReport>(['summarize', OPEN]);
    expect(open.complete).toBe(false);
    expect(open.notes?.join('\n')).toContain('give --input-shape image=1x3x<height>x<width>');
    const sized = okJson<ModelReport>(['summarize', OPEN, '--input-shape', 'image=1x3x20x30']);
    expect(sized.complete).toBe(true);
    // 3x3 valid conv 3 -> 4 on 20x30: 18 x 28 outputs.
    expect(sized.totals.macs).toBe(18 * 28 * 4 * 27);
  });

  it('attention: a MatMul of two activations counts batch x M x K x N', () => {
    const r = okJson<ModelReport>(['summarize', ATTENTION]);
    // q = x @ Wq: 2 heads x 5 x 8 x 8; scores = q @ x^T: 2 x 5 x 8 x 5.
    expect(r.totals.macs).toBe(2 * 5 * 8 * 8 + 2 * 5 * 8 * 5);
    expect(r.totals.params.total).toBe(64);
  });

  it("torch's Shape -> Gather -> Unsqueeze -> Concat -> Reshape chain is folded: the Reshape is a Flatten", () => {
    const r = okJson<ModelReport>(['summarize', CHAIN]);
    expect(r.layers.map((l) => l.name)).toEqual(['x', 'reshape', 'fc']);
    expect(r.layers[1].outputShape).toEqual([1, 48]);
    expect(r.totals.macs).toBe(48 * 5);
    expect(r.layers[2].receptiveField?.global).toBe(true);
    expect(r.totals.constants?.config.tensors).toBe(3);
  });

  it('--input-shape errors are one line, exit 2', () => {
    expectUsageError(dnarch(['summarize', OPEN, '--input-shape', 'nope=1x3x8x8']), ['no input of that name', '"image", "extra"']);
    expectUsageError(dnarch(['summarize', OPEN, '--input-shape', '1x3x8x8']), ['has 2 inputs', 'NAME=']);
    expectUsageError(dnarch(['summarize', OPEN, '--input-shape', 'image=1x3x8']), ['has 4 dimensions']);
    expectUsageError(dnarch(['summarize', OPEN, '--input-shape', 'image=1x4x8x8']), ['dimension 1 of "image" is 3']);
    expectUsageError(dnarch(['summarize', OPEN, '--input-shape', 'image=1x3x0x8']), ['--input-shape']);
    expectUsageError(dnarch(['summarize', 'resnet50', '--input-shape', '1x3x224x224']), ['zoo model', '--input-size']);
    // tiny-cnn fixes its input at [N, 3, 32, 32]: --input-size sizes only what a file leaves open
    expectUsageError(dnarch(['summarize', TINY, '--input-size', '64']), ['--input-size 64x64', 'fixed height of 32']);
    expectUsageError(dnarch(['summarize', TINY, '--classes', '3']), ['apply to zoo models']);
  });

  it('a file named .json that holds ONNX is read as ONNX (content, not extension)', () => {
    const file = join(dir, 'model.json');
    copyFileSync(TINY, file);
    expect(okJson<ModelReport>(['summarize', file]).totals.macs).toBe(TINY_MACS);
  });

  it('a directory with one .onnx file is read through it, and says so', () => {
    const sub = join(dir, 'export');
    mkdirSync(sub);
    copyFileSync(TINY, join(sub, 'tiny.onnx'));
    const r = okJson<ModelReport>(['summarize', sub]);
    expect(r.totals.macs).toBe(TINY_MACS);
    expect(r.notes?.[0]).toBe(`${sub} is a directory: read tiny.onnx, its only model file`);
    copyFileSync(OPEN, join(sub, 'other.onnx'));
    expectUsageError(dnarch(['summarize', sub]), ['holds several model files (other.onnx, tiny.onnx)']);
  });

  it('a truncated file is one line, exit 2', () => {
    const file = join(dir, 'cut.onnx');
    writeFileSync(file, readFileSync(TINY).subarray(0, 900));
    expectUsageError(dnarch(['summarize', file]), ['is not a valid ONNX model']);
  });
});

describe('the other commands on ONNX', { timeout: TIMEOUT }, () => {
  it('savings: the depthwise + pointwise site, with its counterfactual', () => {
    const r = okJson<{ savings: ModelReport['savings'] }>(['savings', TINY]);
    const [site] = r.savings.sites;
    expect(site.actual.macs).toBe(DW + PW);
    // One 3x3 convolution 8 -> 16 at 16x16.
    expect(site.counterfactual.macs).toBe(16 * 16 * 16 * 8 * 9);
  });

  it('compare: an ONNX file beside a zoo model', () => {
    const out = ok(['compare', TINY, 'mobilenet', '--format', 'json']);
    const c = JSON.parse(out) as { models: { label: string; totals: ModelReport['totals'] }[] };
    expect(c.models.map((m) => m.label)).toEqual([TINY, 'mobilenet']);
    expect(c.models[0].totals.macs).toBe(TINY_MACS);
  });

  it('diff: two ONNX files matched by node name', () => {
    const d = okJson<{ totals: { macs: { a: number; b: number } }; layers: { added: { name: string }[]; removed: { name: string }[] } }>(['diff', TINY, OPEN, '--input-shape', 'image=1x3x32x32']);
    expect(d.totals.macs).toEqual(expect.objectContaining({ a: TINY_MACS, b: 30 * 30 * 4 * 27 }));
    expect(d.layers.added.map((l) => l.name)).toContain('conv');
    expect(d.layers.removed.map((l) => l.name)).toContain('/block/dw/Conv');
  });

  it('check: budgets pass and fail on an ONNX file', () => {
    expect(dnarch(['check', TINY, '--max-macs', '300k', '--max-params', '1k']).status).toBe(0);
    const fail = dnarch(['check', TINY, '--max-macs', '200k']);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toContain('--max-macs');
  });

  it('report: an HTML page for an ONNX file', () => {
    const file = join(dir, 'tiny.html');
    ok(['report', TINY, '--out', file]);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('/block/dw/Conv');
    expect(html).toContain('<svg');
  });

  it('bench: the file runs as it is on onnxruntime, at each --batch', () => {
    const r = okJson<{ results: { engine: string; batch: number; status: string }[]; model: { macsPerImage: number; inputShapes: number[][] } }>([
      'bench', TINY, '--batch', '1,2', '--runs', '2', '--warmup', '1',
    ]);
    expect(r.results.map((x) => [x.engine, x.batch, x.status])).toEqual([['onnxruntime', 1, 'ok'], ['onnxruntime', 2, 'ok']]);
    expect(r.model.macsPerImage).toBe(TINY_MACS);
    expect(r.model.inputShapes).toEqual([[1, 3, 32, 32]]);
  });

  it('bench refuses tfjs engines for ONNX, and open sizes, in one line (--profile is ORT\'s own: test/cli/profile.test.ts)', () => {
    expectUsageError(dnarch(['bench', TINY, '--engine', 'wasm']), ['is an ONNX file', 'onnxruntime']);
    expectUsageError(dnarch(['bench', OPEN]), ['leaves height, width open', '--input-shape image=1x3x<height>x<width>']);
    expectUsageError(dnarch(['bench', ATTENTION, '--batch', '2']), ['fixes the batch of every input']);
  });

  it('bench with --input-shape runs a file with open sizes', () => {
    const r = okJson<{ results: { status: string }[] }>(['bench', OPEN, '--input-shape', 'image=1x3x16x16', '--runs', '1', '--warmup', '1']);
    expect(r.results[0].status).toBe('ok');
  });

  it('export of an ONNX file says what it is', () => {
    expectUsageError(dnarch(['export', TINY, '--tfjs', join(dir, 'out-tfjs')]), ['is an ONNX model']);
  });
});
