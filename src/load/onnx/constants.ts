import type { WeightInfo } from '../../graph/types.js';
import { ElemType, isDefaultDomain, type OnnxGraph, type OnnxNode, type OnnxTensor } from './ir.js';
import { isFloatType } from './tensor-data.js';

/**
 * Which values of an ONNX graph are known before it runs, and which of the stored tensors
 * are parameters.
 *
 * A value is constant when it is an initializer, a Constant node's output, or computed by
 * a node all of whose inputs are constant (PyTorch's shape arithmetic, the DequantizeLinear
 * of a QDQ model's int8 weights, the Slice/Concat that reassembles an LSTM's weights). Such
 * nodes are folded away: they are not rows. Every other node is live.
 *
 * A stored tensor (initializer or Constant) is a parameter when a live node reads it, maybe
 * through constant nodes, in a slot that takes data: a Conv's weights and bias, a Gemm's
 * matrices, a BatchNormalization's statistics, an Add's bias; and when its type holds
 * weights: floating point, or 8-bit (and 4-bit) integers, or the int32 bias of a quantized
 * convolution. Tensors read as shapes, axes, pads, sizes, Resize scales or Clip bounds are
 * configuration; scales and zero points of (de)quantization are quantization constants.
 * Both are counted apart, never as parameters. A tensor read by several nodes counts once.
 */

/** How a node reads one of its inputs. */
export type Role = 'data' | 'qdata' | 'stat' | 'quant' | 'config';

type SlotRoles = (index: number) => Role;

const configFrom = (first: number): SlotRoles => (i) => (i >= first ? 'config' : 'data');
const only = (roles: Record<number, Role>, rest: Role = 'data'): SlotRoles => (i) => (Object.hasOwn(roles, i) ? roles[i] : rest);

/** Input roles by op type (default: every input is data). Ops of other domains read data. */
const SLOT_ROLES = new Map<string, SlotRoles>([
  ['Reshape', configFrom(1)],
  ['Expand', configFrom(1)],
  ['Tile', configFrom(1)],
  ['Squeeze', configFrom(1)],
  ['Unsqueeze', configFrom(1)],
  ['Split', configFrom(1)],
  ['Slice', configFrom(1)],
  ['Pad', configFrom(1)],
  ['Resize', configFrom(1)],
  ['Upsample', configFrom(1)],
  ['Clip', configFrom(1)],
  ['TopK', configFrom(1)],
  ['OneHot', configFrom(1)],
  ['CumSum', configFrom(1)],
  ['Trilu', configFrom(1)],
  ['Dropout', configFrom(1)],
  ['Pow', configFrom(1)],
  ['Gather', configFrom(1)],
  ['GatherElements', configFrom(1)],
  ['GatherND', configFrom(1)],
  ['ScatterND', only({ 1: 'config' })],
  ['ScatterElements', only({ 1: 'config' })],
  ['Compress', configFrom(1)],
  ['NonMaxSuppression', configFrom(2)],
  ['ReduceMean', configFrom(1)], ['ReduceMax', configFrom(1)], ['ReduceMin', configFrom(1)], ['ReduceSum', configFrom(1)],
  ['ReduceProd', configFrom(1)], ['ReduceL1', configFrom(1)], ['ReduceL2', configFrom(1)], ['ReduceLogSum', configFrom(1)],
  ['ReduceLogSumExp', configFrom(1)], ['ReduceSumSquare', configFrom(1)],
  // Ops that read their inputs' shapes, never their values.
  ['Shape', () => 'config'], ['Size', () => 'config'], ['ConstantOfShape', () => 'config'], ['EyeLike', () => 'config'],
  ['RandomNormalLike', () => 'config'], ['RandomUniformLike', () => 'config'], ['Range', () => 'config'],
  ['Where', only({ 0: 'config' })],
  // Sequence lengths and initial states are inputs the caller sets, not weights (LSTM's 7, peepholes, are).
  ['LSTM', only({ 4: 'config', 5: 'config', 6: 'config' })],
  ['GRU', only({ 4: 'config', 5: 'config' })],
  ['RNN', only({ 4: 'config', 5: 'config' })],
  ['Loop', only({ 0: 'config', 1: 'config' })],
  ['If', () => 'config'],
  ['BatchNormalization', only({ 3: 'stat', 4: 'stat' })],
  ['QuantizeLinear', only({ 1: 'quant', 2: 'quant' })],
  ['DequantizeLinear', only({ 0: 'qdata' }, 'quant')],
  ['DynamicQuantizeLinear', () => 'data'],
  ['QLinearConv', only({ 0: 'data', 3: 'qdata', 8: 'qdata' }, 'quant')],
  ['QLinearMatMul', only({ 0: 'data', 3: 'qdata' }, 'quant')],
  ['ConvInteger', only({ 0: 'data', 1: 'qdata' }, 'quant')],
  ['MatMulInteger', only({ 0: 'data', 1: 'qdata' }, 'quant')],
]);

const roleIn = (node: OnnxNode, i: number): Role =>
  isDefaultDomain(node.domain) ? (SLOT_ROLES.get(node.opType)?.(i) ?? 'data') : 'data';

/** A role seen through a constant node: data passes its node's roles on; the others stay what they are. */
function through(outer: Role, inner: Role): Role {
  if (outer === 'quant' || outer === 'config') return outer;
  if (inner === 'data') return outer;
  return inner;
}

/** Ops whose outputs are not determined by their inputs: never folded. */
const RANDOM = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

const EIGHT_BIT = new Set<number>([ElemType.INT8, ElemType.UINT8, ElemType.INT4, ElemType.UINT4, ElemType.INT16, ElemType.UINT16]);

/** dnarch's (tfjs-style) dtype names for weights. */
const DTYPE_NAMES = new Map<number, string>([
  [ElemType.FLOAT, 'float32'], [ElemType.FLOAT16, 'float16'], [ElemType.BFLOAT16, 'bfloat16'], [ElemType.DOUBLE, 'float64'],
  [ElemType.INT8, 'int8'], [ElemType.UINT8, 'uint8'], [ElemType.INT16, 'int16'], [ElemType.UINT16, 'uint16'],
  [ElemType.INT32, 'int32'], [ElemType.INT64, 'int64'], [ElemType.INT4, 'int4'], [ElemType.UINT4, 'uint4'],
  [ElemType.FLOAT8E4M3FN, 'float8'], [ElemType.FLOAT8E4M3FNUZ, 'float8'], [ElemType.FLOAT8E5M2, 'float8'], [ElemType.FLOAT8E5M2FNUZ, 'float8'],
]);

export const dtypeName = (t: number): string => DTYPE_NAMES.get(t) ?? 'unknown';

/**
 * Ops whose constant inputs are their weights whatever their size. Elsewhere (Add, Mul,
 * ...) a constant operand is a weight when it has several elements (a bias, a per-channel
 * scale) and a setting when it is a single number (Rescaling's 1/255, GELU's 0.5, an
 * epsilon): Keras counts those as no parameters, and neither does dnarch.
 */
const WEIGHT_OPS = new Set([
  'Conv', 'ConvTranspose', 'ConvInteger', 'QLinearConv', 'Gemm', 'MatMul', 'MatMulInteger', 'QLinearMatMul', 'Einsum',
  'BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'GroupNormalization', 'PRelu', 'LSTM', 'GRU', 'RNN',
]);

function isParameter(t: OnnxTensor, role: Role, fromWeightOp: boolean): boolean {
  if (role === 'quant' || role === 'config') return false;
  if (t.size === 1 && !fromWeightOp) return false;
  if (isFloatType(t.dataType)) return true;
  if (EIGHT_BIT.has(t.dataType)) return true;
  return t.dataType === ElemType.INT32 && role === 'qdata';
}

export interface ConstantCount {
  tensors: number;
  elements: number;
}

export interface ConstantAnalysis {
  /** True for values known before the model runs. */
  isConstant(name: string): boolean;
  /** Nodes that compute something at run time, in the order given. */
  live: OnnxNode[];
  /** Nodes folded away because their inputs are all constant. */
  folded: number;
  /** The parameters each live node is the first to read, by node. */
  weights: Map<OnnxNode, WeightInfo[]>;
  paramsByDtype: Map<string, number>;
  constants: { config: ConstantCount; quantization: ConstantCount };
  /** Initializers no live node reads, directly or through constant nodes. */
  unused: ConstantCount;
}

/** The tensor a Constant node holds (value, or the value_* shorthands), described enough to count. */
function constantNodeTensor(node: OnnxNode): OnnxTensor | undefined {
  const value = node.attributes.get('value') ?? node.attributes.get('sparse_value');
  if (value?.t) return value.t;
  const scalar = (dataType: number): OnnxTensor => ({ name: node.output[0] ?? '', dataType, dims: [], size: 1, values: () => undefined });
  const vector = (dataType: number, n: number): OnnxTensor => ({ name: node.output[0] ?? '', dataType, dims: [n], size: n, values: () => undefined });
  const a = (k: string) => node.attributes.get(k);
  if (a('value_float')) return scalar(ElemType.FLOAT);
  if (a('value_int')) return scalar(ElemType.INT64);
  if (a('value_floats')) return vector(ElemType.FLOAT, a('value_floats')?.floats?.length ?? 0);
  if (a('value_ints')) return vector(ElemType.INT64, a('value_ints')?.ints?.length ?? 0);
  return undefined;
}

/**
 * Classifies the values of `graph`; `order` is a topological order of its nodes. `known`
 * says which values shape inference computed: a Shape of a tensor whose size is fixed is as
 * constant as an initializer, and so is everything computed from it alone.
 */
export function analyzeConstants(graph: OnnxGraph, order: OnnxNode[], known: (value: string) => boolean = () => false): ConstantAnalysis {
  const constant = new Set<string>(graph.initializers.keys());
  const producer = new Map<string, OnnxNode>();
  const stored = new Map<string, OnnxTensor>(graph.initializers);
  const live: OnnxNode[] = [];
  for (const node of order) {
    node.output.forEach((o) => o && producer.set(o, node));
    const isConstantNode = isDefaultDomain(node.domain) && node.opType === 'Constant';
    const reads = node.input.filter((i) => i !== '');
    // Control flow (a node with subgraphs) and random ops are never folded.
    const hasSubgraph = [...node.attributes.values()].some((a) => a.g || a.graphs);
    const outputs = node.output.filter((o) => o !== '');
    const deterministic = !RANDOM.has(node.opType) && !hasSubgraph;
    const folds =
      isConstantNode ||
      (deterministic && reads.length > 0 && reads.every((i) => constant.has(i))) ||
      (deterministic && outputs.length > 0 && outputs.every(known));
    if (folds) {
      node.output.forEach((o) => o && constant.add(o));
      if (isConstantNode) {
        const t = constantNodeTensor(node);
        if (t && node.output[0]) stored.set(node.output[0], t);
      }
    } else {
      live.push(node);
    }
  }

  // Every stored tensor each live node reaches through constant nodes, with the role it is
  // read in and whether the reader is an op whose constants are weights.
  const rolesOf = new Map<string, Set<string>>();
  const firstReader = new Map<string, OnnxNode>();
  const seen = new Set<string>();
  for (const node of live) {
    const weightOp = isDefaultDomain(node.domain) && WEIGHT_OPS.has(node.opType);
    // Reversed, so that the first input's tensors are found (and listed) first: kernel before bias.
    const stack: [string, Role][] = node.input.map((v, i): [string, Role] => [v, roleIn(node, i)]).filter(([v]) => v !== '' && constant.has(v)).reverse();
    while (stack.length > 0) {
      const [value, role] = stack.pop() as [string, Role];
      const use = `${role}${weightOp ? '+' : ''}`;
      const key = `${use}\u0000${value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (stored.has(value)) {
        const uses = rolesOf.get(value) ?? new Set<string>();
        uses.add(use);
        rolesOf.set(value, uses);
        if (!firstReader.has(value)) firstReader.set(value, node);
        continue;
      }
      const p = producer.get(value);
      if (!p) continue;
      for (let i = p.input.length - 1; i >= 0; i--) {
        const v = p.input[i];
        if (v !== '' && constant.has(v)) stack.push([v, through(role, roleIn(p, i))]);
      }
    }
  }

  const weights = new Map<OnnxNode, WeightInfo[]>();
  const paramsByDtype = new Map<string, number>();
  const constants = { config: { tensors: 0, elements: 0 }, quantization: { tensors: 0, elements: 0 } };
  for (const [name, uses] of rolesOf) {
    const t = stored.get(name) as OnnxTensor;
    const asWeight = [...uses].find((u) => isParameter(t, u.replace('+', '') as Role, u.endsWith('+')));
    const weightRole = asWeight?.replace('+', '') as Role | undefined;
    if (weightRole) {
      const reader = firstReader.get(name) as OnnxNode;
      const dtype = dtypeName(t.dataType);
      const list = weights.get(reader) ?? [];
      list.push({ name, shape: [...t.dims], dtype, trainable: weightRole !== 'stat' });
      weights.set(reader, list);
      paramsByDtype.set(dtype, (paramsByDtype.get(dtype) ?? 0) + t.size);
    } else {
      const bucket = [...uses].some((u) => u.startsWith('quant')) ? constants.quantization : constants.config;
      bucket.tensors += 1;
      bucket.elements += t.size;
    }
  }
  const unused = { tensors: 0, elements: 0 };
  for (const [name, t] of graph.initializers) {
    if (rolesOf.has(name)) continue;
    unused.tensors += 1;
    unused.elements += t.size;
  }
  return { isConstant: (n) => constant.has(n), live, folded: order.length - live.length, weights, paramsByDtype, constants, unused };
}
