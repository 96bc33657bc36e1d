import type { Shape } from '../../graph/types.js';
import { isDefaultDomain, type OnnxNode } from './ir.js';
import { getFloat, getInt, getInts, getString } from './infer/attributes.js';
import type { TensorFact } from './infer/types.js';
import { readWindow, type Window } from './infer/window.js';
import { layoutChange, reduceKind, spatialAxes, type Layout } from '../layout.js';

/**
 * What each ONNX op computes, in the vocabulary of dnarch's analysis rules (src/analysis:
 * cost, receptive field, savings): the `kind` of its LayerNode and the config those rules
 * read (kernelSize, strides, padding, groups, units, ...). The row keeps the file's op
 * type; the rule follows the computation: a Conv whose group is its input channel count
 * is a DepthwiseConv2D, a Gemm or a MatMul by a weight matrix is a Dense layer, a MatMul of
 * two activations is a MatMul. Ops missing here are reported as unsupported.
 */


export interface OpContext {
  node: OnnxNode;
  /** Facts of the node's inputs (undefined for inputs left out), by position. */
  inputs: (TensorFact | undefined)[];
  outputs: (TensorFact | undefined)[];
  /** Whether input i is known before the model runs (a weight or another constant). */
  constant: (i: number) => boolean;
  /** Layout of the node's first input: NCHW unless an NHWC input has not been transposed yet. */
  layout: Layout;
}

export interface Mapped {
  kind: string;
  config: Record<string, unknown>;
}

type Mapper = (c: OpContext) => Mapped;

const shapeOf = (c: OpContext, i: number): Shape | null => c.inputs[i]?.shape ?? null;
const present = (c: OpContext, i: number): boolean => c.node.input[i] !== undefined && c.node.input[i] !== '';
const operandCount = (c: OpContext): number => c.node.input.filter((x) => x !== '').length;

/** Keras-style padding of an ONNX window: explicit pads, or the auto_pad mode. */
function padding(w: Window): Record<string, unknown> {
  switch (w.autoPad) {
    case 'SAME_UPPER': return { padding: 'same' };
    case 'SAME_LOWER': return { padding: 'same-lower' };
    case 'VALID': return { padding: 'valid' };
    default: return { padding: 'explicit', pads: w.pads };
  }
}

/** Kernel, strides, dilation and padding of a window op, with `rank` spatial axes. */
function windowConfig(node: OnnxNode, rank: number, weightKernel: (number | null)[] | null, key: 'kernelSize' | 'poolSize', dilations: boolean) {
  const w = readWindow(node, rank, weightKernel, { dilations, ceil: key === 'poolSize' });
  return { [key]: w.kernel, strides: w.strides, dilationRate: w.dilations, ...padding(w), ...(w.ceil ? { ceilMode: true } : {}) };
}

/** Conv, ConvInteger and QLinearConv: x and w at these positions, the bias (if any) at `bias`. */
const conv = (x: number, w: number, bias: number | null): Mapper => (c) => {
  const weights = shapeOf(c, w);
  const rank = Math.max(1, (weights?.length ?? shapeOf(c, x)?.length ?? 4) - 2);
  const groups = getInt(c.node, 'group', 1);
  const cin = shapeOf(c, x)?.[1] ?? null;
  const cout = weights?.[0] ?? c.outputs[0]?.shape?.[1] ?? null;
  const config = {
    ...windowConfig(c.node, rank, weights ? weights.slice(2) : null, 'kernelSize', true),
    groups,
    filters: cout,
    useBias: bias !== null && present(c, bias),
  };
  // group = Cin > 1: every output channel reads one input channel, as Keras' DepthwiseConv2D.
  const depthwise = rank === 2 && groups > 1 && cin === groups;
  const kind = depthwise ? 'DepthwiseConv2D' : `Conv${rank}D`;
  return { kind, config: depthwise && cout !== null ? { ...config, depthMultiplier: cout / groups } : config };
};

const convTranspose: Mapper = (c) => {
  const weights = shapeOf(c, 1);
  const rank = Math.max(1, (weights?.length ?? 4) - 2);
  const groups = getInt(c.node, 'group', 1);
  return {
    kind: `Conv${rank}DTranspose`,
    config: {
      ...windowConfig(c.node, rank, weights ? weights.slice(2) : null, 'kernelSize', true),
      groups,
      filters: c.outputs[0]?.shape?.[1] ?? null,
      useBias: present(c, 2),
    },
  };
};

/** The last two axes swapped: a transposed operand of Gemm. */
const transposed = (s: Shape | null): Shape | null => (s && s.length >= 2 ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);

const gemm: Mapper = (c) => {
  const a = getInt(c.node, 'transA', 0) ? transposed(shapeOf(c, 0)) : shapeOf(c, 0);
  const b = getInt(c.node, 'transB', 0) ? transposed(shapeOf(c, 1)) : shapeOf(c, 1);
  const useBias = present(c, 2);
  if (c.constant(1) && !c.constant(0)) return { kind: 'Dense', config: { units: b?.[1] ?? null, useBias } };
  return { kind: 'MatMul', config: { operandShapes: [a, b], useBias } };
};

/** MatMul, MatMulInteger, QLinearMatMul: a weight matrix on the right is a Dense layer. */
const matmul = (a: number, b: number): Mapper => (c) => {
  const right = shapeOf(c, b);
  if (c.constant(b) && !c.constant(a) && right?.length === 2) return { kind: 'Dense', config: { units: right[1], useBias: false } };
  return { kind: 'MatMul', config: { operandShapes: [shapeOf(c, a), right], useBias: false } };
};

const einsum: Mapper = (c) => ({
  kind: 'Einsum',
  config: { equation: getString(c.node, 'equation', ''), operandShapes: c.inputs.map((f) => f?.shape ?? null), useBias: false },
});

const recurrent = (kind: string): Mapper => (c) => {
  const r = shapeOf(c, 2);
  return {
    kind,
    config: {
      units: getInt(c.node, 'hidden_size') ?? r?.[2] ?? null,
      timeMajor: getInt(c.node, 'layout', 0) === 0,
      directions: getString(c.node, 'direction', 'forward') === 'bidirectional' ? 2 : 1,
    },
  };
};

const activation = (name: string): Mapper => () => ({ kind: 'Activation', config: { activation: name } });

/** Clip(0, 6) is ReLU6 (MobileNetV2 through torch), Clip(0) a ReLU; other clamps cost a comparison per bound. */
const clip: Mapper = (c) => {
  const given = (attr: string, i: number): boolean => c.node.attributes.has(attr) || present(c, i);
  const bound = (attr: string, i: number): number | undefined =>
    c.node.attributes.has(attr) ? getFloat(c.node, attr) : present(c, i) ? c.inputs[i]?.value?.[0] : undefined;
  const [lo, hi] = [bound('min', 1), bound('max', 2)];
  const bounds = Number(given('min', 1)) + Number(given('max', 2));
  const name = lo === 0 && hi === 6 ? 'relu6' : lo === 0 && !given('max', 2) ? 'relu' : bounds === 2 ? 'clip' : bounds === 1 ? 'clipbound' : 'linear';
  return { kind: 'Activation', config: { activation: name } };
};

/** Binary and variadic element-wise ops: k operands, constants included, cost k - 1 per element. */
const merge = (kind: string): Mapper => (c) => ({ kind, config: { operands: operandCount(c) } });

const plain = (kind: string, config: Record<string, unknown> = {}): Mapper => () => ({ kind, config });

/** The spatial axes of a rank-`rank` map: 1..rank-2 channels last, 2..rank-1 channels first. */
const spatialRankOf = (c: OpContext): number => Math.max(1, (shapeOf(c, 0)?.length ?? 4) - 2);

const pool = (kind: 'MaxPooling' | 'AveragePooling' | 'LpPooling'): Mapper => (c) => {
  const rank = spatialRankOf(c);
  return { kind: `${kind}${rank}D`, config: windowConfig(c.node, rank, null, 'poolSize', kind !== 'LpPooling') };
};

const globalPool = (kind: string): Mapper => (c) => ({ kind: kind === 'GlobalLpPooling' ? kind : `${kind}${spatialRankOf(c)}D`, config: {} });

/** The reduction's axes: from the attribute, or (later opsets) a constant input. */
function reduceAxes(c: OpContext): number[] | undefined {
  const attr = getInts(c.node, 'axes');
  if (attr) return attr;
  return present(c, 1) ? c.inputs[1]?.value : undefined;
}

/** A mean or max over exactly the spatial axes is global pooling (tf2onnx's and torch's adaptive pools). */
const reduce = (global: string | null): Mapper => (c) => reduceKind(global, shapeOf(c, 0)?.length, reduceAxes(c), c.layout);

/** Pad on the spatial axes only (batch and channel pads zero) moves the field like ZeroPadding; else plain data movement. */
const pad: Mapper = (c) => {
  const rank = shapeOf(c, 0)?.length;
  const pads = getInts(c.node, 'pads') ?? (present(c, 1) ? c.inputs[1]?.value : undefined);
  const axesIn = present(c, 3) ? c.inputs[3]?.value : undefined;
  if (rank === undefined || rank < 3 || !pads || axesIn || pads.length !== 2 * rank) return { kind: 'Pad', config: {} };
  const spatial = spatialAxes(rank, c.layout);
  const others = Array.from({ length: rank }, (_, i) => i).filter((i) => !spatial.includes(i));
  if (others.some((i) => pads[i] !== 0 || pads[i + rank] !== 0)) return { kind: 'Pad', config: {} };
  return { kind: `ZeroPadding${rank - 2}D`, config: { padding: spatial.map((i) => [pads[i], pads[i + rank]]) } };
};

const resize: Mapper = (c) => {
  const inShape = shapeOf(c, 0);
  const outShape = c.outputs[0]?.shape ?? null;
  const resized = inShape && outShape ? inShape.filter((d, i) => d !== outShape[i]).length : 2;
  const mode = getString(c.node, 'mode', 'nearest');
  return { kind: 'Resize', config: { mode: mode === 'bilinear' || mode === 'linear' ? 'linear' : mode, resizedAxes: resized } };
};


/** A transpose that only moves channels from last to first (or back) keeps the spatial axes in order. */
const transpose: Mapper = (c) => {
  const perm = getInts(c.node, 'perm');
  const to = layoutChange(perm);
  if (to) return { kind: 'LayoutTranspose', config: { to } };
  const kept = regroupsChannels(c);
  if (kept > 0) return { kind: 'ChannelRegroup', config: { perm, spatialRank: kept } };
  return { kind: 'Permute', config: { perm } };
};

/**
 * A reshape of a [N, C, H, W, ...] map to [N, C*H*W*...] (torch's x.view(N, -1), Keras'
 * Flatten through a converter) is a Flatten: after it every output sees the whole input.
 */
const reshape: Mapper = (c) => {
  const [inShape, outShape] = [shapeOf(c, 0), c.outputs[0]?.shape ?? null];
  const flattens = inShape !== null && outShape !== null && inShape.length >= 3 && outShape.length === 2 && inShape[0] !== null && outShape[0] === inShape[0];
  if (flattens) return { kind: 'Flatten', config: {} };
  const kept = regroupsChannels(c);
  return kept > 0 ? { kind: 'ChannelRegroup', config: { spatialRank: kept } } : { kind: 'Reshape', config: {} };
};

/**
 * ShuffleNet's channel shuffle, [N, C, H, W] -> [N, g, C/g, H, W] -> transposed -> back, or
 * torchvision's x[:, 0] -> unsqueeze: a reshape, transpose, gather or (un)squeeze that keeps
 * the batch first and the spatial axes last, in place, only regroups or picks channels, so
 * every position still sees what it saw. Returns how many trailing axes it keeps in place
 * (the receptive field passes when they cover its spatial axes), or 0.
 */
function regroupsChannels(c: OpContext): number {
  const [inShape, outShape] = [shapeOf(c, 0), c.outputs[0]?.shape ?? null];
  if (c.layout !== 'channelsFirst' || !inShape || !outShape || inShape.length < 3 || outShape.length < 3) return 0;
  if (inShape[0] === null || outShape[0] !== inShape[0]) return 0;
  const perm = c.node.opType === 'Transpose' ? (getInts(c.node, 'perm') ?? []) : undefined;
  if (perm && perm[0] !== 0) return 0;
  let kept = 0;
  for (let i = 1; i < Math.min(inShape.length, outShape.length); i++) {
    const [a, b] = [inShape[inShape.length - i], outShape[outShape.length - i]];
    const inPlace = !perm || perm[perm.length - i] === perm.length - i;
    if (a === null || a !== b || !inPlace) break;
    kept = i;
  }
  return kept;
}

/** Slice values: attributes up to opset 9, inputs after. */
function sliceArgs(c: OpContext): { starts?: number[]; ends?: number[]; axes?: number[]; steps?: number[] } {
  if (c.node.attributes.has('starts')) {
    return { starts: getInts(c.node, 'starts'), ends: getInts(c.node, 'ends'), axes: getInts(c.node, 'axes') };
  }
  const v = (i: number) => (present(c, i) ? c.inputs[i]?.value : undefined);
  return { starts: v(1), ends: v(2), axes: present(c, 3) ? v(3) : undefined, steps: present(c, 4) ? v(4) : undefined };
}

/** A slice of the spatial axes only, step 1, is a crop (Keras' Cropping2D through a converter): it moves the field. */
const slice: Mapper = (c) => {
  const inShape = shapeOf(c, 0);
  const outShape = c.outputs[0]?.shape ?? null;
  const rank = inShape?.length ?? 0;
  const { starts, ends, axes, steps } = sliceArgs(c);
  if (!inShape || !outShape || rank < 3 || !starts || !ends || steps?.some((s) => s !== 1)) return { kind: 'Slice', config: {} };
  const spatial = spatialAxes(rank, c.layout);
  const before = new Array<number>(rank).fill(0);
  (axes ?? starts.map((_, i) => i)).forEach((a, i) => {
    const axis = a < 0 ? a + rank : a;
    const n = inShape[axis];
    if (n === null || axis < 0 || axis >= rank) return;
    const s = starts[i] < 0 ? starts[i] + n : starts[i];
    before[axis] = Math.min(Math.max(s, 0), n);
  });
  const sameElsewhere = inShape.every((d, i) => spatial.includes(i) || (d === outShape[i] && before[i] === 0));
  if (!sameElsewhere || outShape.some((d) => d === null)) return { kind: 'Slice', config: {} };
  const cropping = spatial.map((i) => [before[i], (inShape[i] as number) - (outShape[i] as number) - before[i]]);
  return { kind: `Cropping${rank - 2}D`, config: { cropping } };
};

/** Squeeze, Unsqueeze and Gather: a ChannelRegroup when they only touch the channel axes of an NCHW map. */
const channelPick = (kind: string): Mapper => (c) => {
  const kept = regroupsChannels(c);
  return kept > 0 ? { kind: 'ChannelRegroup', config: { spatialRank: kept } } : { kind, config: {} };
};

const lrn: Mapper = (c) => ({ kind: 'LocalResponseNormalization', config: { depthRadius: (getInt(c.node, 'size', 1) - 1) / 2 } });

const UNARY: [string, string][] = [
  ['Relu', 'relu'], ['Sigmoid', 'sigmoid'], ['Tanh', 'tanh'], ['LeakyRelu', 'leakyrelu'], ['Elu', 'elu'],
  ['Selu', 'selu'], ['Celu', 'celu'], ['Softplus', 'softplus'], ['Softsign', 'softsign'], ['HardSigmoid', 'hardsigmoid'],
  ['HardSwish', 'hardswish'], ['Gelu', 'gelu'], ['Mish', 'mish'], ['ThresholdedRelu', 'thresholdedrelu'], ['Erf', 'erf'],
  ['Exp', 'exp'], ['Log', 'log'], ['Sqrt', 'sqrt'], ['Reciprocal', 'reciprocal'], ['Neg', 'neg'], ['Abs', 'abs'],
  ['Floor', 'floor'], ['Ceil', 'ceil'], ['Round', 'round'], ['Sign', 'sign'], ['Sin', 'sin'], ['Cos', 'cos'], ['Tan', 'tan'],
  ['Not', 'not'], ['IsNaN', 'isnan'], ['IsInf', 'isinf'], ['Shrink', 'shrink'], ['Swish', 'swish'],
];

const COMPARE = ['Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'And', 'Or', 'Xor', 'Mod', 'BitShift',
  'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'];

const DATA_MOVEMENT: [string, string][] = [
  ['Flatten', 'Flatten'],
  ['Concat', 'Concatenate'], ['Split', 'Split'], ['GatherElements', 'Gather'],
  ['GatherND', 'Gather'], ['Compress', 'Gather'], ['NonZero', 'Gather'], ['ScatterND', 'Scatter'],
  ['ScatterElements', 'Scatter'], ['OneHot', 'Scatter'], ['Expand', 'Expand'], ['Tile', 'Tile'],
  ['Identity', 'Identity'], ['Dropout', 'Dropout'], ['Cast', 'Cast'], ['CastLike', 'Cast'], ['Shape', 'Shape'],
  ['Size', 'Shape'], ['ConstantOfShape', 'Shape'], ['Range', 'Shape'], ['EyeLike', 'Shape'], ['Trilu', 'Select'],
  ['DepthToSpace', 'DepthToSpace'], ['SpaceToDepth', 'SpaceToDepth'],
];

/** Keyed by op type of the default domain; file content, so a Map. */
export const OP_KINDS: ReadonlyMap<string, Mapper> = new Map<string, Mapper>([
  ['Conv', conv(0, 1, 2)],
  ['ConvInteger', conv(0, 1, null)],
  ['QLinearConv', conv(0, 3, 8)],
  ['ConvTranspose', convTranspose],
  ['Gemm', gemm],
  ['MatMul', matmul(0, 1)],
  ['MatMulInteger', matmul(0, 1)],
  ['QLinearMatMul', matmul(0, 3)],
  ['Einsum', einsum],
  ['LSTM', recurrent('LSTM')],
  ['GRU', recurrent('GRU')],
  ['RNN', recurrent('SimpleRNN')],

  ['BatchNormalization', plain('BatchNormalization')],
  ['InstanceNormalization', plain('InstanceNormalization')],
  ['LayerNormalization', plain('LayerNormalization')],
  ['GroupNormalization', plain('GroupNormalization')],
  ['LpNormalization', plain('LayerNormalization')],
  ['MeanVarianceNormalization', plain('LayerNormalization')],
  ['LRN', lrn],
  ...UNARY.map(([op, name]): [string, Mapper] => [op, activation(name)]),
  ['Clip', clip],
  ['PRelu', plain('PReLU')],
  ['Softmax', plain('Softmax')],
  ['LogSoftmax', plain('Softmax')],
  ['Hardmax', plain('Softmax')],
  ['QuantizeLinear', plain('QuantizeLinear')],
  ['DequantizeLinear', plain('DequantizeLinear')],
  ['DynamicQuantizeLinear', plain('DynamicQuantizeLinear')],

  ['Add', merge('Add')],
  ['Sum', merge('Add')],
  ['Sub', merge('Subtract')],
  ['Mul', merge('Multiply')],
  ['Div', merge('Divide')],
  ['Pow', merge('Power')],
  ['Max', merge('Maximum')],
  ['Min', merge('Minimum')],
  ['Mean', merge('Average')],
  // Where(condition, a, b): one choice between two operands per element; the condition is no operand.
  ['Where', () => ({ kind: 'Select', config: { operands: 2 } })],
  ...COMPARE.map((op): [string, Mapper] => [op, merge('Compare')]),

  ['MaxPool', pool('MaxPooling')],
  ['AveragePool', pool('AveragePooling')],
  ['LpPool', pool('LpPooling')],
  ['GlobalAveragePool', globalPool('GlobalAveragePooling')],
  ['GlobalMaxPool', globalPool('GlobalMaxPooling')],
  ['GlobalLpPool', globalPool('GlobalLpPooling')],
  ['ReduceMean', reduce('GlobalAveragePooling')],
  ['ReduceMax', reduce('GlobalMaxPooling')],
  ...['ReduceMin', 'ReduceSum', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare',
    'ArgMax', 'ArgMin', 'TopK', 'CumSum'].map((op): [string, Mapper] => [op, reduce(null)]),
  ['Pad', pad],
  ['Resize', resize],
  ['Upsample', resize],
  // GridSample reads each output point from the input at a computed position: a resize's taps.
  ['GridSample', (c) => ({ kind: 'Resize', config: { mode: getString(c.node, 'mode', 'linear') === 'nearest' ? 'nearest' : getString(c.node, 'mode', 'linear') === 'cubic' || getString(c.node, 'mode', 'linear') === 'bicubic' ? 'cubic' : 'linear', resizedAxes: Math.max(1, (shapeOf(c, 0)?.length ?? 4) - 2) } })],
  ['Transpose', transpose],
  ['Reshape', reshape],
  ['Squeeze', channelPick('Reshape')],
  ['Unsqueeze', channelPick('Reshape')],
  ['Gather', channelPick('Gather')],
  ['Slice', slice],
  ...DATA_MOVEMENT.map(([op, kind]): [string, Mapper] => [op, plain(kind)]),
]);

/** The kind and config of a node, or undefined when dnarch has no rule for its op. */
export function mapOp(c: OpContext): Mapped | undefined {
  if (!isDefaultDomain(c.node.domain)) return undefined;
  return OP_KINDS.get(c.node.opType)?.(c);
}
