import type { Shape } from '../../../../graph/types.js';
import { checkShape, ShapeError, showShape, type Fact, type Rule } from './types.js';
import { readWindow, windowOut } from './window.js';

/**
 * Convolutions and pools. Filters are HWIO ([kh, kw, in, out]; DHWIO in 3D); a depthwise
 * filter is [kh, kw, in, multiplier]; Conv2DBackpropInput (a transposed convolution) reads
 * its output shape from its first input, a constant, and its filter as [kh, kw, out, in].
 */

const out = (shape: Shape | null): Fact[] => [{ shape: checkShape(shape) }];

/** Conv2D, _FusedConv2D, Conv3D; `depthwise`: DepthwiseConv2dNative, FusedDepthwiseConv2dNative. */
export const conv = (depthwise: boolean): Rule => (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const f = c.inputs[1]?.shape ?? null;
  if (x === null) return out(null);
  const w = readWindow(c.node, x.length, false);
  if (f !== null && f.length !== x.length) throw new ShapeError(`a rank-${f.length} filter for a rank-${x.length} input`);
  const cin = x[w.channelAxis];
  if (f !== null && cin !== null && f[f.length - 2] !== null && !depthwise && cin % (f[f.length - 2] as number) !== 0) {
    throw new ShapeError(`its filter ${showShape(f)} reads ${f[f.length - 2]} channels, the input ${showShape(x)} has ${cin}`);
  }
  if (depthwise && f !== null && cin !== null && f[2] !== cin) throw new ShapeError(`its depthwise filter ${showShape(f)} is for ${f[2]} channels, the input ${showShape(x)} has ${cin}`);
  const s: Shape = [...x];
  w.spatial.forEach((axis, i) => {
    s[axis] = f === null ? null : windowOut(x[axis], f[i] as number, w, i);
  });
  const last = f?.[f.length - 1] ?? null;
  s[w.channelAxis] = depthwise ? (cin !== null && last !== null ? cin * last : null) : last;
  return out(s);
};

/** Conv2DBackpropInput(input_sizes, filter, out_backprop): the output is input_sizes. */
export const convBackpropInput: Rule = (c) => {
  const sizes = c.value(0);
  const x = c.inputs[2]?.shape ?? null;
  if (!sizes) return out(x === null ? null : x.map(() => null));
  if (x !== null && sizes.length !== x.length) throw new ShapeError(`input_sizes ${JSON.stringify(sizes)} for a rank-${x.length} input`);
  return out(sizes.map((d) => (d === -1 ? null : d)));
};

/** MaxPool, AvgPool (and 3D): ksize over the spatial axes; batch and channels kept. */
export const pool: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  if (x === null) return out(null);
  const w = readWindow(c.node, x.length, true);
  const s: Shape = [...x];
  w.spatial.forEach((axis, i) => {
    s[axis] = windowOut(x[axis], (w.ksize as number[])[i], w, i);
  });
  return out(s);
};
