/**
 * The analysis rule each ONNX op maps to, checked through the report of a tiny model:
 * MACs from the closed-form formula of each operation, receptive fields from the
 * recurrence of Araujo, Norris & Sim (Distill 2019), and what is left unsupported.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeModel, araujo, attr, cleanupModels, ElemType, graphNode, nodeMsg, OnnxModelBuilder, row, valueInfoMsg } from './onnx-file.js';

afterAll(cleanupModels);

/** ONNX Conv output length (explicit pads): floor((n + pb + pe - d (k - 1) - 1) / s) + 1. */
const convOut = (n: number, k: number, s = 1, pb = 0, pe = 0, d = 1): number => Math.floor((n + pb + pe - d * (k - 1) - 1) / s) + 1;

/**
 * ONNX auto_pad SAME_*: output ceil(n / s), total padding max((out - 1) s + k - n, 0); the odd
 * pixel goes at the end for SAME_UPPER, at the beginning for SAME_LOWER (ONNX Conv spec).
 */
function samePads(n: number, k: number, s: number, mode: 'SAME_UPPER' | 'SAME_LOWER'): { before: number; after: number } {
  const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
  const small = Math.floor(total / 2);
  return mode === 'SAME_UPPER' ? { before: small, after: total - small } : { before: total - small, after: small };
}

const conv = (x: [number, number, number, number], w: [number, number, number, number], attrs: Parameters<OnnxModelBuilder['node']>[3] = {}) =>
  new OnnxModelBuilder().input('x', x).f32('w', w).node('Conv', ['x', 'w'], ['y'], attrs, { name: 'conv' });

describe('Conv: plain, depthwise, grouped', () => {
  it('prices group = 1 as Cout x Cin x kh x kw per output position', async () => {
    const a = await analyzeModel(conv([1, 32, 16, 16], [32, 32, 3, 3], { pads: attr.ints([1, 1, 1, 1]) }));
    expect(row(a.report, 'conv').macs).toBe(16 * 16 * 32 * (32 * 3 * 3));
    expect(graphNode(a, 'conv').kind).toBe('Conv2D');
  });

  it('prices group = Cin = 32 as depthwise: Hout x Wout x Cout x kh x kw', async () => {
    const a = await analyzeModel(conv([1, 32, 16, 16], [32, 1, 3, 3], { group: attr.int(32), pads: attr.ints([1, 1, 1, 1]) }));
    expect(row(a.report, 'conv').macs).toBe(16 * 16 * 32 * 3 * 3);
    expect(row(a.report, 'conv').params.total).toBe(32 * 1 * 3 * 3);
    expect(graphNode(a, 'conv').kind).toBe('DepthwiseConv2D');
  });

  it('prices a depthwise conv with channel multiplier 2 (Cout = 2 Cin) by its outputs', async () => {
    const a = await analyzeModel(conv([1, 32, 16, 16], [64, 1, 3, 3], { group: attr.int(32), pads: attr.ints([1, 1, 1, 1]) }));
    expect(row(a.report, 'conv').outputShape).toEqual([1, 64, 16, 16]);
    expect(row(a.report, 'conv').macs).toBe(16 * 16 * 64 * 3 * 3);
  });

  it('divides by the groups: group 4', async () => {
    const a = await analyzeModel(conv([1, 32, 16, 16], [64, 8, 3, 3], { group: attr.int(4), pads: attr.ints([1, 1, 1, 1]) }));
    expect(row(a.report, 'conv').macs).toBe(16 * 16 * 64 * 3 * 3 * (32 / 4));
    expect(graphNode(a, 'conv').kind).toBe('Conv2D');
  });

  it('counts the batch: every dimension of an op-level tensor is its own', async () => {
    const a = await analyzeModel(conv([3, 8, 10, 10], [16, 8, 3, 3]));
    expect(row(a.report, 'conv').macs).toBe(3 * 16 * 8 * 8 * (8 * 3 * 3));
  });

  it('prices a 1-D depthwise conv (group = Cin) as Lout x Cout x k', async () => {
    const m = new OnnxModelBuilder().input('x', [1, 16, 20]).f32('w', [16, 1, 5]).node('Conv', ['x', 'w'], ['y'], { group: attr.int(16) }, { name: 'conv' });
    const { report } = await analyzeModel(m);
    const lout = convOut(20, 5);
    expect(row(report, 'conv').outputShape).toEqual([1, 16, lout]);
    expect(row(report, 'conv').macs).toBe(lout * 16 * 5);
  });

  it('grows the field by the dilated span d (k - 1) + 1', async () => {
    const a = await analyzeModel(conv([1, 3, 16, 16], [4, 3, 3, 3], { dilations: attr.ints([2, 2]) }));
    const f = araujo([{ k: 3, s: 1, p: 0, d: 2 }]);
    expect(row(a.report, 'conv').outputShape).toEqual([1, 4, convOut(16, 3, 1, 0, 0, 2), convOut(16, 3, 1, 0, 0, 2)]);
    expect(row(a.report, 'conv').receptiveField).toEqual({ size: [f.size, f.size], stride: [1, 1], padding: [0, 0] });
  });

  it('finds the bottleneck saving of a ResNet block (1x1 narrow, 3x3, 1x1 widen) through BatchNormalization and Relu', async () => {
    const [c, mid, h] = [256, 64, 14];
    const m = new OnnxModelBuilder().input('x', [1, c, h, h]).f32('w1', [mid, c, 1, 1]).f32('w2', [mid, mid, 3, 3]).f32('w3', [c, mid, 1, 1]);
    for (const k of ['1', '2']) m.f32(`g${k}`, [mid]).f32(`b${k}`, [mid]).f32(`m${k}`, [mid]).f32(`v${k}`, [mid]);
    m.node('Conv', ['x', 'w1'], ['a1'], {}, { name: 'conv1' })
      .node('BatchNormalization', ['a1', 'g1', 'b1', 'm1', 'v1'], ['n1'], {}, { name: 'bn1' })
      .node('Relu', ['n1'], ['r1'], {}, { name: 'relu1' })
      .node('Conv', ['r1', 'w2'], ['a2'], { pads: attr.ints([1, 1, 1, 1]) }, { name: 'conv2' })
      .node('BatchNormalization', ['a2', 'g2', 'b2', 'm2', 'v2'], ['n2'], {}, { name: 'bn2' })
      .node('Relu', ['n2'], ['r2'], {}, { name: 'relu2' })
      .node('Conv', ['r2', 'w3'], ['y'], {}, { name: 'conv3' });
    const { report } = await analyzeModel(m);
    expect(report.savings.sites).toHaveLength(1);
    const site = report.savings.sites[0];
    expect(site.kind).toBe('bottleneck');
    expect(site.layers).toEqual(['conv1', 'conv2', 'conv3']);
    expect(site.actual.macs).toBe(h * h * (c * mid + mid * mid * 9 + mid * c));
    expect(site.counterfactual).toEqual({ macs: h * h * 9 * c * c, params: 9 * c * c });
  });

  it('finds the depthwise-separable saving of a depthwise then pointwise conv', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 32, 16, 16])
      .f32('dw', [32, 1, 3, 3])
      .f32('pw', [64, 32, 1, 1])
      .node('Conv', ['x', 'dw'], ['d'], { group: attr.int(32), pads: attr.ints([1, 1, 1, 1]) }, { name: 'dwconv' })
      .node('Relu', ['d'], ['r'], {}, { name: 'relu' })
      .node('Conv', ['r', 'pw'], ['y'], {}, { name: 'pwconv' });
    const { report } = await analyzeModel(m);
    const actual = 16 * 16 * 32 * 9 + 16 * 16 * 64 * 32;
    expect(report.savings.sites).toHaveLength(1);
    const site = report.savings.sites[0];
    expect(site.kind).toBe('depthwise-separable');
    expect(site.layers).toEqual(['dwconv', 'pwconv']);
    expect(site.actual.macs).toBe(actual);
    expect(site.counterfactual.macs).toBe(16 * 16 * 3 * 3 * 32 * 64);
  });
});

describe('ConvTranspose: every input element scattered through the kernel to Cout / group filters', () => {
  it.each([1, 2])('group %i', async (group) => {
    const [cin, cout, h, k, s] = [8, 4, 5, 3, 2];
    const m = new OnnxModelBuilder()
      .input('x', [1, cin, h, h])
      .f32('w', [cin, cout / group, k, k])
      .node('ConvTranspose', ['x', 'w'], ['y'], { strides: attr.ints([s, s]), group: attr.int(group) }, { name: 'deconv' });
    const { report } = await analyzeModel(m);
    const out = s * (h - 1) + k;
    expect(row(report, 'deconv').outputShape).toEqual([1, cout, out, out]);
    expect(row(report, 'deconv').macs).toBe(1 * cin * h * h * (k * k) * (cout / group));
  });
});

describe('Gemm and MatMul', () => {
  it('prices a Gemm with transB by a weight matrix as a dense layer, bias included', async () => {
    const [M, K, N] = [2, 16, 10];
    const m = new OnnxModelBuilder()
      .input('a', [M, K])
      .f32('b', [N, K])
      .f32('c', [N])
      .node('Gemm', ['a', 'b', 'c'], ['y'], { transB: attr.int(1) }, { name: 'fc' });
    const a = await analyzeModel(m);
    const fc = row(a.report, 'fc');
    expect(fc.outputShape).toEqual([M, N]);
    expect(fc.macs).toBe(M * K * N);
    expect(fc.flops).toBe(2 * M * K * N + M * N);
    expect(fc.params.total).toBe(N * K + N);
    expect(graphNode(a, 'fc').kind).toBe('Dense');
  });

  it('prices a Gemm with transA', async () => {
    const [M, K, N] = [3, 16, 10];
    const m = new OnnxModelBuilder().input('a', [K, M]).f32('b', [K, N]).node('Gemm', ['a', 'b'], ['y'], { transA: attr.int(1) }, { name: 'fc' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'fc').outputShape).toEqual([M, N]);
    expect(row(report, 'fc').macs).toBe(M * K * N);
  });

  it('prices a Gemm of two activations, transB, as a matmul', async () => {
    const [M, K, N] = [4, 6, 3];
    const m = new OnnxModelBuilder().input('a', [M, K]).input('b', [N, K]).node('Gemm', ['a', 'b'], ['y'], { transB: attr.int(1) }, { name: 'g' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'g').outputShape).toEqual([M, N]);
    expect(row(report, 'g').macs).toBe(M * K * N);
  });

  it('prices a MatMul by a constant [K, N] matrix as a dense layer over every row', async () => {
    const [B, T, K, N] = [2, 7, 16, 32];
    const m = new OnnxModelBuilder().input('x', [B, T, K]).f32('w', [K, N]).node('MatMul', ['x', 'w'], ['y'], {}, { name: 'proj' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'proj').macs).toBe(B * T * K * N);
    expect(row(report, 'proj').params.total).toBe(K * N);
  });

  it('prices a MatMul of two activations [1,12,197,64] x [1,12,64,197]', async () => {
    const m = new OnnxModelBuilder().input('q', [1, 12, 197, 64]).input('k', [1, 12, 64, 197]).node('MatMul', ['q', 'k'], ['s'], {}, { name: 'scores' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'scores').outputShape).toEqual([1, 12, 197, 197]);
    expect(row(report, 'scores').macs).toBe(12 * 197 * 64 * 197);
    expect(row(report, 'scores').params.total).toBe(0);
  });

  it('prices a MatMul with the weight on the left, W [N, K] x x [K, M]', async () => {
    const [N, K, M] = [6, 16, 9];
    const m = new OnnxModelBuilder().input('x', [K, M]).f32('w', [N, K]).node('MatMul', ['w', 'x'], ['y'], {}, { name: 'mm' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'mm').outputShape).toEqual([N, M]);
    expect(row(report, 'mm').macs).toBe(N * K * M);
    expect(row(report, 'mm').params.total).toBe(N * K);
  });

  it('prices a Gemm whose int8 weight comes through DequantizeLinear as a dense layer', async () => {
    const [M, K, N] = [1, 32, 10];
    const m = new OnnxModelBuilder(13)
      .input('a', [M, K])
      .init('bq', ElemType.INT8, [N, K])
      .f32('bs', [], [0.1])
      .init('bz', ElemType.INT8, [], [0])
      .node('DequantizeLinear', ['bq', 'bs', 'bz'], ['b'], {}, { name: 'dq' })
      .node('Gemm', ['a', 'b'], ['y'], { transB: attr.int(1) }, { name: 'fc' });
    const a = await analyzeModel(m);
    expect(row(a.report, 'fc').macs).toBe(M * K * N);
    expect(graphNode(a, 'fc').kind).toBe('Dense');
    expect(a.report.totals.paramsByDtype).toEqual({ int8: N * K });
  });

  it("prices Einsum 'bhqd,bhkd->bhqk' by the space of all its labels", async () => {
    const m = new OnnxModelBuilder()
      .input('q', [1, 12, 197, 64])
      .input('k', [1, 12, 197, 64])
      .node('Einsum', ['q', 'k'], ['s'], { equation: attr.str('bhqd,bhkd->bhqk') }, { name: 'scores' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'scores').outputShape).toEqual([1, 12, 197, 197]);
    expect(row(report, 'scores').macs).toBe(1 * 12 * 197 * 197 * 64);
  });
});

describe('recurrent ops: dirs x batch x seq x gates x hidden x (input + hidden)', () => {
  const [T, B, I, H] = [7, 2, 5, 8];

  function rnn(op: 'LSTM' | 'GRU', layout: 0 | 1, direction: 'forward' | 'bidirectional') {
    const gates = op === 'LSTM' ? 4 : 3;
    const dirs = direction === 'bidirectional' ? 2 : 1;
    return new OnnxModelBuilder()
      .input('x', layout === 0 ? [T, B, I] : [B, T, I])
      .f32('w', [dirs, gates * H, I])
      .f32('r', [dirs, gates * H, H])
      .f32('b', [dirs, 2 * gates * H])
      .node(op, ['x', 'w', 'r', 'b'], ['y'], { hidden_size: attr.int(H), layout: attr.int(layout), direction: attr.str(direction) }, { name: 'rnn' });
  }

  it.each([
    ['LSTM', 0, 'forward'],
    ['LSTM', 1, 'forward'],
    ['LSTM', 0, 'bidirectional'],
    ['LSTM', 1, 'bidirectional'],
    ['GRU', 0, 'forward'],
    ['GRU', 1, 'bidirectional'],
  ] as const)('%s layout %i %s', async (op, layout, direction) => {
    const gates = op === 'LSTM' ? 4 : 3;
    const dirs = direction === 'bidirectional' ? 2 : 1;
    const { report } = await analyzeModel(rnn(op, layout, direction));
    const r = row(report, 'rnn');
    expect(r.outputShape).toEqual(layout === 0 ? [T, dirs, B, H] : [B, T, dirs, H]);
    expect(r.macs).toBe(dirs * B * T * gates * H * (I + H));
    expect(r.params.total).toBe(dirs * (gates * H * I + gates * H * H + 2 * gates * H));
    expect(r.flops).toBeGreaterThanOrEqual(2 * r.macs);
  });
});

describe('receptive fields of window ops', () => {
  it('takes explicit asymmetric pads: the padding before each axis', async () => {
    // pads = [top, left, bottom, right]
    const pads = [0, 1, 1, 0];
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, 8, 8])
      .f32('w1', [4, 3, 3, 3])
      .f32('w2', [4, 4, 3, 3])
      .node('Conv', ['x', 'w1'], ['h'], { strides: attr.ints([2, 2]), pads: attr.ints(pads) }, { name: 'c1' })
      .node('Conv', ['h', 'w2'], ['y'], { strides: attr.ints([2, 2]), pads: attr.ints(pads) }, { name: 'c2' });
    const { report } = await analyzeModel(m);
    const hAxis = araujo([{ k: 3, s: 2, p: pads[0] }, { k: 3, s: 2, p: pads[0] }]);
    const wAxis = araujo([{ k: 3, s: 2, p: pads[1] }, { k: 3, s: 2, p: pads[1] }]);
    const h1 = convOut(8, 3, 2, pads[0], pads[2]);
    const w1 = convOut(8, 3, 2, pads[1], pads[3]);
    expect(row(report, 'c1').outputShape).toEqual([1, 4, h1, w1]);
    expect(row(report, 'c2').receptiveField).toEqual({
      size: [hAxis.size, wAxis.size],
      stride: [hAxis.stride, wAxis.stride],
      padding: [hAxis.padding, wAxis.padding],
    });
  });

  it.each(['SAME_UPPER', 'SAME_LOWER'] as const)('puts the odd padding pixel where %s says, on a 3x3 stride-2 conv', async (mode) => {
    const n = 8;
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, n, n + 1])
      .f32('w', [4, 3, 3, 3])
      .node('Conv', ['x', 'w'], ['y'], { strides: attr.ints([2, 2]), auto_pad: attr.str(mode) }, { name: 'conv' });
    const { report } = await analyzeModel(m);
    const [ph, pw] = [samePads(n, 3, 2, mode).before, samePads(n + 1, 3, 2, mode).before];
    const [fh, fw] = [araujo([{ k: 3, s: 2, p: ph }]), araujo([{ k: 3, s: 2, p: pw }])];
    expect(row(report, 'conv').outputShape).toEqual([1, 4, Math.ceil(n / 2), Math.ceil((n + 1) / 2)]);
    expect(row(report, 'conv').receptiveField).toEqual({ size: [fh.size, fw.size], stride: [fh.stride, fw.stride], padding: [fh.padding, fw.padding] });
  });

  it('SAME_UPPER and SAME_LOWER differ on an even input: 0 vs 1 pixel before', () => {
    // The independent check of the helper above, from the ONNX spec's wording.
    expect(samePads(8, 3, 2, 'SAME_UPPER')).toEqual({ before: 0, after: 1 });
    expect(samePads(8, 3, 2, 'SAME_LOWER')).toEqual({ before: 1, after: 0 });
  });

  it('takes stride 1 for a MaxPool without strides (the ONNX default, not the pool size as in Keras)', async () => {
    const m = new OnnxModelBuilder().input('x', [1, 4, 8, 8]).node('MaxPool', ['x'], ['y'], { kernel_shape: attr.ints([3, 3]) }, { name: 'pool' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'pool').outputShape).toEqual([1, 4, 8 - 3 + 1, 8 - 3 + 1]);
    const f = araujo([{ k: 3, s: 1, p: 0 }]);
    expect(row(report, 'pool').receptiveField).toEqual({ size: [f.size, f.size], stride: [1, 1], padding: [0, 0] });
  });

  it('sizes a MaxPool with ceil_mode, and its field', async () => {
    const m = (ceil: number) =>
      new OnnxModelBuilder()
        .input('x', [1, 4, 8, 8])
        .node('MaxPool', ['x'], ['y'], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(ceil) }, { name: 'pool' });
    // PyTorch MaxPool2d: out = ceil((n - k) / s) + 1 in ceil mode, floor(...) + 1 otherwise.
    const outCeil = Math.ceil((8 - 3) / 2) + 1;
    const outFloor = Math.floor((8 - 3) / 2) + 1;
    const ceil = (await analyzeModel(m(1))).report;
    const floor = (await analyzeModel(m(0))).report;
    expect(row(ceil, 'pool').outputShape).toEqual([1, 4, outCeil, outCeil]);
    expect(row(floor, 'pool').outputShape).toEqual([1, 4, outFloor, outFloor]);
    // k - 1 comparisons per output.
    expect(row(ceil, 'pool').flops).toBe((3 * 3 - 1) * 4 * outCeil * outCeil);
    const f = araujo([{ k: 3, s: 2, p: 0 }]);
    expect(row(ceil, 'pool').receptiveField).toEqual({ size: [f.size, f.size], stride: [f.stride, f.stride], padding: [0, 0] });
  });
});

describe('global fields', () => {
  const body = (m: OnnxModelBuilder) =>
    m.input('x', [1, 3, 8, 8]).f32('w', [4, 3, 3, 3]).node('Conv', ['x', 'w'], ['c'], { pads: attr.ints([1, 1, 1, 1]) }, { name: 'conv' });
  const convField = araujo([{ k: 3, s: 1, p: 1 }]);
  const global = { size: [8, 8], stride: [convField.stride, convField.stride], padding: [convField.padding, convField.padding], global: true };
  const last = { size: [convField.size, convField.size], stride: [1, 1], padding: [1, 1] };

  it('GlobalAveragePool sees the whole input', async () => {
    const { report } = await analyzeModel(body(new OnnxModelBuilder()).node('GlobalAveragePool', ['c'], ['y'], {}, { name: 'gap' }));
    expect(row(report, 'gap').receptiveField).toEqual(global);
    expect(report.totals.receptiveField).toEqual(last);
    expect(row(report, 'gap').flops).toBe(4 * 8 * 8);
  });

  it('ReduceMean over axes [2, 3] (attribute) is global pooling', async () => {
    const m = body(new OnnxModelBuilder()).node('ReduceMean', ['c'], ['y'], { axes: attr.ints([2, 3]), keepdims: attr.int(1) }, { name: 'mean' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'mean').receptiveField).toEqual(global);
    expect(report.totals.receptiveField).toEqual(last);
  });

  it('ReduceMean over axes [-2, -1] (an input, opset 18) is global pooling', async () => {
    const m = body(new OnnxModelBuilder(18)).i64('axes', [-2, -1]).node('ReduceMean', ['c', 'axes'], ['y'], { keepdims: attr.int(0) }, { name: 'mean' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'mean').outputShape).toEqual([1, 4]);
    expect(row(report, 'mean').receptiveField).toEqual(global);
  });

  it('the ONNX Flatten op is global too', async () => {
    const { report } = await analyzeModel(body(new OnnxModelBuilder()).node('Flatten', ['c'], ['y'], { axis: attr.int(1) }, { name: 'flat' }));
    expect(row(report, 'flat').outputShape).toEqual([1, 256]);
    expect(row(report, 'flat').receptiveField).toEqual(global);
  });

  it('a Reshape [N, C, H, W] -> [N, C*H*W] behaves as Flatten', async () => {
    const m = body(new OnnxModelBuilder()).i64('shape', [1, 4 * 8 * 8]).node('Reshape', ['c', 'shape'], ['y'], {}, { name: 'flat' });
    const a = await analyzeModel(m);
    expect(row(a.report, 'flat').outputShape).toEqual([1, 256]);
    expect(row(a.report, 'flat').receptiveField).toEqual(global);
    expect(a.report.totals.receptiveField).toEqual(last);
    expect(graphNode(a, 'flat').kind).toBe('Flatten');
  });
});

describe('layout and crops', () => {
  it('keeps the field through Transpose [0,3,1,2] right after an NHWC input, reading H and W in order', async () => {
    const [H, W] = [8, 7];
    const m = new OnnxModelBuilder()
      .input('x', [1, H, W, 3])
      .f32('w', [4, 3, 3, 3])
      .node('Transpose', ['x'], ['t'], { perm: attr.ints([0, 3, 1, 2]) }, { name: 'to_nchw' })
      .node('Conv', ['t', 'w'], ['y'], { strides: attr.ints([2, 2]), auto_pad: attr.str('SAME_UPPER') }, { name: 'conv' });
    const { report } = await analyzeModel(m);
    const [fh, fw] = [araujo([{ k: 3, s: 2, p: samePads(H, 3, 2, 'SAME_UPPER').before }]), araujo([{ k: 3, s: 2, p: samePads(W, 3, 2, 'SAME_UPPER').before }])];
    expect(row(report, 'to_nchw').receptiveField).toEqual({ size: [1, 1], stride: [1, 1], padding: [0, 0] });
    expect(row(report, 'conv').receptiveField).toEqual({ size: [fh.size, fw.size], stride: [2, 2], padding: [fh.padding, fw.padding] });
    expect(row(report, 'conv').macs).toBe(4 * Math.ceil(H / 2) * Math.ceil(W / 2) * 27);
  });

  it('sizes the global field of a transposed NHWC input as [H, W]', async () => {
    const [H, W] = [8, 6];
    const m = new OnnxModelBuilder()
      .input('x', [1, H, W, 3])
      .f32('w', [4, 3, 3, 3])
      .node('Transpose', ['x'], ['t'], { perm: attr.ints([0, 3, 1, 2]) }, { name: 'to_nchw' })
      .node('Conv', ['t', 'w'], ['c'], {}, { name: 'conv' })
      .node('GlobalAveragePool', ['c'], ['y'], {}, { name: 'gap' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'gap').receptiveField).toEqual({ size: [H, W], stride: [1, 1], padding: [0, 0], global: true });
  });

  it('shifts the field by a Slice of the spatial axes given as negative axes', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 4, 10, 10])
      .f32('w', [4, 4, 3, 3])
      .i64('starts', [2, 3])
      .i64('ends', [10, 9])
      .i64('axes', [-2, -1])
      .node('Slice', ['x', 'starts', 'ends', 'axes'], ['s'], {}, { name: 'crop' })
      .node('Conv', ['s', 'w'], ['y'], {}, { name: 'conv' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'crop').outputShape).toEqual([1, 4, 8, 6]);
    const h = araujo([{ k: 1, s: 1, p: -2 }, { k: 3, s: 1, p: 0 }]);
    const w = araujo([{ k: 1, s: 1, p: -3 }, { k: 3, s: 1, p: 0 }]);
    expect(row(report, 'conv').receptiveField).toEqual({ size: [h.size, w.size], stride: [1, 1], padding: [h.padding, w.padding] });
  });

  it('shifts the field by a Slice of the spatial axes, as Keras Cropping2D', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 4, 10, 10])
      .f32('w1', [4, 4, 3, 3])
      .f32('w2', [4, 4, 3, 3])
      .i64('starts', [1, 2])
      .i64('ends', [7, 6])
      .i64('axes', [2, 3])
      .node('Conv', ['x', 'w1'], ['c'], {}, { name: 'c1' })
      .node('Slice', ['c', 'starts', 'ends', 'axes'], ['s'], {}, { name: 'crop' })
      .node('Conv', ['s', 'w2'], ['y'], {}, { name: 'c2' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'crop').outputShape).toEqual([1, 4, 7 - 1, 6 - 2]);
    // A crop of c pixels before is a padding of -c (Araujo et al.: P += p S).
    const h = araujo([{ k: 3, s: 1, p: 0 }, { k: 1, s: 1, p: -1 }, { k: 3, s: 1, p: 0 }]);
    const w = araujo([{ k: 3, s: 1, p: 0 }, { k: 1, s: 1, p: -2 }, { k: 3, s: 1, p: 0 }]);
    expect(row(report, 'c2').receptiveField).toEqual({ size: [h.size, w.size], stride: [1, 1], padding: [h.padding, w.padding] });
  });

  it('shifts the field by a spatial Pad, as ZeroPadding2D', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 4, 8, 8])
      .f32('w', [4, 4, 3, 3])
      .i64('pads', [0, 0, 2, 1, 0, 0, 2, 1])
      .node('Pad', ['x', 'pads'], ['p'], {}, { name: 'pad' })
      .node('Conv', ['p', 'w'], ['y'], { strides: attr.ints([2, 2]) }, { name: 'conv' });
    const { report } = await analyzeModel(m);
    const h = araujo([{ k: 1, s: 1, p: 2 }, { k: 3, s: 2, p: 0 }]);
    const w = araujo([{ k: 1, s: 1, p: 1 }, { k: 3, s: 2, p: 0 }]);
    expect(row(report, 'conv').receptiveField).toEqual({ size: [h.size, w.size], stride: [2, 2], padding: [h.padding, w.padding] });
  });
});

describe('Clip', () => {
  const clip = (lo: number, hi?: number) => {
    const m = new OnnxModelBuilder().input('x', [1, 4, 8, 8]).f32('lo', [], [lo]);
    if (hi !== undefined) m.f32('hi', [], [hi]);
    return m.node('Clip', hi === undefined ? ['x', 'lo'] : ['x', 'lo', 'hi'], ['y'], {}, { name: 'clip' });
  };
  const elems = 1 * 4 * 8 * 8;

  it('counts Clip(0, 6) as relu6: 1 FLOP per element', async () => {
    expect(row((await analyzeModel(clip(0, 6))).report, 'clip').flops).toBe(1 * elems);
  });

  it('counts Clip(-1, 1) as a clamp: 2 FLOPs per element (a max and a min)', async () => {
    expect(row((await analyzeModel(clip(-1, 1))).report, 'clip').flops).toBe(2 * elems);
  });

  it('counts Clip(0) as relu: 1 FLOP per element', async () => {
    expect(row((await analyzeModel(clip(0))).report, 'clip').flops).toBe(1 * elems);
  });

  it('counts a Clip with one bound other than 0 as one comparison per element', async () => {
    // Clip(x, min = -1) is max(x, -1); Clip(x, max = 6) is min(x, 6): one op each, as relu is.
    const lower = clip(-1);
    const upper = new OnnxModelBuilder().input('x', [1, 4, 8, 8]).f32('hi', [], [6]).node('Clip', ['x', '', 'hi'], ['y'], {}, { name: 'clip' });
    expect(row((await analyzeModel(lower)).report, 'clip').flops).toBe(1 * elems);
    expect(row((await analyzeModel(upper)).report, 'clip').flops).toBe(1 * elems);
  });

  it('reads Clip(0, 6) from the attributes of opset 6', async () => {
    const m = new OnnxModelBuilder(6).input('x', [1, 4, 8, 8]).node('Clip', ['x'], ['y'], { min: attr.float(0), max: attr.float(6) }, { name: 'clip' });
    expect(row((await analyzeModel(m)).report, 'clip').flops).toBe(1 * elems);
  });
});

describe('element-wise ops of several operands', () => {
  it('counts Where(cond, a, b) as one choice per output element', async () => {
    const m = new OnnxModelBuilder()
      .input('cond', [1, 4, 8, 8], ElemType.BOOL)
      .input('a', [1, 4, 8, 8])
      .input('b', [1, 4, 8, 8])
      .node('Where', ['cond', 'a', 'b'], ['y'], {}, { name: 'where' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'where').flops).toBe(1 * 4 * 8 * 8);
  });

  it('counts Sum of three activations as two adds per element', async () => {
    const m = new OnnxModelBuilder().input('a', [2, 5]).input('b', [2, 5]).input('c', [2, 5]).node('Sum', ['a', 'b', 'c'], ['y'], {}, { name: 'sum' });
    expect(row((await analyzeModel(m)).report, 'sum').flops).toBe(2 * 2 * 5);
  });

  it('counts a per-channel scale (a constant operand) as one multiply per element', async () => {
    const m = new OnnxModelBuilder().input('x', [2, 4, 3, 3]).f32('s', [1, 4, 1, 1]).node('Mul', ['x', 's'], ['y'], {}, { name: 'scale' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'scale').flops).toBe(2 * 4 * 3 * 3);
    expect(row(report, 'scale').params.total).toBe(4);
  });
});

describe('what dnarch has no rule for', () => {
  it('lists an op of another domain and op types named like Object.prototype keys as unsupported, without crashing', async () => {
    const odd = ['constructor', '__proto__', 'toString', 'hasOwnProperty'];
    const m = new OnnxModelBuilder().opsetImport('com.example').input('x', [1, 4]).f32('w', [4, 4]);
    m.node('MatMul', ['x', 'w'], ['h'], {}, { name: 'fc' });
    m.node('Foo', ['h'], ['foo'], {}, { name: 'foo', domain: 'com.example' });
    odd.forEach((op, i) => m.node(op, ['h'], [`o${i}`], {}, { name: `odd${i}` }));
    m.output('foo');
    odd.forEach((_, i) => m.output(`o${i}`));
    const { report } = await analyzeModel(m);
    const classes = report.unsupported.map((u) => u.className).sort();
    expect(classes).toEqual(['com.example:Foo', ...odd].sort());
    expect(report.unsupported.find((u) => u.className === 'com.example:Foo')?.layers).toEqual(['foo']);
    expect(report.complete).toBe(false);
    expect(row(report, 'fc').macs).toBe(4 * 4);
    expect(row(report, 'foo').note).toContain('com.example');
    expect(row(report, 'odd0').note).toContain('constructor');
  });

  it('lists If with subgraphs as unsupported control flow', async () => {
    const branch = (name: string, op: string) => ({
      name,
      node: [nodeMsg(op, ['x'], [`${name}_out`], {}, { name: `${name}_op` })],
      initializer: [],
      input: [],
      output: [valueInfoMsg(`${name}_out`, [1, 4])],
    });
    const m = new OnnxModelBuilder()
      .input('x', [1, 4])
      .input('cond', [], ElemType.BOOL)
      .node('If', ['cond'], ['y'], { then_branch: attr.graph(branch('then', 'Relu')), else_branch: attr.graph(branch('else', 'Sigmoid')) }, { name: 'branch' });
    const { report } = await analyzeModel(m);
    const r = row(report, 'branch');
    expect(r.supported).toBe(false);
    expect(r.note).toContain('control flow');
    expect(r.outputShape).toEqual([1, 4]);
    expect(report.unsupported).toContainEqual({ className: 'If', layers: ['branch'] });
    expect(report.complete).toBe(false);
  });
});
