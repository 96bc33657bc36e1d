/**
 * Ops that make tensors from shapes or attributes: Shape, Size, Constant, ConstantOfShape,
 * Range, and the random generators. Shape and Size start the chains that fold.
 */
import type { OnnxTensor } from '../ir.js';
import { AttrKind, ElemType } from '../ir.js';
import { getInt, getInts } from './attributes.js';
import { storeAllAs } from './dtype.js';
import { canFold, fact, intValues, isKnown, need, count, scalarValue, sizeValue, unknownDims, vectorLength } from './facts.js';
import type { InferContext, InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

/**
 * A stored tensor as a fact. Its values are decoded on first read, not here: a model has
 * many small weights that no rule ever folds, and decoding them all would cost gigabytes.
 * They are kept only when small and when they match the dims.
 */
export const tensorFact = (t: OnnxTensor, limit: number): TensorFact => {
  const shape = [...t.dims];
  // No throwing here: a bad dim is reported by the first node that reads the tensor.
  let n: number | null = 1;
  for (const d of shape) n = n !== null && Number.isSafeInteger(d) && d >= 0 && Number.isSafeInteger(n * d) ? n * d : null;
  const f = fact(t.dataType, shape);
  if (n === null || n > limit || t.external !== undefined) return f;
  let decoded = false;
  let cache: number[] | undefined;
  Object.defineProperty(f, 'value', {
    enumerable: true,
    get(): number[] | undefined {
      if (!decoded) {
        decoded = true;
        const v = t.values(limit);
        cache = v !== undefined && v.length === n ? v : undefined;
      }
      return cache;
    },
  });
  return f;
};

const clampAxis = (a: number, r: number): number => Math.min(Math.max(a < 0 ? a + r : a, 0), r);

const shapeOp: InferRule = (node, inputs, ctx) => {
  const x = need(inputs, 0, 'data');
  if (x.shape === null) return [fact(ElemType.INT64, [null])];
  const r = x.shape.length;
  const start = ctx.opset >= 15 ? clampAxis(getInt(node, 'start', 0), r) : 0;
  const end = ctx.opset >= 15 ? clampAxis(getInt(node, 'end', r), r) : r;
  const dims = x.shape.slice(start, Math.max(start, end));
  return [fact(ElemType.INT64, [dims.length], isKnown(dims) && canFold(ctx, dims.length) ? dims : undefined)];
};

const size: InferRule = (_node, inputs) => {
  const x = need(inputs, 0, 'data');
  const n = x.shape === null ? null : count(x.shape);
  return [fact(ElemType.INT64, [], n === null ? undefined : [n])];
};

const constant: InferRule = (node, _inputs, ctx) => {
  const [name, a] = [...node.attributes].find(([k]) => k.startsWith('value') || k === 'sparse_value') ?? [];
  if (a === undefined) throw new ShapeError('Constant has no value attribute');
  switch (name) {
    case 'value':
      if (a.t === undefined) throw new ShapeError('attribute "value" holds no tensor');
      return [tensorFact(a.t, ctx.valueLimit)];
    case 'value_float':
      return [fact(ElemType.FLOAT, [], [Math.fround(a.f ?? 0)])];
    case 'value_floats': {
      const v = a.floats ?? [];
      return [fact(ElemType.FLOAT, [v.length], v.length <= ctx.valueLimit ? v.map(Math.fround) : undefined)];
    }
    case 'value_int':
      return [fact(ElemType.INT64, [], [a.i ?? 0])];
    case 'value_ints': {
      const v = a.ints ?? [];
      return [fact(ElemType.INT64, [v.length], v.length <= ctx.valueLimit ? v : undefined)];
    }
    case 'value_string':
      return [fact(ElemType.STRING, [])];
    case 'value_strings':
      return [fact(ElemType.STRING, [(a.strings ?? []).length])];
    case 'sparse_value':
      // The reader keeps a sparse tensor's dense dims and type in `t`; its values are not decoded.
      if (a.type === AttrKind.SPARSE_TENSOR && a.t !== undefined) return [fact(a.t.dataType, [...a.t.dims])];
      return [fact(0, null)];
    default:
      throw new ShapeError(`Constant has the unknown attribute ${JSON.stringify(name)}`);
  }
};

const constantOfShape: InferRule = (node, inputs, ctx) => {
  const s = need(inputs, 0, 'input');
  const attr = node.attributes.get('value');
  let dtype: number = ElemType.FLOAT;
  let fill = 0;
  if (attr !== undefined) {
    const t = attr.t;
    if (t === undefined) throw new ShapeError('attribute "value" holds no tensor');
    if (t.size !== 1) throw new ShapeError(`attribute "value" should hold one element, not ${t.size}`);
    dtype = t.dataType;
    fill = t.values(1)?.[0] ?? 0;
  }
  const dims = intValues(s, 'shape');
  if (dims === undefined) return [fact(dtype, unknownDims(vectorLength(s, 'shape')))];
  const shape = dims.map((d) => sizeValue(d, 'shape value'));
  const n = count(shape);
  return [fact(dtype, shape, canFold(ctx, n) ? new Array<number>(n as number).fill(fill) : undefined)];
};

const rangeOp: InferRule = (_node, inputs, ctx: InferContext) => {
  const start = scalarValue(need(inputs, 0, 'start'), 'start');
  const limit = scalarValue(need(inputs, 1, 'limit'), 'limit');
  const delta = scalarValue(need(inputs, 2, 'delta'), 'delta');
  const dtype = (inputs[0] as TensorFact).dtype;
  if (start === undefined || limit === undefined || delta === undefined) return [fact(dtype, [null])];
  if (delta === 0) throw new ShapeError('Range delta is 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  if (!Number.isSafeInteger(n)) throw new ShapeError(`Range from ${start} to ${limit} by ${delta} has ${n} elements`);
  const value = canFold(ctx, n) ? storeAllAs(dtype, Array.from({ length: n }, (_, i) => start + i * delta)) : undefined;
  return [fact(dtype, [n], value)];
};

/** RandomNormal, RandomUniform: shape and dtype attributes. */
const random: InferRule = (node) => {
  const shape = getInts(node, 'shape');
  if (shape === undefined) throw new ShapeError('attribute "shape" is missing');
  return [fact(getInt(node, 'dtype', ElemType.FLOAT), shape.map((d) => sizeValue(d, 'shape value')))];
};

/** RandomNormalLike, RandomUniformLike, Bernoulli: the input's shape, the dtype attribute or the input's type. */
const randomLike: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'input');
  return [fact(getInt(node, 'dtype') ?? x.dtype, x.shape)];
};

const multinomial: InferRule = (node, inputs) => {
  const x = need(inputs, 0, 'input');
  const samples = sizeValue(getInt(node, 'sample_size', 1), 'sample_size');
  if (x.shape !== null && x.shape.length !== 2) throw new ShapeError('input should be 2-D [batch, classes]');
  return [fact(getInt(node, 'dtype', ElemType.INT32), [x.shape === null ? null : x.shape[0], samples])];
};

export const SHAPE_OP_RULES: [string, InferRule][] = [
  ['Shape', shapeOp],
  ['Size', size],
  ['Constant', constant],
  ['ConstantOfShape', constantOfShape],
  ['Range', rangeOp],
  ['RandomNormal', random],
  ['RandomUniform', random],
  ['RandomNormalLike', randomLike],
  ['RandomUniformLike', randomLike],
  ['Bernoulli', randomLike],
  ['Multinomial', multinomial],
];
