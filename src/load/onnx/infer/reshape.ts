/**
 * Ops that rearrange a tensor without computing on it: Reshape, Flatten, Squeeze,
 * Unsqueeze, Transpose, Expand, Tile, DepthToSpace, SpaceToDepth. Values carry over.
 */
import { getInt, getInts } from './attributes.js';
import { broadcastShapes, broadcastValues } from './broadcast.js';
import {
  canFold,
  checkedMul,
  type Dim,
  fact,
  intValues,
  isKnown,
  need,
  normAxes,
  count, numel,
  positive,
  reshaped,
  type Shape,
  showShape,
  sizeValue,
  stridesOf,
  unknownDims,
  vectorLength,
} from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

/** ONNX Reshape: 0 copies the input dim (unless allowzero), one -1 is inferred, sizes must match. */
export const reshapeShape = (input: Shape | null, target: readonly number[], allowZero: boolean): Shape => {
  let inferAt = -1;
  const out: Dim[] = target.map((t, i) => {
    if (t === -1) {
      if (inferAt !== -1) throw new ShapeError(`shape ${showShape(target)} has more than one -1`);
      inferAt = i;
      return null;
    }
    if (t === 0 && !allowZero) {
      if (input === null) return null;
      if (i >= input.length) throw new ShapeError(`shape ${showShape(target)} copies dim ${i} of ${showShape(input)}, which has no such dim`);
      return input[i];
    }
    return sizeValue(t, 'shape value');
  });
  if (input === null) return out;
  // Dims copied by 0 are the same on both sides, so they cancel even when unknown.
  const copied = (i: number) => !allowZero && target[i] === 0;
  const rest = input.filter((_, i) => !(i < target.length && copied(i)));
  const restIn = count(rest);
  const restOut = count(out.filter((d, i) => i !== inferAt && !copied(i)));
  if (inferAt !== -1) {
    if (restIn !== null && restOut !== null) {
      if (restOut === 0) throw new ShapeError(`cannot infer the -1 of ${showShape(target)} next to a 0 size`);
      if (restIn % restOut !== 0) {
        throw new ShapeError(`cannot reshape ${showShape(input)} to ${showShape(target)}: ${restIn} elements do not divide by ${restOut}`);
      }
      out[inferAt] = restIn / restOut;
    }
  } else if (restIn !== null && restOut !== null && restIn !== restOut) {
    throw new ShapeError(`cannot reshape ${showShape(input)} (${count(input) ?? restIn} elements) to ${showShape(out)} (${count(out) ?? restOut} elements)`);
  }
  return out;
};

const reshape: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  let target: number[] | undefined;
  let len: number | null;
  if (ctx.opset < 5) {
    target = getInts(node, 'shape');
    if (target === undefined) throw new ShapeError('attribute "shape" is missing');
    len = target.length;
  } else {
    const s = need(inputs, 1, 'shape');
    target = intValues(s, 'shape');
    len = vectorLength(s, 'shape');
  }
  if (target === undefined) return [fact(x.dtype, unknownDims(len))];
  const allowZero = ctx.opset >= 14 && getInt(node, 'allowzero', 0) !== 0;
  return [reshaped(x, reshapeShape(x.shape, target, allowZero))];
};

const flatten: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'input');
  if (x.shape === null) return [fact(x.dtype, [null, null])];
  const r = x.shape.length;
  const a = getInt(node, 'axis', 1);
  // Unlike most axes, r itself is allowed (everything goes into the first factor).
  if (a < -r || a > r) throw new ShapeError(`axis ${a} is out of range for rank ${r}`);
  const axis = a < 0 ? a + r : a;
  return [reshaped(x, [numel(x.shape.slice(0, axis)), numel(x.shape.slice(axis))])];
};

/** Squeeze's and Unsqueeze's axes: an attribute until opset 13, then an input. */
const readAxes = (node: Parameters<InferRule>[0], inputs: (TensorFact | undefined)[], opset: number): { axes?: number[]; len: number | null } => {
  if (opset < 13) {
    const axes = getInts(node, 'axes');
    return { axes, len: axes?.length ?? null };
  }
  const f = inputs[1];
  if (f === undefined) return { axes: undefined, len: null };
  return { axes: intValues(f, 'axes'), len: vectorLength(f, 'axes') };
};

const squeeze: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  const given = ctx.opset < 13 ? getInts(node, 'axes') !== undefined : inputs[1] !== undefined;
  const { axes, len } = readAxes(node, inputs, ctx.opset);
  if (x.shape === null) return [fact(x.dtype, null)];
  const shape = x.shape;
  if (!given || (axes !== undefined && axes.length === 0)) {
    // Every 1 goes; an unknown dim may or may not be 1, so the rank is then unknown.
    if (shape.some((d) => d === null)) return [fact(x.dtype, null)];
    return [reshaped(x, shape.filter((d) => d !== 1))];
  }
  if (axes === undefined) return [fact(x.dtype, unknownDims(len === null ? null : shape.length - len))];
  const drop = new Set(normAxes(axes, shape.length));
  for (const a of drop) {
    const d = shape[a];
    if (d !== null && d !== 1) throw new ShapeError(`cannot squeeze axis ${a} of ${showShape(shape)}: its size is ${d}`);
  }
  return [reshaped(x, shape.filter((_, i) => !drop.has(i)))];
};

const unsqueeze: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  if (ctx.opset < 13 ? getInts(node, 'axes') === undefined : inputs[1] === undefined) {
    throw new ShapeError(ctx.opset < 13 ? 'attribute "axes" is missing' : 'input 1 (axes) is missing');
  }
  const { axes, len } = readAxes(node, inputs, ctx.opset);
  if (x.shape === null) return [fact(x.dtype, null)];
  if (axes === undefined) return [fact(x.dtype, unknownDims(len === null ? null : x.shape.length + len))];
  const rank = x.shape.length + axes.length;
  const add = new Set(normAxes(axes, rank));
  const out: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(add.has(i) ? 1 : x.shape[j++]);
  return [reshaped(x, out)];
};

const transposeValues = (value: number[], shape: number[], perm: number[]): number[] => {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]);
  const step = perm.map((p) => inStrides[p]);
  const res = new Array<number>(value.length);
  const counter = new Array<number>(perm.length).fill(0);
  let at = 0;
  for (let k = 0; k < value.length; k++) {
    res[k] = value[at];
    for (let i = perm.length - 1; i >= 0; i--) {
      counter[i]++;
      at += step[i];
      if (counter[i] < outShape[i]) break;
      at -= step[i] * counter[i];
      counter[i] = 0;
    }
  }
  return res;
};

const transpose: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  const permAttr = getInts(node, 'perm');
  if (x.shape === null) return [fact(x.dtype, permAttr === undefined ? null : unknownDims(permAttr.length))];
  const r = x.shape.length;
  const perm = permAttr ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= r)) {
    throw new ShapeError(`perm ${showShape(perm)} is not a permutation of ${r} axes`);
  }
  const shape = perm.map((p) => (x.shape as Shape)[p]);
  const fold = isKnown(x.shape) && canFold(ctx, x.value?.length ?? null, x);
  return [fact(x.dtype, shape, fold ? transposeValues(x.value as number[], x.shape as number[], perm) : undefined)];
};

const expand: InferRule = (_node, inputs, ctx) => {
  const x = need(inputs, 0, 'input');
  const s = need(inputs, 1, 'shape');
  const target = intValues(s, 'shape');
  const len = vectorLength(s, 'shape');
  const targetShape = target === undefined ? unknownDims(len) : target.map((d) => sizeValue(d, 'shape value'));
  const out = broadcastShapes([x.shape, targetShape]);
  const fold = out !== null && isKnown(out) && x.shape !== null && isKnown(x.shape) && canFold(ctx, count(out), x);
  return [fact(x.dtype, out, fold ? broadcastValues(x.value as number[], x.shape as number[], out as number[]) : undefined)];
};

const tile: InferRule = (_node, inputs, ctx) => {
  const x = need(inputs, 0, 'input');
  const repeats = intValues(need(inputs, 1, 'repeats'), 'repeats');
  if (x.shape === null) return [fact(x.dtype, null)];
  const shape = x.shape;
  if (repeats === undefined) return [fact(x.dtype, shape.map((d) => (d === 0 ? 0 : null)))];
  if (repeats.length !== shape.length) throw new ShapeError(`${repeats.length} repeats for ${showShape(shape)}`);
  const out = shape.map((d, i) => (d === null ? null : checkedMul(d, sizeValue(repeats[i], 'repeat'))));
  let value: number[] | undefined;
  if (isKnown(out) && isKnown(shape) && canFold(ctx, count(out), x)) {
    // Tiling is broadcasting [1, d0, 1, d1, ...] of the input to [r0, d0, r1, d1, ...].
    const from = shape.flatMap((d) => [1, d]);
    const to = shape.flatMap((d, i) => [repeats[i], d]);
    value = broadcastValues(x.value as number[], from, to);
  }
  return [fact(x.dtype, out, value)];
};

const depthToSpace: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'input');
  const b = positive(getInt(node, 'blocksize') ?? 0, 'blocksize');
  if (x.shape === null) return [fact(x.dtype, [null, null, null, null])];
  if (x.shape.length !== 4) throw new ShapeError(`input should be 4-D, not of shape ${showShape(x.shape)}`);
  const [n, c, h, w] = x.shape;
  const bb = checkedMul(b, b);
  if (c !== null && c % bb !== 0) throw new ShapeError(`${c} channels do not divide by blocksize ${b} squared`);
  const mul = (d: Dim) => (d === null ? null : checkedMul(d, b));
  return [fact(x.dtype, [n, c === null ? null : c / bb, mul(h), mul(w)])];
};

const spaceToDepth: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'input');
  const b = positive(getInt(node, 'blocksize') ?? 0, 'blocksize');
  if (x.shape === null) return [fact(x.dtype, [null, null, null, null])];
  if (x.shape.length !== 4) throw new ShapeError(`input should be 4-D, not of shape ${showShape(x.shape)}`);
  const [n, c, h, w] = x.shape;
  const div = (d: Dim) => {
    if (d === null) return null;
    if (d % b !== 0) throw new ShapeError(`size ${d} does not divide by blocksize ${b}`);
    return d / b;
  };
  return [fact(x.dtype, [n, c === null ? null : checkedMul(c, checkedMul(b, b)), div(h), div(w)])];
};

export const RESHAPE_RULES: [string, InferRule][] = [
  ['Reshape', reshape],
  ['Flatten', flatten],
  ['Squeeze', squeeze],
  ['Unsqueeze', unsqueeze],
  ['Transpose', transpose],
  ['Expand', expand],
  ['Tile', tile],
  ['DepthToSpace', depthToSpace],
  ['SpaceToDepth', spaceToDepth],
];
