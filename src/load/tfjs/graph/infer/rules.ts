import { binary, biasAdd, copy, copyEach, fusedBatchNorm, same } from './elementwise.js';
import { conv, convBackpropInput, pool } from './conv.js';
import { matmul } from './matmul.js';
import {
  concat, dataDependent, depthSpace, expandDims, fill, gather, pack, pad, range, rankOp, reduce, reshape, resize, shapeOp, sizeOp, slice, split,
  squeeze, stridedSlice, tensorListStack, tile, topK, transpose, unpack,
} from './shape-ops.js';
import type { Rule } from './types.js';

/** Shape rules by TensorFlow op type (file content: a Map). Ops missing here have unknown outputs. */

const UNARY = ['Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Log1p', 'Neg', 'Reciprocal', 'Sqrt', 'Rsqrt', 'Square',
  'Abs', 'Floor', 'Ceil', 'Round', 'Sign', 'Softplus', 'Softsign', 'LeakyRelu', 'Softmax', 'LogSoftmax', 'LogicalNot', 'IsNan', 'Erf',
  'Sin', 'Cos', 'Tan', 'Atan', 'Asin', 'Acos', 'Sinh', 'Cosh', 'Expm1', 'ZerosLike', 'OnesLike', 'ClipByValue', 'LRN', 'Selu', 'Mish',
  'Swish', 'HardSigmoid', 'Prelu'];

const BINARY: [string, ((...xs: number[]) => number) | undefined][] = [
  ['Add', (a, b) => a + b], ['AddV2', (a, b) => a + b], ['Sub', (a, b) => a - b], ['Mul', (a, b) => a * b],
  ['FloorDiv', (a, b) => Math.floor(a / b)], ['FloorMod', undefined], ['RealDiv', undefined], ['Div', undefined], ['DivNoNan', undefined],
  ['Maximum', Math.max], ['Minimum', Math.min], ['Pow', undefined], ['SquaredDifference', undefined], ['Greater', undefined],
  ['GreaterEqual', undefined], ['Less', undefined], ['LessEqual', undefined], ['Equal', undefined], ['NotEqual', undefined],
  ['LogicalAnd', undefined], ['LogicalOr', undefined], ['Select', undefined], ['SelectV2', undefined], ['AddN', undefined],
  ['Atan2', undefined],
];

export const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ...UNARY.map((op): [string, Rule] => [op, same]),
  ...BINARY.map(([op, f]): [string, Rule] => [op, binary(f)]),
  ['Identity', copy], ['StopGradient', copy], ['Snapshot', copy], ['PreventGradient', copy], ['Cast', copy], ['IdentityN', copyEach],
  ['BiasAdd', biasAdd],
  ['FusedBatchNorm', fusedBatchNorm], ['FusedBatchNormV2', fusedBatchNorm], ['FusedBatchNormV3', fusedBatchNorm],
  ['Conv2D', conv(false)], ['_FusedConv2D', conv(false)], ['Conv3D', conv(false)],
  ['DepthwiseConv2dNative', conv(true)], ['FusedDepthwiseConv2dNative', conv(true)],
  ['Conv2DBackpropInput', convBackpropInput],
  ['MaxPool', pool], ['AvgPool', pool], ['MaxPool3D', pool], ['AvgPool3D', pool],
  ['MatMul', matmul(false)], ['_FusedMatMul', matmul(false)], ['BatchMatMul', matmul(true)], ['BatchMatMulV2', matmul(true)],
  ['Shape', shapeOp], ['Size', sizeOp], ['Rank', rankOp],
  ['Reshape', reshape], ['Squeeze', squeeze], ['ExpandDims', expandDims], ['Transpose', transpose],
  ['Pad', pad], ['PadV2', pad], ['MirrorPad', pad],
  ['ConcatV2', concat], ['Pack', pack], ['Unpack', unpack], ['Split', split(false)], ['SplitV', split(true)],
  ['Slice', slice], ['StridedSlice', stridedSlice], ['Fill', fill], ['Tile', tile], ['GatherV2', gather],
  ['Mean', reduce(false)], ['Sum', reduce(false)], ['Max', reduce(false)], ['Min', reduce(false)], ['Prod', reduce(false)],
  ['All', reduce(false)], ['Any', reduce(false)], ['ArgMax', reduce(true)], ['ArgMin', reduce(true)],
  ['ResizeBilinear', resize], ['ResizeNearestNeighbor', resize], ['ResizeBicubic', resize],
  ['DepthToSpace', depthSpace(true)], ['SpaceToDepth', depthSpace(false)],
  ['Range', range], ['TopKV2', topK],
  ['Where', dataDependent([2])],
  ['NonMaxSuppressionV3', dataDependent([1])], ['NonMaxSuppressionV4', dataDependent([1, 0])], ['NonMaxSuppressionV5', dataDependent([1, 1, 0])],
]);

/**
 * Control-flow ops whose output shape their own attributes and constants fix, though what
 * flows through them is not walked: TensorListStack (the tensors a loop wrote, stacked) is
 * [num_elements, ...element_shape].
 */
export const CONTROL_FLOW_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([['TensorListStack', tensorListStack]]);
