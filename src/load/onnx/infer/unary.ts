/**
 * Ops whose output 0 has the shape of input 0: activations, math functions, Cast, Clip,
 * Dropout, PRelu, ... Folding is limited to what shape-computing chains use.
 */
import { AttrKind, ElemType } from '../ir.js';
import { getFloat, getInt } from './attributes.js';
import { checkUnidirectional } from './broadcast.js';
import { castAll, storeAllAs } from './dtype.js';
import { canFold, fact, need, normAxis, numelOf, quote, rankOf, scalarValue } from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

/** Round half to even, as ONNX Round does. */
export const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
};

const unary =
  (fn?: (x: number) => number, outDtype?: number): InferRule =>
  (_node, inputs, ctx) => {
    const x = need(inputs, 0, 'X');
    const dtype = outDtype ?? x.dtype;
    const value = fn !== undefined && canFold(ctx, numelOf(x), x) ? storeAllAs(dtype, (x.value as number[]).map(fn)) : undefined;
    return [fact(dtype, x.shape, value)];
  };

/** Same shape, and an `axis` attribute that must be valid for the input's rank. */
const withAxis =
  (dfltAxis: (opset: number) => number): InferRule =>
  (node, inputs, ctx) => {
    const x = need(inputs, 0, 'X');
    const r = rankOf(x);
    if (r !== null) normAxis(getInt(node, 'axis', dfltAxis(ctx.opset)), r);
    return [fact(x.dtype, x.shape)];
  };

const PLAIN = [
  'Sigmoid', 'Tanh', 'LeakyRelu', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'HardSigmoid', 'HardSwish',
  'Gelu', 'Mish', 'ThresholdedRelu', 'Swish', 'Erf', 'Exp', 'Log', 'Reciprocal', 'Sin', 'Cos', 'Tan', 'Asin',
  'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Shrink', 'LRN', 'MeanVarianceNormalization',
  'InstanceNormalization', 'GroupNormalization', 'Trilu', 'CumSum', 'CumProd', 'BitwiseNot', 'ReverseSequence',
] as const;

const softmaxAxis = (opset: number): number => (opset < 13 ? 1 : -1);

const clip: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'input');
  let lo: number | undefined = -Infinity;
  let hi: number | undefined = Infinity;
  if (ctx.opset < 11) {
    lo = getFloat(node, 'min', -Infinity);
    hi = getFloat(node, 'max', Infinity);
  } else {
    if (inputs[1] !== undefined) lo = scalarValue(inputs[1], 'min');
    if (inputs[2] !== undefined) hi = scalarValue(inputs[2], 'max');
  }
  const fold = lo !== undefined && hi !== undefined && canFold(ctx, numelOf(x), x);
  const l = lo ?? 0;
  const h = hi ?? 0;
  return [fact(x.dtype, x.shape, fold ? storeAllAs(x.dtype, (x.value as number[]).map((v) => Math.min(Math.max(v, l), h))) : undefined)];
};

const cast =
  (target: (node: Parameters<InferRule>[0], inputs: (TensorFact | undefined)[]) => number): InferRule =>
  (node, inputs, ctx) => {
    const x = need(inputs, 0, 'input');
    const to = target(node, inputs);
    const value = canFold(ctx, numelOf(x), x) ? castAll(x.dtype, to, x.value as number[]) : undefined;
    return [fact(to, x.shape, value)];
  };

const TYPE_BY_NAME = new Map<string, number>(Object.entries(ElemType));

/** `to` is an INT from opset 6; Cast-1 named the type in a STRING ("FLOAT"). */
const castTo = (node: Parameters<InferRule>[0]): number => {
  const a = node.attributes.get('to');
  if (a === undefined) throw new ShapeError('attribute "to" is missing');
  if (a.type === AttrKind.STRING || (a.type === AttrKind.UNDEFINED && a.s !== undefined)) {
    const to = TYPE_BY_NAME.get((a.s ?? '').toUpperCase());
    if (to === undefined) throw new ShapeError(`attribute "to" names no type: ${quote(a.s ?? '')}`);
    return to;
  }
  return getInt(node, 'to') as number;
};

const dropout: InferRule = (_node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  // The mask was of the data's type until opset 10 made it BOOL.
  return [fact(x.dtype, x.shape), fact(ctx.opset < 10 ? x.dtype : ElemType.BOOL, x.shape)];
};

/**
 * PRelu: the slope broadcasts to X (numpy rules, opset 7+). Before opset 7 a slope of C
 * elements applied along the channel axis 1, as PyTorch's PReLU(num_parameters=C) exports.
 */
const prelu: InferRule = (_node, inputs, ctx) => {
  const x = need(inputs, 0, 'X');
  const slope = need(inputs, 1, 'slope').shape;
  const perChannel = ctx.opset < 7 && slope !== null && slope.length === 1 && x.shape !== null && x.shape.length >= 2 && (slope[0] === x.shape[1] || slope[0] === null || x.shape[1] === null);
  if (!perChannel) checkUnidirectional(slope, x.shape, 'slope');
  return [fact(x.dtype, x.shape)];
};

const eyeLike: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'input');
  if (x.shape !== null && x.shape.length !== 2) throw new ShapeError(`input should be 2-D, not of rank ${x.shape.length}`);
  return [fact(getInt(node, 'dtype') ?? x.dtype, x.shape)];
};

const identity: InferRule = (_node, inputs) => {
  const x = need(inputs, 0, 'input');
  return [x.value === undefined ? fact(x.dtype, x.shape) : fact(x.dtype, x.shape, x.value)];
};

export const UNARY_RULES: [string, InferRule][] = [
  ...PLAIN.map((op): [string, InferRule] => [op, unary()]),
  ['Relu', unary((x) => Math.max(0, x))],
  ['Abs', unary(Math.abs)],
  ['Neg', unary((x) => -x)],
  ['Floor', unary(Math.floor)],
  ['Ceil', unary(Math.ceil)],
  ['Round', unary(roundHalfEven)],
  ['Sqrt', unary(Math.sqrt)],
  ['Sign', unary(Math.sign)],
  ['Not', unary((x) => (x ? 0 : 1), ElemType.BOOL)],
  ['IsNaN', unary(undefined, ElemType.BOOL)],
  ['IsInf', unary(undefined, ElemType.BOOL)],
  ['Softmax', withAxis(softmaxAxis)],
  ['LogSoftmax', withAxis(softmaxAxis)],
  ['Hardmax', withAxis(softmaxAxis)],
  ['LpNormalization', withAxis(() => -1)],
  ['Identity', identity],
  ['Clip', clip],
  ['Cast', cast(castTo)],
  ['CastLike', cast((_n, inputs) => need(inputs, 1, 'target_type').dtype)],
  ['Dropout', dropout],
  ['PRelu', prelu],
  ['EyeLike', eyeLike],
];
