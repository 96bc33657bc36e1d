/**
 * Small helpers the rules share: building facts, reading inputs, axes, sizes. Everything
 * that can go wrong because of the file throws ShapeError; nothing here guesses a dimension.
 */
import type { InferContext, TensorFact } from './types.js';
import { ShapeError } from './types.js';

export type Dim = number | null;
export type Shape = Dim[];

export const fact = (dtype: number, shape: Shape | null, value?: number[]): TensorFact =>
  value === undefined ? { dtype, shape } : { dtype, shape, value };

/** The same tensor with another shape (Reshape, Squeeze, ...): values are row-major, so they carry over. */
export const reshaped = (f: TensorFact, shape: Shape | null): TensorFact =>
  fact(f.dtype, shape, f.value !== undefined && shape !== null && isKnown(shape) ? f.value : undefined);

/**
 * Ranks beyond this are refused: no real model comes near it, and a rank taken from a
 * hostile file (the length of a shape input) must not allocate gigabytes.
 */
export const MAX_RANK = 1024;

/** A shape of n unknown dims (n from the file), or null when n is unknown. */
export const unknownDims = (n: number | null): Shape | null => {
  if (n === null) return null;
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_RANK) throw new ShapeError(`rank ${n} is not a valid rank (at most ${MAX_RANK})`);
  return new Array<Dim>(n).fill(null);
};

export const isKnown = (shape: Shape): shape is number[] => shape.every((d) => d !== null);

/** For messages: [1, ?, 224]; a shape of unknown rank is [...]; long shapes are cut so the message stays a line. */
export const showShape = (shape: readonly Dim[] | null): string => {
  if (shape === null) return '[...]';
  const dims = shape.map((d) => (d === null ? '?' : String(d)));
  return dims.length <= 12 ? `[${dims.join(', ')}]` : `[${dims.slice(0, 8).join(', ')}, ... (rank ${dims.length})]`;
};

/** A user-controlled string inside a message: quoted, escaped (one line), and not too long. */
export const quote = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);

export const checkedMul = (a: number, b: number): number => {
  const p = a * b;
  if (!Number.isSafeInteger(p)) throw new ShapeError(`size ${a} x ${b} is beyond 2^53`);
  return p;
};

export const checkedAdd = (a: number, b: number): number => {
  const s = a + b;
  if (!Number.isSafeInteger(s)) throw new ShapeError(`size ${a} + ${b} is beyond 2^53`);
  return s;
};

/** Number of elements, or null when a dimension is unknown. A zero makes it 0 even next to unknowns. */
export const numel = (shape: Shape): number | null => {
  let p = 1;
  let unknownDim = false;
  for (const d of shape) {
    if (d === null) unknownDim = true;
    else if (d === 0) return 0;
    else p = checkedMul(p, d);
  }
  return unknownDim ? null : p;
};

/**
 * Number of elements for deciding whether to fold: null when unknown or beyond 2^53, never
 * an error (a tensor too big to count is simply not folded).
 */
export const count = (shape: Shape): number | null => {
  let p = 1;
  let unknownDim = false;
  for (const d of shape) {
    if (d === null) unknownDim = true;
    else if (d === 0) return 0;
    else p *= d;
  }
  return unknownDim || !Number.isSafeInteger(p) ? null : p;
};

export const numelOf = (f: TensorFact | undefined): number | null =>
  f === undefined || f.shape === null ? null : count(f.shape);

/** An axis attribute or value in [-rank, rank) made non-negative. */
export const normAxis = (axis: number, rank: number, what = 'axis'): number => {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ShapeError(`${what} ${axis} is out of range for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
};

/** Several axes: each normalised, no repeats. */
export const normAxes = (axes: readonly number[], rank: number, what = 'axes'): number[] => {
  const out = axes.map((a) => normAxis(a, rank, what === 'axes' ? 'axis' : what));
  if (new Set(out).size !== out.length) throw new ShapeError(`${what} ${showShape(axes)} repeat an axis`);
  return out;
};

/** A required input; the reason names it by position (rules name it by role where it helps). */
export const need = (inputs: (TensorFact | undefined)[], i: number, role: string): TensorFact => {
  const f = inputs[i];
  if (f === undefined) throw new ShapeError(`input ${i} (${role}) is missing`);
  return f;
};

export const rankOf = (f: TensorFact | undefined): number | null => (f?.shape == null ? null : f.shape.length);

/**
 * Whether a rule may compute values: the result and every input it reads fit under the
 * limit. Bounding the inputs too keeps a reduction over a big constant from doing big work
 * for a small result when the driver has lowered the limit.
 */
export const canFold = (ctx: InferContext, outSize: number | null, ...ins: (TensorFact | undefined)[]): boolean =>
  outSize !== null &&
  outSize <= ctx.valueLimit &&
  ins.every((f) => f !== undefined && f.value !== undefined && f.value.length <= ctx.valueLimit);

/** The values of a 1-D or scalar integer input (shapes, axes, pads, ...), when known. */
export const intValues = (f: TensorFact | undefined, role: string): number[] | undefined => {
  if (f?.value === undefined) return undefined;
  for (const v of f.value) {
    if (!Number.isInteger(v)) throw new ShapeError(`${role} holds ${v}, which is not an integer`);
  }
  return f.value;
};

/** A scalar (or one-element) input's value, when known. */
export const scalarValue = (f: TensorFact | undefined, role: string): number | undefined => {
  if (f?.value === undefined) return undefined;
  if (f.value.length !== 1) throw new ShapeError(`${role} should hold one value, not ${f.value.length}`);
  return f.value[0];
};

/**
 * The length of a 1-D input such as `axes` or `pads`, from its value or its shape: enough
 * to know an output's rank when the values themselves are computed at run time.
 */
export const vectorLength = (f: TensorFact | undefined, role: string): number | null => {
  if (f === undefined) return null;
  if (f.value !== undefined) return f.value.length;
  if (f.shape === null) return null;
  if (f.shape.length === 0) return 1;
  if (f.shape.length !== 1) throw new ShapeError(`${role} should be 1-D, not of shape ${showShape(f.shape)}`);
  return f.shape[0];
};

/** A size from a file (attribute or value) that must be a non-negative safe integer. */
export const sizeValue = (v: number, what: string): number => {
  if (!Number.isSafeInteger(v) || v < 0) throw new ShapeError(`${what} ${v} is not a valid size`);
  return v;
};

/** A positive safe integer (kernels, strides, block sizes, ...). */
export const positive = (v: number, what: string): number => {
  if (!Number.isSafeInteger(v) || v < 1) throw new ShapeError(`${what} ${v} should be a positive integer`);
  return v;
};

/** Row-major strides of a known shape. */
export const stridesOf = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
};
