import type { LayerNode } from '../graph/types.js';
import { activationFlopsPerElement } from './activation-cost.js';
import { tuple } from './geometry.js';
import { channels, product, sampleElements } from './shape.js';

/** Cost of one call of a layer, batch 1. */
export interface LayerCost {
  /** Multiply-accumulates of convolutions, dense layers and recurrent matmuls. */
  macs: number;
  /** 2 x MACs plus element-wise work, per the table in this file. */
  flops: number;
}

export type CostHandler = (node: LayerNode) => LayerCost;

const ZERO: LayerCost = { macs: 0, flops: 0 };
const cfg = (n: LayerNode, key: string): unknown => n.config[key];
const outElems = (n: LayerNode): number => sampleElements(n.outputShapes[0]);
const inElems = (n: LayerNode): number => sampleElements(n.inputShapes[0]);

/** Kernel size as a list, whether the config holds a number or a tuple. */
const kernel = (n: LayerNode, key = 'kernelSize', rank = 2): number[] => tuple(cfg(n, key), rank, 1);

/** Bias adds and the fused activation of a conv / dense layer. */
function epilogue(n: LayerNode): number {
  const bias = cfg(n, 'useBias') === false ? 0 : 1;
  return outElems(n) * (bias + activationFlopsPerElement(cfg(n, 'activation')));
}

function linear(macs: number, n: LayerNode): LayerCost {
  return { macs, flops: 2 * macs + epilogue(n) };
}

/** Conv1D/2D/3D: every output element is a dot product over kernel x input channels / groups. */
const conv = (rank: number): CostHandler => (n) => {
  const cin = channels(n.inputShapes[0], cfg(n, 'dataFormat'));
  const groups = Number(cfg(n, 'groups') ?? 1);
  return linear(outElems(n) * product(kernel(n, 'kernelSize', rank)) * (cin / groups), n);
};

/** DepthwiseConv2D: each output channel sees one input channel through a kh x kw window. */
const depthwise: CostHandler = (n) => linear(outElems(n) * product(kernel(n)), n);

/**
 * tfjs 4.22's SeparableConv2D.getConfig() drops `depthMultiplier`, so the depthwise
 * kernel's shape [kh, kw, Cin, multiplier] is the reliable source when weights are known.
 */
function separableMultiplier(n: LayerNode): number {
  const dw = n.weights.find((w) => w.shape.length === 4 && /depthwise/.test(w.name));
  return dw ? dw.shape[3] : Number(cfg(n, 'depthMultiplier') ?? 1);
}

/** SeparableConv2D: a depthwise conv (multiplier m) then a 1x1 pointwise conv to `filters`. */
const separable: CostHandler = (n) => {
  const out = n.outputShapes[0];
  const filters = channels(out, cfg(n, 'dataFormat'));
  const positions = sampleElements(out) / filters;
  const cin = channels(n.inputShapes[0], cfg(n, 'dataFormat'));
  const mid = cin * separableMultiplier(n);
  return linear(positions * mid * (product(kernel(n)) + filters), n);
};

/** Conv2DTranspose: each input element is scattered through the kernel to every filter. */
const convTranspose: CostHandler = (n) => {
  const filters = channels(n.outputShapes[0], cfg(n, 'dataFormat'));
  return linear(inElems(n) * product(kernel(n)) * filters, n);
};

/** Dense on any rank: each of the input's rows meets a (in x units) matrix. */
const dense: CostHandler = (n) => linear(inElems(n) * Number(cfg(n, 'units')), n);

/** Recurrent layers: `gates` matmuls of input and state per timestep (batch 1). */
const recurrent = (gates: number): CostHandler => (n) => {
  const s = n.inputShapes[0];
  const steps = s?.[1] ?? NaN;
  const features = s?.[2] ?? NaN;
  const units = Number(cfg(n, 'units'));
  const macs = Number(steps) * gates * units * (Number(features) + units);
  // Gate non-linearities and the state update: about 5 element-wise ops per gate unit.
  return { macs, flops: 2 * macs + Number(steps) * gates * units * 5 };
};

const GATES: Readonly<Record<string, number>> = { SimpleRNN: 1, GRU: 3, LSTM: 4 };

/**
 * Bidirectional: the wrapped recurrent layer runs twice, forwards and backwards, then
 * the two outputs merge (concat: free; sum / mul / ave: one op per output element).
 */
const bidirectional: CostHandler = (n) => {
  const inner = cfg(n, 'layer') as { className?: string; config?: Record<string, unknown> } | undefined;
  const gates = GATES[inner?.className ?? ''];
  if (!gates || !inner?.config) return { macs: NaN, flops: NaN };
  const one = recurrent(gates)({ ...n, config: inner.config });
  const merge = cfg(n, 'mergeMode') === 'concat' || cfg(n, 'mergeMode') == null ? 0 : outElems(n);
  return { macs: 2 * one.macs, flops: 2 * one.flops + merge };
};

/** Element-wise work of `perElement` FLOPs on every output element. */
const elementwise = (perElement: number): CostHandler => (n) => ({ macs: 0, flops: perElement * outElems(n) });

/** Merges of k inputs cost k - 1 operations per output element (Average one more). */
const merge = (extra: number): CostHandler => (n) => ({
  macs: 0,
  flops: (n.inputShapes.length - 1 + extra) * outElems(n),
});

/** Max pooling: k - 1 comparisons per output; average pooling: k - 1 adds and a divide. */
const pool = (kind: 'max' | 'avg', rank: number): CostHandler => (n) => {
  const window = product(kernel(n, 'poolSize', rank));
  return { macs: 0, flops: (kind === 'max' ? window - 1 : window) * outElems(n) };
};

/**
 * Keras 3's AdaptiveAveragePooling2D (torchvision's AlexNet): as for AveragePooling2D each
 * output costs its window's size; bin i of o over n spans [floor(i n / o), ceil((i + 1) n / o)).
 */
const adaptiveAvgPool: CostHandler = (n) => {
  const format = cfg(n, 'dataFormat');
  const first = format === 'channelsFirst' ? 2 : 1;
  const binSum = (axis: number): number => {
    const [size, out] = [n.inputShapes[0]?.[axis] ?? NaN, n.outputShapes[0]?.[axis] ?? NaN];
    if (!Number.isFinite(size * out)) return NaN;
    let sum = 0;
    for (let i = 0; i < out; i++) sum += Math.ceil(((i + 1) * size) / out) - Math.floor((i * size) / out);
    return sum;
  };
  return { macs: 0, flops: binSum(first) * binSum(first + 1) * channels(n.outputShapes[0], format) };
};

/** Global pooling reads every input element once. */
const globalPool: CostHandler = (n) => ({ macs: 0, flops: inElems(n) });

const activationLayer: CostHandler = (n) => ({
  macs: 0,
  flops: outElems(n) * activationFlopsPerElement(cfg(n, 'activation')),
});

const zero: CostHandler = () => ZERO;

/**
 * One handler per layer class. A class missing here is reported as unsupported and marks
 * the totals incomplete; layers that truly cost nothing are listed explicitly as `zero`.
 */
export const COST_HANDLERS: Readonly<Record<string, CostHandler>> = {
  Conv1D: conv(1),
  Conv2D: conv(2),
  Conv3D: conv(3),
  DepthwiseConv2D: depthwise,
  SeparableConv2D: separable,
  Conv2DTranspose: convTranspose,
  Dense: dense,
  SimpleRNN: recurrent(1),
  GRU: recurrent(3),
  LSTM: recurrent(4),
  Bidirectional: bidirectional,

  BatchNormalization: elementwise(2), // inference: x * scale + shift, folded
  LayerNormalization: elementwise(5),
  Rescaling: elementwise(2),
  Normalization: elementwise(2),
  Activation: activationLayer,
  ReLU: elementwise(1),
  LeakyReLU: elementwise(1),
  PReLU: elementwise(1),
  ELU: elementwise(3),
  ThresholdedReLU: elementwise(1),
  Softmax: elementwise(3),

  Add: merge(0),
  Subtract: merge(0),
  Multiply: merge(0),
  Maximum: merge(0),
  Minimum: merge(0),
  Average: merge(1),
  Concatenate: zero,
  CustomScaleLayer: elementwise(2), // Inception-ResNet's x + residual * scale: a multiply and an add

  MaxPooling1D: pool('max', 1),
  MaxPooling2D: pool('max', 2),
  MaxPooling3D: pool('max', 3),
  AveragePooling1D: pool('avg', 1),
  AveragePooling2D: pool('avg', 2),
  AveragePooling3D: pool('avg', 3),
  GlobalAveragePooling1D: globalPool,
  GlobalAveragePooling2D: globalPool,
  GlobalAveragePooling3D: globalPool,
  GlobalMaxPooling1D: globalPool,
  GlobalMaxPooling2D: globalPool,
  GlobalMaxPooling3D: globalPool,
  AdaptiveAveragePooling2D: adaptiveAvgPool,
  // AlexNet 2012's LRN: per element, 2r + 1 squares summed, then scale, offset, power, divide.
  LocalResponseNormalization: (n) => elementwise(2 * (2 * Number(cfg(n, 'depthRadius')) + 1) + 3)(n),

  InputLayer: zero,
  Flatten: zero,
  Reshape: zero,
  Permute: zero,
  RepeatVector: zero,
  Dropout: zero,
  SpatialDropout1D: zero,
  SpatialDropout2D: zero,
  SpatialDropout3D: zero,
  GaussianNoise: zero,
  GaussianDropout: zero,
  AlphaDropout: zero,
  ZeroPadding1D: zero,
  ZeroPadding2D: zero,
  ZeroPadding3D: zero,
  Cropping1D: zero,
  Cropping2D: zero,
  Cropping3D: zero,
  Embedding: zero, // a table lookup: no arithmetic
  Masking: zero,
};
