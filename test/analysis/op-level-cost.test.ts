/**
 * The cost handlers on op-level nodes (wholeShapes: every dimension is the tensor's own,
 * none is a batch axis to leave out), and the matmul / einsum MAC counts, on hand-made
 * LayerNodes. Expected values are the closed-form products written next to them.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { COST_HANDLERS, type LayerCost } from '../../src/analysis/cost.js';
import { einsumMacs, matmulMacs } from '../../src/analysis/matmul.js';
import type { LayerGraph, LayerNode, Shape } from '../../src/graph/types.js';

function node(kind: string, inputShapes: (Shape | null)[], outputShapes: (Shape | null)[], config: Record<string, unknown> = {}, wholeShapes = true): LayerNode {
  return { name: kind.toLowerCase(), className: kind, kind, config, inputShapes, outputShapes, weights: [], inbound: [], block: [], wholeShapes };
}

function cost(n: LayerNode): LayerCost {
  const handler = COST_HANDLERS.get(n.kind ?? n.className);
  expect(handler, `no handler for ${n.kind}`).toBeDefined();
  return (handler as (n: LayerNode) => LayerCost)(n);
}

const prod = (s: number[]): number => s.reduce((a, b) => a * b, 1);

describe('element-wise work counts every dimension of an op-level tensor', () => {
  const lstmOut: Shape = [28, 128, 28]; // [seq, batch, hidden]: dimension 0 is no batch axis

  it('an activation on [28, 128, 28] costs 28 * 128 * 28 elements times its per-element cost', () => {
    expect(cost(node('Activation', [lstmOut], [lstmOut], { activation: 'relu' })).flops).toBe(28 * 128 * 28 * 1);
    expect(cost(node('Activation', [lstmOut], [lstmOut], { activation: 'clip' })).flops).toBe(28 * 128 * 28 * 2);
  });

  it('the same layer in a layers graph (dimension 0 the batch) counts one sample: 128 * 28', () => {
    expect(cost(node('Activation', [lstmOut], [lstmOut], { activation: 'relu' }, false)).flops).toBe(128 * 28);
  });

  it('BatchNormalization at inference: a multiply and an add per element', () => {
    expect(cost(node('BatchNormalization', [[2, 16, 7, 7]], [[2, 16, 7, 7]])).flops).toBe(2 * (2 * 16 * 7 * 7));
  });

  it('an Add with a constant operand counts it: operands 2 means 1 op per element', () => {
    expect(cost(node('Add', [lstmOut], [lstmOut], { operands: 2 })).flops).toBe(1 * 28 * 128 * 28);
  });

  it('a Sum of three operands is 2 ops per element; Mean of two is an add and a divide', () => {
    expect(cost(node('Add', [lstmOut, lstmOut, lstmOut], [lstmOut], { operands: 3 })).flops).toBe(2 * 28 * 128 * 28);
    expect(cost(node('Average', [lstmOut, lstmOut], [lstmOut], { operands: 2 })).flops).toBe(2 * 28 * 128 * 28);
  });

  it('a broadcasting merge is priced on its output', () => {
    expect(cost(node('Multiply', [[1, 64, 14, 14], [1, 64, 1, 1]], [[1, 64, 14, 14]], { operands: 2 })).flops).toBe(64 * 14 * 14);
  });

  it('global pooling reads every input element, batch included', () => {
    expect(cost(node('GlobalAveragePooling2D', [[3, 8, 5, 5]], [[3, 8, 1, 1]], { dataFormat: 'channelsFirst' })).flops).toBe(3 * 8 * 5 * 5);
  });

  it('is NaN, not a guess, when a dimension is unknown', () => {
    expect(cost(node('Activation', [[null, 128, 28]], [[null, 128, 28]], { activation: 'relu' })).flops).toBeNaN();
    expect(cost(node('Add', [[28, null, 28]], [[28, null, 28]], { operands: 2 })).flops).toBeNaN();
    expect(cost(node('Activation', [null], [null], { activation: 'relu' })).flops).toBeNaN();
  });
});

describe('convolutions and dense layers on whole tensors', () => {
  it('Conv2D channels-first with a batch of 2: N * Cout * Ho * Wo * Cin/groups * kh * kw', () => {
    const n = node('Conv2D', [[2, 6, 10, 10]], [[2, 4, 8, 8]], { kernelSize: [3, 3], groups: 2, dataFormat: 'channelsFirst', useBias: false });
    const c = cost(n);
    expect(c.macs).toBe(2 * 4 * 8 * 8 * (6 / 2) * 3 * 3);
    expect(c.flops).toBe(2 * c.macs);
  });

  it('Dense over every row of a [28, 128, 64] tensor: 28 * 128 * 64 * units', () => {
    const c = cost(node('Dense', [[28, 128, 64]], [[28, 128, 10]], { units: 10, useBias: true }));
    expect(c.macs).toBe(28 * 128 * 64 * 10);
    expect(c.flops).toBe(2 * c.macs + 28 * 128 * 10);
  });
});

describe('matmulMacs: numpy matmul, batch dims broadcast', () => {
  it.each([
    [[4, 5], [5, 6], 4 * 5 * 6],
    [[2, 1, 4, 5], [3, 5, 6], 2 * 3 * 4 * 5 * 6],
    [[7, 4, 5], [1, 5, 6], 7 * 4 * 5 * 6],
    [[1, 12, 197, 64], [1, 12, 64, 197], 12 * 197 * 64 * 197],
    // 1-D operands, promoted as numpy does: a vector on the left is a row, on the right a column.
    [[5], [5], 5],
    [[5], [5, 6], 5 * 6],
    [[4, 5], [5], 4 * 5],
    [[3, 4, 5], [5], 3 * 4 * 5],
    [[5], [3, 5, 6], 3 * 5 * 6],
  ] as [number[], number[], number][])('%j x %j = %i MACs', (a, b, macs) => {
    expect(matmulMacs(a, b)).toBe(macs);
  });

  it('is NaN when a dimension is unknown, an operand is missing, or the batch dims do not broadcast', () => {
    expect(matmulMacs([null, 4, 5], [5, 6])).toBeNaN();
    expect(matmulMacs([4, 5], [5, null])).toBeNaN();
    expect(matmulMacs(null, [5, 6])).toBeNaN();
    expect(matmulMacs(undefined, [5, 6])).toBeNaN();
    expect(matmulMacs([], [5, 6])).toBeNaN();
    expect(matmulMacs([2, 4, 5], [3, 5, 6])).toBeNaN();
  });

  it('the MatMul handler reads operandShapes (weights included), not inputShapes', () => {
    // x [2, 7, 16] by a weight [16, 32]: inputShapes holds only the activation.
    const n = node('MatMul', [[2, 7, 16]], [[2, 7, 32]], { operandShapes: [[2, 7, 16], [16, 32]], useBias: false });
    expect(cost(n).macs).toBe(2 * 7 * 16 * 32);
    expect(cost(n).flops).toBe(2 * 2 * 7 * 16 * 32);
    expect(cost(node('MatMul', [[2, 7, 16]], [[2, 7, 32]], { operandShapes: [[2, 7, 16], [16, null]], useBias: false })).macs).toBeNaN();
  });
});

describe('einsumMacs: one MAC per point of the space of all labels', () => {
  it.each([
    ['bhqd,bhkd->bhqk', [[1, 12, 197, 64], [1, 12, 197, 64]], 1 * 12 * 197 * 64 * 197],
    ['ij,jk->ik', [[4, 5], [5, 6]], 4 * 5 * 6],
    ['ij,jk', [[4, 5], [5, 6]], 4 * 5 * 6],
    [' b i j , b j k -> b i k ', [[2, 4, 5], [2, 5, 6]], 2 * 4 * 5 * 6],
    ['...ij,...jk->...ik', [[2, 3, 4, 5], [2, 3, 5, 6]], 2 * 3 * 4 * 5 * 6],
    ['...ij,...jk->...ik', [[2, 1, 4, 5], [3, 5, 6]], 2 * 3 * 4 * 5 * 6],
    ['...ij,jk->...ik', [[2, 3, 4, 5], [5, 6]], 2 * 3 * 4 * 5 * 6],
    ['bi,bi->b', [[8, 32], [8, 32]], 8 * 32],
    ['i,j->ij', [[4], [6]], 4 * 6],
  ] as [string, number[][], number][])('%s on %j = %i', (eq, shapes, macs) => {
    expect(einsumMacs(eq, shapes)).toBe(macs);
  });

  it('multiplies nothing with one operand (a transpose or a sum)', () => {
    expect(einsumMacs('ij->ji', [[4, 5]])).toBe(0);
    expect(einsumMacs('...ii->...i', [[3, 4, 4]])).toBe(0);
  });

  it('is NaN for unknown dims, mismatched operand counts, ranks that do not fit, and three operands', () => {
    expect(einsumMacs('ij,jk->ik', [[4, null], [5, 6]])).toBeNaN();
    expect(einsumMacs('ij,jk->ik', [[4, 5]])).toBeNaN();
    expect(einsumMacs('ijk,jk->ik', [[4, 5], [5, 6]])).toBeNaN();
    expect(einsumMacs('ij,jk,kl->il', [[2, 3], [3, 4], [4, 5]])).toBeNaN();
  });

  it('the Einsum handler reads the equation and operandShapes', () => {
    const n = node('Einsum', [[1, 12, 197, 64], [1, 12, 197, 64]], [[1, 12, 197, 197]], {
      equation: 'bhqd,bhkd->bhqk',
      operandShapes: [[1, 12, 197, 64], [1, 12, 197, 64]],
      useBias: false,
    });
    expect(cost(n).macs).toBe(12 * 197 * 197 * 64);
  });
});

describe('recurrent layers: dirs x batch x seq x gates x hidden x (input + hidden)', () => {
  const [T, B, I, H] = [28, 16, 28, 128];

  it.each([
    ['LSTM', 4],
    ['GRU', 3],
    ['SimpleRNN', 1],
  ] as const)('%s, time-major [seq, batch, input] and batch-major [batch, seq, input]', (kind, gates) => {
    const timeMajor = cost(node(kind, [[T, B, I]], [[T, 1, B, H]], { units: H, timeMajor: true, directions: 1 }));
    const batchMajor = cost(node(kind, [[B, T, I]], [[B, T, 1, H]], { units: H, timeMajor: false, directions: 1 }));
    const macs = 1 * B * T * gates * H * (I + H);
    expect(timeMajor.macs).toBe(macs);
    expect(batchMajor.macs).toBe(macs);
    expect(timeMajor.flops).toBeGreaterThanOrEqual(2 * macs);
  });

  it('a bidirectional LSTM runs twice', () => {
    const c = cost(node('LSTM', [[T, B, I]], [[T, 2, B, H]], { units: H, timeMajor: true, directions: 2 }));
    expect(c.macs).toBe(2 * B * T * 4 * H * (I + H));
  });

  it('reads the input features from axis 2 in either layout', () => {
    const c = cost(node('GRU', [[5, 1, 3]], [[5, 1, 1, 4]], { units: 4, timeMajor: true, directions: 1 }));
    expect(c.macs).toBe(1 * 5 * 3 * 4 * (3 + 4));
  });

  it('in a layers graph (no whole shapes) the batch is 1 and the steps are axis 1', () => {
    const c = cost(node('LSTM', [[null, T, I]], [[null, H]], { units: H }, false));
    expect(c.macs).toBe(1 * T * 4 * H * (I + H));
  });

  it('is NaN when the sequence length or the batch is unknown', () => {
    expect(cost(node('LSTM', [[null, B, I]], [null], { units: H, timeMajor: true, directions: 1 })).macs).toBeNaN();
    expect(cost(node('LSTM', [[T, null, I]], [null], { units: H, timeMajor: true, directions: 1 })).macs).toBeNaN();
    expect(cost(node('LSTM', [[null, T, I]], [null], { units: H, timeMajor: false, directions: 1 })).macs).toBeNaN();
  });
});

describe('Resize', () => {
  const out: Shape = [1, 3, 16, 16];
  const elems = prod(out as number[]);

  it('nearest neighbour copies: no FLOPs', () => {
    expect(cost(node('Resize', [[1, 3, 8, 8]], [out], { mode: 'nearest', resizedAxes: 2 }))).toEqual({ macs: 0, flops: 0 });
  });

  it('bilinear: 2 taps per resized axis (4 in 2-D), a multiply and an add each', () => {
    expect(cost(node('Resize', [[1, 3, 8, 8]], [out], { mode: 'linear', resizedAxes: 2 })).flops).toBe(2 * 2 ** 2 * elems);
  });

  it('linear along one axis: 2 taps', () => {
    expect(cost(node('Resize', [[1, 3, 16, 8]], [out], { mode: 'linear', resizedAxes: 1 })).flops).toBe(2 * 2 * elems);
  });

  it('bicubic: 4 taps per resized axis (16 in 2-D)', () => {
    expect(cost(node('Resize', [[1, 3, 8, 8]], [out], { mode: 'cubic', resizedAxes: 2 })).flops).toBe(2 * 4 ** 2 * elems);
  });
});

describe('rules are looked up in a Map', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('%s has no cost handler', (name) => {
    expect(COST_HANDLERS.has(name)).toBe(false);
  });

  it('a node of such a kind is reported unsupported; a known kind on an unknown shape has an unknown cost; both leave the totals incomplete', () => {
    const input: LayerNode = { ...node('InputLayer', [], [[2, 8]]), name: 'x' };
    const odd: LayerNode = { ...node('constructor', [[2, 8]], [[2, 8]]), name: 'odd', inbound: ['x'] };
    const unknown: LayerNode = { ...node('MatMul', [[2, 8]], [[2, null]], { operandShapes: [[2, 8], [8, null]] }), name: 'mm', inbound: ['odd'] };
    const graph: LayerGraph = { name: 'g', inputs: ['x'], outputs: ['mm'], nodes: [input, odd, unknown] };
    const r = analyzeGraph(graph);
    expect(r.complete).toBe(false);
    expect(r.unsupported.map((u) => u.className)).toEqual(['constructor']);
    // MatMul has a cost rule: on a shape with an open dimension its cost is unknown, not unsupported
    expect(r.unknownCost).toEqual(['mm']);
    expect(r.layers.find((l) => l.name === 'mm')).toMatchObject({ supported: true, unknownCost: true, macs: 0 });
    expect(r.totals.macs).toBe(0);
    expect(r.layers.find((l) => l.name === 'mm')?.note).toContain('not fully known');
  });
});
