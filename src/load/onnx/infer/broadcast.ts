/**
 * Multidirectional (numpy) broadcasting of shapes, and of values for folding.
 * An unknown dim against a known d != 1 is d (the unknown must be 1 or d); against 1 it
 * stays unknown.
 */
import { type Dim, type Shape, showShape, stridesOf } from './facts.js';
import { ShapeError } from './types.js';

/** Broadcast shapes; null when any rank is unknown. Throws naming the two shapes that clash. */
export const broadcastShapes = (shapes: readonly (Shape | null)[]): Shape | null => {
  if (shapes.some((s) => s === null)) return null;
  const known = shapes as Shape[];
  const rank = Math.max(0, ...known.map((s) => s.length));
  const out: Dim[] = new Array<Dim>(rank).fill(1);
  // Which input set each output dim, so that a clash names that input and the new one.
  const from: number[] = new Array<number>(rank).fill(-1);
  const unknownAt: boolean[] = new Array<boolean>(rank).fill(false);
  known.forEach((s, k) => {
    const off = rank - s.length;
    s.forEach((d, j) => {
      const i = off + j;
      if (d === null) {
        unknownAt[i] = true;
        return;
      }
      if (d === 1) return;
      if (out[i] === 1) {
        out[i] = d;
        from[i] = k;
      } else if (out[i] !== d) {
        throw new ShapeError(`shapes ${showShape(known[from[i]])} and ${showShape(s)} do not broadcast`);
      }
    });
  });
  return out.map((d, i) => (d === 1 && unknownAt[i] ? null : d));
};

/** Whether `from` broadcasts to `to` in one direction only (PRelu slope, Gemm C, ...). */
export const checkUnidirectional = (from: Shape | null, to: Shape | null, what: string): void => {
  if (from === null || to === null) return;
  const b = broadcastShapes([to, from]);
  if (b === null) return;
  if (b.length !== to.length || b.some((d, i) => d !== null && to[i] !== null && d !== to[i])) {
    throw new ShapeError(`${what} of shape ${showShape(from)} does not broadcast to ${showShape(to)}`);
  }
};

/**
 * For each element of `out` (row-major), the index of the element of an input of shape
 * `shape` that broadcasting reads. `out` and `shape` are fully known.
 */
export const broadcastIndex = (out: readonly number[], shape: readonly number[]): Int32Array => {
  const n = out.reduce((a, b) => a * b, 1);
  const rank = out.length;
  const off = rank - shape.length;
  const inStrides = stridesOf(shape);
  // The stride of the input along each output axis: 0 where the input is broadcast.
  const step = out.map((_, i) => (i < off || shape[i - off] === 1 ? 0 : inStrides[i - off]));
  const idx = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let at = 0;
  for (let k = 0; k < n; k++) {
    idx[k] = at;
    for (let i = rank - 1; i >= 0; i--) {
      counter[i]++;
      at += step[i];
      if (counter[i] < out[i]) break;
      at -= step[i] * counter[i];
      counter[i] = 0;
    }
  }
  return idx;
};

/** Values of `shape` broadcast to `out`. */
export const broadcastValues = (value: readonly number[], shape: readonly number[], out: readonly number[]): number[] => {
  const idx = broadcastIndex(out, shape);
  const res = new Array<number>(idx.length);
  for (let k = 0; k < idx.length; k++) res[k] = value[idx[k]];
  return res;
};

/** Element-wise `fn` over broadcast inputs (all shapes and values known). */
export const mapBroadcast = (
  out: readonly number[],
  ins: readonly { shape: readonly number[]; value: readonly number[] }[],
  fn: (xs: number[]) => number,
): number[] => {
  const idxs = ins.map((f) => broadcastIndex(out, f.shape));
  const n = out.reduce((a, b) => a * b, 1);
  const res = new Array<number>(n);
  const xs = new Array<number>(ins.length);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < ins.length; j++) xs[j] = ins[j].value[idxs[j][k]];
    res[k] = fn(xs);
  }
  return res;
};
