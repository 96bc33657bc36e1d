/**
 * A topological order of a graph's nodes (files need not be in order): Kahn's algorithm
 * with a min-heap on file position, so an already ordered file keeps its order. Nodes with
 * subgraphs also depend on the outer values their subgraphs read. Iterative throughout: a
 * 20,000-node chain must not overflow the stack.
 */
import { DnarchError } from '../../../errors.js';
import type { OnnxGraph, OnnxNode } from '../ir.js';
import { opName } from '../ir.js';
import { subgraphs } from './attributes.js';
import { quote } from './facts.js';

/** How a node is named in messages: its name, else its first output. */
export const nodeLabel = (node: OnnxNode): string => {
  const op = opName(node);
  const shownOp = /^[\w.:-]{1,80}$/.test(op) ? op : quote(op);
  return `node ${quote(node.name || node.output[0] || '')} (${shownOp})`;
};

const bad = (message: string): DnarchError => new DnarchError('BAD_INPUT', message);

/** Names a graph's nodes (and their nested subgraphs) read that the graph itself does not define. */
export const outerNames = (root: OnnxGraph): Set<string> => {
  // Graphs in pre-order, so that walking the list backwards meets children before parents.
  const graphs: OnnxGraph[] = [root];
  const parent: number[] = [-1];
  for (let k = 0; k < graphs.length; k++) {
    for (const n of graphs[k].nodes) {
      for (const g of subgraphs(n)) {
        graphs.push(g);
        parent.push(k);
      }
    }
  }
  const free = graphs.map(() => new Set<string>());
  for (let k = graphs.length - 1; k >= 0; k--) {
    const g = graphs[k];
    const defined = new Set<string>(g.initializers.keys());
    for (const v of g.inputs) defined.add(v.name);
    for (const n of g.nodes) for (const o of n.output) defined.add(o);
    const reads = free[k];
    for (const n of g.nodes) for (const i of n.input) if (i !== '') reads.add(i);
    const mine = new Set<string>();
    for (const name of reads) if (!defined.has(name)) mine.add(name);
    free[k] = mine;
    if (parent[k] >= 0) for (const name of mine) free[parent[k]].add(name);
  }
  return free[0];
};

/** Every value a node needs before it can run: its inputs and its subgraphs' outer reads. */
const needs = (node: OnnxNode): string[] => {
  const names = node.input.filter((i) => i !== '');
  for (const g of subgraphs(node)) names.push(...outerNames(g));
  return names;
};

class MinHeap {
  private readonly a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= v) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1] < a[l] ? l + 1 : l;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * `sources` maps the names the graph provides without a node (graph inputs, initializers)
 * to what they are, for messages.
 */
export const topoSort = (graph: OnnxGraph, sources: ReadonlyMap<string, string>): OnnxNode[] => {
  const nodes = graph.nodes;
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    for (const out of node.output) {
      if (out === '') continue;
      const p = producer.get(out);
      if (p !== undefined) {
        throw bad(p === i ? `${nodeLabel(node)} writes ${quote(out)} twice` : `${nodeLabel(node)} writes ${quote(out)}, which ${nodeLabel(nodes[p])} also writes`);
      }
      const source = sources.get(out);
      if (source !== undefined) throw bad(`${nodeLabel(node)} writes ${quote(out)}, which is also ${source}`);
      producer.set(out, i);
    }
  });

  // Edges producer -> consumer, each once; `preds` keeps the producers for cycle reports.
  const consumers: number[][] = nodes.map(() => []);
  const preds: number[][] = nodes.map(() => []);
  const indegree = new Int32Array(nodes.length);
  const lastSeen = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((node, i) => {
    for (const name of needs(node)) {
      const p = producer.get(name);
      if (p === undefined) {
        if (!sources.has(name)) throw bad(`${nodeLabel(node)} reads ${quote(name)}, which no node, graph input or initializer provides`);
        continue;
      }
      if (lastSeen[p] === i) continue;
      lastSeen[p] = i;
      consumers[p].push(i);
      preds[i].push(p);
      indegree[i]++;
    }
  });

  const ready = new MinHeap();
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  const order: OnnxNode[] = [];
  const done = new Uint8Array(nodes.length);
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]);
    done[i] = 1;
    for (const c of consumers[i]) if (--indegree[c] === 0) ready.push(c);
  }
  if (order.length < nodes.length) throw cycleError(nodes, preds, done);
  return order;
};

/**
 * Every node left over waits on another left-over node, so walking back along such
 * producers from any of them must come round to a node already on the path: a cycle.
 */
const cycleError = (nodes: OnnxNode[], preds: number[][], done: Uint8Array): DnarchError => {
  const pos = new Map<number, number>();
  const path: number[] = [];
  let cur = done.indexOf(0);
  while (!pos.has(cur)) {
    pos.set(cur, path.length);
    path.push(cur);
    cur = preds[cur].find((p) => done[p] === 0) as number;
  }
  // Walked backwards: reverse into data-flow order, then start at the earliest node in the file.
  const cycle = path.slice(pos.get(cur)).reverse();
  const first = cycle.indexOf(cycle.reduce((a, b) => Math.min(a, b)));
  const ring = [...cycle.slice(first), ...cycle.slice(0, first)];
  const names = ring.map((i) => quote(nodes[i].name || nodes[i].output[0] || ''));
  const shown = names.length <= 6 ? names : [...names.slice(0, 5), `... (${names.length} nodes)`];
  return bad(`${nodeLabel(nodes[ring[0]])} is part of a cycle: ${[...shown, names[0]].join(' -> ')}`);
};
