import { attr, isPointMap } from '../graph.js';
import { exportError, pair, requireChannelsLast, single, value, type LayerCall, type OnnxMapper } from '../layer-call.js';

/**
 * Flatten: Keras flattens in its own (H, W, C) order, so a spatial map goes back to NHWC
 * first, unless it is 1 x 1, where both orders coincide.
 */
export const flatten: OnnxMapper = (g, call) => {
  const [x, outShape] = single(call);
  if (x.shape.length <= 2) return [x];
  const input = x.layout === 'nchw' && isPointMap(x.shape) ? x.name : g.natural(x);
  return [value(g.node('Flatten', [input], [attr.int('axis', 1)], call.base), outShape, 'natural')];
};

/**
 * Reshape, in tfjs' order (1 x 1 maps read either way). A reshape to a 1 x 1 x C map is
 * written straight to NCHW [N, C, 1, 1], ready for the convolution that usually follows
 * (EfficientNet's squeeze-and-excitation).
 */
export const reshape: OnnxMapper = (g, call) => {
  const [x, outShape] = single(call);
  const input = x.layout === 'nchw' && isPointMap(x.shape) ? x.name : g.natural(x);
  const rest = outShape.slice(1);
  const known = rest.every((d): d is number => d != null);
  const target = known ? rest : (call.config.targetShape as number[]);
  if (!Array.isArray(target)) throw exportError(call.layer, 'its target shape is unknown');
  const toNchw = isPointMap(outShape) && outShape[3] != null;
  const dims = toNchw ? [-1, outShape[3] as number, 1, 1] : [known ? -1 : 0, ...target];
  const y = g.node('Reshape', [input, g.int64s(`${call.base}/shape`, dims)], [], call.base);
  return [value(y, outShape, toNchw ? 'nchw' : 'natural')];
};

/** [[top, bottom], [left, right]] from a config that may hold one number, a pair, or the pairs. */
function sides(call: LayerCall, key: string): [[number, number], [number, number]] {
  const v = call.config[key];
  if (Array.isArray(v) && v.every(Array.isArray)) {
    return [pair(v[0], key, call.layer), pair(v[1], key, call.layer)];
  }
  const [a, b] = pair(v, key, call.layer);
  return [[a, a], [b, b]];
}

export const zeroPadding2d: OnnxMapper = (g, call) => {
  requireChannelsLast(call);
  const [x, outShape] = single(call);
  const [[t, b], [l, r]] = sides(call, 'padding');
  const pads = g.int64s(`${call.base}/pads`, [0, 0, t, l, 0, 0, b, r]);
  return [value(g.node('Pad', [g.nchw(x), pads], [attr.string('mode', 'constant')], call.base), outShape, 'nchw')];
};

export const cropping2d: OnnxMapper = (g, call) => {
  requireChannelsLast(call);
  const [x, outShape] = single(call);
  const [[t, b], [l, r]] = sides(call, 'cropping');
  const end = (n: number): number => (n > 0 ? -n : Number.MAX_SAFE_INTEGER);
  const inputs = [
    g.nchw(x),
    g.int64s(`${call.base}/starts`, [t, l]),
    g.int64s(`${call.base}/ends`, [end(b), end(r)]),
    g.int64s(`${call.base}/axes`, [2, 3]),
  ];
  return [value(g.node('Slice', inputs, [], call.base), outShape, 'nchw')];
};
