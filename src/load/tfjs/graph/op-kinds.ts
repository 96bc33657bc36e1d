import type { Shape } from '../../../graph/types.js';
import type { TfNode } from './model-json.js';
import type { Fact } from './infer/types.js';
import { oriented } from './infer/matmul.js';
import { readWindow } from './infer/window.js';
import { layoutChange, reduceKind, spatialAxes, type Layout } from '../../layout.js';

/**
 * What each TensorFlow op computes, in the vocabulary of dnarch's analysis rules (the
 * `kind` of its LayerNode and the config those rules read), as the ONNX frontend does for
 * its ops (src/load/onnx/op-kinds.ts). The row keeps the file's op type (`_FusedConv2D`,
 * `FusedDepthwiseConv2dNative`); the rule follows the computation: a MatMul by a weight
 * matrix is a Dense layer, a Mean over the spatial axes a global pooling. Fused epilogues
 * (`fused_ops`) are priced as the bias, the activation and the rest of their per-element
 * work. Ops missing here are listed as unsupported.
 */


export interface OpContext {
  node: TfNode;
  /** Facts of the node's data inputs, by position. */
  inputs: Fact[];
  outputs: Fact[];
  /** Whether data input i is known before the model runs (a weight or another constant). */
  constant: (i: number) => boolean;
  /** Layout of the node's first live input. */
  layout: Layout;
}

export interface Mapped {
  kind: string;
  config: Record<string, unknown>;
  /** Set by ops that say their own layout (data_format). */
  layout?: Layout;
}

type Mapper = (c: OpContext) => Mapped;

const shapeOf = (c: OpContext, i: number): Shape | null => c.inputs[i]?.shape ?? null;

/** Activation names (analysis' table, activation-cost.ts; a name not in it costs 1 per element) of TensorFlow's element-wise ops. */
const ACTIVATIONS = new Map<string, string>([
  ['Relu', 'relu'], ['Relu6', 'relu6'], ['Elu', 'elu'], ['Selu', 'selu'], ['Sigmoid', 'sigmoid'], ['Tanh', 'tanh'],
  ['LeakyRelu', 'leakyrelu'], ['Softplus', 'softplus'], ['Softsign', 'softsign'], ['Exp', 'exp'], ['Log', 'log'], ['Log1p', 'log'],
  ['Neg', 'neg'], ['Reciprocal', 'reciprocal'], ['Sqrt', 'sqrt'], ['Rsqrt', 'rsqrt'], ['Square', 'square'], ['Abs', 'abs'],
  ['Floor', 'floor'], ['Ceil', 'ceil'], ['Round', 'round'], ['Sign', 'sign'], ['Erf', 'erf'], ['Sin', 'sin'], ['Cos', 'cos'],
  ['Tan', 'tan'], ['LogicalNot', 'not'], ['IsNan', 'isnan'], ['Swish', 'swish'], ['Mish', 'mish'], ['HardSigmoid', 'hardsigmoid'],
  ['Prelu', 'prelu'], ['ClipByValue', 'clip'], ['Expm1', 'exp'],
]);

/** Per-element FLOPs of the ops a fused conv / matmul may add after its product, besides the bias and the activation. */
const FUSED_EXTRA = new Map<string, number>([['FusedBatchNorm', 2], ['Add', 1], ['AddV2', 1]]);

/** bias, activation and the rest of a `fused_ops` list. */
function fused(node: TfNode): Record<string, unknown> {
  const ops = node.attrs.strings('fused_ops') ?? [];
  const activation = ops.map((o) => ACTIVATIONS.get(o)).find((a) => a !== undefined);
  const extra = ops.reduce((s, o) => s + (FUSED_EXTRA.get(o) ?? 0), 0);
  return { useBias: ops.includes('BiasAdd'), ...(activation ? { activation } : {}), ...(extra > 0 ? { epilogueFlops: extra } : {}), fusedOps: ops };
}

/** Keras-style window config of a conv / pool node ('explicit' pads as ONNX writes them: befores, then afters). */
function windowConfig(c: OpContext, pool: boolean): { config: Record<string, unknown>; layout: Layout } {
  const rank = shapeOf(c, 0)?.length ?? (c.node.op.includes('3D') ? 5 : 4);
  const w = readWindow(c.node, rank, pool);
  const padding = w.padding === 'SAME' ? 'same' : w.padding === 'VALID' ? 'valid' : 'explicit';
  return {
    config: {
      strides: w.strides,
      dilationRate: w.dilations,
      padding,
      ...(padding === 'explicit' ? { pads: [...w.pads.map((p) => p[0]), ...w.pads.map((p) => p[1])] } : {}),
      ...(pool ? { poolSize: w.ksize } : {}),
    },
    layout: w.channelsFirst ? 'channelsFirst' : 'channelsLast',
  };
}

const conv = (depthwise: boolean): Mapper => (c) => {
  const f = shapeOf(c, 1);
  const { config, layout } = windowConfig(c, false);
  const spatial = f ? f.slice(0, -2) : null;
  const x = shapeOf(c, 0);
  const cin = x ? x[layout === 'channelsFirst' ? 1 : x.length - 1] : null;
  const fin = f?.[f.length - 2] ?? null;
  const fout = f?.[f.length - 1] ?? null;
  const rank = f ? f.length - 2 : 2;
  const common = { ...config, kernelSize: spatial, ...(c.node.op.startsWith('Fused') || c.node.op.startsWith('_Fused') ? fused(c.node) : { useBias: false }) };
  if (depthwise) return { kind: 'DepthwiseConv2D', config: { ...common, depthMultiplier: fout, filters: cin !== null && fout !== null ? cin * fout : null }, layout };
  // TensorFlow's grouped convolution: the filter reads Cin / groups channels.
  const groups = cin !== null && fin !== null && fin > 0 ? cin / fin : 1;
  return { kind: `Conv${rank}D`, config: { ...common, filters: fout, groups }, layout };
};

/** Conv2DBackpropInput(input_sizes, filter [kh, kw, out, in], out_backprop): the transposed convolution reads input 2. */
const convTranspose: Mapper = (c) => {
  const f = shapeOf(c, 1);
  const { config, layout } = windowConfig({ ...c, inputs: [c.inputs[2] ?? { shape: null }] }, false);
  return { kind: 'Conv2DTranspose', config: { ...config, kernelSize: f ? f.slice(0, 2) : null, filters: f?.[2] ?? null, groups: 1, useBias: false }, layout };
};

const pool = (kind: 'MaxPooling' | 'AveragePooling'): Mapper => (c) => {
  const { config, layout } = windowConfig(c, true);
  const rank = (shapeOf(c, 0)?.length ?? 4) - 2;
  return { kind: `${kind}${rank}D`, config, layout };
};

/** MatMul and _FusedMatMul by a constant matrix are Dense layers; of two activations (and BatchMatMul) MatMuls. */
const matmul = (batched: boolean): Mapper => (c) => {
  const [ta, tb] = batched ? ['adj_x', 'adj_y'] : ['transpose_a', 'transpose_b'];
  const a = oriented(shapeOf(c, 0), c.node.attrs.bool(ta) ?? false);
  const b = oriented(shapeOf(c, 1), c.node.attrs.bool(tb) ?? false);
  const epilogue = c.node.op === '_FusedMatMul' ? fused(c.node) : { useBias: false };
  if (!batched && c.constant(1) && !c.constant(0) && b?.length === 2 && !(c.node.attrs.bool(ta) ?? false)) {
    return { kind: 'Dense', config: { units: b[1], ...epilogue } };
  }
  return { kind: 'MatMul', config: { operandShapes: [a, b], ...epilogue } };
};

const merge = (kind: string): Mapper => (c) => ({ kind, config: { operands: c.inputs.length } });
const plain = (kind: string): Mapper => () => ({ kind, config: {} });

/** NHWC (or NCHW) spatial axes of a rank-r tensor. */
/** A Mean or Max over exactly the spatial axes is global pooling. */
const reduce = (global: string | null): Mapper => (c) => reduceKind(global, shapeOf(c, 0)?.length, c.inputs[1]?.value ?? undefined, c.layout);

/** Pad of the spatial axes only is a ZeroPadding (it moves the receptive field); other pads are data movement. */
const pad: Mapper = (c) => {
  const rank = shapeOf(c, 0)?.length;
  const p = c.inputs[1]?.value;
  if (rank === undefined || rank < 3 || !p || p.length !== 2 * rank) return { kind: 'Pad', config: {} };
  const spatial = spatialAxes(rank, c.layout);
  const others = Array.from({ length: rank }, (_, i) => i).filter((i) => !spatial.includes(i));
  if (others.some((i) => p[2 * i] !== 0 || p[2 * i + 1] !== 0)) return { kind: 'Pad', config: {} };
  return { kind: `ZeroPadding${rank - 2}D`, config: { padding: spatial.map((i) => [p[2 * i], p[2 * i + 1]]) } };
};


const transpose: Mapper = (c) => {
  const perm = c.inputs[1]?.value;
  const to = layoutChange(perm);
  return to ? { kind: 'LayoutTranspose', config: { to }, layout: to } : { kind: 'Permute', config: { perm: perm ?? null } };
};

/** [N, ...] -> [N, everything else]: a Flatten (every output then sees the whole input). */
const reshape: Mapper = (c) => {
  const [x, y] = [shapeOf(c, 0), c.outputs[0]?.shape ?? null];
  const flattens = x !== null && y !== null && x.length >= 3 && y.length === 2 && x[0] !== null && y[0] === x[0];
  return flattens ? { kind: 'Flatten', config: {} } : { kind: 'Reshape', config: {} };
};

const resize = (mode: string): Mapper => () => ({ kind: 'Resize', config: { mode, resizedAxes: 2 } });

const activation = (name: string): Mapper => () => ({ kind: 'Activation', config: { activation: name } });

const COMPARE = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'FloorMod'];
const DATA_MOVEMENT: [string, string][] = [
  ['ConcatV2', 'Concatenate'], ['Pack', 'Concatenate'], ['Split', 'Split'], ['SplitV', 'Split'], ['Unpack', 'Split'],
  ['Slice', 'Slice'], ['StridedSlice', 'Slice'], ['Squeeze', 'Reshape'], ['ExpandDims', 'Reshape'], ['Cast', 'Cast'],
  ['StopGradient', 'Identity'], ['PlaceholderWithDefault', 'Identity'], ['Snapshot', 'Identity'], ['PreventGradient', 'Identity'], ['IdentityN', 'Identity'],
  ['Shape', 'Shape'], ['Size', 'Shape'], ['Rank', 'Shape'], ['Range', 'Shape'], ['Fill', 'Shape'], ['ZerosLike', 'Shape'],
  ['OnesLike', 'Shape'], ['Tile', 'Tile'], ['GatherV2', 'Gather'], ['DepthToSpace', 'DepthToSpace'], ['SpaceToDepth', 'SpaceToDepth'],
];

/** Keyed by op type (file content: a Map). */
export const OP_KINDS: ReadonlyMap<string, Mapper> = new Map<string, Mapper>([
  ['Conv2D', conv(false)], ['_FusedConv2D', conv(false)], ['Conv3D', conv(false)],
  ['DepthwiseConv2dNative', conv(true)], ['FusedDepthwiseConv2dNative', conv(true)],
  ['Conv2DBackpropInput', convTranspose],
  ['MaxPool', pool('MaxPooling')], ['MaxPool3D', pool('MaxPooling')], ['AvgPool', pool('AveragePooling')], ['AvgPool3D', pool('AveragePooling')],
  ['MatMul', matmul(false)], ['_FusedMatMul', matmul(false)], ['BatchMatMul', matmul(true)], ['BatchMatMulV2', matmul(true)],
  ['FusedBatchNorm', plain('BatchNormalization')], ['FusedBatchNormV2', plain('BatchNormalization')], ['FusedBatchNormV3', plain('BatchNormalization')],
  ['LRN', (c) => ({ kind: 'LocalResponseNormalization', config: { depthRadius: c.node.attrs.int('depth_radius') ?? 5 } })],
  ...[...ACTIVATIONS].map(([op, name]): [string, Mapper] => [op, activation(name)]),
  ['Softmax', plain('Softmax')], ['LogSoftmax', plain('Softmax')],
  ['BiasAdd', () => ({ kind: 'Add', config: { operands: 2 } })],
  ['Add', merge('Add')], ['AddV2', merge('Add')], ['AddN', merge('Add')], ['Sub', merge('Subtract')], ['Mul', merge('Multiply')],
  ['RealDiv', merge('Divide')], ['Div', merge('Divide')], ['DivNoNan', merge('Divide')], ['FloorDiv', merge('Divide')],
  ['Maximum', merge('Maximum')], ['Minimum', merge('Minimum')], ['Pow', merge('Power')],
  ['SquaredDifference', () => ({ kind: 'Subtract', config: { operands: 3 } })],
  ['Select', () => ({ kind: 'Select', config: { operands: 2 } })], ['SelectV2', () => ({ kind: 'Select', config: { operands: 2 } })],
  ...COMPARE.map((op): [string, Mapper] => [op, merge('Compare')]),
  ['Mean', reduce('GlobalAveragePooling')], ['Max', reduce('GlobalMaxPooling')],
  ...['Sum', 'Min', 'Prod', 'All', 'Any', 'ArgMax', 'ArgMin', 'TopKV2'].map((op): [string, Mapper] => [op, reduce(null)]),
  ['Pad', pad], ['PadV2', pad], ['MirrorPad', pad],
  ['Transpose', transpose], ['Reshape', reshape],
  ['ResizeBilinear', resize('linear')], ['ResizeNearestNeighbor', resize('nearest')], ['ResizeBicubic', resize('cubic')],
  ...DATA_MOVEMENT.map(([op, kind]): [string, Mapper] => [op, plain(kind)]),
]);

export const mapOp = (c: OpContext): Mapped | undefined => OP_KINDS.get(c.node.op)?.(c);
