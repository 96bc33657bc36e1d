/** Concat, Split, Slice and Pad: ops that cut or join along axes, with folding. */
import type { OnnxNode } from '../ir.js';
import { getInt, getInts } from './attributes.js';
import {
  canFold,
  type Dim,
  fact,
  intValues,
  isKnown,
  need,
  normAxes,
  normAxis,
  count, numel,
  type Shape,
  showShape,
  sizeValue,
  stridesOf,
  vectorLength,
} from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

/** One axis of a box: the input indices first, first + step, ... (len of them). */
interface Run {
  first: number;
  len: number;
  step: number;
}

const whole = (d: number): Run => ({ first: 0, len: d, step: 1 });

/** The elements of a box of the input (row-major). Callers have bounded its size. */
const gatherBox = (value: number[], shape: number[], runs: Run[]): number[] => {
  const n = runs.reduce((a, r) => a * r.len, 1);
  if (n === 0) return [];
  const strides = stridesOf(shape);
  const res = new Array<number>(n);
  const rank = shape.length;
  const counter = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let at = 0;
    for (let i = 0; i < rank; i++) at += (runs[i].first + counter[i] * runs[i].step) * strides[i];
    res[k] = value[at];
    for (let i = rank - 1; i >= 0; i--) {
      if (++counter[i] < runs[i].len) break;
      counter[i] = 0;
    }
  }
  return res;
};

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

const concat: InferRule = (node, inputs, ctx) => {
  const ins = node.input.map((_, i) => need(inputs, i, `input ${i}`));
  if (ins.length === 0) throw new ShapeError('Concat has no inputs');
  const dtype = ins.find((f) => f.dtype !== 0)?.dtype ?? 0;
  const ranks = new Set(ins.filter((f) => f.shape !== null).map((f) => (f.shape as Shape).length));
  if (ranks.size > 1) throw new ShapeError(`inputs of shapes ${ins.map((f) => showShape(f.shape)).join(', ')} differ in rank`);
  if (ranks.size === 0) return [fact(dtype, null)];
  const rank = [...ranks][0];
  // Optional (default 1) until opset 4 made it required.
  const axisAttr = getInt(node, 'axis') ?? (ctx.opset < 4 ? 1 : undefined);
  if (axisAttr === undefined) throw new ShapeError('attribute "axis" is missing');
  const axis = normAxis(axisAttr, rank);
  const out: Dim[] = new Array<Dim>(rank).fill(null);
  let total: number | null = 0;
  let rankKnownEverywhere = true;
  for (const f of ins) {
    if (f.shape === null) {
      rankKnownEverywhere = false;
      total = null;
      continue;
    }
    f.shape.forEach((d, i) => {
      if (i === axis) return;
      if (d !== null && out[i] !== null && d !== out[i]) {
        throw new ShapeError(`inputs of shapes ${ins.map((g) => showShape(g.shape)).join(', ')} differ off the concat axis ${axis}`);
      }
      out[i] ??= d;
    });
    const d = f.shape[axis];
    total = total === null || d === null ? null : total + d;
  }
  out[axis] = total;
  let value: number[] | undefined;
  if (rankKnownEverywhere && isKnown(out) && canFold(ctx, count(out), ...ins)) {
    const outer = numel(out.slice(0, axis)) as number;
    const inner = numel(out.slice(axis + 1)) as number;
    value = [];
    for (let o = 0; o < outer; o++) {
      for (const f of ins) {
        const chunk = (f.shape as number[])[axis] * inner;
        const v = f.value as number[];
        for (let j = 0; j < chunk; j++) value.push(v[o * chunk + j]);
      }
    }
  }
  return [fact(dtype, out, value)];
};

/** Split sizes: the `split` attribute (to opset 12) or input (13+), num_outputs (18+), or equal parts. */
const splitSizes = (node: OnnxNode, inputs: (TensorFact | undefined)[], opset: number, d: Dim): Dim[] => {
  const n = node.output.length;
  let split: number[] | undefined;
  let splitGiven = false;
  if (opset < 13) {
    split = getInts(node, 'split');
    splitGiven = split !== undefined;
    if (!splitGiven && opset < 2 && inputs[1] !== undefined) {
      splitGiven = true;
      split = intValues(inputs[1], 'split');
    }
  } else if (inputs[1] !== undefined) {
    splitGiven = true;
    split = intValues(inputs[1], 'split');
  }
  if (splitGiven) {
    if (split === undefined) return new Array<Dim>(n).fill(null);
    if (split.length !== n) throw new ShapeError(`split ${showShape(split)} has ${split.length} sizes for ${n} outputs`);
    const sizes = split.map((s) => sizeValue(s, 'split size'));
    const sum = sizes.reduce((a, b) => a + b, 0);
    if (d !== null && sum !== d) throw new ShapeError(`split ${showShape(split)} adds up to ${sum}, not the axis size ${d}`);
    return sizes;
  }
  const numOutputs = opset >= 18 ? getInt(node, 'num_outputs') : undefined;
  if (numOutputs !== undefined && numOutputs !== n) throw new ShapeError(`num_outputs is ${numOutputs} but the node has ${n} outputs`);
  if (d === null) return new Array<Dim>(n).fill(null);
  if (numOutputs !== undefined) {
    const chunk = Math.ceil(d / n);
    const last = d - chunk * (n - 1);
    if (last < 0) throw new ShapeError(`axis size ${d} does not split into ${n} chunks of ${chunk}`);
    return [...new Array<number>(n - 1).fill(chunk), last];
  }
  if (d % n !== 0) throw new ShapeError(`axis size ${d} does not split into ${n} equal parts`);
  return new Array<number>(n).fill(d / n);
};

const split: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'input');
  if (node.output.length === 0) throw new ShapeError('Split has no outputs');
  if (x.shape === null) {
    splitSizes(node, inputs, ctx.opset, null);
    return node.output.map(() => fact(x.dtype, null));
  }
  const shape = x.shape;
  const axis = normAxis(getInt(node, 'axis', 0), shape.length);
  const sizes = splitSizes(node, inputs, ctx.opset, shape[axis]);
  let offset = 0;
  return sizes.map((s) => {
    const out = shape.map((d, i) => (i === axis ? s : d));
    let value: number[] | undefined;
    if (s !== null && isKnown(out) && isKnown(shape) && canFold(ctx, count(out), x)) {
      value = gatherBox(x.value as number[], shape, shape.map((d, i) => (i === axis ? { first: offset, len: s, step: 1 } : whole(d as number))));
    }
    offset += s ?? 0;
    return fact(x.dtype, out, value);
  });
};

/** ONNX's clamping of one sliced axis of size d: the first index and the count. */
export const sliceAxis = (d: number, start: number, end: number, step: number): { first: number; len: number } => {
  if (step === 0) throw new ShapeError('slice step is 0');
  if (start < 0) start += d;
  if (end < 0) end += d;
  if (step > 0) {
    start = Math.min(Math.max(start, 0), d);
    end = Math.min(Math.max(end, 0), d);
    return { first: start, len: Math.max(0, Math.ceil((end - start) / step)) };
  }
  start = Math.min(Math.max(start, 0), d - 1);
  end = Math.min(Math.max(end, -1), d - 1);
  return { first: start, len: Math.max(0, Math.ceil((start - end) / -step)) };
};

interface SliceParams {
  /** undefined: computed at run time. */
  starts?: number[];
  ends?: number[];
  /** undefined: not given (the first axes); null: given but computed at run time. */
  axes?: number[] | null;
  steps?: number[] | null;
  /** How many axes are sliced, from the inputs' shapes when their values are not known. */
  count: number | null;
}

const sliceParams = (node: OnnxNode, inputs: (TensorFact | undefined)[], opset: number): SliceParams => {
  if (opset < 10) {
    const starts = getInts(node, 'starts');
    const ends = getInts(node, 'ends');
    if (starts === undefined || ends === undefined) throw new ShapeError('attributes "starts" and "ends" are required');
    return { starts, ends, axes: getInts(node, 'axes'), count: starts.length };
  }
  const s = need(inputs, 1, 'starts');
  const e = need(inputs, 2, 'ends');
  const a = inputs[3];
  const st = inputs[4];
  return {
    starts: intValues(s, 'starts'),
    ends: intValues(e, 'ends'),
    axes: a === undefined ? undefined : (intValues(a, 'axes') ?? null),
    steps: st === undefined ? undefined : (intValues(st, 'steps') ?? null),
    count: vectorLength(s, 'starts') ?? vectorLength(e, 'ends'),
  };
};

const slice: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  if (x.shape === null) return [fact(x.dtype, null)];
  const shape = x.shape;
  const p = sliceParams(node, inputs, ctx.opset);
  const n = p.starts?.length ?? p.ends?.length ?? p.count;
  // Without the axes, any dim may be the sliced one.
  if (p.axes === null || n === null) return [fact(x.dtype, shape.map(() => null))];
  for (const [name, v] of [['ends', p.ends], ['axes', p.axes], ['steps', p.steps]] as const) {
    if (v != null && v.length !== n) throw new ShapeError(`slice ${name} has ${v.length} values for ${n} starts`);
  }
  if (p.axes === undefined && n > shape.length) throw new ShapeError(`${n} slice starts for ${showShape(shape)}`);
  const axes = normAxes(p.axes ?? range(n), shape.length);
  const steps = p.steps === undefined ? new Array<number>(n).fill(1) : p.steps;
  const out: Dim[] = [...shape];
  const runs: (Run | null)[] = shape.map((d) => (d === null ? null : whole(d)));
  axes.forEach((a, i) => {
    const d = shape[a];
    if (p.starts === undefined || p.ends === undefined || steps === null || d === null) {
      out[a] = null;
      runs[a] = null;
      return;
    }
    const { first, len } = sliceAxis(d, p.starts[i], p.ends[i], steps[i]);
    out[a] = len;
    runs[a] = { first, len, step: steps[i] };
  });
  let value: number[] | undefined;
  if (isKnown(out) && isKnown(shape) && canFold(ctx, count(out), x)) {
    value = gatherBox(x.value as number[], shape, runs as Run[]);
  }
  return [fact(x.dtype, out, value)];
};

/** Pads: `paddings` (opset 1), `pads` attribute (2-10) or input (11+); `axes` input from 18. Negative pads crop. */
const pad: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  let pads: number[] | undefined;
  if (ctx.opset < 11) {
    pads = getInts(node, ctx.opset < 2 ? 'paddings' : 'pads') ?? getInts(node, 'pads');
    if (pads === undefined) throw new ShapeError('attribute "pads" is missing');
  } else {
    pads = intValues(need(inputs, 1, 'pads'), 'pads');
  }
  if (x.shape === null) return [fact(x.dtype, null)];
  const shape = x.shape;
  const axesIn = ctx.opset >= 18 ? inputs[3] : undefined;
  const axesValue = axesIn === undefined ? undefined : intValues(axesIn, 'axes');
  if (axesIn !== undefined && axesValue === undefined) return [fact(x.dtype, shape.map(() => null))];
  const axes = axesValue === undefined ? range(shape.length) : normAxes(axesValue, shape.length);
  if (pads === undefined) {
    const set = new Set(axes);
    return [fact(x.dtype, shape.map((d, i) => (set.has(i) ? null : d)))];
  }
  if (pads.length !== 2 * axes.length) throw new ShapeError(`${pads.length} pads for ${axes.length} axes of ${showShape(shape)}`);
  const out: Dim[] = [...shape];
  axes.forEach((a, i) => {
    const d = shape[a];
    if (d === null) return;
    const o = d + pads[i] + pads[i + axes.length];
    if (!Number.isSafeInteger(o) || o < 0) {
      throw new ShapeError(`pads ${pads[i]}+${pads[i + axes.length]} on axis ${a} of size ${d} give size ${o}`);
    }
    out[a] = o;
  });
  return [fact(x.dtype, out)];
};

export const SLICE_RULES: [string, InferRule][] = [
  ['Concat', concat],
  ['Split', split],
  ['Slice', slice],
  ['Pad', pad],
];
