import { adaptiveBins } from '../../../zoo/adaptive-pooling.js';
import { attr, type OnnxGraph, type Value } from '../graph.js';
import { exportError, pair, requireChannelsLast, single, value, type LayerCall, type OnnxMapper } from '../layer-call.js';
import { padAttrs, windowPads } from './conv.js';

/**
 * onnxruntime's PadFusion folds a zero Pad into a following MaxPool's pads, where padded
 * cells count as -inf, not 0: wrong whenever a window holds only negative values (ResNetV2's
 * pool1 after conv1). A pad value of -0.0 is the same zero to MaxPool but not all-zero
 * bytes, which is what that fusion checks, so the Pad stays.
 */
function keepZeroPad(g: OnnxGraph, input: string, base: string): void {
  const pad = g.producer(input);
  if (pad?.opType === 'Pad' && pad.input.length === 2) pad.input.push(g.scalar(`${base}/pad_value`, -0));
}

function window(g: OnnxGraph, call: LayerCall, op: 'MaxPool' | 'AveragePool'): Value[] {
  requireChannelsLast(call);
  const [x, outShape] = single(call);
  if (op === 'MaxPool') keepZeroPad(g, g.nchw(x), call.base);
  const kernel = pair(call.config.poolSize ?? 2, 'pool size', call.layer);
  const strides = pair(call.config.strides ?? kernel, 'strides', call.layer);
  const pads = windowPads(call.config.padding, [x.shape[1], x.shape[2]], kernel, strides);
  const attributes = [attr.ints('kernel_shape', kernel), attr.ints('strides', strides), ...padAttrs(pads)];
  // TensorFlow averages over the cells inside the input only.
  if (op === 'AveragePool') attributes.push(attr.int('count_include_pad', 0));
  return [value(g.node(op, [g.nchw(x)], attributes, call.base), outShape, 'nchw')];
}

export const maxPooling2d: OnnxMapper = (g, call) => window(g, call, 'MaxPool');
export const averagePooling2d: OnnxMapper = (g, call) => window(g, call, 'AveragePool');

/** Global pooling to [N, C, 1, 1]; flattened to [N, C] unless keepDims (src/zoo/keepdims-pooling.ts). */
function global(g: OnnxGraph, call: LayerCall, op: 'GlobalAveragePool' | 'GlobalMaxPool'): Value[] {
  requireChannelsLast(call);
  const [x, outShape] = single(call);
  const y = g.node(op, [g.nchw(x)], [], call.base);
  if (call.config.keepDims) return [value(y, outShape, 'nchw')];
  return [value(g.node('Flatten', [y], [attr.int('axis', 1)], call.base), outShape, 'natural')];
}

export const globalAveragePooling2d: OnnxMapper = (g, call) => global(g, call, 'GlobalAveragePool');
export const globalMaxPooling2d: OnnxMapper = (g, call) => global(g, call, 'GlobalMaxPool');

/** [n, out] matrix whose column j averages bin j of adaptiveBins(n, out). */
function binMatrix(n: number, out: number): Float32Array {
  const m = new Float32Array(n * out);
  adaptiveBins(n, out).forEach(([start, end], j) => {
    for (let i = start; i < end; i++) m[i * out + j] = 1 / (end - start);
  });
  return m;
}

/** [out, n]: the transpose of binMatrix. */
function binMatrixT(n: number, out: number): Float32Array {
  const m = binMatrix(n, out);
  const t = new Float32Array(n * out);
  for (let i = 0; i < n; i++) for (let j = 0; j < out; j++) t[j * n + i] = m[i * out + j];
  return t;
}

/**
 * AdaptiveAveragePooling2D (src/zoo/adaptive-pooling.ts): an AveragePool when the output
 * size divides the input; otherwise exact per-bin means as two matmuls with bin matrices
 * (columns, then rows), which handles overlapping bins too.
 */
export const adaptiveAveragePooling2d: OnnxMapper = (g, call) => {
  requireChannelsLast(call);
  const [x, outShape] = single(call);
  const [h, w] = [x.shape[1], x.shape[2]];
  const [oh, ow] = [outShape[1], outShape[2]];
  if (h == null || w == null || oh == null || ow == null) {
    throw exportError(call.layer, 'adaptive pooling needs known input and output sizes');
  }
  if (h === oh && w === ow) return [x];
  if (h % oh === 0 && w % ow === 0) {
    const kernel = [h / oh, w / ow];
    const y = g.node('AveragePool', [g.nchw(x)], [attr.ints('kernel_shape', kernel), attr.ints('strides', kernel)], call.base);
    return [value(y, outShape, 'nchw')];
  }
  const cols = g.node('MatMul', [g.nchw(x), g.floats(`${call.base}/cols`, binMatrix(w, ow), [w, ow])], [], call.base);
  const y = g.node('MatMul', [g.floats(`${call.base}/rows`, binMatrixT(h, oh), [oh, h]), cols], [], call.base);
  return [value(y, outShape, 'nchw')];
};
