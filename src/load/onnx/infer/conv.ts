/** Conv, ConvInteger, QLinearConv, DeformConv and ConvTranspose. */
import type { OnnxNode } from '../ir.js';
import { ElemType } from '../ir.js';
import { getInt, getInts } from './attributes.js';
import { checkedMul, type Dim, fact, need, positive, type Shape, showShape, sizeValue } from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';
import { readWindow, transposedOut, windowOut } from './window.js';

/**
 * The number of spatial axes, from whichever of X, W or kernel_shape knows it; X and W must
 * agree. null when nothing tells.
 */
const spatialRank = (node: OnnxNode, x: TensorFact, w: TensorFact): number | null => {
  const fromX = x.shape === null ? null : x.shape.length - 2;
  const fromW = w.shape === null ? null : w.shape.length - 2;
  if (fromX !== null && fromX < 1) throw new ShapeError(`input should have at least 3 dimensions, not shape ${showShape(x.shape)}`);
  if (fromW !== null && fromW < 0) throw new ShapeError(`weights should have at least 2 dimensions, not shape ${showShape(w.shape)}`);
  if (fromX !== null && fromW !== null && fromX !== fromW) {
    throw new ShapeError(`input ${showShape(x.shape)} and weights ${showShape(w.shape)} differ in rank`);
  }
  return fromX ?? fromW ?? getInts(node, 'kernel_shape')?.length ?? null;
};

/** The kernel as the weights give it; unknown sizes when their shape is unknown. */
const weightKernel = (w: TensorFact, n: number): Dim[] => (w.shape === null ? new Array<Dim>(n).fill(null) : w.shape.slice(2));

const dimAt = (s: Shape | null, i: number): Dim => (s === null ? null : s[i]);

const conv =
  (xi: number, wi: number, outType: (inputs: (TensorFact | undefined)[], x: TensorFact) => number): InferRule =>
  (node, inputs) => {
    const x = need(inputs, xi, 'X');
    const w = need(inputs, wi, 'W');
    const dtype = outType(inputs, x);
    const n = spatialRank(node, x, w);
    if (n === null) return [fact(dtype, null)];
    const group = positive(getInt(node, 'group', 1), 'group');
    const m = dimAt(w.shape, 0);
    const cin = dimAt(x.shape, 1);
    const wc = dimAt(w.shape, 1);
    if (cin !== null && wc !== null && cin !== checkedMul(wc, group)) {
      throw new ShapeError(`input has ${cin} channels but weights ${showShape(w.shape)} with group ${group} expect ${wc * group}`);
    }
    if (m !== null && m % group !== 0) throw new ShapeError(`${m} output channels do not divide into group ${group}`);
    const win = readWindow(node, n, weightKernel(w, n), { dilations: true, ceil: false });
    const spatial = Array.from({ length: n }, (_, i) => windowOut(win, i, dimAt(x.shape, i + 2)));
    return [fact(dtype, [dimAt(x.shape, 0), m, ...spatial])];
  };

const convTranspose: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'X');
  const w = need(inputs, 1, 'W');
  const n = spatialRank(node, x, w);
  if (n === null) return [fact(x.dtype, null)];
  const group = positive(getInt(node, 'group', 1), 'group');
  const cin = dimAt(x.shape, 1);
  const wc = dimAt(w.shape, 0);
  if (cin !== null && wc !== null && cin !== wc) {
    throw new ShapeError(`input has ${cin} channels but weights ${showShape(w.shape)} expect ${wc}`);
  }
  const wOut = dimAt(w.shape, 1);
  const channels = wOut === null ? null : checkedMul(wOut, group);
  const win = readWindow(node, n, weightKernel(w, n), { dilations: true, ceil: false });
  let spatial: Dim[];
  const outputShape = getInts(node, 'output_shape');
  if (outputShape !== undefined) {
    // The spec gives the spatial sizes; some writers give the whole shape, which ONNX Runtime also accepts.
    const sizes = outputShape.length === n + 2 ? outputShape.slice(2) : outputShape;
    if (sizes.length !== n) throw new ShapeError(`attribute "output_shape" has ${outputShape.length} values for ${n} spatial axes`);
    spatial = sizes.map((v) => positive(v, 'output size'));
  } else {
    const op = getInts(node, 'output_padding') ?? new Array<number>(n).fill(0);
    if (op.length !== n) throw new ShapeError(`attribute "output_padding" has ${op.length} values for ${n} spatial axes`);
    spatial = op.map((p, i) => transposedOut(win, i, dimAt(x.shape, i + 2), sizeValue(p, 'output padding')));
  }
  return [fact(x.dtype, [dimAt(x.shape, 0), channels, ...spatial])];
};

export const CONV_RULES: [string, InferRule][] = [
  ['Conv', conv(0, 1, (_i, x) => x.dtype)],
  ['ConvInteger', conv(0, 1, () => ElemType.INT32)],
  // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B: y has y_zero_point's type.
  ['QLinearConv', conv(0, 3, (inputs, x) => inputs[7]?.dtype || x.dtype)],
  ['DeformConv', conv(0, 1, (_i, x) => x.dtype)],
  ['ConvTranspose', convTranspose],
];
