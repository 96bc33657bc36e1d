/**
 * Which stored tensors of an ONNX file are parameters, and which are configuration or
 * quantization constants; which nodes are folded away as constant computations. Every
 * count is the product of the dims written in the test.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeConstants } from '../../../src/load/onnx/constants.js';
import { analyzeModel, attr, cleanupModels, ElemType, graphNode, OnnxModelBuilder, row, tensorMsg } from './onnx-file.js';
import { F, GraphBuilder, I64 } from './graph-builder.js';

afterAll(cleanupModels);

const n = (...dims: number[]): number => dims.reduce((a, b) => a * b, 1);

describe('parameters of weight ops', () => {
  it("counts a Conv's weight and bias as trainable float32 parameters", async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, 8, 8])
      .f32('w', [4, 3, 3, 3])
      .f32('b', [4])
      .node('Conv', ['x', 'w', 'b'], ['y'], {}, { name: 'conv' });
    const { report } = await analyzeModel(m);
    const params = n(4, 3, 3, 3) + 4;
    expect(row(report, 'conv').params).toEqual({ total: params, trainable: params, nonTrainable: 0 });
    expect(report.totals.params.total).toBe(params);
    expect(report.totals.paramsByDtype).toEqual({ float32: params });
    expect(report.totals.weightBytes).toEqual({ float32: 4 * params });
    expect(report.totals.constants).toEqual({ config: { tensors: 0, elements: 0 }, quantization: { tensors: 0, elements: 0 } });
  });

  it('counts BatchNormalization mean and variance as non-trainable parameters', async () => {
    const c = 4;
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, 8, 8])
      .f32('w', [c, 3, 3, 3])
      .f32('gamma', [c]).f32('beta', [c]).f32('mean', [c]).f32('var', [c])
      .node('Conv', ['x', 'w'], ['h'], {}, { name: 'conv' })
      .node('BatchNormalization', ['h', 'gamma', 'beta', 'mean', 'var'], ['y'], { epsilon: attr.float(1e-5) }, { name: 'bn' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'bn').params).toEqual({ total: 4 * c, trainable: 2 * c, nonTrainable: 2 * c });
    expect(report.totals.params).toEqual({ total: n(c, 3, 3, 3) + 4 * c, trainable: n(c, 3, 3, 3) + 2 * c, nonTrainable: 2 * c });
  });

  it('counts an initializer shared by two Convs once', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, 8, 8])
      .f32('w', [3, 3, 3, 3])
      .node('Conv', ['x', 'w'], ['h'], { pads: attr.ints([1, 1, 1, 1]) }, { name: 'conv1' })
      .node('Conv', ['h', 'w'], ['y'], { pads: attr.ints([1, 1, 1, 1]) }, { name: 'conv2' });
    const { report } = await analyzeModel(m);
    expect(report.totals.params.total).toBe(n(3, 3, 3, 3));
    expect(report.totals.paramsByDtype).toEqual({ float32: n(3, 3, 3, 3) });
    // Both convolutions still cost their MACs.
    expect(row(report, 'conv1').macs).toBe(3 * 8 * 8 * 27);
    expect(row(report, 'conv2').macs).toBe(3 * 8 * 8 * 27);
  });

  it('counts weights that Constant nodes hold, under names that are Object.prototype keys', async () => {
    const w = tensorMsg('', ElemType.FLOAT, [4, 3, 3, 3]);
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, 8, 8])
      .node('Constant', [], ['__proto__'], { value: attr.tensor(w) }, { name: 'const_w' })
      .node('Constant', [], ['constructor'], { value_floats: attr.floats([0, 0, 0, 0]) }, { name: 'const_b' })
      .node('Conv', ['x', '__proto__', 'constructor'], ['y'], {}, { name: 'toString' });
    const a = await analyzeModel(m);
    const params = n(4, 3, 3, 3) + 4;
    expect(row(a.report, 'toString').params.total).toBe(params);
    expect(a.report.totals.params.total).toBe(params);
    expect(a.report.layers.map((l) => l.name)).toEqual(['x', 'toString']);
    const weights = graphNode(a, 'toString').weights.map((x) => [x.name, x.shape]);
    expect(weights).toHaveLength(2);
    expect(weights).toContainEqual(['__proto__', [4, 3, 3, 3]]);
    expect(weights).toContainEqual(['constructor', [4]]);
  });
});

describe('configuration constants are not parameters', () => {
  it('puts Resize scales, Reshape shape, Pad pads, Clip bounds and scalar Mul/Add operands in constants.config', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 4, 8, 8])
      .f32('w', [4, 4, 1, 1])
      .f32('b', [4])
      .f32('half', [], [0.5])
      .f32('one', [], [1])
      .f32('lo', [], [0])
      .f32('hi', [], [6])
      .i64('pads', [0, 0, 1, 1, 0, 0, 1, 1])
      .f32('scales', [4], [1, 1, 2, 2])
      .i64('shape', [1, -1])
      .node('Conv', ['x', 'w', 'b'], ['c'], {}, { name: 'conv' })
      .node('Mul', ['c', 'half'], ['m'], {}, { name: 'mul' })
      .node('Add', ['m', 'one'], ['a'], {}, { name: 'add' })
      .node('Clip', ['a', 'lo', 'hi'], ['r'], {}, { name: 'clip' })
      .node('Pad', ['r', 'pads'], ['p'], {}, { name: 'pad' })
      .node('Resize', ['p', '', 'scales'], ['u'], { mode: attr.str('nearest') }, { name: 'resize' })
      .node('Reshape', ['u', 'shape'], ['y'], {}, { name: 'reshape' });
    const { report } = await analyzeModel(m);
    expect(report.totals.params.total).toBe(n(4, 4, 1, 1) + 4);
    expect(report.totals.paramsByDtype).toEqual({ float32: 20 });
    // half, one, lo, hi (1 each), pads (8), scales (4), shape (2).
    expect(report.totals.constants?.config).toEqual({ tensors: 7, elements: 1 + 1 + 1 + 1 + 8 + 4 + 2 });
    expect(report.totals.constants?.quantization).toEqual({ tensors: 0, elements: 0 });
    for (const name of ['mul', 'add', 'clip', 'pad', 'resize', 'reshape']) expect(row(report, name).params.total).toBe(0);
    // The shapes those constants configure: pad 8 -> 10, resize x2 -> 20, flatten 4 x 20 x 20.
    expect(row(report, 'resize').outputShape).toEqual([1, 4, 20, 20]);
    expect(row(report, 'reshape').outputShape).toEqual([1, 4 * 20 * 20]);
  });

  it('counts a per-channel Add bias vector as a parameter', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 4, 8, 8])
      .f32('w', [4, 4, 1, 1])
      .f32('bias', [1, 4, 1, 1])
      .node('Conv', ['x', 'w'], ['c'], {}, { name: 'conv' })
      .node('Add', ['c', 'bias'], ['y'], {}, { name: 'add' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'add').params.total).toBe(4);
    expect(report.totals.params.total).toBe(16 + 4);
    expect(report.totals.constants?.config).toEqual({ tensors: 0, elements: 0 });
    // The bias add: one FLOP per output element.
    expect(row(report, 'add').flops).toBe(n(1, 4, 8, 8));
  });

  it('never counts an int64 constant as a parameter', async () => {
    const m = new OnnxModelBuilder()
      .input('ids', [2, 4], ElemType.INT64)
      .i64('offsets', [10, 20, 30, 40])
      .node('Add', ['ids', 'offsets'], ['y'], {}, { name: 'add' })
      .output('y', [2, 4], ElemType.INT64);
    const { report } = await analyzeModel(m);
    expect(report.totals.params.total).toBe(0);
    expect(report.totals.paramsByDtype ?? {}).not.toHaveProperty('int64');
    expect(report.totals.constants?.config).toEqual({ tensors: 1, elements: 4 });
  });
});

describe('other weights and settings', () => {
  it("counts a Gather's embedding table as parameters when the token ids are a graph input", async () => {
    const [V, D] = [100, 16];
    const m = new OnnxModelBuilder()
      .input('ids', [1, 3], ElemType.INT64)
      .f32('table', [V, D])
      .node('Gather', ['table', 'ids'], ['y'], { axis: attr.int(0) }, { name: 'embed' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'embed').outputShape).toEqual([1, 3, D]);
    expect(row(report, 'embed').params.total).toBe(V * D);
    expect(report.totals.params.total).toBe(V * D);
    expect(report.totals.constants?.config).toEqual({ tensors: 0, elements: 0 });
  });

  it("counts a folded Gather's table as parameters and its constant indices as configuration", async () => {
    const [V, D] = [100, 16];
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, D])
      .f32('table', [V, D])
      .i64('ids', [3, 1, 4], [1, 3])
      .node('Gather', ['table', 'ids'], ['e'], { axis: attr.int(0) }, { name: 'embed' })
      .node('Add', ['x', 'e'], ['y'], {}, { name: 'add' });
    const { report } = await analyzeModel(m);
    expect(report.totals.params.total).toBe(V * D);
    expect(report.totals.constants?.config).toEqual({ tensors: 1, elements: 3 });
  });

  it('counts float16 weights as float16, at 2 bytes each', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 8], ElemType.FLOAT16)
      .init('w', ElemType.FLOAT16, [8, 4])
      .node('MatMul', ['x', 'w'], ['y'], {}, { name: 'mm' })
      .output('y', [1, 4], ElemType.FLOAT16);
    const { report } = await analyzeModel(m);
    expect(report.totals.paramsByDtype).toEqual({ float16: 8 * 4 });
    expect(report.totals.weightBytes).toEqual({ float16: 2 * 8 * 4 });
    expect(row(report, 'mm').macs).toBe(1 * 8 * 4);
  });

  it('counts the shape a Constant node holds as configuration', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [2, 3, 4])
      .node('Constant', [], ['target'], { value_ints: attr.ints([2, 12]) }, { name: 'const' })
      .node('Reshape', ['x', 'target'], ['y'], {}, { name: 'reshape' });
    const { report } = await analyzeModel(m);
    expect(report.totals.params.total).toBe(0);
    expect(report.totals.constants?.config).toEqual({ tensors: 1, elements: 2 });
    expect(report.layers.map((l) => l.name)).toEqual(['x', 'reshape']);
  });
});

describe('QDQ models', () => {
  /** x -> Q -> DQ -> Conv(DQ(int8 w), DQ(int32 bias)). */
  const qdq = () =>
    new OnnxModelBuilder(13)
      .input('x', [1, 3, 8, 8])
      .f32('x_scale', [], [0.02])
      .init('x_zp', ElemType.UINT8, [], [128])
      .init('w_q', ElemType.INT8, [4, 3, 3, 3])
      .f32('w_scale', [], [0.01])
      .init('w_zp', ElemType.INT8, [], [0])
      .init('b_q', ElemType.INT32, [4])
      .f32('b_scale', [4], [2e-4, 2e-4, 2e-4, 2e-4])
      .node('QuantizeLinear', ['x', 'x_scale', 'x_zp'], ['xq'], {}, { name: 'quant' })
      .node('DequantizeLinear', ['xq', 'x_scale', 'x_zp'], ['xd'], {}, { name: 'dequant' })
      .node('DequantizeLinear', ['w_q', 'w_scale', 'w_zp'], ['w'], {}, { name: 'w_dequant' })
      .node('DequantizeLinear', ['b_q', 'b_scale'], ['b'], { axis: attr.int(0) }, { name: 'b_dequant' })
      .node('Conv', ['xd', 'w', 'b'], ['y'], {}, { name: 'conv' });

  it('counts the int8 weight and the int32 bias as parameters, by dtype', async () => {
    const { report } = await analyzeModel(qdq());
    expect(report.totals.paramsByDtype).toEqual({ int8: n(4, 3, 3, 3), int32: 4 });
    expect(report.totals.params.total).toBe(n(4, 3, 3, 3) + 4);
    expect(row(report, 'conv').params.total).toBe(n(4, 3, 3, 3) + 4);
    expect(report.totals.weightBytes).toEqual({ int8: n(4, 3, 3, 3), int32: 4 * 4 });
  });

  it('puts scales and zero points in constants.quantization, each once', async () => {
    const { report } = await analyzeModel(qdq());
    // x_scale and x_zp (read by both Q and DQ), w_scale, w_zp, b_scale.
    expect(report.totals.constants?.quantization).toEqual({ tensors: 5, elements: 1 + 1 + 1 + 1 + 4 });
    expect(report.totals.constants?.config).toEqual({ tensors: 0, elements: 0 });
  });

  it('folds the weight dequantization (no rows), keeps the activation Q/DQ as rows, and notes the 8-bit share', async () => {
    const { report } = await analyzeModel(qdq());
    expect(report.layers.map((l) => l.name)).toEqual(['x', 'quant', 'dequant', 'conv']);
    expect(row(report, 'conv').macs).toBe(4 * 6 * 6 * 27);
    const params = n(4, 3, 3, 3) + 4;
    expect((report.notes ?? []).some((x) => x.includes('quantized') && x.includes(`${n(4, 3, 3, 3)} of the ${params}`))).toBe(true);
    expect((report.notes ?? []).some((x) => x.includes('2 node(s) compute constants'))).toBe(true);
  });
});

describe('QOperator models', () => {
  it('counts the int8 weight and int32 bias of a QLinearConv as parameters, its scales and zero points as quantization constants', async () => {
    const m = new OnnxModelBuilder(13)
      .input('x', [1, 3, 8, 8], ElemType.UINT8)
      .f32('xs', [], [0.02]).init('xz', ElemType.UINT8, [], [128])
      .init('w', ElemType.INT8, [4, 3, 3, 3]).f32('ws', [4], [0.01, 0.01, 0.01, 0.01]).init('wz', ElemType.INT8, [4])
      .f32('ys', [], [0.05]).init('yz', ElemType.UINT8, [], [128])
      .init('b', ElemType.INT32, [4])
      .node('QLinearConv', ['x', 'xs', 'xz', 'w', 'ws', 'wz', 'ys', 'yz', 'b'], ['y'], {}, { name: 'qconv' })
      .output('y', null, ElemType.UINT8);
    const { report } = await analyzeModel(m);
    expect(report.totals.paramsByDtype).toEqual({ int8: n(4, 3, 3, 3), int32: 4 });
    expect(report.totals.constants?.quantization).toEqual({ tensors: 6, elements: 1 + 1 + 4 + 4 + 1 + 1 });
    expect(row(report, 'qconv').macs).toBe(4 * 6 * 6 * 27);
  });
});

describe('constant computations are folded', () => {
  it("counts an LSTM's weights reassembled through Slice / Concat / Unsqueeze as parameters, once", async () => {
    const [T, B, I, H] = [7, 2, 5, 8];
    const m = new OnnxModelBuilder()
      .input('x', [T, B, I])
      .f32('w_all', [4 * H, I + H])
      .f32('b_in', [4 * H])
      .f32('b_rec', [4 * H])
      .i64('zero', [0])
      .i64('i', [I])
      .i64('ih', [I + H])
      .i64('one', [1])
      .node('Slice', ['w_all', 'zero', 'i', 'one'], ['w2'], {}, { name: 'slice_w' })
      .node('Slice', ['w_all', 'i', 'ih', 'one'], ['r2'], {}, { name: 'slice_r' })
      .node('Unsqueeze', ['w2', 'zero'], ['w'], {}, { name: 'unsq_w' })
      .node('Unsqueeze', ['r2', 'zero'], ['r'], {}, { name: 'unsq_r' })
      .node('Concat', ['b_in', 'b_rec'], ['b1'], { axis: attr.int(0) }, { name: 'concat_b' })
      .node('Unsqueeze', ['b1', 'zero'], ['b'], {}, { name: 'unsq_b' })
      .node('LSTM', ['x', 'w', 'r', 'b'], ['y'], { hidden_size: attr.int(H) }, { name: 'lstm' });
    const { report } = await analyzeModel(m);
    const params = 4 * H * (I + H) + 8 * H;
    expect(report.layers.map((l) => l.name)).toEqual(['x', 'lstm']);
    expect(row(report, 'lstm').params.total).toBe(params);
    expect(report.totals.params.total).toBe(params);
    expect(report.totals.paramsByDtype).toEqual({ float32: params });
    expect(row(report, 'lstm').outputShape).toEqual([T, 1, B, H]);
    expect(row(report, 'lstm').macs).toBe(1 * B * T * 4 * H * (I + H));
    expect((report.notes ?? []).some((x) => x.includes('6 node(s) compute constants'))).toBe(true);
  });

  it("does not count an LSTM's initial states (zeros stored as initializers) as parameters", async () => {
    // PyTorch's nn.LSTM and Keras' LSTM: 4H(I + H) weights and 8H (torch) biases; h0 and c0 are state, not parameters.
    const [T, B, I, H] = [7, 2, 5, 8];
    const m = new OnnxModelBuilder()
      .input('x', [T, B, I])
      .f32('w', [1, 4 * H, I])
      .f32('r', [1, 4 * H, H])
      .f32('b', [1, 8 * H])
      .f32('h0', [1, B, H])
      .f32('c0', [1, B, H])
      .node('LSTM', ['x', 'w', 'r', 'b', '', 'h0', 'c0'], ['y'], { hidden_size: attr.int(H) }, { name: 'lstm' });
    const { report } = await analyzeModel(m);
    expect(row(report, 'lstm').params.total).toBe(4 * H * (I + H) + 8 * H);
    expect(report.totals.params.total).toBe(4 * H * (I + H) + 8 * H);
  });

  it('folds a Shape -> Gather -> Unsqueeze -> Concat chain on a fixed-size tensor; the Reshape stays a row', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 4, 3, 3])
      .f32('w', [4, 4, 1, 1])
      .i64('idx', [0], [])
      .i64('axes', [0])
      .i64('rest', [-1])
      .node('Conv', ['x', 'w'], ['c'], {}, { name: 'conv' })
      .node('Shape', ['c'], ['s'], {}, { name: 'shape' })
      .node('Gather', ['s', 'idx'], ['n0'], { axis: attr.int(0) }, { name: 'gather' })
      .node('Unsqueeze', ['n0', 'axes'], ['n1'], {}, { name: 'unsqueeze' })
      .node('Concat', ['n1', 'rest'], ['target'], { axis: attr.int(0) }, { name: 'concat' })
      .node('Reshape', ['c', 'target'], ['y'], {}, { name: 'reshape' });
    const { report } = await analyzeModel(m);
    expect(report.layers.map((l) => l.name)).toEqual(['x', 'conv', 'reshape']);
    expect(row(report, 'reshape').outputShape).toEqual([1, 4 * 3 * 3]);
    expect(row(report, 'reshape').inbound).toEqual(['conv']);
    expect((report.notes ?? []).some((x) => x.includes('4 node(s) compute constants'))).toBe(true);
    expect(report.totals.params.total).toBe(16);
    expect(report.complete).toBe(true);
  });

  it('counts an initializer read by no node nowhere, and notes it', async () => {
    const m = new OnnxModelBuilder()
      .input('x', [1, 3, 8, 8])
      .f32('w', [4, 3, 3, 3])
      .f32('orphan', [10])
      .node('Conv', ['x', 'w'], ['y'], {}, { name: 'conv' });
    const { report } = await analyzeModel(m);
    expect(report.totals.params.total).toBe(n(4, 3, 3, 3));
    expect(report.totals.constants).toEqual({ config: { tensors: 0, elements: 0 }, quantization: { tensors: 0, elements: 0 } });
    expect((report.notes ?? []).some((x) => x.includes('1 initializer(s) (10 elements) are read by no node'))).toBe(true);
  });
});

describe('analyzeConstants, called directly', () => {
  it('reaches a weight through constant nodes from its live reader, whatever the file order', () => {
    const b = new GraphBuilder()
      .input('x', F, [1, 6])
      .init('w_t', F, [4, 6])
      .node('Gemm', ['x', 'w'], ['y'], { transB: { type: 2, i: 1 } }, { name: 'gemm' })
      .node('Identity', ['w_t'], ['w'], {}, { name: 'id' });
    const g = b.build();
    const res = b.run();
    const consts = analyzeConstants(g, res.order);
    expect(consts.live.map((x) => x.name)).toEqual(['gemm']);
    expect(consts.folded).toBe(1);
    expect(consts.paramsByDtype.get('float32')).toBe(4 * 6);
    expect(consts.isConstant('w')).toBe(true);
    expect(consts.isConstant('y')).toBe(false);
  });

  it('keeps an initializer named __proto__ apart from the prototype', () => {
    const b = new GraphBuilder()
      .input('x', F, [1, 4])
      .init('__proto__', I64, [2], [1, 4])
      .node('Reshape', ['x', '__proto__'], ['y'], {}, { name: 'r' });
    const res = b.run();
    const consts = analyzeConstants(b.build(), res.order);
    expect(consts.constants.config).toEqual({ tensors: 1, elements: 2 });
    expect(consts.unused).toEqual({ tensors: 0, elements: 0 });
  });
});
