import type { Shape } from '../../../../graph/types.js';
import type { TfGraphModel, TfNode } from '../model-json.js';
import { AttrError } from '../attrs.js';
import { CONTROL_FLOW_RULES, RULES } from './rules.js';
import { checkShape, ShapeError, UNKNOWN, type Fact, type RuleContext } from './types.js';

/**
 * Shapes (and small values) of every tensor of a graph model's main graph, in topological
 * order. Control flow is not walked: TF1 loops (Enter, Merge, Switch, NextIteration, Exit,
 * LoopCond) and TF2 calls of library functions (While, StatelessWhile, If, ...) have unknown
 * outputs, and so has what depends on them. A cycle other than a TF1 loop's back edge
 * (NextIteration into Merge) is an error.
 */

export const CONTROL_FLOW = new Set(['Enter', 'Exit', 'Switch', 'Merge', 'NextIteration', 'LoopCond', 'RefEnter', 'RefExit', 'RefSwitch',
  'RefMerge', 'RefNextIteration', 'While', 'StatelessWhile', 'If', 'StatelessIf', 'Case', 'StatelessCase', 'PartitionedCall',
  'StatefulPartitionedCall', 'TensorListFromTensor', 'TensorListGetItem', 'TensorListReserve', 'TensorListSetItem', 'TensorListStack',
  'TensorListLength', 'TensorListElementShape', 'TensorListConcatV2', 'TensorListSplit', 'TensorListPushBack', 'TensorListPopBack',
  'TensorArrayV3', 'TensorArrayReadV3', 'TensorArrayWriteV3', 'TensorArrayGatherV3', 'TensorArrayScatterV3', 'TensorArraySizeV3']);

export interface ConstantInfo {
  shape: number[];
  dtype: string;
  /** The values, when the shards are beside model.json (int32 ones, and small float ones). */
  value?: number[];
}

export interface InferResult {
  order: TfNode[];
  /** Facts by tensor name, 'node:k'. */
  facts: Map<string, Fact>;
  /** Ops with no shape rule (outside control flow), with how many nodes. */
  noRule: Map<string, number>;
  /** Constants whose values a shape needed and the absent shards hold: name -> the first node that needed it. */
  missingValues: Map<string, string>;
}

export const tensorName = (node: string, output: number): string => `${node}:${output}`;

/** A binary heap: the least item first. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  push(x: T): void {
    const a = this.items;
    a.push(x);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (this.less(a[i], a[p]) >= 0) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop() as T;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const [l, r] = [2 * i + 1, 2 * i + 2];
        let m = i;
        if (l < a.length && this.less(a[l], a[m]) < 0) m = l;
        if (r < a.length && this.less(a[r], a[m]) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/** Kahn's order of the nodes (file order among the ready ones); a cycle is named. */
export function topoOrder(model: TfGraphModel, file: string, fail: (m: string) => Error): TfNode[] {
  const deps = new Map<TfNode, TfNode[]>();
  for (const n of model.nodes) {
    const from = n.inputs
      .map((i) => model.byName.get(i.node) as TfNode)
      // A TF1 loop's back edge: Merge reads NextIteration, which reads the loop body.
      .filter((d) => !((n.op === 'Merge' || n.op === 'RefMerge') && (d.op === 'NextIteration' || d.op === 'RefNextIteration')));
    deps.set(n, from);
  }
  const waiting = new Map<TfNode, number>();
  const readers = new Map<TfNode, TfNode[]>();
  for (const [n, from] of deps) {
    waiting.set(n, from.length);
    for (const d of from) {
      const list = readers.get(d);
      if (list) list.push(n);
      else readers.set(d, [n]);
    }
  }
  // Among the nodes ready to run, the one first in the file: rows keep the converter's order.
  const ready = new MinHeap<TfNode>((a, b) => a.index - b.index);
  for (const n of model.nodes) if (waiting.get(n) === 0) ready.push(n);
  const order: TfNode[] = [];
  for (let n = ready.pop(); n !== undefined; n = ready.pop()) {
    order.push(n);
    for (const r of readers.get(n) ?? []) {
      const w = (waiting.get(r) as number) - 1;
      waiting.set(r, w);
      if (w === 0) ready.push(r);
    }
  }
  if (order.length < model.nodes.length) {
    const placed = new Set(order);
    // Walk back from a node left over until a node repeats: that is the cycle.
    let n = model.nodes.find((x) => !placed.has(x)) as TfNode;
    const seen = new Map<TfNode, number>();
    const path: TfNode[] = [];
    while (!seen.has(n)) {
      seen.set(n, path.length);
      path.push(n);
      n = (deps.get(n) as TfNode[]).find((d) => !placed.has(d)) as TfNode;
    }
    const cycle = path.slice(seen.get(n)).reverse();
    const text = [...cycle, cycle[0]].map((x) => JSON.stringify(x.name)).join(' -> ');
    throw fail(`${file}: the graph has a cycle outside control flow: ${text}`);
  }
  return order;
}

export function inferShapes(
  model: TfGraphModel,
  order: TfNode[],
  inputs: ReadonlyMap<string, Shape | null>,
  constants: ReadonlyMap<string, ConstantInfo>,
  fail: (node: TfNode, m: string) => Error,
): InferResult {
  const facts = new Map<string, Fact>();
  const noRule = new Map<string, number>();
  const missingValues = new Map<string, string>();
  const fact = (node: string, output: number): Fact => facts.get(tensorName(node, output)) ?? UNKNOWN;
  /** The Const a tensor is, through copies (Identity), or undefined. */
  const constOf = (node: TfNode): TfNode | undefined => {
    let n: TfNode | undefined = node;
    for (let hops = 0; n && hops < 1000; hops++) {
      if (n.op === 'Const') return n;
      if (n.op !== 'Identity' || n.inputs.length === 0) return undefined;
      n = model.byName.get(n.inputs[0].node);
    }
    return undefined;
  };
  for (const node of order) {
    const data = node.inputs.filter((i) => !i.control);
    const ins = data.map((i) => fact(i.node, i.output));
    let outs: Fact[];
    if (node.op === 'Const') {
      const c = constants.get(node.name);
      outs = [c ? { shape: c.shape, dtype: c.dtype, ...(c.value ? { value: c.value } : {}) } : UNKNOWN];
    } else if (node.op === 'Placeholder' || node.op === 'PlaceholderWithDefault') {
      outs = [{ shape: inputs.get(node.name) ?? (node.op === 'PlaceholderWithDefault' ? (ins[0]?.shape ?? null) : null) }];
    } else if (!CONTROL_FLOW_RULES.has(node.op) && (CONTROL_FLOW.has(node.op) || (model.functions.size > 0 && node.attrs.names().some((a) => a === 'body' || a === 'then_branch' || a === 'f')))) {
      outs = [];
    } else {
      const rule = RULES.get(node.op) ?? CONTROL_FLOW_RULES.get(node.op);
      if (!rule) {
        noRule.set(node.op, (noRule.get(node.op) ?? 0) + 1);
        outs = [];
      } else {
        const ctx: RuleContext = {
          node,
          inputs: ins,
          value: (i) => {
            const v = ins[i]?.value;
            if (v !== undefined || data[i] === undefined) return v;
            const src = constOf(model.byName.get(data[i].node) as TfNode);
            if (src && !missingValues.has(src.name)) missingValues.set(src.name, node.name);
            return undefined;
          },
          known: (i) => ins[i]?.value,
        };
        try {
          outs = rule(ctx);
        } catch (e) {
          if (e instanceof ShapeError || e instanceof AttrError) throw fail(node, e.message);
          throw e;
        }
      }
    }
    for (const f of outs) {
      try {
        checkShape(f.shape);
      } catch (e) {
        if (e instanceof ShapeError) throw fail(node, e.message);
        throw e;
      }
    }
    outs.forEach((f, k) => facts.set(tensorName(node.name, k), f));
  }
  return { order, facts, noRule, missingValues };
}
