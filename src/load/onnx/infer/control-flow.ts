/**
 * If, Loop, Scan. Their subgraphs are not inferred: outputs come from what the bodies
 * declare (If: where both branches agree), dims declared as symbols being unknown.
 */
import type { OnnxGraph, OnnxValueInfo } from '../ir.js';
import { getGraph } from './attributes.js';
import { type Dim, fact, type Shape } from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

export const declaredFact = (vi: OnnxValueInfo | undefined): TensorFact => {
  if (vi === undefined) return fact(0, null);
  const shape = vi.dims === null ? null : vi.dims.map((d): Dim => (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0 ? d : null));
  return fact(vi.elemType ?? 0, shape);
};

/** What two facts have in common: a dim where both agree, the type if both agree. */
const agree = (a: TensorFact, b: TensorFact): TensorFact => {
  const shape: Shape | null =
    a.shape !== null && b.shape !== null && a.shape.length === b.shape.length ? a.shape.map((d, i) => (d === (b.shape as Shape)[i] ? d : null)) : null;
  return fact(a.dtype === b.dtype ? a.dtype : 0, shape);
};

const body = (node: Parameters<InferRule>[0], name: string): OnnxGraph => {
  const g = getGraph(node, name);
  if (g === undefined) throw new ShapeError(`attribute "${name}" is missing`);
  return g;
};

const ifOp: InferRule = (node) => {
  const then = body(node, 'then_branch');
  const other = body(node, 'else_branch');
  const n = node.output.length;
  for (const [g, name] of [[then, 'then_branch'], [other, 'else_branch']] as const) {
    if (g.outputs.length !== n) throw new ShapeError(`${name} has ${g.outputs.length} outputs for the node's ${n}`);
  }
  return node.output.map((_, i) => agree(declaredFact(then.outputs[i]), declaredFact(other.outputs[i])));
};

/** Body outputs: the condition, then N loop-carried values, then the scan outputs; the node has all but the condition. */
const loop: InferRule = (node) => {
  const g = body(node, 'body');
  return node.output.map((_, i) => fact(declaredFact(g.outputs[i + 1]).dtype, null));
};

const scan: InferRule = (node) => {
  const g = body(node, 'body');
  return node.output.map((_, i) => fact(declaredFact(g.outputs[i]).dtype, null));
};

export const CONTROL_FLOW_RULES: [string, InferRule][] = [
  ['If', ifOp],
  ['Loop', loop],
  ['Scan', scan],
];
