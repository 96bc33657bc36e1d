/**
 * Shape inference over a whole graph: the nodes in topological order, each op's rule on
 * the facts of its inputs. Facts with unknown dims propagate as far as rules can carry
 * them; nothing is guessed. ShapeErrors become one-line DnarchErrors naming the node.
 */
import { DnarchError } from '../../../errors.js';
import type { OnnxGraph, OnnxNode } from '../ir.js';
import { isDefaultDomain } from '../ir.js';
import { declaredFact } from './control-flow.js';
import { fact, MAX_RANK, quote, showShape } from './facts.js';
import { SHAPE_RULES } from './rules.js';
import { tensorFact } from './shape-ops.js';
import { nodeLabel, topoSort } from './toposort.js';
import type { InferContext, TensorFact } from './types.js';
import { ShapeError } from './types.js';

export interface InferOptions {
  /** Default-domain opset of the model. */
  opset: number;
  /** Largest tensor whose values are folded (default 65536). */
  valueLimit?: number;
  /** Facts the file itself declares (value_info / graph outputs), used only for outputs of ops with no rule, and only when fully known (no null dims). */
  declared?: ReadonlyMap<string, TensorFact>;
}

export interface InferResult {
  /** Every value: initializers, graph inputs, node outputs. */
  facts: Map<string, TensorFact>;
  /** The nodes in a topological order (file order where free). */
  order: OnnxNode[];
  /** Ops with no rule; declared: their outputs came from the file's declarations. */
  noRule: { node: OnnxNode; declared: boolean }[];
}

export const DEFAULT_VALUE_LIMIT = 65536;

/**
 * Folding is bounded per graph as well as per tensor: without it, a chain of 50,000 Adds
 * on a 65,536-element constant would compute and keep 3e9 numbers. Past the budget only
 * small tensors (shape vectors) still fold.
 */
const BUDGET_FACTOR = 64;
const SMALL_FOLD = 64;

const isSize = (d: number | null): boolean => d === null || (Number.isSafeInteger(d) && d >= 0);

/** The first dim of a fact that is not a size (negative, fractional, beyond 2^53), if any. */
const badDim = (f: TensorFact): number | undefined => f.shape?.find((d) => !isSize(d)) as number | undefined;

/**
 * Why a fact cannot be a tensor's, if it cannot. The rank bound keeps chains of rank-growing
 * ops (Unsqueeze with a long axes constant, Reshape to a long target) from growing shapes
 * without end.
 */
const problem = (f: TensorFact, showIt = false): string | undefined => {
  if (f.shape !== null && f.shape.length > MAX_RANK) return `has rank ${f.shape.length}, beyond ${MAX_RANK}`;
  const d = badDim(f);
  if (d === undefined) return undefined;
  return `has dimension ${d}, which is not a size${showIt ? ` (shape ${showShape(f.shape)})` : ''}`;
};

const fullyKnown = (f: TensorFact | undefined): f is TensorFact =>
  f !== undefined && f.shape !== null && f.shape.every((d) => d !== null && isSize(d));

/** The length of a value computed by a rule (not one decoded lazily from the file, which is not folding work). */
const foldedLength = (f: TensorFact | undefined): number => {
  const d = f === undefined ? undefined : Object.getOwnPropertyDescriptor(f, 'value');
  return d !== undefined && Array.isArray(d.value) ? d.value.length : 0;
};

export function inferShapes(graph: OnnxGraph, inputs: ReadonlyMap<string, TensorFact>, opts: InferOptions): InferResult {
  const valueLimit = opts.valueLimit ?? DEFAULT_VALUE_LIMIT;
  const facts = new Map<string, TensorFact>();
  const sources = new Map<string, string>();
  for (const vi of graph.inputs) {
    sources.set(vi.name, 'a graph input');
    facts.set(vi.name, inputs.get(vi.name) ?? declaredFact(vi));
  }
  for (const [name, t] of graph.initializers) {
    sources.set(name, 'an initializer');
    facts.set(name, inputs.get(name) ?? tensorFact(t, valueLimit));
  }
  const order = topoSort(graph, sources);
  const noRule: InferResult['noRule'] = [];
  let budget = BUDGET_FACTOR * valueLimit;

  for (const node of order) {
    const ins = node.input.map((name) => (name === '' ? undefined : facts.get(name)));
    const rule = isDefaultDomain(node.domain) ? SHAPE_RULES.get(node.opType) : undefined;
    if (rule === undefined) {
      noRule.push({ node, declared: fromDeclarations(node, facts, opts.declared) });
      continue;
    }
    const ctx: InferContext = { opset: opts.opset, valueLimit: budget >= valueLimit ? valueLimit : Math.min(valueLimit, SMALL_FOLD) };
    let out: TensorFact[];
    try {
      ins.forEach((f, i) => {
        const why = f === undefined ? undefined : problem(f);
        if (why !== undefined) throw new ShapeError(`input ${quote(node.input[i])} ${why}`);
      });
      out = rule(node, ins, ctx);
      out.forEach((f, i) => {
        // Rules check what they compute; this catches what slips through.
        const why = i < node.output.length ? problem(f, true) : undefined;
        if (why !== undefined) throw new ShapeError(`output ${i} ${why}`);
      });
    } catch (e) {
      if (e instanceof ShapeError) throw new DnarchError('BAD_INPUT', `${nodeLabel(node)}: ${e.message}`, { cause: e });
      throw e;
    }
    let charge = 0;
    node.output.forEach((name, i) => {
      if (name === '') return;
      const f = out[i] ?? fact(0, null);
      charge += foldedLength(f);
      facts.set(name, f);
    });
    if (charge > 0) budget -= charge + ins.reduce((s, f) => s + foldedLength(f), 0);
  }
  return { facts, order, noRule };
}

/** Outputs of a node with no rule: the file's declarations where fully known, else unknown. */
const fromDeclarations = (node: OnnxNode, facts: Map<string, TensorFact>, declared: ReadonlyMap<string, TensorFact> | undefined): boolean => {
  let all = true;
  let any = false;
  for (const name of node.output) {
    if (name === '') continue;
    any = true;
    const d = declared?.get(name);
    if (fullyKnown(d)) {
      facts.set(name, fact(d.dtype, [...(d.shape as number[])]));
    } else {
      all = false;
      facts.set(name, fact(0, null));
    }
  }
  return all && any;
};
