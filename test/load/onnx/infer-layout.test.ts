/**
 * Layout ops: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Expand, Tile, Concat, Split,
 * Slice, Pad, Gather and the other indexing ops, with their opset variants and folding.
 * Slice cases follow the ONNX spec's examples (x of shape (20, 10, 5)).
 */
import { describe, expect, it } from 'vitest';
import { ElemType } from '../../../src/load/onnx/ir.js';
import { BOOL, F, I64, f32, i64, infer1, inferOp, int, ints, t, thrown } from './graph-builder.js';

const INT64_MAX = 2 ** 63; // 9223372036854775807 as a number
const INT64_MIN = -(2 ** 63);
const iota = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('Reshape', () => {
  it('copies dims for 0, infers one -1, and takes the rest as given', () => {
    const x = f32(2, 3, 4);
    expect(infer1('Reshape', [x, i64([4, 2, 3])]).shape).toEqual([4, 2, 3]);
    expect(infer1('Reshape', [x, i64([0, -1])]).shape).toEqual([2, 12]);
    expect(infer1('Reshape', [x, i64([-1, 2, 3, 4])]).shape).toEqual([1, 2, 3, 4]);
    expect(infer1('Reshape', [x, i64([2, 0, 4, 1])]).shape).toEqual([2, 3, 4, 1]);
    expect(infer1('Reshape', [f32(1, 1), i64([])]).shape).toEqual([]);
    expect(thrown(() => infer1('Reshape', [x, i64([])]))).toBe('node "n" (Reshape): cannot reshape [2, 3, 4] (24 elements) to [] (1 elements)');
  });

  it('with allowzero=1 (opset 14+) a 0 is a zero size', () => {
    expect(infer1('Reshape', [f32(0, 3, 4), i64([3, 4, 0])], { allowzero: int(1) }, { opset: 14 }).shape).toEqual([3, 4, 0]);
    // Before 14 the attribute does not exist and 0 copies.
    expect(infer1('Reshape', [f32(2, 3, 4), i64([0, 12])], { allowzero: int(1) }, { opset: 13 }).shape).toEqual([2, 12]);
    expect(thrown(() => infer1('Reshape', [f32(0, 3), i64([0, -1])], { allowzero: int(1) }, { opset: 14 }))).toBe(
      'node "n" (Reshape): cannot infer the -1 of [0, -1] next to a 0 size',
    );
  });

  it('rejects sizes that do not match, and two -1s', () => {
    expect(thrown(() => infer1('Reshape', [f32(2, 3), i64([4, 2])]))).toBe('node "n" (Reshape): cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)');
    expect(thrown(() => infer1('Reshape', [f32(2, 3), i64([4, -1])]))).toBe('node "n" (Reshape): cannot reshape [2, 3] to [4, -1]: 6 elements do not divide by 4');
    expect(thrown(() => infer1('Reshape', [f32(2, 3), i64([-1, -1])]))).toBe('node "n" (Reshape): shape [-1, -1] has more than one -1');
    expect(thrown(() => infer1('Reshape', [f32(6), i64([-2, 3])]))).toBe('node "n" (Reshape): shape value -2 is not a valid size');
  });

  it('lets copied unknown dims cancel, and knows only the rank when the target is computed at run time', () => {
    expect(infer1('Reshape', [f32(null, 3, 4), i64([0, -1])]).shape).toEqual([null, 12]);
    expect(infer1('Reshape', [f32(null, 3, 4), i64([-1, 12])]).shape).toEqual([null, 12]);
    expect(infer1('Reshape', [f32(null, 3, 4), i64([-1, 2])]).shape).toEqual([null, 2]);
    expect(infer1('Reshape', [f32(2, 3, 4), t(I64, [3])]).shape).toEqual([null, null, null]);
    expect(infer1('Reshape', [f32(2, 3, 4), t(I64, null)]).shape).toBeNull();
  });

  it('reads the shape attribute before opset 5, and carries values', () => {
    expect(infer1('Reshape', [f32(6)], { shape: ints([2, 3]) }, { opset: 4 }).shape).toEqual([2, 3]);
    expect(infer1('Reshape', [i64([1, 2, 3, 4]), i64([2, 2])])).toEqual(t(I64, [2, 2], [1, 2, 3, 4]));
  });
});

describe('Flatten, Squeeze, Unsqueeze', () => {
  it('Flatten: [prod(d[:axis]), prod(d[axis:])], axis in [-r, r]', () => {
    const x = f32(2, 3, 4, 5);
    expect(infer1('Flatten', [x]).shape).toEqual([2, 3 * 4 * 5]);
    expect(infer1('Flatten', [x], { axis: int(0) }).shape).toEqual([1, 2 * 3 * 4 * 5]);
    expect(infer1('Flatten', [x], { axis: int(4) }).shape).toEqual([2 * 3 * 4 * 5, 1]);
    expect(infer1('Flatten', [x], { axis: int(-1) }).shape).toEqual([2 * 3 * 4, 5]);
    expect(infer1('Flatten', [f32(null, 3, 4)]).shape).toEqual([null, 12]);
    expect(thrown(() => infer1('Flatten', [x], { axis: int(5) }))).toBe('node "n" (Flatten): axis 5 is out of range for rank 4');
  });

  it('Squeeze: axes as attribute to opset 12, input from 13; no axes drops every 1', () => {
    const x = f32(1, 3, 1, 5);
    expect(infer1('Squeeze', [x], { axes: ints([0, -2]) }, { opset: 11 }).shape).toEqual([3, 5]);
    expect(infer1('Squeeze', [x, i64([2])], {}, { opset: 13 }).shape).toEqual([1, 3, 5]);
    expect(infer1('Squeeze', [x], {}, { opset: 13 }).shape).toEqual([3, 5]);
    // Unknown dims may be 1: without axes the rank is unknown; with axes, the op says they are 1.
    expect(infer1('Squeeze', [f32(1, null, 5)], {}, { opset: 13 }).shape).toBeNull();
    expect(infer1('Squeeze', [f32(null, 3), i64([0])], {}, { opset: 13 }).shape).toEqual([3]);
    expect(thrown(() => infer1('Squeeze', [x, i64([1])], {}, { opset: 13 }))).toBe('node "n" (Squeeze): cannot squeeze axis 1 of [1, 3, 1, 5]: its size is 3');
    expect(thrown(() => infer1('Squeeze', [x, i64([0, 0])], {}, { opset: 13 }))).toBe('node "n" (Squeeze): axes [0, 0] repeat an axis');
  });

  it('carry values through Flatten and Squeeze', () => {
    expect(infer1('Flatten', [i64(iota(6), [1, 2, 3])])).toEqual(t(I64, [1, 2 * 3], iota(6)));
    expect(infer1('Squeeze', [i64([5], [1, 1])], {}, { opset: 13 })).toEqual(t(I64, [], [5]));
  });

  it('Unsqueeze: axes index the output', () => {
    expect(infer1('Unsqueeze', [f32(3, 4, 5)], { axes: ints([0, 4]) }, { opset: 11 }).shape).toEqual([1, 3, 4, 5, 1]);
    expect(infer1('Unsqueeze', [f32(3, 4, 5), i64([2, 0])], {}, { opset: 13 }).shape).toEqual([1, 3, 1, 4, 5]);
    expect(infer1('Unsqueeze', [f32(3, 4, 5), i64([-1])], {}, { opset: 13 }).shape).toEqual([3, 4, 5, 1]);
    expect(infer1('Unsqueeze', [i64([7], []), i64([0])], {}, { opset: 13 })).toEqual(i64([7]));
    expect(infer1('Unsqueeze', [f32(3), t(I64, [2])], {}, { opset: 13 }).shape).toEqual([null, null, null]);
    expect(thrown(() => infer1('Unsqueeze', [f32(3)], {}, { opset: 11 }))).toBe('node "n" (Unsqueeze): attribute "axes" is missing');
    expect(thrown(() => infer1('Unsqueeze', [f32(3), i64([5])], {}, { opset: 13 }))).toBe('node "n" (Unsqueeze): axis 5 is out of range for rank 2');
  });
});

describe('Transpose, Expand, Tile, DepthToSpace', () => {
  it('Transpose: perm defaults to reversed; values move', () => {
    expect(infer1('Transpose', [f32(2, 3, 4)]).shape).toEqual([4, 3, 2]);
    expect(infer1('Transpose', [f32(1, 3, 224, 224)], { perm: ints([0, 2, 3, 1]) }).shape).toEqual([1, 224, 224, 3]);
    // [[0, 1, 2], [3, 4, 5]] transposed is [[0, 3], [1, 4], [2, 5]].
    expect(infer1('Transpose', [i64(iota(6), [2, 3])])).toEqual(t(I64, [3, 2], [0, 3, 1, 4, 2, 5]));
    expect(thrown(() => infer1('Transpose', [f32(2, 3, 4)], { perm: ints([0, 1, 3]) }))).toBe('node "n" (Transpose): perm [0, 1, 3] is not a permutation of 3 axes');
    expect(thrown(() => infer1('Transpose', [f32(2, 3, 4)], { perm: ints([0, 1]) }))).toBe('node "n" (Transpose): perm [0, 1] is not a permutation of 3 axes');
  });

  it('Expand broadcasts both ways with the shape value', () => {
    expect(infer1('Expand', [f32(3, 1), i64([2, 1, 6])]).shape).toEqual([2, 3, 6]);
    expect(infer1('Expand', [f32(3, 4), i64([1, 1])]).shape).toEqual([3, 4]);
    expect(infer1('Expand', [i64([1, 2], [2, 1]), i64([2, 2])])).toEqual(t(I64, [2, 2], [1, 1, 2, 2]));
    expect(infer1('Expand', [f32(3, 1), t(I64, [3])]).shape).toEqual([null, 3, null]);
    expect(thrown(() => infer1('Expand', [f32(3, 2), i64([4, 3])]))).toBe('node "n" (Expand): shapes [3, 2] and [4, 3] do not broadcast');
    // A huge target gives its shape, not a value.
    expect(infer1('Expand', [t(F, [1], [0]), i64([2 ** 40])])).toEqual(t(F, [2 ** 40]));
  });

  it('Tile multiplies dims by repeats, and folds', () => {
    expect(infer1('Tile', [f32(2, 3), i64([2, 4])]).shape).toEqual([4, 12]);
    expect(infer1('Tile', [i64([1, 2], [1, 2]), i64([2, 2])])).toEqual(t(I64, [2, 4], [1, 2, 1, 2, 1, 2, 1, 2]));
    expect(infer1('Tile', [f32(2, null), t(I64, [2])]).shape).toEqual([null, null]);
    expect(infer1('Tile', [t(F, [1], [0]), i64([2 ** 40])])).toEqual(t(F, [2 ** 40]));
    expect(thrown(() => infer1('Tile', [f32(2, 3), i64([2])]))).toBe('node "n" (Tile): 1 repeats for [2, 3]');
    expect(thrown(() => infer1('Tile', [f32(2 ** 30, 2), i64([2 ** 30, 1])]))).toBe(`node "n" (Tile): size ${2 ** 30} x ${2 ** 30} is beyond 2^53`);
  });

  it('DepthToSpace and SpaceToDepth move blocksize^2 between channels and space', () => {
    expect(infer1('DepthToSpace', [f32(1, 16, 5, 6)], { blocksize: int(2) }).shape).toEqual([1, 16 / 4, 10, 12]);
    expect(infer1('SpaceToDepth', [f32(1, 3, 8, 6)], { blocksize: int(2) }).shape).toEqual([1, 12, 4, 3]);
    expect(thrown(() => infer1('DepthToSpace', [f32(1, 6, 5, 6)], { blocksize: int(2) }))).toBe('node "n" (DepthToSpace): 6 channels do not divide by blocksize 2 squared');
    expect(thrown(() => infer1('SpaceToDepth', [f32(1, 3, 8, 6)], { blocksize: int(0) }))).toBe('node "n" (SpaceToDepth): blocksize 0 should be a positive integer');
  });
});

describe('Concat and Split', () => {
  it('Concat sums the axis and checks the other dims', () => {
    expect(infer1('Concat', [f32(1, 64, 8, 8), f32(1, 32, 8, 8), f32(1, 16, 8, 8)], { axis: int(1) }).shape).toEqual([1, 112, 8, 8]);
    expect(infer1('Concat', [f32(1, null, 8), f32(null, 3, 8)], { axis: int(-1) }).shape).toEqual([1, 3, 16]);
    expect(infer1('Concat', [f32(2, null), f32(2, 3)], { axis: int(1) }).shape).toEqual([2, null]);
    expect(infer1('Concat', [i64([1, 2]), i64([3])], { axis: int(0) })).toEqual(i64([1, 2, 3]));
    // [[0, 1], [2, 3]] ++ [[4], [5]] on axis 1 is [[0, 1, 4], [2, 3, 5]].
    expect(infer1('Concat', [i64(iota(4), [2, 2]), i64([4, 5], [2, 1])], { axis: int(1) }).value).toEqual([0, 1, 4, 2, 3, 5]);
    expect(thrown(() => infer1('Concat', [f32(1, 2), f32(2, 2)], { axis: int(1) }))).toBe('node "n" (Concat): inputs of shapes [1, 2], [2, 2] differ off the concat axis 1');
    expect(thrown(() => infer1('Concat', [f32(1, 2), f32(2)], { axis: int(0) }))).toBe('node "n" (Concat): inputs of shapes [1, 2], [2] differ in rank');
    expect(thrown(() => infer1('Concat', [f32(1, 2)], { axis: int(99) }))).toBe('node "n" (Concat): axis 99 is out of range for rank 2');
    expect(thrown(() => infer1('Concat', [f32(1, 2), f32(1, 2)], {}, { opset: 13 }))).toBe('node "n" (Concat): attribute "axis" is missing');
    expect(infer1('Concat', [f32(1, 2), f32(1, 2)], {}, { opset: 1 }).shape).toEqual([1, 4]);
  });

  it('Split: attribute (to 12), input (13+), num_outputs with a smaller last chunk (18+), else equal parts', () => {
    const x = f32(2, 10);
    const shapes = (ys: { shape: unknown }[]) => ys.map((y) => y.shape);
    expect(shapes(inferOp('Split', [x], { axis: int(1), split: ints([3, 7]) }, { opset: 11, outputs: 2 }))).toEqual([[2, 3], [2, 7]]);
    expect(shapes(inferOp('Split', [x, i64([4, 6])], { axis: int(1) }, { opset: 13, outputs: 2 }))).toEqual([[2, 4], [2, 6]]);
    const chunk = Math.ceil(10 / 3);
    expect(shapes(inferOp('Split', [x], { axis: int(1), num_outputs: int(3) }, { opset: 18, outputs: 3 }))).toEqual([[2, chunk], [2, chunk], [2, 10 - 2 * chunk]]);
    expect(shapes(inferOp('Split', [x], { axis: int(-1) }, { opset: 13, outputs: 5 }))).toEqual(new Array(5).fill([2, 2]));
    expect(thrown(() => inferOp('Split', [x], { axis: int(1) }, { opset: 13, outputs: 3 }))).toBe('node "n" (Split): axis size 10 does not split into 3 equal parts');
    expect(thrown(() => inferOp('Split', [x, i64([4, 5])], { axis: int(1) }, { opset: 13, outputs: 2 }))).toBe('node "n" (Split): split [4, 5] adds up to 9, not the axis size 10');
    expect(thrown(() => inferOp('Split', [x], { num_outputs: int(3) }, { opset: 18, outputs: 2 }))).toBe('node "n" (Split): num_outputs is 3 but the node has 2 outputs');
  });

  it('Split folds each part', () => {
    expect(inferOp('Split', [i64([1, 2, 3, 4, 5])], { split: ints([2, 3]) }, { opset: 11, outputs: 2 })).toEqual([i64([1, 2]), i64([3, 4, 5])]);
  });
});

describe('Slice', () => {
  const x = f32(20, 10, 5);
  const slice = (starts: number[], ends: number[], axes?: number[], steps?: number[]) =>
    infer1('Slice', [x, i64(starts), i64(ends), axes ? i64(axes) : '', steps ? i64(steps) : ''], {}, { opset: 13 }).shape;

  it('follows the spec examples', () => {
    expect(slice([0, 0], [3, 10], [0, 1], [1, 1])).toEqual([3, 10, 5]);
    expect(slice([1], [1000], [1], [1])).toEqual([20, 9, 5]); // end out of bounds: x[:, 1:1000]
    expect(slice([1000], [1000], [1], [1])).toEqual([20, 0, 5]); // start out of bounds
    expect(slice([0, 0, 3], [20, 10, 4])).toEqual([20, 10, 1]); // default axes
    expect(slice([0, 0, 3], [20, 10, 4], [0, -2, -1])).toEqual([20, 10, 1]); // negative axes
    expect(slice([0], [-1], [1], [1])).toEqual([20, 9, 5]); // x[:, 0:-1]
    // x[20:0:-1, 10:0:-3, 4:1:-2]: indices 19..1, then 9, 6, 3, then 4, 2.
    expect(slice([20, 10, 4], [0, 0, 1], [0, 1, 2], [-1, -3, -2])).toEqual([19, 3, 2]);
  });

  it('clamps INT64 max/min ends, and folds negative steps', () => {
    expect(slice([-3], [INT64_MAX], [0])).toEqual([3, 10, 5]);
    expect(slice([-1], [INT64_MIN], [0], [-1])).toEqual([20, 10, 5]);
    const v = i64(iota(10));
    expect(infer1('Slice', [v, i64([8]), i64([1]), i64([0]), i64([-3])]).value).toEqual([8, 5, 2]);
    expect(infer1('Slice', [v, i64([-1]), i64([INT64_MIN]), i64([0]), i64([-1])]).value).toEqual(iota(10).reverse());
    expect(infer1('Slice', [i64(iota(6), [2, 3]), i64([1]), i64([INT64_MAX]), i64([1])]).value).toEqual([1, 2, 4, 5]);
  });

  it('reads attributes before opset 10', () => {
    expect(infer1('Slice', [x], { starts: ints([2]), ends: ints([-2]), axes: ints([0]) }, { opset: 9 }).shape).toEqual([16, 10, 5]);
  });

  it('leaves sliced dims unknown when the bounds are computed at run time', () => {
    expect(infer1('Slice', [x, t(I64, [1]), t(I64, [1]), i64([1])], {}, { opset: 13 }).shape).toEqual([20, null, 5]);
    expect(infer1('Slice', [x, t(I64, [1]), t(I64, [1]), t(I64, [1])], {}, { opset: 13 }).shape).toEqual([null, null, null]);
    expect(infer1('Slice', [f32(null, 10), i64([0, 2]), i64([5, 8])], {}, { opset: 13 }).shape).toEqual([null, 6]);
  });

  it('rejects a zero step and mismatched lengths', () => {
    expect(thrown(() => slice([0], [5], [0], [0]))).toBe('node "n" (Slice): slice step is 0');
    expect(thrown(() => slice([0, 0], [5], [0, 1]))).toBe('node "n" (Slice): slice ends has 1 values for 2 starts');
    expect(thrown(() => slice([0], [5], [3]))).toBe('node "n" (Slice): axis 3 is out of range for rank 3');
  });
});

describe('Pad', () => {
  it('adds begin and end pads: attribute (2-10), input (11+), axes input (18+)', () => {
    expect(infer1('Pad', [f32(5, 6)], { pads: ints([1, 2, 3, 4]) }, { opset: 2 }).shape).toEqual([5 + 1 + 3, 6 + 2 + 4]);
    expect(infer1('Pad', [f32(5, 6)], { paddings: ints([1, 0, 1, 0]) }, { opset: 1 }).shape).toEqual([7, 6]);
    expect(infer1('Pad', [f32(5, 6), i64([1, 2, 3, 4])], {}, { opset: 11 }).shape).toEqual([9, 12]);
    expect(infer1('Pad', [f32(5, 6), i64([1, 1]), '', i64([-1])], {}, { opset: 18 }).shape).toEqual([5, 8]);
    expect(infer1('Pad', [f32(5, 6), t(I64, [4])], {}, { opset: 11 }).shape).toEqual([null, null]);
  });

  it('crops with negative pads and rejects a size below 0', () => {
    expect(infer1('Pad', [f32(5, 6), i64([-1, 0, -1, 0])], {}, { opset: 11 }).shape).toEqual([3, 6]);
    expect(thrown(() => infer1('Pad', [f32(5, 6), i64([-3, 0, -3, 0])], {}, { opset: 11 }))).toBe('node "n" (Pad): pads -3+-3 on axis 0 of size 5 give size -1');
    expect(thrown(() => infer1('Pad', [f32(5, 6), i64([1, 1])], {}, { opset: 11 }))).toBe('node "n" (Pad): 2 pads for 2 axes of [5, 6]');
  });
});

describe('indexing', () => {
  it('Gather: data[:axis] + indices.shape + data[axis+1:], folded with negative indices', () => {
    expect(infer1('Gather', [f32(5, 4, 3), t(I64, [2, 6])], { axis: int(1) }).shape).toEqual([5, 2, 6, 3]);
    expect(infer1('Gather', [i64([10, 20, 30]), i64([-1, 0])])).toEqual(i64([30, 10]));
    expect(infer1('Gather', [i64([1, 3, 224, 224]), i64([2], [])])).toEqual(t(I64, [], [224]));
    // [[0, 1, 2], [3, 4, 5]] gathered on axis 1 at [2, 0]: [[2, 0], [5, 3]].
    expect(infer1('Gather', [i64(iota(6), [2, 3]), i64([2, 0])], { axis: int(1) }).value).toEqual([2, 0, 5, 3]);
    expect(thrown(() => infer1('Gather', [i64([1, 2]), i64([2], [])]))).toBe('node "n" (Gather): index 2 is out of range for axis 0 of size 2');
    expect(thrown(() => infer1('Gather', [f32(2, 3), i64([0])], { axis: int(2) }))).toBe('node "n" (Gather): axis 2 is out of range for rank 2');
  });

  it('GatherElements has the indices shape; GatherND indices[:-1] + data[b + last:]', () => {
    expect(infer1('GatherElements', [f32(3, 4), t(I64, [3, 2])], { axis: int(1) }).shape).toEqual([3, 2]);
    expect(infer1('GatherND', [f32(2, 3, 4), t(I64, [5, 2])]).shape).toEqual([5, 4]);
    expect(infer1('GatherND', [f32(2, 3, 4), t(I64, [2, 1])], { batch_dims: int(1) }).shape).toEqual([2, 4]);
    expect(thrown(() => infer1('GatherND', [f32(2, 3), t(I64, [5, 3])]))).toBe('node "n" (GatherND): indices [5, 3] with batch_dims 0 index beyond data [2, 3]');
  });

  it('Scatter ops have the data shape', () => {
    for (const op of ['ScatterND', 'ScatterElements', 'Scatter']) expect(infer1(op, [f32(4, 5), t(I64, [2, 1]), f32(2, 5)])).toEqual(f32(4, 5));
  });

  it('OneHot inserts depth at axis, with the type of values', () => {
    const vals = t(ElemType.INT32, [2]);
    expect(infer1('OneHot', [t(I64, [4, 5]), t(I64, [], [10]), vals])).toEqual(t(ElemType.INT32, [4, 5, 10]));
    expect(infer1('OneHot', [t(I64, [4, 5]), t(F, [1], [3.7]), vals], { axis: int(0) })).toEqual(t(ElemType.INT32, [3, 4, 5]));
    expect(infer1('OneHot', [t(I64, [4]), t(I64, []), vals]).shape).toEqual([4, null]);
  });

  it('TopK sets the axis to k: attribute before 10, input after', () => {
    const [v, i] = inferOp('TopK', [f32(3, 100)], { k: int(5) }, { opset: 9, outputs: 2 });
    expect([v, i]).toEqual([f32(3, 5), t(I64, [3, 5])]);
    expect(inferOp('TopK', [f32(3, 100), i64([7])], {}, { opset: 11, outputs: 2 })[0]).toEqual(f32(3, 7));
    expect(thrown(() => inferOp('TopK', [f32(3, 100), i64([7])], { axis: int(0) }, { opset: 11, outputs: 2 }))).toBe('node "n" (TopK): k 7 is larger than axis 0 of size 3');
    expect(inferOp('TopK', [f32(3, 100), t(I64, [1])], {}, { opset: 11, outputs: 2 })[0]).toEqual(f32(3, null));
  });

  it('NonZero, Compress, Unique and NonMaxSuppression have data-dependent lengths', () => {
    expect(infer1('NonZero', [f32(2, 3)])).toEqual(t(I64, [2, null]));
    expect(infer1('NonZero', [t(I64, [4], [0, 3, 0, 1])])).toEqual(t(I64, [1, 2]));
    expect(infer1('Compress', [f32(3, 4), t(BOOL, [3])], { axis: int(0) })).toEqual(f32(null, 4));
    expect(infer1('Compress', [f32(3, 4), t(BOOL, [4], [1, 0, 1, 1])], { axis: int(1) })).toEqual(f32(3, 3));
    expect(infer1('Compress', [f32(3, 4), t(BOOL, [3])])).toEqual(f32(null));
    expect(inferOp('Unique', [f32(6)], {}, { outputs: 4 })).toEqual([f32(null), t(I64, [null]), t(I64, [6]), t(I64, [null])]);
    expect(infer1('NonMaxSuppression', [f32(1, 100, 4), f32(1, 3, 100)])).toEqual(t(I64, [null, 3]));
  });
});
