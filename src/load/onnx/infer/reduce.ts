/** Reduce* (axes as an attribute, or as an input from opset 13 for ReduceSum and 18 for the rest), ArgMax, ArgMin. */
import { ElemType } from '../ir.js';
import { getInt, getInts } from './attributes.js';
import { storeAllAs } from './dtype.js';
import { canFold, fact, intValues, isKnown, need, normAxes, normAxis, count, numel, stridesOf, unknownDims, vectorLength } from './facts.js';
import type { InferRule, TensorFact } from './types.js';

interface Fold {
  init: number;
  step: (acc: number, x: number) => number;
}

/** Reduce known values over `axes` (normalised) of `shape`, keeping dims (the caller reshapes). */
const reduceValues = (value: number[], shape: number[], axes: Set<number>, f: Fold): number[] => {
  const outShape = shape.map((d, i) => (axes.has(i) ? 1 : d));
  const outStrides = stridesOf(outShape);
  const step = shape.map((_, i) => (axes.has(i) ? 0 : outStrides[i]));
  const acc = new Array<number>(numel(outShape) as number).fill(f.init);
  const counter = new Array<number>(shape.length).fill(0);
  let at = 0;
  for (let k = 0; k < value.length; k++) {
    acc[at] = f.step(acc[at], value[k]);
    for (let i = shape.length - 1; i >= 0; i--) {
      counter[i]++;
      at += step[i];
      if (counter[i] < shape[i]) break;
      at -= step[i] * counter[i];
      counter[i] = 0;
    }
  }
  return acc;
};

/** The axes to reduce: undefined when not given, null when given but computed at run time. */
const readAxes = (node: Parameters<InferRule>[0], inputs: (TensorFact | undefined)[], fromInput: boolean) => {
  if (!fromInput) return { axes: getInts(node, 'axes'), len: null as number | null };
  const f = inputs[1];
  if (f === undefined) return { axes: undefined, len: null };
  return { axes: intValues(f, 'axes') ?? null, len: vectorLength(f, 'axes') };
};

const reduce =
  (inputSince: number, fold?: Fold): InferRule =>
  (node, inputs, ctx) => {
    const x = need(inputs, 0, 'data');
    const fromInput = ctx.opset >= inputSince;
    const keep = getInt(node, 'keepdims', 1) !== 0;
    const noop = fromInput && getInt(node, 'noop_with_empty_axes', 0) !== 0;
    const { axes, len } = readAxes(node, inputs, fromInput);
    const empty = axes === undefined || (axes !== null && axes.length === 0) || len === 0;
    if (empty && noop) return [x];
    if (x.shape === null) return [fact(x.dtype, null)];
    const shape = x.shape;
    if (axes === null && len !== 0) {
      // Which axes go is known only at run time: a 1 stays 1 either way, nothing else is known.
      if (keep) return [fact(x.dtype, shape.map((d) => (d === 1 ? 1 : null)))];
      return [fact(x.dtype, unknownDims(len === null ? null : shape.length - len))];
    }
    const set = new Set(empty ? shape.map((_, i) => i) : normAxes(axes as number[], shape.length));
    const out = keep ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
    if (fold !== undefined && isKnown(shape) && canFold(ctx, count(out), x)) {
      const v = storeAllAs(x.dtype, reduceValues(x.value as number[], shape, set, fold));
      if (v !== undefined) return [fact(x.dtype, out, v)];
    }
    return [fact(x.dtype, out)];
  };

const argReduce: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'data');
  if (x.shape === null) return [fact(ElemType.INT64, null)];
  const axis = normAxis(getInt(node, 'axis', 0), x.shape.length);
  const keep = getInt(node, 'keepdims', 1) !== 0;
  const out = keep ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  return [fact(ElemType.INT64, out)];
};

const SUM: Fold = { init: 0, step: (a, x) => a + x };
const PROD: Fold = { init: 1, step: (a, x) => a * x };
const MIN: Fold = { init: Infinity, step: Math.min };
const MAX: Fold = { init: -Infinity, step: Math.max };

export const REDUCE_RULES: [string, InferRule][] = [
  ['ReduceSum', reduce(13, SUM)],
  ['ReduceProd', reduce(18, PROD)],
  ['ReduceMin', reduce(18, MIN)],
  ['ReduceMax', reduce(18, MAX)],
  ...['ReduceMean', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'].map(
    (op): [string, InferRule] => [op, reduce(18)],
  ),
  ['ArgMax', argReduce],
  ['ArgMin', argReduce],
];
