/**
 * Broadcasting element-wise ops (arithmetic, comparison, logic, Where), with folding: these
 * are the arithmetic of shape-computing chains (Shape -> Cast -> Mul -> Floor -> Cast).
 */
import type { OnnxNode } from '../ir.js';
import { ElemType } from '../ir.js';
import { getChoice, getInt } from './attributes.js';
import { broadcastShapes, mapBroadcast } from './broadcast.js';
import { isIntType, storeAllAs } from './dtype.js';
import { canFold, fact, isKnown, need, count, type Shape, showShape } from './facts.js';
import type { InferContext, InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

type Fn = (xs: number[]) => number;

interface Spec {
  /** The function for folding, given the node and the inputs' type; undefined: no folding. */
  fold?: (node: OnnxNode, dtype: number) => Fn;
  bool?: boolean;
  arity: 2 | 3 | 'variadic';
  /** Before opset 7 these ops broadcast only with broadcast=1, aligning B at `axis`. */
  legacy?: boolean;
}

/**
 * Opset < 7: B is either one element or a contiguous run of A's dims starting at `axis`
 * (default: the trailing ones). Returns B's shape padded with 1s to A's rank so that numpy
 * rules then give the same result.
 */
const legacyShapes = (node: OnnxNode, a: Shape | null, b: Shape | null): (Shape | null)[] => {
  if (getInt(node, 'broadcast', 0) === 0 || a === null || b === null) return [a, b];
  if (count(b) === 1) return [a, []];
  const axis = getInt(node, 'axis', a.length - b.length);
  if (axis < 0 || axis + b.length > a.length) {
    throw new ShapeError(`shape ${showShape(b)} does not fit into ${showShape(a)} at axis ${axis}`);
  }
  const padded: Shape = a.map(() => 1);
  b.forEach((d, i) => {
    const ad = a[axis + i];
    // A size-1 dim of B is repeated along A's (PyTorch's legacy exports rely on it, as ONNX Runtime does).
    if (d !== null && ad !== null && d !== ad && d !== 1) {
      throw new ShapeError(`shape ${showShape(b)} does not match ${showShape(a)} at axis ${axis}`);
    }
    padded[axis + i] = d;
  });
  return [a, padded];
};

const elementwise =
  (spec: Spec): InferRule =>
  (node, inputs, ctx: InferContext) => {
    const n = spec.arity === 'variadic' ? Math.max(1, node.input.length) : spec.arity;
    const ins: TensorFact[] = [];
    for (let i = 0; i < n; i++) ins.push(need(inputs, i, `operand ${i}`));
    let shapes = ins.map((f) => f.shape);
    if (spec.legacy && ctx.opset < 7) shapes = legacyShapes(node, shapes[0], shapes[1]);
    const out = broadcastShapes(shapes);
    const data = spec.arity === 3 ? ins.slice(1) : ins;
    const inType = data.find((f) => f.dtype !== 0)?.dtype ?? 0;
    const outType = spec.bool ? ElemType.BOOL : inType;
    let value: number[] | undefined;
    if (spec.fold !== undefined && out !== null && isKnown(out) && canFold(ctx, count(out), ...ins)) {
      const known = ins.map((f, i) => ({ shape: shapes[i] as number[], value: f.value as number[] }));
      value = storeAllAs(outType, mapBroadcast(out, known, spec.fold(node, inType)));
    }
    return [fact(outType, out, value)];
  };

const fixed = (fn: Fn) => () => fn;

/** Integer division truncates toward zero; a zero divisor makes NaN, which stops folding. */
const div = (_node: OnnxNode, dtype: number): Fn =>
  isIntType(dtype) ? ([a, b]) => (b === 0 ? NaN : Math.trunc(a / b)) : ([a, b]) => a / b;

/** fmod=0 (integers only): the sign of the divisor, as Python's %; fmod=1: C's fmod, as JS %. */
const mod = (node: OnnxNode, dtype: number): Fn => {
  if (getInt(node, 'fmod', 0) === 1) return ([a, b]) => a % b;
  return ([a, b]) => (b === 0 ? NaN : isIntType(dtype) ? a - b * Math.floor(a / b) : ((a % b) + b) % b);
};

const bitShift = (node: OnnxNode): Fn => {
  const left = getChoice(node, 'direction', ['LEFT', 'RIGHT'], 'LEFT') === 'LEFT';
  return ([a, b]) => (left ? a * 2 ** b : Math.floor(a / 2 ** b));
};

const bool = (fn: (a: number, b: number) => boolean) => fixed(([a, b]) => (fn(a, b) ? 1 : 0));

const SPECS: [string, Spec][] = [
  ['Add', { arity: 2, legacy: true, fold: fixed(([a, b]) => a + b) }],
  ['Sub', { arity: 2, legacy: true, fold: fixed(([a, b]) => a - b) }],
  ['Mul', { arity: 2, legacy: true, fold: fixed(([a, b]) => a * b) }],
  ['Div', { arity: 2, legacy: true, fold: div }],
  ['Pow', { arity: 2, legacy: true, fold: fixed(([a, b]) => a ** b) }],
  ['Mod', { arity: 2, fold: mod }],
  ['BitShift', { arity: 2, fold: bitShift }],
  ['BitwiseAnd', { arity: 2 }],
  ['BitwiseOr', { arity: 2 }],
  ['BitwiseXor', { arity: 2 }],
  ['Max', { arity: 'variadic', fold: fixed((xs) => Math.max(...xs)) }],
  ['Min', { arity: 'variadic', fold: fixed((xs) => Math.min(...xs)) }],
  ['Sum', { arity: 'variadic', fold: fixed((xs) => xs.reduce((s, x) => s + x, 0)) }],
  ['Mean', { arity: 'variadic', fold: fixed((xs) => xs.reduce((s, x) => s + x, 0) / xs.length) }],
  ['And', { arity: 2, legacy: true, bool: true, fold: bool((a, b) => a !== 0 && b !== 0) }],
  ['Or', { arity: 2, legacy: true, bool: true, fold: bool((a, b) => a !== 0 || b !== 0) }],
  ['Xor', { arity: 2, legacy: true, bool: true, fold: bool((a, b) => (a !== 0) !== (b !== 0)) }],
  ['Equal', { arity: 2, legacy: true, bool: true, fold: bool((a, b) => a === b) }],
  ['Greater', { arity: 2, legacy: true, bool: true, fold: bool((a, b) => a > b) }],
  ['GreaterOrEqual', { arity: 2, bool: true, fold: bool((a, b) => a >= b) }],
  ['Less', { arity: 2, legacy: true, bool: true, fold: bool((a, b) => a < b) }],
  ['LessOrEqual', { arity: 2, bool: true, fold: bool((a, b) => a <= b) }],
  ['Where', { arity: 3, fold: fixed(([c, x, y]) => (c !== 0 ? x : y)) }],
];

export const ELEMENTWISE_RULES: [string, InferRule][] = SPECS.map(([op, spec]) => [op, elementwise(spec)]);

