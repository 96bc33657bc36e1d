/** Gemm and numpy-style MatMul (with the integer and quantised variants). */
import { ElemType } from '../ir.js';
import { getInt } from './attributes.js';
import { broadcastShapes, checkUnidirectional } from './broadcast.js';
import { type Dim, fact, need, type Shape, showShape } from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

const gemm: InferRule = (node, inputs, ctx) => {
  const a = need(inputs, 0, 'A');
  const b = need(inputs, 1, 'B');
  for (const [f, role] of [[a, 'A'], [b, 'B']] as const) {
    if (f.shape !== null && f.shape.length !== 2) throw new ShapeError(`${role} should be 2-D, not of shape ${showShape(f.shape)}`);
  }
  const ta = getInt(node, 'transA', 0) !== 0;
  const tb = getInt(node, 'transB', 0) !== 0;
  const m = a.shape === null ? null : a.shape[ta ? 1 : 0];
  const ka = a.shape === null ? null : a.shape[ta ? 0 : 1];
  const kb = b.shape === null ? null : b.shape[tb ? 1 : 0];
  const n = b.shape === null ? null : b.shape[tb ? 0 : 1];
  if (ka !== null && kb !== null && ka !== kb) {
    throw new ShapeError(`A ${showShape(a.shape)}${ta ? ' transposed' : ''} and B ${showShape(b.shape)}${tb ? ' transposed' : ''} disagree on K (${ka} vs ${kb})`);
  }
  const out: Shape = [m, n];
  // Before opset 7, C's broadcasting was governed by a `broadcast` attribute; only check the numpy rule after.
  const c = inputs[2];
  if (c !== undefined && ctx.opset >= 7) checkUnidirectional(c.shape, out, 'C');
  return [fact(a.dtype || b.dtype, out)];
};

/** numpy.matmul: 1-D operands get a 1 prepended (A) or appended (B) that is dropped after. */
export const matmulShape = (a: Shape | null, b: Shape | null): Shape | null => {
  if (a === null || b === null) return null;
  if (a.length === 0 || b.length === 0) throw new ShapeError('MatMul operands cannot be scalars');
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const ka = a2[a2.length - 1];
  const kb = b2[b2.length - 2];
  if (ka !== null && kb !== null && ka !== kb) {
    throw new ShapeError(`shapes ${showShape(a)} and ${showShape(b)} disagree on K (${ka} vs ${kb})`);
  }
  const batch = broadcastShapes([a2.slice(0, -2), b2.slice(0, -2)]) as Dim[];
  const out: Dim[] = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return out;
};

const matmul =
  (ai: number, bi: number, outType: (inputs: (TensorFact | undefined)[], a: TensorFact) => number): InferRule =>
  (_node, inputs) => {
    const a = need(inputs, ai, 'A');
    const b = need(inputs, bi, 'B');
    return [fact(outType(inputs, a), matmulShape(a.shape, b.shape))];
  };

export const MATMUL_RULES: [string, InferRule][] = [
  ['Gemm', gemm],
  ['MatMul', matmul(0, 1, (inputs, a) => a.dtype || (inputs[1]?.dtype ?? 0))],
  ['MatMulInteger', matmul(0, 1, () => ElemType.INT32)],
  // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point: y has y_zero_point's type.
  ['QLinearMatMul', matmul(0, 3, (inputs, a) => inputs[7]?.dtype || a.dtype)],
];
