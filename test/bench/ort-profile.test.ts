/**
 * A profile built from a trace written by hand: every figure expected below is worked out
 * from the trace's numbers and the analysis' MACs, not by running the code under test.
 */
import { describe, expect, it } from 'vitest';
import type { LayerReport } from '../../src/analysis/types.js';
import { buildOrtProfile } from '../../src/bench/ort-profile.js';
import type { Peaks } from '../../src/bench/types.js';
import type { KernelEvent, OrtTrace } from '../../src/engines/ort-trace.js';
import type { NodeLayer } from '../../src/load/onnx/node-layers.js';

const layer = (name: string, className: string, macs: number, flops: number, block: string[] = []): LayerReport =>
  ({ name, className, macs, flops, block, params: { total: 0 }, inbound: [], activationBytes: 0 }) as unknown as LayerReport;
const node = (name: string, op: string, inputs: string[], layer: string | undefined, weightBytes = 0): NodeLayer => ({ name, op, inputs, outputs: [name], layer, weightBytes });
const k = (node: string, op: string, order: number, us: number, p = 0, i = 0, o = 0): KernelEvent => ({ node, op, order, us, paramBytes: p, inputBytes: i, outputBytes: o });

const layers = [
  layer('input', 'InputLayer', 0, 0),
  layer('conv', 'Conv2D', 1_000_000, 2_000_000, ['stage1']),
  layer('bn', 'BatchNormalization', 0, 40_000, ['stage1']),
  layer('relu', 'ReLU', 0, 10_000, ['stage1']),
  layer('dense', 'Dense', 500_000, 1_000_000, ['top']),
  layer('dropout', 'Dropout', 0, 0, ['top']),
];
const nodes = [
  node('conv/Conv', 'Conv', ['x', 'w'], 'conv', 1000),
  node('bn/BatchNormalization', 'BatchNormalization', ['conv/Conv'], 'bn', 200),
  node('relu/Relu', 'Relu', ['bn/BatchNormalization'], 'relu'),
  node('dense/Gemm', 'Gemm', ['relu/Relu', 'W'], 'dense', 2_000_000),
];
// Three runs; the Gemm's parameter_size leaves out its pre-packed weights (as ORT's does).
const run = (conv: number, gemm: number, reorder: number): KernelEvent[] => [
  k('relu/Relu_nchwc', 'Conv', 0, conv, 800, 4000, 8000),
  k('ReorderOutput_token_1', 'ReorderOutput', 1, reorder, 0, 8000, 8000),
  k('dense/Gemm', 'Gemm', 2, gemm, 4000, 8000, 400),
];
const trace: OrtTrace = { runUs: [2000, 1800, 2200], runs: [run(1000, 500, 100), run(900, 400, 100), run(1100, 600, 300)] };
const peaks: Peaks = { gflops: 100, gbPerS: 10, engine: 'onnxruntime', version: 'x', threads: null, cpu: 'test', cores: 2, measuredAt: '', cached: true };

describe('buildOrtProfile: kernels of no layer', () => {
  it('make one row per op, their times summed', () => {
    const t: OrtTrace = {
      runUs: [100],
      runs: [[k('relu/Relu_nchwc', 'Conv', 0, 50), k('ReorderOutput_token_1', 'ReorderOutput', 1, 10), k('ReorderInput', 'ReorderInput', 2, 7), k('ReorderOutput', 'ReorderOutput', 3, 5)]],
    };
    const p = buildOrtProfile({ trace: t, nodeLayers: nodes, layers, batch: 1, peaks: null, timedP50Ms: null });
    expect(p.layers.map((l) => [l.name, l.ms, l.mapped])).toEqual([
      ['conv', 0.05, true],
      ['ReorderOutput x2', 0.015, false],
      ['ReorderInput', 0.007, false],
    ]);
    expect(p.coverage).toBeCloseTo(50 / 72, 12);
  });
});

describe('buildOrtProfile: the row of a kernel of layers without MACs', () => {
  it('is named after the layer the kernel is named after (a quantized Add, not the DequantizeLinear before it)', () => {
    const q = [
      node('x_dq', 'DequantizeLinear', ['x'], 'x_dq'),
      node('add', 'Add', ['x_dq', 'y'], 'add'),
      node('add_q', 'QuantizeLinear', ['add'], 'add_q'),
    ];
    const ls = [layer('x_dq', 'DequantizeLinear', 0, 10), layer('add', 'Add', 0, 10), layer('add_q', 'QuantizeLinear', 0, 10)];
    const p = buildOrtProfile({ trace: { runUs: [10], runs: [[k('add', 'QLinearAdd', 0, 5)]] }, nodeLayers: q, layers: ls, batch: 1, peaks: null, timedP50Ms: null });
    expect(p.layers.map((l) => [l.name, l.className, l.layers])).toEqual([['add', 'Add', ['x_dq', 'add', 'add_q']]]);
  });
});

describe('buildOrtProfile', () => {
  const p = buildOrtProfile({ trace, nodeLayers: nodes, layers, batch: 2, peaks, timedP50Ms: 1.6 });
  const row = (name: string) => p.layers.find((l) => l.name === name)!;

  it('one row per kernel group, named after its layer with the most MACs, fused layers listed in model order', () => {
    expect(p.layers.map((l) => l.name)).toEqual(['conv', 'dense', 'ReorderOutput_token_1']);
    expect(row('conv').layers).toEqual(['conv', 'bn', 'relu']);
    expect(row('conv').className).toBe('Conv2D');
    expect(row('conv').block).toEqual(['stage1']);
    expect(row('ReorderOutput_token_1').mapped).toBe(false);
  });

  it('ms: the median over runs; share of the sum; MACs and FLOPs summed over the fused layers', () => {
    expect(row('conv').ms).toBe(1.0);
    expect(row('dense').ms).toBe(0.5);
    expect(row('ReorderOutput_token_1').ms).toBe(0.1);
    expect(row('conv').share).toBeCloseTo(1.0 / 1.6, 12);
    expect(row('conv').macs).toBe(1_000_000);
    expect(row('conv').flops).toBe(2_050_000);
  });

  it('bytes: ORT\'s counts, weights at least the nodes\' own; roofline against the peaks (batch 2)', () => {
    // conv: max(800, 1000 + 200) + 4000 + 8000; dense: max(4000, 2e6) + 8000 + 400
    expect(row('conv').bytes).toBe(13_200);
    expect(row('dense').bytes).toBe(2_008_400);
    // conv: 2 * 2.05e6 FLOPs in 1 ms = 4.1 GFLOP/s; 4.1e6 / 13200 B = 310.6 FLOP/B > ridge 10
    expect(row('conv').gflops).toBeCloseTo(4.1, 12);
    expect(row('conv').intensity).toBeCloseTo(4_100_000 / 13_200, 9);
    expect(row('conv').bound).toBe('compute');
    expect(row('conv').ofPeak).toBeCloseTo(0.041, 12);
    // dense: 2e6 FLOPs / 2,008,400 B < 10
    expect(row('dense').bound).toBe('memory');
  });

  it('coverage, totals, slowdown, what got no kernel', () => {
    // mapped: 1000+900+1100 + 500+400+600 = 4500 us of 4500 + 500 (reorders)
    expect(p.coverage).toBeCloseTo(4500 / 5000, 12);
    // per-run kernel sums 1.6, 1.4, 2.0 ms: median 1.6; run wall times 2.0, 1.8, 2.2: median 2.0
    expect(p.totalMs).toBeCloseTo(1.6, 12);
    expect(p.runMs).toBe(2.0);
    expect(p.slowdown).toBeCloseTo(2.0 / 1.6, 12);
    expect(p.runs).toBe(3);
    expect(p.unattributed).toEqual({ layers: 1, macs: 0, names: ['dropout'] });
    // model: 3.05e6 FLOPs * 2 / 1.6 ms
    expect(p.model!.gflops).toBeCloseTo(3.8125, 12);
    expect(p.model!.ofPeak).toBeCloseTo(0.038125, 12);
    expect(p.engine).toBe('onnxruntime');
    expect(p.method).toBe('onnxruntime-profiler');
  });
});
