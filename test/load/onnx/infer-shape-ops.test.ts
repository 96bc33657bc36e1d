/**
 * Shape, Size, ConstantOfShape, Range; reductions; Resize and Upsample; If/Loop/Scan; and
 * the shape-computing chains PyTorch's exporter emits, folded to concrete shapes (or left
 * unknown, without guesses, when the batch is unknown).
 */
import { describe, expect, it } from 'vitest';
import { ElemType } from '../../../src/load/onnx/ir.js';
import { BOOL, F, GraphBuilder, I64, f32, float, floats, graphAttr, i64, infer1, inferOp, int, ints, str, t, tensor, tensorAttr, thrown } from './graph-builder.js';

const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Shape and Size', () => {
  it('Shape gives INT64 [rank] with the dims as value when known', () => {
    expect(infer1('Shape', [f32(2, 3, 4)])).toEqual(i64([2, 3, 4]));
    expect(infer1('Shape', [f32(2, null, 4)])).toEqual(t(I64, [3]));
    expect(infer1('Shape', [t(F, null)])).toEqual(t(I64, [null]));
    expect(infer1('Shape', [f32()])).toEqual(i64([]));
  });

  it('Shape start/end (opset 15+) follow the spec examples and clamp', () => {
    const x = f32(2, 3, 4);
    expect(infer1('Shape', [x], { start: int(-1) }, { opset: 15 })).toEqual(i64([4]));
    expect(infer1('Shape', [x], { end: int(-1) }, { opset: 15 })).toEqual(i64([2, 3]));
    expect(infer1('Shape', [x], { start: int(1), end: int(2) }, { opset: 15 })).toEqual(i64([3]));
    expect(infer1('Shape', [x], { start: int(-10), end: int(10) }, { opset: 15 })).toEqual(i64([2, 3, 4]));
    expect(infer1('Shape', [x], { start: int(2), end: int(1) }, { opset: 15 })).toEqual(i64([]));
    expect(infer1('Shape', [f32(null, 3, 4)], { start: int(1) }, { opset: 15 })).toEqual(i64([3, 4]));
    expect(infer1('Shape', [x], { start: int(1) }, { opset: 13 })).toEqual(i64([2, 3, 4]));
  });

  it('Size is an INT64 scalar', () => {
    expect(infer1('Size', [f32(2, 3, 4)])).toEqual(t(I64, [], [24]));
    expect(infer1('Size', [f32(2, null)])).toEqual(t(I64, []));
  });
});

describe('ConstantOfShape and Range', () => {
  it('ConstantOfShape: FLOAT 0 by default; a huge shape gives no value; rank from the input length', () => {
    expect(infer1('ConstantOfShape', [i64([2, 3])])).toEqual(t(F, [2, 3], new Array(6).fill(0)));
    expect(infer1('ConstantOfShape', [i64([3])], { value: tensorAttr(tensor('', I64, [1], [-1])) })).toEqual(i64([-1, -1, -1]));
    expect(infer1('ConstantOfShape', [i64([2 ** 20, 2 ** 20])])).toEqual(t(F, [2 ** 20, 2 ** 20]));
    expect(infer1('ConstantOfShape', [t(I64, [4])])).toEqual(t(F, [null, null, null, null]));
    expect(infer1('ConstantOfShape', [i64([])])).toEqual(t(F, [], [0]));
    expect(thrown(() => infer1('ConstantOfShape', [i64([2, -1])]))).toBe('node "n" (ConstantOfShape): shape value -1 is not a valid size');
    expect(thrown(() => infer1('ConstantOfShape', [t(I64, [2 ** 40])]))).toBe('node "n" (ConstantOfShape): rank 1099511627776 is not a valid rank (at most 1024)');
  });

  it('Range has max(ceil((limit - start) / delta), 0) elements', () => {
    const r = (a: number, b: number, d: number, dt: number = I64) => infer1('Range', [t(dt, [], [a]), t(dt, [], [b]), t(dt, [], [d])]);
    expect(r(1, 10, 3)).toEqual(i64([1, 4, 7]));
    expect(r(10, 4, -3)).toEqual(i64([10, 7])); // the spec's example
    expect(r(0, 5, -1)).toEqual(i64([]));
    expect(r(0, 1, 0.25, F)).toEqual(t(F, [Math.ceil(1 / 0.25)], [0, 0.25, 0.5, 0.75]));
    expect(r(0, 2 ** 40, 1)).toEqual(t(I64, [2 ** 40]));
    expect(infer1('Range', [t(I64, []), t(I64, [], [5]), t(I64, [], [1])])).toEqual(t(I64, [null]));
    expect(thrown(() => r(0, 5, 0))).toBe('node "n" (Range): Range delta is 0');
    expect(thrown(() => r(0, 1e300, 1, F))).toBe('node "n" (Range): Range from 0 to 1e+300 by 1 has 1e+300 elements');
  });
});

describe('reductions', () => {
  const x = f32(2, 3, 4);

  it('take axes from the attribute, or the input (ReduceSum 13+, the others 18+)', () => {
    expect(infer1('ReduceMean', [x], { axes: ints([1]) }, { opset: 13 }).shape).toEqual([2, 1, 4]);
    expect(infer1('ReduceMean', [x, i64([1])], {}, { opset: 18 }).shape).toEqual([2, 1, 4]);
    expect(infer1('ReduceSum', [x], { axes: ints([-1]), keepdims: int(0) }, { opset: 11 }).shape).toEqual([2, 3]);
    expect(infer1('ReduceSum', [x, i64([0, 2])], { keepdims: int(0) }, { opset: 13 }).shape).toEqual([3]);
    for (const op of ['ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare']) {
      expect(infer1(op, [x, i64([2])], {}, { opset: 18 }).shape, op).toEqual([2, 3, 1]);
    }
  });

  it('reduce everything without axes unless noop_with_empty_axes', () => {
    expect(infer1('ReduceSum', [x], {}, { opset: 13 }).shape).toEqual([1, 1, 1]);
    expect(infer1('ReduceSum', [x], { keepdims: int(0) }, { opset: 13 }).shape).toEqual([]);
    expect(infer1('ReduceSum', [x], { noop_with_empty_axes: int(1) }, { opset: 13 }).shape).toEqual([2, 3, 4]);
    expect(infer1('ReduceMax', [x, i64([])], { noop_with_empty_axes: int(1) }, { opset: 18 }).shape).toEqual([2, 3, 4]);
  });

  it('know only the rank (or the 1s) when the axes are computed at run time', () => {
    expect(infer1('ReduceSum', [f32(2, 1, 4), t(I64, [1])], {}, { opset: 13 }).shape).toEqual([null, 1, null]);
    expect(infer1('ReduceSum', [f32(2, 1, 4), t(I64, [1])], { keepdims: int(0) }, { opset: 13 }).shape).toEqual([null, null]);
  });

  it('fold ReduceSum, ReduceProd, ReduceMin and ReduceMax', () => {
    // [[1, 2, 3], [4, 5, 6]]
    const v = t(I64, [2, 3], [1, 2, 3, 4, 5, 6]);
    expect(infer1('ReduceSum', [v, i64([1])], { keepdims: int(0) }, { opset: 13 })).toEqual(i64([1 + 2 + 3, 4 + 5 + 6]));
    expect(infer1('ReduceProd', [v], { axes: ints([0]) }, { opset: 13 })).toEqual(t(I64, [1, 3], [4, 10, 18]));
    expect(infer1('ReduceMin', [v], { keepdims: int(0) }, { opset: 13 })).toEqual(t(I64, [], [1]));
    expect(infer1('ReduceMax', [v, i64([-1])], {}, { opset: 18 })).toEqual(t(I64, [2, 1], [3, 6]));
  });

  it('ArgMax/ArgMin give INT64 with keepdims', () => {
    expect(infer1('ArgMax', [x], { axis: int(1) })).toEqual(t(I64, [2, 1, 4]));
    expect(infer1('ArgMin', [x], { axis: int(-1), keepdims: int(0) })).toEqual(t(I64, [2, 3]));
    expect(thrown(() => infer1('ArgMax', [x], { axis: int(3) }))).toBe('node "n" (ArgMax): axis 3 is out of range for rank 3');
  });
});

describe('Resize and Upsample', () => {
  const x = f32(1, 3, 21, 30);
  const scales = (v: number[]) => t(F, [v.length], v.map(Math.fround));

  it('opset 10: X, scales; out = floor(in x scale)', () => {
    expect(infer1('Resize', [x, scales([1, 1, 1.5, 2])], {}, { opset: 10 }).shape).toEqual([1, 3, Math.floor(21 * 1.5), 60]);
  });

  it('opset 11-12: X, roi, scales, sizes; an empty scales stands for "not given"', () => {
    const roi = t(F, [0], []);
    expect(infer1('Resize', [x, roi, scales([1, 1, 0.5, 0.5])], {}, { opset: 11 }).shape).toEqual([1, 3, Math.floor(21 * 0.5), 15]);
    expect(infer1('Resize', [x, roi, t(F, [0], []), i64([1, 3, 7, 9])], {}, { opset: 11 }).shape).toEqual([1, 3, 7, 9]);
  });

  it('opset 13+: roi and scales may be left out', () => {
    expect(infer1('Resize', [x, '', '', i64([1, 3, 42, 60])], {}, { opset: 13 }).shape).toEqual([1, 3, 42, 60]);
    expect(infer1('Resize', [x, '', scales([1, 1, 2, 2])], {}, { opset: 13 }).shape).toEqual([1, 3, 42, 60]);
    expect(infer1('Resize', [x, '', '', t(I64, [4])], {}, { opset: 13 }).shape).toEqual([null, null, null, null]);
    expect(thrown(() => infer1('Resize', [x], {}, { opset: 13 }))).toBe('node "n" (Resize): neither scales nor sizes is given');
    expect(thrown(() => infer1('Resize', [x, '', scales([1, 1, 2, 2]), i64([1, 3, 4, 4])], {}, { opset: 13 }))).toBe('node "n" (Resize): both scales and sizes are given');
    expect(thrown(() => infer1('Resize', [x, '', scales([1, 1, 2])], {}, { opset: 13 }))).toBe('node "n" (Resize): 3 scales for 4 axes of [1, 3, 21, 30]');
  });

  it('opset 18+: axes, and keep_aspect_ratio_policy scaling every axis by one ratio', () => {
    expect(infer1('Resize', [x, '', scales([2, 3])], { axes: ints([2, 3]) }, { opset: 18 }).shape).toEqual([1, 3, 42, 90]);
    // not_larger: scale = min(10 / 21, 10 / 30) = 1/3; out = round(scale x in).
    const notLarger = infer1('Resize', [x, '', '', i64([10, 10])], { axes: ints([2, 3]), keep_aspect_ratio_policy: str('not_larger') }, { opset: 18 });
    expect(notLarger.shape).toEqual([1, 3, Math.round((10 / 30) * 21), Math.round((10 / 30) * 30)]);
    const notSmaller = infer1('Resize', [x, '', '', i64([10, 10])], { axes: ints([2, 3]), keep_aspect_ratio_policy: str('not_smaller') }, { opset: 18 });
    expect(notSmaller.shape).toEqual([1, 3, Math.round((10 / 21) * 21), Math.round((10 / 21) * 30)]);
  });

  it('Upsample: scales attribute (7-8), input (9)', () => {
    expect(infer1('Upsample', [x], { scales: floats([1, 1, 2, 2]) }, { opset: 7 }).shape).toEqual([1, 3, 42, 60]);
    expect(infer1('Upsample', [x, scales([1, 1, 2, 3])], {}, { opset: 9 }).shape).toEqual([1, 3, 42, 90]);
    expect(thrown(() => infer1('Upsample', [x], { scales: floats([1, 1, 0, 2]) }, { opset: 8 }))).toBe('node "n" (Upsample): scale 0 on axis 2 is not positive');
    expect(thrown(() => infer1('Upsample', [x], { scales: floats([1, 1, 1e300, 2]) }, { opset: 8 }))).toContain('gives size');
  });
});

describe('control flow', () => {
  const branch = (name: string, outs: [number | null, (number | string | null)[] | null][]) => {
    const b = new GraphBuilder();
    outs.forEach(([dt, dims], i) => b.node('Constant', [], [`${name}${i}`], { value: tensorAttr(tensor('', F, [1], [0])) }).output(`${name}${i}`, dt, dims));
    return b.build(name);
  };

  it('If takes what both branches declare alike', () => {
    const then = branch('t', [[F, [1, 3, 'H', 5]], [I64, [2]], [F, [4]]]);
    const other = branch('e', [[F, [1, 3, 7, 6]], [I64, [2]], [ElemType.INT32, [4]]]);
    const ys = inferOp('If', [t(BOOL, [], [1])], { then_branch: graphAttr(then), else_branch: graphAttr(other) }, { outputs: 3 });
    expect(ys).toEqual([f32(1, 3, null, null), t(I64, [2]), t(0, [4])]);
  });

  it('Loop and Scan give the bodies\' declared types, unknown shapes', () => {
    const body = branch('b', [[BOOL, []], [F, [3]], [I64, [2]]]);
    expect(inferOp('Loop', [t(I64, [], [5]), t(BOOL, [], [1]), f32(3)], { body: graphAttr(body) }, { outputs: 2 })).toEqual([t(F, null), t(I64, null)]);
    const scanBody = branch('s', [[F, [3]], [ElemType.INT32, [2]]]);
    expect(inferOp('Scan', [f32(3), f32(10, 2)], { body: graphAttr(scanBody), num_scan_inputs: int(1) }, { outputs: 2 })).toEqual([t(F, null), t(ElemType.INT32, null)]);
  });
});

describe('shape-computing chains as PyTorch exports them', () => {
  /** x.view(x.size(0), -1): Shape -> Gather -> Unsqueeze -> Concat -> Reshape. */
  const flattenChain = (opset: number, batch: number | null) => {
    const b = new GraphBuilder().input('x', F, [batch, 512, 7, 7]).init('zero', I64, [], [0]).init('minus1', I64, [1], [-1]);
    b.node('Shape', ['x'], ['shape']).node('Gather', ['shape', 'zero'], ['n'], { axis: int(0) });
    if (opset >= 13) b.node('Constant', [], ['axes'], { value: tensorAttr(tensor('', I64, [1], [0])) }).node('Unsqueeze', ['n', 'axes'], ['n1']);
    else b.node('Unsqueeze', ['n'], ['n1'], { axes: ints([0]) });
    b.node('Concat', ['n1', 'minus1'], ['target'], { axis: int(0) }).node('Reshape', ['x', 'target'], ['y']);
    return b.run(opset).facts;
  };

  it('folds the flatten chain to a concrete Reshape target (opset 11 and 13 forms)', () => {
    for (const opset of [11, 13]) {
      const facts = flattenChain(opset, 2);
      expect(facts.get('target')).toEqual(i64([2, -1]));
      expect(facts.get('y')).toEqual(f32(2, 512 * 7 * 7));
    }
  });

  it('leaves the chain unknown, not guessed, when the batch is unknown', () => {
    const facts = flattenChain(13, null);
    expect(facts.get('shape')).toEqual(t(I64, [4]));
    expect(facts.get('n')).toEqual(t(I64, []));
    expect(facts.get('target')).toEqual(t(I64, [2]));
    expect(facts.get('y')).toEqual(f32(null, null));
  });

  /** F.interpolate(x, scale_factor): Shape -> Slice -> Cast -> Mul -> Floor -> Cast -> Concat -> Resize. */
  it('folds the interpolate chain to Resize sizes', () => {
    const scale = 1.5;
    const b = new GraphBuilder()
      .input('x', F, [1, 3, 21, 30])
      .init('s2', I64, [1], [2])
      .init('s4', I64, [1], [4])
      .init('s0', I64, [1], [0])
      .init('factor', F, [2], [scale, scale])
      .init('empty', F, [0], []);
    b.node('Shape', ['x'], ['shape'])
      .node('Slice', ['shape', 's2', 's4', 's0'], ['hw'])
      .node('Cast', ['hw'], ['hw_f'], { to: int(F) })
      .node('Mul', ['hw_f', 'factor'], ['scaled'])
      .node('Floor', ['scaled'], ['floored'])
      .node('Cast', ['floored'], ['hw_out'], { to: int(I64) })
      .node('Slice', ['shape', 's0', 's2', 's0'], ['nc'])
      .node('Concat', ['nc', 'hw_out'], ['sizes'], { axis: int(0) })
      .node('Resize', ['x', 'empty', 'empty', 'sizes'], ['y'], { mode: str('nearest') });
    const facts = b.run(11).facts;
    const h = Math.floor(21 * scale);
    const w = Math.floor(30 * scale);
    expect(facts.get('sizes')).toEqual(i64([1, 3, h, w]));
    expect(facts.get('y')).toEqual(f32(1, 3, h, w));
  });

  it('folds the same chain without Floor (Cast truncates) at opset 13', () => {
    const b = new GraphBuilder().input('x', F, [1, 8, 15, 15]).init('s2', I64, [1], [2]).init('end', I64, [1], [2 ** 63]).init('two', F, [], [2]);
    b.node('Shape', ['x'], ['shape'])
      .node('Slice', ['shape', 's2', 'end'], ['hw'])
      .node('Cast', ['hw'], ['hw_f'], { to: int(F) })
      .node('Mul', ['hw_f', 'two'], ['scaled'])
      .node('Cast', ['scaled'], ['hw_out'], { to: int(I64) })
      .node('Constant', [], ['nc'], { value: tensorAttr(tensor('', I64, [2], [1, 8])) })
      .node('Concat', ['nc', 'hw_out'], ['sizes'], { axis: int(0) })
      .node('Resize', ['x', '', '', 'sizes'], ['y']);
    expect(b.run(13).facts.get('y')).toEqual(f32(1, 8, 30, 30));
  });

  it('carries unknown dims through a conv stack without inventing any', () => {
    const b = new GraphBuilder().input('x', F, [null, 3, null, 64]).init('w', F, [16, 3, 3, 3]).init('w2', F, [32, 16, 3, 3]);
    b.node('Conv', ['x', 'w'], ['c1'], { pads: ints([1, 1, 1, 1]) })
      .node('Relu', ['c1'], ['r1'])
      .node('MaxPool', ['r1'], ['p1'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })
      .node('Conv', ['p1', 'w2'], ['c2'])
      .node('GlobalAveragePool', ['c2'], ['g'])
      .node('Flatten', ['g'], ['f']);
    const facts = b.run().facts;
    expect(facts.get('c2')).toEqual(f32(null, 32, null, Math.floor((64 / 2 - 3) / 1) + 1));
    expect(facts.get('f')).toEqual(f32(null, 32));
  });
});

describe('hostile attribute values', () => {
  it('are ShapeErrors, not hangs or crashes', () => {
    expect(thrown(() => infer1('Concat', [f32(2), f32(2)], { axis: int(99) }))).toBe('node "n" (Concat): axis 99 is out of range for rank 1');
    expect(thrown(() => infer1('Transpose', [f32(2, 3)], { perm: ints([1, 1]) }))).toBe('node "n" (Transpose): perm [1, 1] is not a permutation of 2 axes');
    expect(thrown(() => infer1('Gather', [f32(2, 3), i64([0])], { axis: int(-99) }))).toBe('node "n" (Gather): axis -99 is out of range for rank 2');
    expect(thrown(() => infer1('Reshape', [f32(2), t(I64, [1e9])]))).toBe('node "n" (Reshape): rank 1000000000 is not a valid rank (at most 1024)');
    expect(thrown(() => infer1('Squeeze', [f32(2), t(I64, [5])], {}, { opset: 13 }))).toBe('node "n" (Squeeze): rank -4 is not a valid rank (at most 1024)');
    expect(thrown(() => infer1('Softmax', [f32(2)], { axis: float(1) }))).toBe('node "n" (Softmax): attribute "axis" should be INT, not FLOAT');
    expect(thrown(() => infer1('Flatten', [f32(2)], { axis: { type: 2, i: 0.5 } }))).toBe('node "n" (Flatten): attribute "axis" holds 0.5, which is not an integer');
    expect(infer1('Tile', [f32(2), i64([2 ** 51])]).shape).toEqual([2 ** 52]);
    // Ranks stay bounded however long an axes constant is.
    expect(thrown(() => infer1('Unsqueeze', [f32(2), i64(iota(2000))], {}, { opset: 13 }))).toBe('node "n" (Unsqueeze): output 0 has rank 2001, beyond 1024');
    expect(thrown(() => infer1('Tile', [f32(3), i64([2 ** 52])]))).toBe(`node "n" (Tile): size 3 x ${2 ** 52} is beyond 2^53`);
  });
});
