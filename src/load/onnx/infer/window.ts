/**
 * Sliding-window geometry shared by Conv, ConvTranspose and the pools: kernel, strides,
 * dilations, pads, auto_pad and ceil_mode, read and checked once.
 */
import type { OnnxNode } from '../ir.js';
import { AttrKind } from '../ir.js';
import { getChoice, getInt, getInts } from './attributes.js';
import { checkedAdd, checkedMul, type Dim, positive, showShape, sizeValue } from './facts.js';
import { ShapeError } from './types.js';

export type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

export interface Window {
  kernel: Dim[];
  strides: number[];
  dilations: number[];
  /** begin..., end... */
  pads: number[];
  autoPad: AutoPad;
  ceil: boolean;
}

const listOf = (node: OnnxNode, name: string, n: number, dflt: number, check: (v: number, what: string) => number): number[] => {
  const v = getInts(node, name);
  if (v === undefined) return new Array<number>(n).fill(dflt);
  if (v.length !== n) throw new ShapeError(`attribute "${name}" has ${v.length} values for ${n} spatial axes`);
  return v.map((x) => check(x, name.replace(/s$/, '')));
};

/**
 * The window of a node with `n` spatial axes. `weightKernel` is the kernel read off the
 * weights' dims (Conv), null for pools, where kernel_shape is required.
 */
export const readWindow = (
  node: OnnxNode,
  n: number,
  weightKernel: Dim[] | null,
  opts: { dilations: boolean; ceil: boolean },
): Window => {
  let kernel: Dim[];
  const attr = getInts(node, 'kernel_shape');
  if (attr !== undefined) {
    if (attr.length !== n) throw new ShapeError(`attribute "kernel_shape" has ${attr.length} values for ${n} spatial axes`);
    kernel = attr.map((k) => positive(k, 'kernel size'));
    weightKernel?.forEach((k, i) => {
      if (k !== null && k !== kernel[i]) throw new ShapeError(`kernel_shape ${showShape(attr)} does not match the weights' kernel ${k} on spatial axis ${i}`);
    });
  } else if (weightKernel !== null) {
    kernel = weightKernel;
  } else {
    throw new ShapeError('attribute "kernel_shape" is missing');
  }
  // ONNX Runtime reads an empty auto_pad as NOTSET, and some writers emit it.
  const autoPad = readAutoPad(node);
  return {
    kernel,
    strides: listOf(node, 'strides', n, 1, positive),
    dilations: opts.dilations ? listOf(node, 'dilations', n, 1, positive) : new Array<number>(n).fill(1),
    pads: autoPad === 'NOTSET' ? listOf(node, 'pads', 2 * n, 0, (v) => sizeValue(v, 'pad')) : new Array<number>(2 * n).fill(0),
    autoPad,
    ceil: opts.ceil && getInt(node, 'ceil_mode', 0) !== 0,
  };
};

const readAutoPad = (node: OnnxNode): AutoPad => {
  const a = node.attributes.get('auto_pad');
  // The reader may leave an empty string unset.
  if (a !== undefined && (a.s ?? '') === '' && (a.type === AttrKind.STRING || a.type === AttrKind.UNDEFINED)) return 'NOTSET';
  return getChoice(node, 'auto_pad', ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'], 'NOTSET');
};

/** (k - 1) * d + 1: the extent of a dilated kernel. */
export const effectiveKernel = (k: number, d: number): number => checkedAdd(checkedMul(k - 1, d), 1);

const describe = (w: Window, i: number, k: number, input: number): string => {
  const n = w.kernel.length;
  const dil = w.dilations[i] === 1 ? '' : ` (dilation ${w.dilations[i]})`;
  return `spatial axis ${i}: input size ${input} with kernel ${k}${dil}, pads ${w.pads[i]}+${w.pads[i + n]} and stride ${w.strides[i]}`;
};

/** Output size of a convolution or pool along spatial axis i. */
export const windowOut = (w: Window, i: number, input: Dim): Dim => {
  if (input === null) return null;
  const s = w.strides[i];
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') {
    const out = Math.ceil(input / s);
    if (out < 1) throw new ShapeError(`spatial axis ${i}: input size ${input} gives no output`);
    return out;
  }
  const k = w.kernel[i];
  if (k === null) return null;
  const n = w.kernel.length;
  const begin = w.pads[i];
  const span = input + begin + w.pads[i + n] - effectiveKernel(k, w.dilations[i]);
  if (span < 0) throw new ShapeError(`${describe(w, i, k, input)} gives no output`);
  if (!w.ceil) return Math.floor(span / s) + 1;
  let out = Math.ceil(span / s) + 1;
  // As PyTorch: the last window may not start in the end padding.
  if ((out - 1) * s >= input + begin) out -= 1;
  if (out < 1) throw new ShapeError(`${describe(w, i, k, input)} gives no output`);
  return out;
};

/** Output size of a transposed convolution along spatial axis i (output_shape aside). */
export const transposedOut = (w: Window, i: number, input: Dim, outputPadding: number): Dim => {
  if (input === null) return null;
  const s = w.strides[i];
  if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return checkedMul(input, s);
  const k = w.kernel[i];
  if (k === null) return null;
  const n = w.kernel.length;
  const out = checkedMul(s, input - 1) + outputPadding + effectiveKernel(k, w.dilations[i]) - w.pads[i] - w.pads[i + n];
  if (out < 1) throw new ShapeError(`${describe(w, i, k, input)} and output padding ${outputPadding} gives output size ${out}`);
  return out;
};
