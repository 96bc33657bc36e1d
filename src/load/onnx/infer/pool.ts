/** Pools (windowed, global, RoI), MaxUnpool and GridSample. */
import { ElemType } from '../ir.js';
import { getInt, getInts } from './attributes.js';
import { type Dim, fact, intValues, need, positive, type Shape, showShape, sizeValue, vectorLength } from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';
import { effectiveKernel, readWindow, windowOut } from './window.js';

const dimAt = (s: Shape | null, i: number): Dim => (s === null ? null : s[i]);

/** Spatial rank from X, else from kernel_shape (required for these pools). */
const poolRank = (x: TensorFact, kernel: number[] | undefined): number | null => {
  if (x.shape !== null) {
    if (x.shape.length < 3) throw new ShapeError(`input should have at least 3 dimensions, not shape ${showShape(x.shape)}`);
    return x.shape.length - 2;
  }
  return kernel?.length ?? null;
};

/** Which opsets read dilations and ceil_mode: the attributes did not exist before. */
const pool =
  (since: { dilations: number; ceil: number }): InferRule =>
  (node, inputs, ctx) => {
    const x = need(inputs, 0, 'X');
    const n = poolRank(x, getInts(node, 'kernel_shape'));
    if (n === null) return [fact(x.dtype, null), fact(ElemType.INT64, null)];
    const win = readWindow(node, n, null, { dilations: ctx.opset >= since.dilations, ceil: ctx.opset >= since.ceil });
    const shape = [dimAt(x.shape, 0), dimAt(x.shape, 1), ...Array.from({ length: n }, (_, i) => windowOut(win, i, dimAt(x.shape, i + 2)))];
    // MaxPool's optional second output, Indices.
    return [fact(x.dtype, shape), fact(ElemType.INT64, shape)];
  };

const globalPool: InferRule = (_node, inputs) => {
  const x = need(inputs, 0, 'X');
  if (x.shape === null) return [fact(x.dtype, null)];
  if (x.shape.length < 2) throw new ShapeError(`input should have at least 2 dimensions, not shape ${showShape(x.shape)}`);
  return [fact(x.dtype, x.shape.map((d, i) => (i < 2 ? d : 1)))];
};

const maxRoiPool: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'X');
  const rois = need(inputs, 1, 'rois');
  const pooled = getInts(node, 'pooled_shape');
  if (pooled === undefined || pooled.length !== 2) throw new ShapeError('attribute "pooled_shape" should hold 2 values');
  return [fact(x.dtype, [dimAt(rois.shape, 0), dimAt(x.shape, 1), ...pooled.map((v) => positive(v, 'pooled size'))])];
};

const roiAlign: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'X');
  const rois = need(inputs, 1, 'rois');
  const oh = positive(getInt(node, 'output_height', 1), 'output_height');
  const ow = positive(getInt(node, 'output_width', 1), 'output_width');
  const num = dimAt(rois.shape, 0) ?? dimAt(inputs[2]?.shape ?? null, 0);
  return [fact(x.dtype, [num, dimAt(x.shape, 1), oh, ow])];
};

/** output_shape input when given, else (in - 1) * stride + kernel - pads. */
const maxUnpool: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'X');
  const given = inputs[2];
  if (given !== undefined) {
    const v = intValues(given, 'output_shape');
    if (v !== undefined) return [fact(x.dtype, v.map((d) => sizeValue(d, 'output dimension')))];
    const len = vectorLength(given, 'output_shape');
    return [fact(x.dtype, len === null ? null : new Array<Dim>(len).fill(null))];
  }
  const n = poolRank(x, getInts(node, 'kernel_shape'));
  if (n === null) return [fact(x.dtype, null)];
  const win = readWindow(node, n, null, { dilations: false, ceil: false });
  const spatial = Array.from({ length: n }, (_, i): Dim => {
    const d = dimAt(x.shape, i + 2);
    const k = win.kernel[i] as number;
    if (d === null) return null;
    const out = (d - 1) * win.strides[i] + effectiveKernel(k, 1) - win.pads[i] - win.pads[i + n];
    if (out < 1) throw new ShapeError(`spatial axis ${i}: input size ${d} unpools to size ${out}`);
    return out;
  });
  return [fact(x.dtype, [dimAt(x.shape, 0), dimAt(x.shape, 1), ...spatial])];
};

/** X [N, C, D1...], grid [N, D1_out..., r] -> [N, C, D1_out...]. */
const gridSample: InferRule = (_node, inputs) => {
  const x = need(inputs, 0, 'X');
  const grid = need(inputs, 1, 'grid');
  const rank = x.shape?.length ?? grid.shape?.length ?? null;
  if (rank === null) return [fact(x.dtype, null)];
  if (x.shape !== null && grid.shape !== null && x.shape.length !== grid.shape.length) {
    throw new ShapeError(`input ${showShape(x.shape)} and grid ${showShape(grid.shape)} differ in rank`);
  }
  if (rank < 3) throw new ShapeError(`input should have at least 3 dimensions, not ${rank}`);
  const last = dimAt(grid.shape, rank - 1);
  if (last !== null && last !== rank - 2) throw new ShapeError(`grid's last dimension is ${last}, not ${rank - 2}`);
  const spatial = Array.from({ length: rank - 2 }, (_, i) => dimAt(grid.shape, i + 1));
  return [fact(x.dtype, [dimAt(x.shape, 0) ?? dimAt(grid.shape, 0), dimAt(x.shape, 1), ...spatial])];
};

export const POOL_RULES: [string, InferRule][] = [
  ['MaxPool', pool({ dilations: 10, ceil: 10 })],
  ['AveragePool', pool({ dilations: 19, ceil: 10 })],
  ['LpPool', pool({ dilations: 18, ceil: 18 })],
  ['GlobalAveragePool', globalPool],
  ['GlobalMaxPool', globalPool],
  ['GlobalLpPool', globalPool],
  ['MaxRoiPool', maxRoiPool],
  ['RoiAlign', roiAlign],
  ['MaxUnpool', maxUnpool],
  ['GridSample', gridSample],
];
