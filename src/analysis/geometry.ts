import { ruleOf, type LayerNode, type Shape } from '../graph/types.js';
import type { MaybeShape } from './shape.js';

/**
 * The one place that knows how a layer's config maps to spatial geometry: kernel
 * window, strides, dilation and padding per spatial axis, effective kernel size, and
 * output size. Cost, receptive-field and savings code all read layers through it.
 */

/** Spatial geometry of a sliding-window layer, one entry per spatial axis. */
export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  dilation: number[];
  /**
   * Keras padding mode; or, for op-level graphs, 'explicit' (ONNX `pads`: `padsBefore` per
   * spatial axis) and 'same-lower' (ONNX SAME_LOWER: as 'same' with the larger half first).
   */
  padding: 'same' | 'valid' | 'causal' | 'same-lower' | 'explicit';
  /** With 'explicit' padding: the padding before each spatial axis. */
  padsBefore?: number[];
}

const WINDOW_KEYS = new Map<string, string>([
  ['Conv1D', 'kernelSize'],
  ['Conv2D', 'kernelSize'],
  ['Conv3D', 'kernelSize'],
  ['DepthwiseConv2D', 'kernelSize'],
  ['SeparableConv2D', 'kernelSize'],
  ['Conv1DTranspose', 'kernelSize'],
  ['Conv2DTranspose', 'kernelSize'],
  ['Conv3DTranspose', 'kernelSize'],
  ['MaxPooling1D', 'poolSize'],
  ['MaxPooling2D', 'poolSize'],
  ['MaxPooling3D', 'poolSize'],
  ['AveragePooling1D', 'poolSize'],
  ['AveragePooling2D', 'poolSize'],
  ['AveragePooling3D', 'poolSize'],
  ['LpPooling1D', 'poolSize'],
  ['LpPooling2D', 'poolSize'],
  ['LpPooling3D', 'poolSize'],
]);

/** Number of spatial axes of a channels-last (or channels-first) shape: rank - 2. */
export const spatialRank = (shape: MaybeShape): number => Math.max(0, (shape?.length ?? 0) - 2);

/** Spatial dimensions of a shape under the layer's data format. */
export function spatialDims(shape: MaybeShape, dataFormat?: unknown): (number | null)[] {
  if (!shape || shape.length < 3) return [];
  return dataFormat === 'channelsFirst' ? shape.slice(2) : shape.slice(1, -1);
}

/** A config value that may be a number or a tuple, as a tuple of `rank` numbers. */
export function tuple(value: unknown, rank: number, fallback: number): number[] {
  if (Array.isArray(value)) return value.map(Number);
  const v = value == null ? fallback : Number(value);
  return Array.from({ length: rank }, () => v);
}

/**
 * Kernel / pool window, strides and dilation of a sliding-window layer, or undefined for
 * classes that have none. Pooling strides default to the pool size, as in Keras.
 */
export function windowOf(node: LayerNode): WindowGeometry | undefined {
  const rule = ruleOf(node);
  const key = WINDOW_KEYS.get(rule);
  if (!key) return undefined;
  const rank = spatialRank(node.inputShapes[0]) || Number(/(\d)D$/.exec(rule)?.[1] ?? 2);
  const kernel = tuple(node.config[key], rank, 1);
  const isPool = key === 'poolSize';
  const padding = (node.config.padding as WindowGeometry['padding']) ?? 'valid';
  const w: WindowGeometry = {
    kernel,
    strides: isPool && node.config.strides == null ? kernel : tuple(node.config.strides, rank, 1),
    dilation: tuple(node.config.dilationRate, rank, 1),
    padding,
  };
  if (padding === 'explicit') w.padsBefore = tuple(node.config.pads, 2 * rank, 0).slice(0, rank);
  return w;
}

/** Span of a dilated kernel: d (k - 1) + 1. */
export const effectiveKernel = (k: number, dilation = 1): number => dilation * (k - 1) + 1;

type ImplicitPadding = Exclude<WindowGeometry['padding'], 'explicit'>;

/**
 * Padding TensorFlow adds before the first element ('same': the total is split with
 * the smaller half first; 'same-lower', ONNX's SAME_LOWER: the larger half first;
 * 'causal': all of it first; 'valid': none).
 */
export function padBefore(n: number, k: number, stride: number, padding: ImplicitPadding, dilation = 1): number {
  const span = effectiveKernel(k, dilation);
  if (padding === 'valid') return 0;
  if (padding === 'causal') return span - 1;
  const total = Math.max((Math.ceil(n / stride) - 1) * stride + span - n, 0);
  return padding === 'same-lower' ? Math.ceil(total / 2) : Math.floor(total / 2);
}

/**
 * padBefore for an input length that may be unknown (a model built for variable input
 * sizes). 'valid' and 'causal' never read the length, and neither does 'same' at
 * stride 1 (the total is always span - 1); at larger strides the split depends on the
 * length modulo the stride, so the answer is null.
 */
export function knownPadBefore(
  n: number | null | undefined,
  k: number,
  stride: number,
  padding: ImplicitPadding,
  dilation = 1,
): number | null {
  if (n != null) return padBefore(n, k, stride, padding, dilation);
  if (padding !== 'same' && padding !== 'same-lower') return padBefore(0, k, stride, padding, dilation);
  if (stride !== 1) return null;
  const total = effectiveKernel(k, dilation) - 1;
  return padding === 'same-lower' ? Math.ceil(total / 2) : Math.floor(total / 2);
}

/** The padding before spatial axis `axis` of a window over an input of length `n` (null if unknowable). */
export function windowPadBefore(w: WindowGeometry, axis: number, n: number | null | undefined): number | null {
  if (w.padding === 'explicit') return w.padsBefore?.[axis] ?? 0;
  return knownPadBefore(n, w.kernel[axis], w.strides[axis], w.padding, w.dilation[axis]);
}

/** ZeroPadding1D/2D/3D and Cropping: amount before each spatial axis. */
export function beforeAmounts(node: LayerNode, key: 'padding' | 'cropping', rank: number): number[] {
  const v = node.config[key];
  if (!Array.isArray(v)) return tuple(v, rank, 0);
  // The 1D layers take one (before, after) pair, not one amount per axis.
  if (rank === 1 && v.length === 2 && !Array.isArray(v[0])) return [Number(v[0])];
  return v.map((axis) => (Array.isArray(axis) ? Number(axis[0]) : Number(axis)));
}

/** True for a 1x1 (1, 1x1x1, ...) kernel: a pointwise convolution mixes channels only. */
export const isPointwiseKernel = (kernel: readonly number[]): boolean => kernel.length > 0 && kernel.every((k) => k === 1);

/**
 * The n x n kernel that a 1xn then nx1 pair (or nx1 then 1xn) stacks up to, as in
 * Inception v3's factorised convolutions; undefined when the two kernels are no such pair.
 */
export function factorizedKernel(first: readonly number[], second: readonly number[]): number[] | undefined {
  if (first.length !== 2 || second.length !== 2) return undefined;
  const [a, b] = first;
  const [c, d] = second;
  const pair = (a === 1 && b > 1 && c === b && d === 1) || (b === 1 && a > 1 && d === a && c === 1);
  return pair ? [Math.max(a, b), Math.max(a, b)] : undefined;
}

/** "32x32", "?x32": dimensions as a person reads them. */
const dimsText = (dims: readonly (number | null | undefined)[]): string => dims.map((d) => (d == null ? '?' : String(d))).join('x');

/** The layer's output shapes that have a dimension below 1 (an empty or negative size: no such tensor can exist). */
const impossibleShapes = (shapes: readonly MaybeShape[]): Shape[] =>
  shapes.filter((s): s is Shape => Array.isArray(s) && s.some((d) => typeof d === 'number' && d < 1));

type ShapedLayer = Pick<LayerNode, 'name' | 'className' | 'kind' | 'config' | 'inputShapes' | 'outputShapes'>;

/**
 * Why a layer's output cannot exist, when a dimension of it is below 1 (a 64x64 `valid`
 * kernel on a 32x32 input: floor((32 - 64) / 1) + 1 = -31), as one sentence naming the
 * layer, its input and what the output would be; undefined when every size is 1 or more.
 * Callers refuse the model with it before anything is built on such a shape.
 */
export function impossibleOutput(node: ShapedLayer): string | undefined {
  const bad = impossibleShapes(node.outputShapes);
  if (bad.length === 0) return undefined;
  const out = bad[0];
  const input = node.inputShapes[0];
  const label = `layer ${JSON.stringify(node.name)} (${node.className})`;
  const format = node.config.dataFormat;
  const inSpatial = spatialDims(input, format);
  const outSpatial = spatialDims(out, format);
  const w = windowOf(node as LayerNode);
  if (w && inSpatial.length === w.kernel.length && outSpatial.length === w.kernel.length) {
    const what = ruleOf(node).includes('Pooling') ? 'pool window' : 'kernel';
    const span = w.kernel.map((k, i) => effectiveKernel(k, w.dilation[i]));
    const dilated = span.some((s, i) => s !== w.kernel[i]) ? ` (dilated ${dimsText(w.dilation)}: it spans ${dimsText(span)})` : '';
    const fits = /Transpose$/.test(ruleOf(node)) ? 'with its padding gives no output from' : 'does not fit';
    return `${label}: a ${dimsText(w.kernel)} ${what}${dilated} ${fits} its ${dimsText(inSpatial)} input (${w.padding} padding): output would be ${dimsText(outSpatial)}`;
  }
  if (/^Cropping\dD$/.test(ruleOf(node)) && inSpatial.length > 0) {
    return `${label}: cropping ${JSON.stringify(node.config.cropping)} leaves nothing of its ${dimsText(inSpatial)} input: output would be ${dimsText(outSpatial)}`;
  }
  const inText = node.inputShapes.length > 0 ? `its input ${node.inputShapes.map((s) => (s ? dimsText(s.slice(1)) : '?')).join(', ')} gives` : 'it gives';
  return `${label}: ${inText} an output of ${dimsText(out.slice(1))}, and no size can be below 1`;
}
