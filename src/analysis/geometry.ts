import type { LayerNode, Shape } from '../graph/types.js';

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
  /** Keras padding mode. */
  padding: 'same' | 'valid' | 'causal';
}

const WINDOW_KEYS: Readonly<Record<string, string>> = {
  Conv1D: 'kernelSize',
  Conv2D: 'kernelSize',
  Conv3D: 'kernelSize',
  DepthwiseConv2D: 'kernelSize',
  SeparableConv2D: 'kernelSize',
  Conv2DTranspose: 'kernelSize',
  MaxPooling1D: 'poolSize',
  MaxPooling2D: 'poolSize',
  MaxPooling3D: 'poolSize',
  AveragePooling1D: 'poolSize',
  AveragePooling2D: 'poolSize',
  AveragePooling3D: 'poolSize',
};

/** Number of spatial axes of a channels-last (or channels-first) shape: rank - 2. */
export const spatialRank = (shape: Shape | undefined): number => Math.max(0, (shape?.length ?? 0) - 2);

/** Spatial dimensions of a shape under the layer's data format. */
export function spatialDims(shape: Shape | undefined, dataFormat?: unknown): (number | null)[] {
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
  const key = WINDOW_KEYS[node.className];
  if (!key) return undefined;
  const rank = spatialRank(node.inputShapes[0]) || Number(/(\d)D$/.exec(node.className)?.[1] ?? 2);
  const kernel = tuple(node.config[key], rank, 1);
  const isPool = key === 'poolSize';
  return {
    kernel,
    strides: isPool && node.config.strides == null ? kernel : tuple(node.config.strides, rank, 1),
    dilation: tuple(node.config.dilationRate, rank, 1),
    padding: (node.config.padding as WindowGeometry['padding']) ?? 'valid',
  };
}

/** Span of a dilated kernel: d (k - 1) + 1. */
export const effectiveKernel = (k: number, dilation = 1): number => dilation * (k - 1) + 1;

/**
 * Padding TensorFlow adds before the first element ('same': the total is split with
 * the smaller half first; 'causal': all of it first; 'valid': none).
 */
export function padBefore(n: number, k: number, stride: number, padding: WindowGeometry['padding'], dilation = 1): number {
  const span = effectiveKernel(k, dilation);
  if (padding === 'valid') return 0;
  if (padding === 'causal') return span - 1;
  const total = Math.max((Math.ceil(n / stride) - 1) * stride + span - n, 0);
  return Math.floor(total / 2);
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
  padding: WindowGeometry['padding'],
  dilation = 1,
): number | null {
  if (n != null) return padBefore(n, k, stride, padding, dilation);
  if (padding !== 'same') return padBefore(0, k, stride, padding, dilation);
  return stride === 1 ? Math.floor((effectiveKernel(k, dilation) - 1) / 2) : null;
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
