import { attr, onnxAxis, type Value } from '../graph.js';
import { exportError, requireChannelsLast, requireWeight, single, value, weight, type LayerCall, type OnnxMapper } from '../layer-call.js';

/** Shape [1, ..., C, ..., 1] of rank `rank` with C at `axis`: per-channel constants that broadcast. */
const broadcastDims = (rank: number, axis: number, c: number): number[] => Array.from({ length: rank }, (_, i) => (i === axis ? c : 1));

/** The layer's one normalised axis, as an axis of the ONNX tensor, and the layout it is in. */
function channelAxis(call: LayerCall, x: Value): { axis: number; layout: Value['layout'] } {
  const raw = call.config.axis ?? -1;
  const a = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof a !== 'number') throw exportError(call.layer, `normalising over axes ${JSON.stringify(raw)} has no ONNX mapping`);
  const rank = x.shape.length;
  const logical = a < 0 ? a + rank : a;
  // Channels-last 4D tensors run in NCHW, where the channel axis is 1.
  const layout = rank === 4 && logical === 3 ? 'nchw' : 'natural';
  return { axis: onnxAxis(logical, rank, layout), layout };
}

const fill = (n: number, v: number): Float32Array => new Float32Array(n).fill(v);

/**
 * BatchNormalization at inference, with its moving statistics: ONNX BatchNormalization
 * when the channel axis is 1 (NCHW, or [N, C]); otherwise a per-channel Mul and Add.
 */
export const batchNormalization: OnnxMapper = (g, call) => {
  const [x, outShape] = single(call);
  const { axis, layout } = channelAxis(call, x);
  const mean = requireWeight(call.layer, 'moving_mean').data;
  const variance = requireWeight(call.layer, 'moving_variance').data;
  const c = mean.length;
  const learned = { gamma: weight(call.layer, 'gamma')?.data, beta: weight(call.layer, 'beta')?.data };
  const gamma = learned.gamma ?? fill(c, 1);
  const beta = learned.beta ?? fill(c, 0);
  const epsilon = Number(call.config.epsilon ?? 1e-3);
  const input = g.as(x, layout);
  if (axis === 1) {
    // A layer without scale (or center) has no such weights: ONNX gets ones (zeros) made from the channel count.
    const stored = (key: 'gamma' | 'beta', fallback: number) => {
      const data = learned[key];
      return data ? g.floats(`${call.base}/${key}`, data, [c]) : g.filled(`${call.base}/${key}`, c, fallback);
    };
    const inputs = [input, stored('gamma', 1), stored('beta', 0), g.floats(`${call.base}/mean`, mean, [c]), g.floats(`${call.base}/variance`, variance, [c])];
    return [value(g.node('BatchNormalization', inputs, [attr.float('epsilon', epsilon)], call.base), outShape, layout)];
  }
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    scale[i] = gamma[i] / Math.sqrt(variance[i] + epsilon);
    shift[i] = beta[i] - mean[i] * scale[i];
  }
  const dims = broadcastDims(x.shape.length, axis, c);
  const scaled = g.node('Mul', [input, g.floats(`${call.base}/scale`, scale, dims)], [], call.base);
  return [value(g.node('Add', [scaled, g.floats(`${call.base}/shift`, shift, dims)], [], call.base), outShape, layout)];
};

/**
 * Keras' Normalization (src/zoo/normalization-layer.ts): (x - mean) / max(sqrt(variance),
 * 1e-7). On the channel axis of NCHW (or [N, C]) that is a BatchNormalization with unit
 * scale, no shift and epsilon 0 (the same for any variance above 1e-14), so its mean and
 * variance stay statistics, as Keras counts them (non-trainable); elsewhere a Sub and a Div.
 */
export const normalization: OnnxMapper = (g, call) => {
  const [x, outShape] = single(call);
  const { axis, layout } = channelAxis(call, x);
  const mean = requireWeight(call.layer, 'mean').data;
  const variance = requireWeight(call.layer, 'variance').data;
  if (axis === 1 && variance.every((v) => v >= 1e-14)) {
    const c = mean.length;
    const inputs = [
      g.as(x, layout),
      g.filled(`${call.base}/scale`, c, 1),
      g.filled(`${call.base}/shift`, c, 0),
      g.floats(`${call.base}/mean`, mean, [c]),
      g.floats(`${call.base}/variance`, variance, [c]),
    ];
    return [value(g.node('BatchNormalization', inputs, [attr.float('epsilon', 0)], call.base), outShape, layout)];
  }
  const std = Float32Array.from(variance, (v) => Math.max(Math.fround(Math.sqrt(v)), 1e-7));
  const dims = broadcastDims(x.shape.length, axis, mean.length);
  const centred = g.node('Sub', [g.as(x, layout), g.floats(`${call.base}/mean`, mean, dims)], [], call.base);
  return [value(g.node('Div', [centred, g.floats(`${call.base}/std`, std, dims)], [], call.base), outShape, layout)];
};

/**
 * LocalResponseNormalization (src/zoo/local-response-norm.ts, tf.nn.local_response_normalization):
 * a / (bias + alpha * sum over 2r + 1 channels of a^2)^beta. ONNX LRN divides its alpha by
 * `size`, so it gets alpha * size.
 */
export const localResponseNormalization: OnnxMapper = (g, call) => {
  requireChannelsLast(call);
  const [x, outShape] = single(call);
  const { depthRadius, bias, alpha, beta } = call.config as Record<string, number>;
  const size = 2 * depthRadius + 1;
  const y = g.node('LRN', [g.nchw(x)], [
    attr.int('size', size),
    attr.float('alpha', alpha * size),
    attr.float('beta', beta),
    attr.float('bias', bias),
  ], call.base);
  return [value(y, outShape, 'nchw')];
};

