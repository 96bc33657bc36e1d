/**
 * Resize (opset 10: X, scales; 11-12: X, roi, scales, sizes; 13+: all but X optional; 18+:
 * `axes` and keep_aspect_ratio_policy) and Upsample. out = floor(in x scale); sizes win.
 */
import type { OnnxNode } from '../ir.js';
import { getChoice, getFloat, getFloats, getInts } from './attributes.js';
import { type Dim, fact, intValues, need, normAxes, type Shape, showShape, sizeValue, unknownDims, vectorLength } from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

const scaled = (d: Dim, s: number, axis: number): Dim => {
  if (!(s > 0)) throw new ShapeError(`scale ${s} on axis ${axis} is not positive`);
  if (d === null) return null;
  const out = Math.floor(d * s);
  if (!Number.isSafeInteger(out)) throw new ShapeError(`scale ${s} on axis ${axis} of size ${d} gives size ${out}`);
  return out;
};

/** Present, and not the empty tensor that exporters pass for "not given". */
const given = (f: TensorFact | undefined, role: string): boolean => f !== undefined && vectorLength(f, role) !== 0;

const fromSizes = (node: OnnxNode, shape: Shape, axes: number[], sizes: number[]): Shape => {
  if (sizes.length !== axes.length) throw new ShapeError(`${sizes.length} sizes for ${axes.length} axes of ${showShape(shape)}`);
  const policy = getChoice(node, 'keep_aspect_ratio_policy', ['stretch', 'not_larger', 'not_smaller'], 'stretch');
  const out = [...shape];
  const valid = sizes.map((s) => sizeValue(s, 'size'));
  if (policy === 'stretch') {
    axes.forEach((a, i) => (out[a] = valid[i]));
    return out;
  }
  // One scale for all axes keeps the aspect ratio; it depends on every resized input dim.
  const ins = axes.map((a) => shape[a]);
  if (ins.some((d) => d === null)) {
    axes.forEach((a) => (out[a] = null));
    return out;
  }
  const ratios = valid.map((s, i) => s / (ins[i] as number));
  const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
  axes.forEach((a, i) => (out[a] = Math.round(scale * (ins[i] as number))));
  return out;
};

const resize: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'X');
  const scalesF = ctx.opset < 11 ? need(inputs, 1, 'scales') : inputs[2];
  const sizesF = ctx.opset < 11 ? undefined : inputs[3];
  const hasSizes = given(sizesF, 'sizes');
  const hasScales = given(scalesF, 'scales');
  const lenOf = (f: TensorFact | undefined, role: string) => (f === undefined ? null : vectorLength(f, role));
  if (hasSizes && hasScales && lenOf(sizesF, 'sizes') !== null && lenOf(scalesF, 'scales') !== null) {
    throw new ShapeError('both scales and sizes are given');
  }
  if (!hasSizes && !hasScales) throw new ShapeError('neither scales nor sizes is given');
  const axesAttr = ctx.opset >= 18 ? getInts(node, 'axes') : undefined;
  if (x.shape === null) {
    return [fact(x.dtype, axesAttr === undefined ? unknownDims(hasSizes ? lenOf(sizesF, 'sizes') : lenOf(scalesF, 'scales')) : null)];
  }
  const shape = x.shape;
  const axes = axesAttr === undefined ? shape.map((_, i) => i) : normAxes(axesAttr, shape.length);
  const unknownOnAxes = (): Shape => shape.map((d, i) => (axes.includes(i) ? null : d));
  if (hasSizes) {
    const sizes = intValues(sizesF, 'sizes');
    return [fact(x.dtype, sizes === undefined ? unknownOnAxes() : fromSizes(node, shape, axes, sizes))];
  }
  const scales = scalesF?.value;
  if (scales === undefined) return [fact(x.dtype, unknownOnAxes())];
  if (scales.length !== axes.length) throw new ShapeError(`${scales.length} scales for ${axes.length} axes of ${showShape(shape)}`);
  const out = [...shape];
  axes.forEach((a, i) => (out[a] = scaled(shape[a], scales[i], a)));
  return [fact(x.dtype, out)];
};

/** Upsample: height_scale/width_scale (opset 1), scales attribute (7-8), scales input (9+). */
const upsample: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'X');
  let scales: number[] | undefined;
  if (ctx.opset < 7) {
    scales = [1, 1, getFloat(node, 'height_scale', 1), getFloat(node, 'width_scale', 1)];
  } else if (ctx.opset < 9) {
    scales = getFloats(node, 'scales');
    if (scales === undefined) throw new ShapeError('attribute "scales" is missing');
  } else {
    scales = need(inputs, 1, 'scales').value;
  }
  if (x.shape === null) return [fact(x.dtype, null)];
  const shape = x.shape;
  if (scales === undefined) return [fact(x.dtype, shape.map(() => null))];
  if (scales.length !== shape.length) throw new ShapeError(`${scales.length} scales for ${showShape(shape)}`);
  return [fact(x.dtype, shape.map((d, i) => scaled(d, scales[i], i)))];
};

export const RESIZE_RULES: [string, InferRule][] = [
  ['Resize', resize],
  ['Upsample', upsample],
];
