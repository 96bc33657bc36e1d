import type { LayerNode } from '../graph/types.js';
import { activationFlopsPerElement } from './activation-cost.js';
import { tuple } from './geometry.js';
import { matmulMacs, einsumMacs } from './matmul.js';
import { channels, elements, product, type MaybeShape } from './shape.js';

/** Cost of one call of a layer: batch 1 in layers graphs, the tensors as given in op-level graphs. */
export interface LayerCost {
  /** Multiply-accumulates of convolutions, dense layers, matmuls and recurrent matmuls. */
  macs: number;
  /** 2 x MACs plus element-wise work, per the table in this file. */
  flops: number;
}

export type CostHandler = (node: LayerNode) => LayerCost;

const ZERO: LayerCost = { macs: 0, flops: 0 };
const cfg = (n: LayerNode, key: string): unknown => n.config[key];
const outElems = (n: LayerNode): number => elements(n, n.outputShapes[0]);
const inElems = (n: LayerNode): number => elements(n, n.inputShapes[0]);

/** Kernel size as a list, whether the config holds a number or a tuple. */
const kernel = (n: LayerNode, key = 'kernelSize', rank = 2): number[] => tuple(cfg(n, key), rank, 1);

/**
 * Bias adds and the fused activation of a conv / dense layer, and any further per-element
 * work fused into it (`epilogueFlops`: an op-level graph's fused batch norm or residual add).
 */
function epilogue(n: LayerNode): number {
  const bias = cfg(n, 'useBias') === false ? 0 : 1;
  const extra = Number(cfg(n, 'epilogueFlops') ?? 0);
  return outElems(n) * (bias + activationFlopsPerElement(cfg(n, 'activation')) + extra);
}

function linear(macs: number, n: LayerNode): LayerCost {
  return { macs, flops: 2 * macs + epilogue(n) };
}

const groupsOf = (n: LayerNode): number => Number(cfg(n, 'groups') ?? 1);

/** Conv1D/2D/3D: every output element is a dot product over kernel x input channels / groups. */
const conv = (rank: number): CostHandler => (n) => {
  const cin = channels(n.inputShapes[0], cfg(n, 'dataFormat'));
  return linear(outElems(n) * product(kernel(n, 'kernelSize', rank)) * (cin / groupsOf(n)), n);
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
  const positions = elements(n, out) / filters;
  const cin = channels(n.inputShapes[0], cfg(n, 'dataFormat'));
  const mid = cin * separableMultiplier(n);
  return linear(positions * mid * (product(kernel(n)) + filters), n);
};

/** Transposed convolutions: each input element is scattered through the kernel to every filter of its group. */
const convTranspose = (rank: number): CostHandler => (n) => {
  const filters = channels(n.outputShapes[0], cfg(n, 'dataFormat'));
  return linear(inElems(n) * product(kernel(n, 'kernelSize', rank)) * (filters / groupsOf(n)), n);
};

/** Dense on any rank: each of the input's rows meets a (in x units) matrix. */
const dense: CostHandler = (n) => linear(inElems(n) * Number(cfg(n, 'units')), n);

/** Operand shapes of an op-level matmul or einsum, weights included (its inputShapes list activations only). */
const operands = (n: LayerNode): MaybeShape[] => (Array.isArray(cfg(n, 'operandShapes')) ? (cfg(n, 'operandShapes') as MaybeShape[]) : n.inputShapes);

/** MatMul (numpy semantics, batch dimensions broadcast): batch x M x K x N, whichever operands are weights. */
const matmul: CostHandler = (n) => linear(matmulMacs(operands(n)[0], operands(n)[1]), n);

/** Einsum: one multiply-accumulate per point of the space of all its labels. */
const einsum: CostHandler = (n) => linear(einsumMacs(String(cfg(n, 'equation') ?? ''), operands(n)), n);

/**
 * Recurrent layers: `gates` matmuls of input and state per timestep, per sequence of the
 * batch (1 in layers graphs), per direction. Inputs are [batch, steps, features], or
 * [steps, batch, features] with timeMajor (ONNX's layout 0).
 */
const recurrent = (gates: number): CostHandler => (n) => {
  const s = n.inputShapes[0];
  const timeMajor = cfg(n, 'timeMajor') === true;
  const steps = Number(s?.[timeMajor ? 0 : 1] ?? NaN);
  const batch = n.wholeShapes ? Number(s?.[timeMajor ? 1 : 0] ?? NaN) : 1;
  const features = Number(s?.[2] ?? NaN);
  const units = Number(cfg(n, 'units'));
  const runs = batch * steps * Number(cfg(n, 'directions') ?? 1);
  const macs = runs * gates * units * (features + units);
  // Gate non-linearities and the state update: about 5 element-wise ops per gate unit.
  return { macs, flops: 2 * macs + runs * gates * units * 5 };
};

const GATES = new Map<string, number>([['SimpleRNN', 1], ['GRU', 3], ['LSTM', 4]]);

/**
 * Bidirectional: the wrapped recurrent layer runs twice, forwards and backwards, then
 * the two outputs merge (concat: free; sum / mul / ave: one op per output element).
 */
const bidirectional: CostHandler = (n) => {
  const inner = cfg(n, 'layer') as { className?: unknown; config?: Record<string, unknown> } | undefined;
  const gates = typeof inner?.className === 'string' ? GATES.get(inner.className) : undefined;
  if (!gates || !inner?.config) return { macs: NaN, flops: NaN };
  const one = recurrent(gates)({ ...n, config: inner.config });
  const merge = cfg(n, 'mergeMode') === 'concat' || cfg(n, 'mergeMode') == null ? 0 : outElems(n);
  return { macs: 2 * one.macs, flops: 2 * one.flops + merge };
};

/** Element-wise work of `perElement` FLOPs on every output element. */
const elementwise = (perElement: number): CostHandler => (n) => ({ macs: 0, flops: perElement * outElems(n) });

/**
 * Merges of k operands cost k - 1 operations per output element (Average one more). In
 * op-level graphs a constant operand (a bias, a scale) counts: `operands` says how many.
 */
const merge = (extra: number): CostHandler => (n) => ({
  macs: 0,
  flops: (Number(cfg(n, 'operands') ?? n.inputShapes.length) - 1 + extra) * outElems(n),
});

/** Max pooling: k - 1 comparisons per output; average (and Lp) pooling: k - 1 adds and a divide. */
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

/** Global pooling and reductions read every input element once. */
const readsInput: CostHandler = (n) => ({ macs: 0, flops: inElems(n) });

const activationLayer: CostHandler = (n) => ({
  macs: 0,
  flops: outElems(n) * activationFlopsPerElement(cfg(n, 'activation')),
});

/**
 * Resize (op-level graphs): nearest neighbour copies; linear and cubic interpolation
 * weigh 2 or 4 taps per resized axis, a multiply and an add each.
 */
const resize: CostHandler = (n) => {
  const mode = String(cfg(n, 'mode') ?? 'nearest');
  if (mode === 'nearest') return ZERO;
  const taps = (mode === 'cubic' ? 4 : 2) ** Number(cfg(n, 'resizedAxes') ?? 2);
  return { macs: 0, flops: 2 * taps * outElems(n) };
};

const zero: CostHandler = () => ZERO;

/**
 * One handler per rule (a layer class, or the kind an op-level node is priced as). A rule
 * missing here is reported as unsupported and marks the totals incomplete; layers that
 * truly cost nothing are listed explicitly as `zero`.
 */
export const COST_HANDLERS: ReadonlyMap<string, CostHandler> = new Map<string, CostHandler>([
  ['Conv1D', conv(1)],
  ['Conv2D', conv(2)],
  ['Conv3D', conv(3)],
  ['DepthwiseConv2D', depthwise],
  ['SeparableConv2D', separable],
  ['Conv1DTranspose', convTranspose(1)],
  ['Conv2DTranspose', convTranspose(2)],
  ['Conv3DTranspose', convTranspose(3)],
  ['Dense', dense],
  ['MatMul', matmul],
  ['Einsum', einsum],
  ['SimpleRNN', recurrent(1)],
  ['GRU', recurrent(3)],
  ['LSTM', recurrent(4)],
  ['Bidirectional', bidirectional],

  ['BatchNormalization', elementwise(2)], // inference: x * scale + shift, folded
  ['LayerNormalization', elementwise(5)],
  ['InstanceNormalization', elementwise(5)],
  ['GroupNormalization', elementwise(5)],
  ['Rescaling', elementwise(2)],
  ['Normalization', elementwise(2)],
  ['Activation', activationLayer],
  ['ReLU', elementwise(1)],
  ['LeakyReLU', elementwise(1)],
  ['PReLU', elementwise(1)],
  ['ELU', elementwise(3)],
  ['ThresholdedReLU', elementwise(1)],
  ['Softmax', elementwise(3)],
  ['QuantizeLinear', elementwise(3)], // divide by the scale, round, add the zero point (clamped)
  ['DequantizeLinear', elementwise(2)], // subtract the zero point, multiply by the scale
  ['DynamicQuantizeLinear', elementwise(5)], // a min/max pass, then quantize

  ['Add', merge(0)],
  ['Subtract', merge(0)],
  ['Multiply', merge(0)],
  ['Divide', merge(0)],
  ['Power', merge(0)],
  ['Maximum', merge(0)],
  ['Minimum', merge(0)],
  ['Compare', merge(0)],
  ['Select', merge(0)], // Where: one choice per output element between two operands
  ['Average', merge(1)],
  ['Concatenate', zero],
  ['CustomScaleLayer', elementwise(2)], // Inception-ResNet's x + residual * scale: a multiply and an add

  ['MaxPooling1D', pool('max', 1)],
  ['MaxPooling2D', pool('max', 2)],
  ['MaxPooling3D', pool('max', 3)],
  ['AveragePooling1D', pool('avg', 1)],
  ['AveragePooling2D', pool('avg', 2)],
  ['AveragePooling3D', pool('avg', 3)],
  ['LpPooling1D', pool('avg', 1)],
  ['LpPooling2D', pool('avg', 2)],
  ['LpPooling3D', pool('avg', 3)],
  ['GlobalAveragePooling1D', readsInput],
  ['GlobalAveragePooling2D', readsInput],
  ['GlobalAveragePooling3D', readsInput],
  ['GlobalMaxPooling1D', readsInput],
  ['GlobalMaxPooling2D', readsInput],
  ['GlobalMaxPooling3D', readsInput],
  ['GlobalLpPooling', readsInput],
  ['Reduce', readsInput],
  ['AdaptiveAveragePooling2D', adaptiveAvgPool],
  // AlexNet 2012's LRN: per element, 2r + 1 squares summed, then scale, offset, power, divide.
  ['LocalResponseNormalization', (n) => elementwise(2 * (2 * Number(cfg(n, 'depthRadius')) + 1) + 3)(n)],
  ['Resize', resize],

  ['InputLayer', zero],
  ['Flatten', zero],
  ['Reshape', zero],
  ['Permute', zero],
  ['LayoutTranspose', zero],
  ['ChannelRegroup', zero],
  ['RepeatVector', zero],
  ['Dropout', zero],
  ['SpatialDropout1D', zero],
  ['SpatialDropout2D', zero],
  ['SpatialDropout3D', zero],
  ['GaussianNoise', zero],
  ['GaussianDropout', zero],
  ['AlphaDropout', zero],
  ['ZeroPadding1D', zero],
  ['ZeroPadding2D', zero],
  ['ZeroPadding3D', zero],
  ['Pad', zero],
  ['Cropping1D', zero],
  ['Cropping2D', zero],
  ['Cropping3D', zero],
  ['Embedding', zero], // a table lookup: no arithmetic
  ['Masking', zero],
  // Op-level data movement: copies, views and index arithmetic.
  ['Identity', zero],
  ['Cast', zero],
  ['Split', zero],
  ['Slice', zero],
  ['Gather', zero],
  ['Scatter', zero],
  ['Expand', zero],
  ['Tile', zero],
  ['Shape', zero],
  ['DepthToSpace', zero],
  ['SpaceToDepth', zero],
]);
