/**
 * Indexing ops: Gather (folded: shape chains pick dims with it), GatherElements, GatherND,
 * the Scatter family, OneHot, Compress, NonZero, TopK, Unique, NonMaxSuppression.
 */
import { ElemType } from '../ir.js';
import { getInt } from './attributes.js';
import {
  canFold,
  type Dim,
  fact,
  intValues,
  isKnown,
  need,
  normAxis,
  count, numel,
  numelOf,
  scalarValue,
  type Shape,
  showShape,
  sizeValue,
} from './facts.js';
import type { InferRule } from './types.js';
import { ShapeError } from './types.js';

const gather: InferRule = (node, inputs, ctx) => {
  const data = need(inputs, 0, 'data');
  const indices = need(inputs, 1, 'indices');
  if (data.shape === null) return [fact(data.dtype, null)];
  const r = data.shape.length;
  if (r === 0) throw new ShapeError('Gather data cannot be a scalar');
  const axis = normAxis(getInt(node, 'axis', 0), r);
  const d = data.shape[axis];
  const idx = intValues(indices, 'indices');
  if (idx !== undefined && d !== null) {
    for (const i of idx) if (i < -d || i >= d) throw new ShapeError(`index ${i} is out of range for axis ${axis} of size ${d}`);
  }
  if (indices.shape === null) return [fact(data.dtype, null)];
  const out = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  let value: number[] | undefined;
  if (idx !== undefined && d !== null && isKnown(out) && isKnown(data.shape) && canFold(ctx, count(out), data, indices)) {
    const v = data.value as number[];
    const outer = numel(data.shape.slice(0, axis)) as number;
    const inner = numel(data.shape.slice(axis + 1)) as number;
    value = [];
    for (let o = 0; o < outer; o++) {
      for (const raw of idx) {
        const base = (o * d + (raw < 0 ? raw + d : raw)) * inner;
        for (let t = 0; t < inner; t++) value.push(v[base + t]);
      }
    }
  }
  return [fact(data.dtype, out, value)];
};

const gatherElements: InferRule = (node, inputs) => {
  const data = need(inputs, 0, 'data');
  const indices = need(inputs, 1, 'indices');
  const r = data.shape?.length ?? indices.shape?.length ?? null;
  if (data.shape !== null && indices.shape !== null && data.shape.length !== indices.shape.length) {
    throw new ShapeError(`data ${showShape(data.shape)} and indices ${showShape(indices.shape)} differ in rank`);
  }
  if (r !== null) normAxis(getInt(node, 'axis', 0), r);
  return [fact(data.dtype, indices.shape)];
};

/** indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]. */
const gatherND: InferRule = (node, inputs) => {
  const data = need(inputs, 0, 'data');
  const indices = need(inputs, 1, 'indices');
  const b = sizeValue(getInt(node, 'batch_dims', 0), 'batch_dims');
  if (data.shape === null || indices.shape === null || indices.shape.length === 0) return [fact(data.dtype, null)];
  const last = indices.shape[indices.shape.length - 1];
  if (last === null) return [fact(data.dtype, null)];
  if (b + last > data.shape.length) {
    throw new ShapeError(`indices ${showShape(indices.shape)} with batch_dims ${b} index beyond data ${showShape(data.shape)}`);
  }
  return [fact(data.dtype, [...indices.shape.slice(0, -1), ...data.shape.slice(b + last)])];
};

const sameAsData: InferRule = (_node, inputs) => {
  const data = need(inputs, 0, 'data');
  return [fact(data.dtype, data.shape)];
};

const oneHot: InferRule = (node, inputs) => {
  const indices = need(inputs, 0, 'indices');
  const depthValue = scalarValue(need(inputs, 1, 'depth'), 'depth');
  const values = need(inputs, 2, 'values');
  const depth: Dim = depthValue === undefined ? null : sizeValue(Math.trunc(depthValue), 'depth');
  if (indices.shape === null) return [fact(values.dtype, null)];
  const r = indices.shape.length + 1;
  const axis = normAxis(getInt(node, 'axis', -1), r);
  return [fact(values.dtype, [...indices.shape.slice(0, axis), depth, ...indices.shape.slice(axis)])];
};

const countNonZero = (v: readonly number[], limit = v.length): number => {
  let n = 0;
  for (let i = 0; i < Math.min(limit, v.length); i++) if (v[i] !== 0) n++;
  return n;
};

const compress: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'input');
  const condition = need(inputs, 1, 'condition');
  const axisAttr = getInt(node, 'axis');
  const cond = condition.value;
  if (axisAttr === undefined) {
    // Flattened; the condition may be shorter than the input, never longer.
    return [fact(x.dtype, [cond === undefined ? null : countNonZero(cond, numelOf(x) ?? cond.length)])];
  }
  if (x.shape === null) return [fact(x.dtype, null)];
  const axis = normAxis(axisAttr, x.shape.length);
  const d = x.shape[axis];
  const kept = cond === undefined ? null : countNonZero(cond, d ?? cond.length);
  return [fact(x.dtype, x.shape.map((e, i) => (i === axis ? kept : e)))];
};

const nonZero: InferRule = (_node, inputs) => {
  const x = need(inputs, 0, 'X');
  const count = x.value === undefined ? null : countNonZero(x.value);
  return [fact(ElemType.INT64, [x.shape === null ? null : x.shape.length, count])];
};

const topK: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'X');
  let k: Dim;
  if (ctx.opset < 10) {
    const attr = getInt(node, 'k');
    if (attr === undefined) throw new ShapeError('attribute "k" is missing');
    k = sizeValue(attr, 'k');
  } else {
    const v = scalarValue(need(inputs, 1, 'K'), 'K');
    k = v === undefined ? null : sizeValue(v, 'k');
  }
  if (x.shape === null) return [fact(x.dtype, null), fact(ElemType.INT64, null)];
  const axis = normAxis(getInt(node, 'axis', -1), x.shape.length);
  const d = x.shape[axis];
  if (k !== null && d !== null && k > d) throw new ShapeError(`k ${k} is larger than axis ${axis} of size ${d}`);
  const out: Shape = x.shape.map((e, i) => (i === axis ? k : e));
  return [fact(x.dtype, out), fact(ElemType.INT64, out)];
};

const unique: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'X');
  const axisAttr = getInt(node, 'axis');
  let y: Shape | null = [null];
  let inverse: Dim = numelOf(x);
  if (axisAttr !== undefined) {
    if (x.shape === null) {
      y = null;
      inverse = null;
    } else {
      const axis = normAxis(axisAttr, x.shape.length);
      y = x.shape.map((d, i) => (i === axis ? null : d));
      inverse = x.shape[axis];
    }
  }
  const i64 = ElemType.INT64;
  return [fact(x.dtype, y), fact(i64, [null]), fact(i64, [inverse]), fact(i64, [null])];
};

const nonMaxSuppression: InferRule = () => [fact(ElemType.INT64, [null, 3])];

export const GATHER_RULES: [string, InferRule][] = [
  ['Gather', gather],
  ['GatherElements', gatherElements],
  ['GatherND', gatherND],
  ['ScatterND', sameAsData],
  ['ScatterElements', sameAsData],
  ['Scatter', sameAsData],
  ['TensorScatter', sameAsData],
  ['OneHot', oneHot],
  ['Compress', compress],
  ['NonZero', nonZero],
  ['TopK', topK],
  ['Unique', unique],
  ['NonMaxSuppression', nonMaxSuppression],
];
