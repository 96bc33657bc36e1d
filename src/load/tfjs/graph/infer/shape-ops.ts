import type { Shape } from '../../../../graph/types.js';
import { MAX_DIM } from '../attrs.js';
import { checkShape, ShapeError, showShape, type Fact, type Rule } from './types.js';

/**
 * Ops that move data or compute shapes. Most read a constant operand (Reshape's target,
 * Pad's amounts, ConcatV2's axis, Transpose's permutation, StridedSlice's bounds, a
 * resize's size): when its values are not known the output is as unknown as it must be
 * (the rank where it follows from the operand's shape, nothing more).
 */

const one = (shape: Shape | null, value?: number[]): Fact[] => [{ shape: checkShape(shape), ...(value ? { value } : {}) }];
const unknownOfRank = (r: number | null | undefined): Shape | null => (r === null || r === undefined ? null : Array.from({ length: r }, () => null));
const elems = (s: Shape): number | null => s.reduce<number | null>((a, d) => (a === null || d === null ? null : a * d), 1);

function axisOf(a: number, rank: number, what: string): number {
  const x = a < 0 ? a + rank : a;
  if (!Number.isInteger(x) || x < 0 || x >= rank) throw new ShapeError(`${what} ${a} is out of range for rank ${rank}`);
  return x;
}


export const shapeOp: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const known = x !== null && x.every((d) => d !== null);
  return one(x === null ? null : [x.length], known ? (x as number[]) : undefined);
};

export const sizeOp: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const n = x === null ? null : elems(x);
  return one([], n === null ? undefined : [n]);
};

export const rankOp: Rule = (c) => one([], c.inputs[0]?.shape ? [c.inputs[0].shape.length] : undefined);

export const reshape: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const target = c.value(1);
  if (!target) return one(unknownOfRank(c.inputs[1]?.shape?.[0]));
  if (target.filter((d) => d === -1).length > 1 || target.some((d) => d < -1 || d > MAX_DIM)) throw new ShapeError(`Reshape target ${JSON.stringify(target)} is not a shape`);
  const s: Shape = target.map((d) => (d === -1 ? null : d));
  const free = target.indexOf(-1);
  const total = x === null ? null : elems(x);
  if (free >= 0 && total !== null) {
    const rest = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    if (rest === 0 || total % rest !== 0) throw new ShapeError(`cannot reshape ${showShape(x)} to ${JSON.stringify(target)}`);
    s[free] = total / rest;
  } else if (free < 0 && total !== null && elems(s) !== total) {
    throw new ShapeError(`cannot reshape ${showShape(x)} (${total} elements) to ${JSON.stringify(target)}`);
  }
  return one(s, c.known(0));
};

export const squeeze: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  if (x === null) return one(null);
  const dims = (c.node.attrs.ints('squeeze_dims') ?? c.node.attrs.ints('axis') ?? []).map((a) => axisOf(a, x.length, 'squeeze axis'));
  if (dims.length === 0) return one(x.some((d) => d === null) ? null : x.filter((d) => d !== 1));
  for (const a of dims) if (x[a] !== null && x[a] !== 1) throw new ShapeError(`cannot squeeze axis ${a} of ${showShape(x)}`);
  return one(x.filter((_, i) => !dims.includes(i)), c.known(0));
};

export const expandDims: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const dim = c.value(1);
  if (x === null) return one(null);
  if (!dim) return one(unknownOfRank(x.length + 1));
  const a = axisOf(dim[0], x.length + 1, 'ExpandDims axis');
  return one([...x.slice(0, a), 1, ...x.slice(a)], c.known(0));
};

export const transpose: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const perm = c.value(1);
  if (x === null) return one(null);
  if (!perm) return one(unknownOfRank(x.length));
  if (perm.length !== x.length || new Set(perm).size !== perm.length || perm.some((p) => p < 0 || p >= x.length)) throw new ShapeError(`perm ${JSON.stringify(perm)} is no permutation of ${x.length} axes`);
  return one(perm.map((p) => x[p]));
};

/** Pad, PadV2, MirrorPad: paddings is [rank, 2]. */
export const pad: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const p = c.value(1);
  if (x === null) return one(null);
  if (!p) return one(unknownOfRank(x.length));
  if (p.length !== 2 * x.length || p.some((v) => v < 0 || v > MAX_DIM)) throw new ShapeError(`paddings ${JSON.stringify(p)} do not fit an input ${showShape(x)}`);
  return one(x.map((d, i) => (d === null ? null : d + p[2 * i] + p[2 * i + 1])));
};

/** ConcatV2(values..., axis). */
export const concat: Rule = (c) => {
  const parts = c.inputs.slice(0, -1).map((f) => f.shape);
  const axisValue = c.value(c.inputs.length - 1);
  const rank = parts.find((s) => s !== null)?.length;
  if (rank === undefined) return one(null);
  if (!axisValue) return one(unknownOfRank(rank));
  const axis = axisOf(axisValue[0], rank, 'concat axis');
  if (parts.some((s) => s === null)) return one(unknownOfRank(rank));
  const known = parts as Shape[];
  if (known.some((s) => s.length !== rank)) throw new ShapeError(`concatenates ranks ${known.map((s) => s.length).join(', ')}`);
  const s: Shape = known[0].map((_, i) => {
    if (i === axis) return known.reduce<number | null>((a, p) => (a === null || p[i] === null ? null : a + (p[i] as number)), 0);
    const d = known.map((p) => p[i]).find((v) => v !== null) ?? null;
    if (known.some((p) => p[i] !== null && p[i] !== d)) throw new ShapeError(`inputs ${known.map(showShape).join(', ')} differ outside axis ${axis}`);
    return d;
  });
  const values = c.inputs.slice(0, -1).map((_, i) => c.known(i));
  const value = rank === 1 && values.every((v) => v !== undefined) ? (values as number[][]).flat() : undefined;
  return one(s, value);
};

/** Pack (tf.stack) along `axis`. */
export const pack: Rule = (c) => {
  const parts = c.inputs.map((f) => f.shape);
  const first = parts.find((s) => s !== null);
  if (!first) return one(null);
  const axis = axisOf(c.node.attrs.int('axis') ?? 0, first.length + 1, 'Pack axis');
  const values = c.inputs.map((_, i) => c.known(i));
  const value = first.length === 0 && values.every((v) => v?.length === 1) ? (values as number[][]).flat() : undefined;
  return one([...first.slice(0, axis), c.inputs.length, ...first.slice(axis)], value);
};

/** Unpack (tf.unstack): `num` outputs without `axis`. */
export const unpack: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const num = c.node.attrs.int('num') ?? 0;
  if (num < 0 || num > 100_000) throw new ShapeError(`Unpack num ${num}`);
  const s = x === null ? null : (() => {
    const a = axisOf(c.node.attrs.int('axis') ?? 0, x.length, 'Unpack axis');
    return [...x.slice(0, a), ...x.slice(a + 1)];
  })();
  return Array.from({ length: num }, () => ({ shape: s }));
};

/** Split(axis, value) into num_split equal parts; SplitV(value, sizes, axis). */
export const split = (v: boolean): Rule => (c) => {
  const [xi, ai] = v ? [0, 2] : [1, 0];
  const x = c.inputs[xi]?.shape ?? null;
  const n = c.node.attrs.int('num_split') ?? 1;
  if (n < 1 || n > 100_000) throw new ShapeError(`num_split ${n}`);
  const axisValue = c.value(ai);
  if (x === null || !axisValue) return Array.from({ length: n }, () => ({ shape: unknownOfRank(x?.length) }));
  const axis = axisOf(axisValue[0], x.length, 'split axis');
  const sizes = v ? c.value(1) : undefined;
  return Array.from({ length: n }, (_, k) => {
    const s = [...x];
    if (v) s[axis] = sizes && !sizes.includes(-1) ? sizes[k] : null;
    else s[axis] = x[axis] === null ? null : (x[axis] as number) / n;
    if (!v && s[axis] !== null && !Number.isInteger(s[axis])) throw new ShapeError(`cannot split ${x[axis]} into ${n} equal parts`);
    return { shape: s };
  });
};

/** Slice(input, begin, size): size -1 takes the rest. */
export const slice: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const [begin, size] = [c.value(1), c.value(2)];
  if (x === null) return one(null);
  if (!begin || !size) return one(unknownOfRank(x.length));
  if (begin.length !== x.length || size.length !== x.length) throw new ShapeError(`begin ${JSON.stringify(begin)} and size ${JSON.stringify(size)} for an input ${showShape(x)}`);
  return one(x.map((d, i) => {
    if (size[i] !== -1) {
      if (d !== null && (begin[i] < 0 || begin[i] + size[i] > d)) throw new ShapeError(`slice [${begin[i]}, +${size[i]}) is outside axis ${i} of ${showShape(x)}`);
      return size[i];
    }
    return d === null ? null : d - begin[i];
  }));
};

const bit = (mask: number, i: number): boolean => Math.floor(mask / 2 ** i) % 2 === 1;

/** StridedSlice with its five masks (the ellipsis at most once), as TensorFlow's ValidateStridedSliceOp. */
export const stridedSlice: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const [begin, end, strides] = [c.value(1), c.value(2), c.value(3)];
  const m = (n: string) => c.node.attrs.int(n) ?? 0;
  const [bm, em, ell, na, sh] = ['begin_mask', 'end_mask', 'ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'].map(m);
  if (x === null || !begin || !end || !strides) return one(null);
  if (begin.length !== end.length || begin.length !== strides.length) throw new ShapeError('begin, end and strides differ in length');
  const out: Shape = [];
  let dim = 0;
  const xval = c.known(0);
  let picked: number[] | undefined = x.length === 1 && xval ? [] : undefined;
  for (let i = 0; i < begin.length; i++) {
    if (bit(ell, i)) {
      const covers = x.length - (begin.length - i - 1 - [...Array(begin.length).keys()].filter((j) => j > i && bit(na, j)).length);
      while (dim < covers) out.push(x[dim++]);
      continue;
    }
    if (bit(na, i)) {
      out.push(1);
      continue;
    }
    if (dim >= x.length) throw new ShapeError(`slices more axes than the input ${showShape(x)} has`);
    const n = x[dim++];
    const s = strides[i];
    if (s === 0) throw new ShapeError('a stride of 0');
    if (n === null) {
      if (!bit(sh, i)) out.push(null);
      picked = undefined;
      continue;
    }
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const norm = (v: number) => (v < 0 ? v + n : v);
    if (bit(sh, i)) {
      const at = norm(begin[i]);
      if (at < 0 || at >= n) throw new ShapeError(`index ${begin[i]} is outside an axis of ${n}`);
      if (picked && xval) picked.push(xval[at]);
      continue;
    }
    const [lo, hi] = s > 0 ? [0, n] : [-1, n - 1];
    const b = bit(bm, i) ? (s > 0 ? 0 : n - 1) : clamp(norm(begin[i]), lo, hi);
    const e = bit(em, i) ? (s > 0 ? n : -1) : clamp(norm(end[i]), lo, hi);
    const len = Math.max(0, Math.ceil((e - b) / s));
    out.push(len);
    if (picked && xval) for (let k = 0; k < len; k++) picked.push(xval[b + k * s]);
  }
  while (dim < x.length) out.push(x[dim++]);
  return one(out, picked && picked.length === (out.length === 0 ? 1 : (out[0] as number)) ? picked : undefined);
};

/** Fill(dims, value), and the like (zeros, ones) of another shape. */
export const fill: Rule = (c) => {
  const dims = c.value(0);
  if (dims && dims.some((d) => d < 0 || d > MAX_DIM)) throw new ShapeError(`Fill dims ${JSON.stringify(dims)}`);
  return one(dims ?? unknownOfRank(c.inputs[0]?.shape?.[0]));
};

export const tile: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const mult = c.value(1);
  if (x === null) return one(null);
  if (!mult) return one(unknownOfRank(x.length));
  if (mult.length !== x.length || mult.some((v) => v < 0 || v > MAX_DIM)) throw new ShapeError(`multiples ${JSON.stringify(mult)} for an input ${showShape(x)}`);
  return one(x.map((d, i) => (d === null ? null : d * mult[i])));
};

/** GatherV2(params, indices, axis). */
export const gather: Rule = (c) => {
  const [x, idx] = [c.inputs[0]?.shape ?? null, c.inputs[1]?.shape ?? null];
  const axisValue = c.value(2);
  if (x === null || idx === null || !axisValue) return one(null);
  const batchDims = c.node.attrs.int('batch_dims') ?? 0;
  const axis = axisOf(axisValue[0], x.length, 'gather axis');
  const value = (() => {
    const [xv, iv] = [c.known(0), c.known(1)];
    return x.length === 1 && xv && iv && iv.every((i) => i >= 0 && i < xv.length) ? iv.map((i) => xv[i]) : undefined;
  })();
  return one([...x.slice(0, axis), ...idx.slice(batchDims), ...x.slice(axis + 1)], value);
};

/** Reductions: Mean, Sum, Max, Min, Prod, All, Any (axes an input, keep_dims); ArgMax/ArgMin (the axis dropped). */
export const reduce = (arg: boolean): Rule => (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const axes = c.value(1);
  const keep = !arg && (c.node.attrs.bool('keep_dims') ?? false);
  if (x === null) return one(null);
  if (!axes) return one(keep ? unknownOfRank(x.length) : arg ? unknownOfRank(x.length - 1) : null);
  const set = new Set(axes.map((a) => axisOf(a, x.length, 'reduction axis')));
  return one(keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i)));
};

/** ResizeBilinear, ResizeNearestNeighbor, ResizeBicubic: NHWC, size = [height, width]. */
export const resize: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const size = c.value(1);
  if (x === null) return one(null);
  if (x.length !== 4) throw new ShapeError(`resizes a rank-${x.length} input; images are [batch, height, width, channels]`);
  if (size && (size.length !== 2 || size.some((v) => v < 1 || v > MAX_DIM))) throw new ShapeError(`size ${JSON.stringify(size)} is no [height, width]`);
  return one([x[0], size?.[0] ?? null, size?.[1] ?? null, x[3]]);
};

/** DepthToSpace and SpaceToDepth, NHWC, by block_size. */
export const depthSpace = (toSpace: boolean): Rule => (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const b = c.node.attrs.int('block_size') ?? 0;
  if (b < 1 || b > 1024) throw new ShapeError(`block_size ${b}`);
  if (x === null || x.length !== 4) return one(x === null ? null : unknownOfRank(x.length));
  const [n, h, w, ch] = x;
  const mul = (d: number | null, k: number) => (d === null ? null : d * k);
  const div = (d: number | null, k: number) => (d === null ? null : d / k);
  return one(toSpace ? [n, mul(h, b), mul(w, b), div(ch, b * b)] : [n, div(h, b), div(w, b), mul(ch, b * b)]);
};

/** Range(start, limit, delta). */
export const range: Rule = (c) => {
  const [s, l, d] = [c.value(0), c.value(1), c.value(2)];
  if (!s || !l || !d || d[0] === 0) return one([null]);
  const n = Math.max(0, Math.ceil((l[0] - s[0]) / d[0]));
  if (n > MAX_DIM) throw new ShapeError(`Range of ${n} values`);
  return one([n], n <= 64 ? Array.from({ length: n }, (_, i) => s[0] + i * d[0]) : undefined);
};

/** TopKV2(input, k): values and indices, k along the last axis. */
export const topK: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const k = c.value(1);
  const s = x === null ? null : [...x.slice(0, -1), k?.[0] ?? null];
  return [{ shape: s }, { shape: s }];
};

/** Ops whose output size depends on the data (Where, NonMaxSuppression): the rank where fixed. */
export const dataDependent = (ranks: number[]): Rule => () => ranks.map((r) => ({ shape: unknownOfRank(r) }));

/** TensorListStack(list, element_shape): [num_elements (attribute; -1 unknown), ...element_shape (-1 dims unknown)]. */
export const tensorListStack: Rule = (c) => {
  const n = c.node.attrs.int('num_elements') ?? -1;
  if (n < -1 || n > MAX_DIM) throw new ShapeError(`num_elements ${n}`);
  const shape = c.value(1);
  const rank = c.inputs[1]?.shape?.[0];
  // A scalar -1 element_shape: the elements' rank is not known.
  if (shape && shape.length === 1 && shape[0] === -1 && c.inputs[1]?.shape?.length === 0) return one(null);
  if (shape && shape.some((d) => d < -1 || d > MAX_DIM)) throw new ShapeError(`element_shape ${JSON.stringify(shape)}`);
  const elements = shape ? shape.map((d) => (d === -1 ? null : d)) : unknownOfRank(rank);
  return one(elements === null ? null : [n === -1 ? null : n, ...elements]);
};
