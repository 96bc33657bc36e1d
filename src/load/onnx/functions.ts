import { DnarchError } from '../../errors.js';
import type { OnnxAttribute, OnnxFunction, OnnxGraph, OnnxModel, OnnxNode } from './ir.js';

/**
 * Calls of model-local functions (FunctionProto, as PyTorch's dynamo exporter writes one
 * per module) are replaced by the functions' bodies before analysis. Inner values and
 * nodes are named `<call>/<inner>`, so the call's name becomes a block of the nodes it
 * holds; attribute references take the call's attribute or the function's default.
 */

/**
 * Far beyond real models (a 32-layer transformer from the dynamo exporter inlines to a few
 * thousand nodes); a small file whose functions call each other twice per level would
 * otherwise grow without end. Checked on the sizes before anything is built.
 */
export const MAX_INLINED_NODES = 250_000;
const MAX_DEPTH = 64;

/** The number of nodes each function expands to, memoised; recursion is an error. */
function expandedSizes(fns: Map<string, OnnxFunction>, file: string): (fn: OnnxFunction) => number {
  const sizes = new Map<OnnxFunction, number>();
  const visiting = new Set<OnnxFunction>();
  const sizeOf = (fn: OnnxFunction, depth: number): number => {
    const known = sizes.get(fn);
    if (known !== undefined) return known;
    if (visiting.has(fn) || depth >= MAX_DEPTH) {
      throw new DnarchError('BAD_INPUT', `${file}: function ${JSON.stringify(fn.name)} calls functions ${MAX_DEPTH} levels deep (recursion without end?)`);
    }
    visiting.add(fn);
    let n = 0;
    for (const node of fn.nodes) {
      const inner = fns.get(keyOf(node.domain, node.opType));
      n += inner ? sizeOf(inner, depth + 1) : 1;
      // Saturate: the total only has to be known to exceed the limit.
      if (n > MAX_INLINED_NODES) n = MAX_INLINED_NODES + 1;
    }
    visiting.delete(fn);
    sizes.set(fn, n);
    return n;
  };
  return (fn) => sizeOf(fn, 0);
}

const keyOf = (domain: string, name: string): string => `${domain}\u0000${name}`;

/**
 * A body node's attributes for one call: references take the call's attribute (or the
 * function's default), and subgraphs (an If inside the function) read the call's values.
 */
function callAttributes(body: OnnxNode, call: OnnxNode, fn: OnnxFunction, value: (v: string) => string): Map<string, OnnxAttribute> {
  const out = new Map<string, OnnxAttribute>();
  for (const [name, a] of body.attributes) {
    if (a.refAttrName !== undefined) {
      const given = call.attributes.get(a.refAttrName) ?? fn.attributeDefaults.get(a.refAttrName);
      if (given) out.set(name, { ...given, name, refAttrName: undefined });
      continue;
    }
    if (a.g || a.graphs) {
      out.set(name, { ...a, ...(a.g ? { g: subgraphFor(a.g, call, fn, value) } : {}), ...(a.graphs ? { graphs: a.graphs.map((g) => subgraphFor(g, call, fn, value)) } : {}) });
      continue;
    }
    out.set(name, a);
  }
  return out;
}

/** A subgraph of a body node: its own values stay; the names it reads from the body are the call's. */
function subgraphFor(g: OnnxGraph, call: OnnxNode, fn: OnnxFunction, outer: (v: string) => string): OnnxGraph {
  const local = new Set<string>([...g.initializers.keys(), ...g.inputs.map((i) => i.name), ...g.nodes.flatMap((n) => n.output)]);
  const value = (v: string): string => (v === '' || local.has(v) ? v : outer(v));
  return {
    ...g,
    nodes: g.nodes.map((n) => ({ ...n, input: n.input.map(value), attributes: callAttributes(n, call, fn, value) })),
    outputs: g.outputs.map((o) => ({ ...o, name: value(o.name) })),
  };
}

function expand(call: OnnxNode, fn: OnnxFunction, scopes: Set<string>): OnnxNode[] {
  // Each call gets a scope of its own, even when two calls share a name (or have none).
  const base = call.name || call.output[0] || fn.name;
  let scope = base;
  for (let k = 2; scopes.has(scope); k++) scope = `${base}#${k}`;
  scopes.add(scope);
  const prefix = `${scope}/`;
  const rename = new Map<string, string>();
  fn.input.forEach((formal, i) => rename.set(formal, call.input[i] ?? ''));
  fn.output.forEach((formal, i) => rename.set(formal, call.output[i] ?? ''));
  const value = (v: string): string => (v === '' ? '' : (rename.get(v) ?? `${prefix}${v}`));
  return fn.nodes.map((n) => ({
    ...n,
    name: `${prefix}${n.name || n.output[0] || n.opType}`,
    input: n.input.map(value),
    output: n.output.map(value),
    attributes: callAttributes(n, call, fn, value),
  }));
}

/** The main graph with every call of a local function inlined (recursively). */
export function inlineFunctions(model: OnnxModel, file: string): OnnxGraph {
  if (model.functions.length === 0) return model.graph;
  const fns = new Map<string, OnnxFunction>();
  for (const f of model.functions) fns.set(keyOf(f.domain, f.name), f);
  const size = expandedSizes(fns, file);
  let total = 0;
  for (const node of model.graph.nodes) {
    const fn = fns.get(keyOf(node.domain, node.opType));
    total += fn ? size(fn) : 1;
    if (total > MAX_INLINED_NODES) throw new DnarchError('BAD_INPUT', `${file}: its functions expand to more than ${MAX_INLINED_NODES.toLocaleString('en-US')} nodes`);
  }
  const out: OnnxNode[] = [];
  const scopes = new Set<string>();
  // Depth-first, keeping the order of the nodes: each call is replaced where it stands.
  const stack: { node: OnnxNode; depth: number }[] = [...model.graph.nodes].reverse().map((node) => ({ node, depth: 0 }));
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: OnnxNode; depth: number };
    const fn = fns.get(keyOf(node.domain, node.opType));
    if (!fn) {
      out.push(node);
      if (out.length > MAX_INLINED_NODES) throw new DnarchError('BAD_INPUT', `${file}: its functions expand to more than ${MAX_INLINED_NODES.toLocaleString('en-US')} nodes`);
      continue;
    }
    if (depth >= MAX_DEPTH) throw new DnarchError('BAD_INPUT', `${file}: function ${JSON.stringify(fn.name)} calls functions ${MAX_DEPTH} levels deep (recursion without end?)`);
    const body = expand(node, fn, scopes);
    for (let i = body.length - 1; i >= 0; i--) stack.push({ node: body[i], depth: depth + 1 });
    if (stack.length > MAX_INLINED_NODES) throw new DnarchError('BAD_INPUT', `${file}: its functions expand to more than ${MAX_INLINED_NODES.toLocaleString('en-US')} nodes`);
  }
  return { ...model.graph, nodes: out };
}
