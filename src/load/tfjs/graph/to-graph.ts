import { type LayerGraph, type LayerNode, type Shape, type WeightInfo } from '../../../graph/types.js';
import type { TfGraphModel, TfNode } from './model-json.js';
import { CONTROL_FLOW, tensorName, type InferResult } from './infer/infer.js';
import { ShapeError, type Fact } from './infer/types.js';
import { AttrError } from './attrs.js';
import type { Layout } from '../../layout.js';
import { mapOp } from './op-kinds.js';

/**
 * The LayerGraph of a graph model: a row per Placeholder and per live node, with the file's
 * op type as className, the analysis rule as kind, whole shapes, the weights each node is
 * first to read and the name scopes of its name as its block path. Const, Identity and
 * NoOp are no rows (an Identity's readers read what it copies), and neither are nodes that
 * compute constants from constants only.
 */

/** Ops that are never rows: constants, copies, and nodes that only order others. */
const HIDDEN = new Set(['Const', 'Identity', 'NoOp']);

export interface StoredWeight {
  name: string;
  shape: number[];
  /** As stored in the shards: float32, float16, uint8, uint16 (int32 ones are constants, not weights). */
  stored: string;
}

export interface GraphBuild {
  graph: LayerGraph;
  /** Live nodes whose outputs are not fully known. */
  unknownShapes: number;
  /** Float weights that no row reads (a constant read only by a folded or hidden node, or by nothing). */
  unread: StoredWeight[];
  /** Control-flow nodes, by op type. */
  controlFlow: Map<string, number>;
}

/** Block paths: the name scopes, with the scope every node shares left out. */
function blockPaths(nodes: TfNode[]): Map<TfNode, string[]> {
  const paths = new Map(nodes.map((n) => [n, n.name.split('/').filter((p) => p !== '').slice(0, -1)]));
  const all = [...paths.values()];
  let common = 0;
  while (all.length > 1 && all.every((p) => p.length > common && p[common] === all[0][common])) common++;
  if (common > 0) for (const [n, p] of paths) paths.set(n, p.slice(common));
  return paths;
}

const showFact = (f: Fact | undefined): Shape | null => f?.shape ?? null;

export function toLayerGraph(
  name: string,
  model: TfGraphModel,
  inferred: InferResult,
  inputs: string[],
  outputs: { node: string; output: number }[],
  weights: ReadonlyMap<string, StoredWeight>,
  /** Constants of library functions, by the node that calls the function (a While's body and cond). */
  functionConsts: ReadonlyMap<string, string[]>,
  fail: (message: string) => Error,
): GraphBuild {
  const order = inferred.order;
  const fact = (node: string, k: number): Fact | undefined => inferred.facts.get(tensorName(node, k));
  // Constant: a Const, or a node of no side effect all of whose data inputs are constant.
  const constant = new Set<string>();
  for (const n of order) {
    const data = n.inputs.filter((i) => !i.control);
    if (n.op === 'Const' || (!CONTROL_FLOW.has(n.op) && n.op !== 'Placeholder' && !/^(Random|Stateful|Stateless|Variable|VarHandle|ReadVariable)/.test(n.op)
      && data.length > 0 && data.every((i) => constant.has(i.node)))) constant.add(n.name);
  }
  const inputSet = new Set(inputs);
  const live = order.filter((n) => inputSet.has(n.name) || (!constant.has(n.name) && !HIDDEN.has(n.op) && n.op !== 'Placeholder'));
  // A tensor read through Identity (or produced by a hidden node) belongs to the layer of what it copies.
  const layerOf = new Map<string, string>();
  /** The layout of each row's output, by row name. */
  const layoutOf = new Map<string, Layout>();
  const source = (t: { node: string; output: number }): string | undefined => {
    let cur = t;
    for (let hops = 0; hops < 10_000; hops++) {
      const key = tensorName(cur.node, cur.output);
      if (layerOf.has(key)) return layerOf.get(key);
      const n = model.byName.get(cur.node) as TfNode;
      const data = n.inputs.filter((i) => !i.control);
      if (n.op !== 'Identity' || data.length === 0) return undefined;
      cur = data[0];
    }
    return undefined;
  };
  // Weights go to the first live node that reads them, through folded and hidden nodes.
  const claimed = new Set<string>();
  const weightsReadBy = (n: TfNode): WeightInfo[] => {
    const out: WeightInfo[] = [];
    const seen = new Set<string>();
    // Depth-first through the constant (and copying) nodes it reads, without recursion: a chain may be long.
    const stack: TfNode[] = [n];
    while (stack.length > 0) {
      const at = stack.pop() as TfNode;
      const next: TfNode[] = [];
      for (const i of at.inputs) {
        if (i.control || seen.has(i.node) || !(constant.has(i.node) || model.byName.get(i.node)?.op === 'Identity')) continue;
        seen.add(i.node);
        const w = weights.get(i.node);
        if (w && !claimed.has(w.name)) {
          claimed.add(w.name);
          out.push({ name: w.name, shape: w.shape, dtype: w.stored, trainable: true });
        }
        next.push(model.byName.get(i.node) as TfNode);
      }
      stack.push(...next.reverse());
    }
    return out;
  };
  const functionWeights = (caller: string): WeightInfo[] =>
    (functionConsts.get(caller) ?? []).flatMap((c) => {
      const w = weights.get(c);
      if (!w || claimed.has(w.name)) return [];
      claimed.add(w.name);
      return [{ name: w.name, shape: w.shape, dtype: w.stored, trainable: true }];
    });
  const blocks = blockPaths(live);
  const nodes: LayerNode[] = [];
  const controlFlow = new Map<string, number>();
  let unknownShapes = 0;
  for (const n of live) {
    const data = n.inputs.filter((i) => !i.control);
    const ins = data.map((i) => fact(i.node, i.output) ?? { shape: null });
    const outCount = countOutputs(inferred, n);
    const outs = Array.from({ length: outCount }, (_, k) => fact(n.name, k) ?? { shape: null });
    const active = data.map((i, k) => ({ i, k, layer: source(i) })).filter((a) => a.layer !== undefined && !constant.has(a.i.node));
    const layout: Layout = active.length > 0 ? (layoutOf.get(active[0].layer as string) ?? 'channelsLast') : 'channelsLast';
    let node: LayerNode;
    if (inputSet.has(n.name)) {
      node = { name: n.name, className: n.op, kind: 'InputLayer', config: { dataFormat: 'channelsLast' }, inputShapes: [], outputShapes: [showFact(outs[0])], weights: [], inbound: [], block: [], wholeShapes: true };
    } else {
      let mapped;
      try {
        mapped = CONTROL_FLOW.has(n.op) ? undefined : mapOp({ node: n, inputs: ins, outputs: outs, constant: (k) => data[k] !== undefined && constant.has(data[k].node), layout });
      } catch (e) {
        if (e instanceof ShapeError || e instanceof AttrError) throw fail(`node ${JSON.stringify(n.name)} (${n.op}): ${e.message}`);
        throw e;
      }
      const dataFormat = mapped?.layout ?? layout;
      node = {
        name: n.name,
        className: n.op,
        kind: mapped?.kind ?? '',
        config: { ...(mapped?.config ?? {}), dataFormat },
        inputShapes: active.map((a) => showFact(ins[a.k])),
        outputShapes: outs.map(showFact),
        weights: [...weightsReadBy(n), ...functionWeights(n.name)],
        inbound: active.map((a) => a.layer as string),
        block: blocks.get(n) ?? [],
        wholeShapes: true,
      };
      if (CONTROL_FLOW.has(n.op)) {
        controlFlow.set(n.op, (controlFlow.get(n.op) ?? 0) + 1);
        node.opaque = `control flow (${n.op}): loops and branches are not walked; what depends on them has unknown shapes`;
      } else if (!mapped) {
        node.opaque = `no rule for the TensorFlow op ${n.op}`;
      }
    }
    if (node.outputShapes.some((s) => s === null || s.some((d) => d === null))) unknownShapes++;
    nodes.push(node);
    outs.forEach((_, k) => layerOf.set(tensorName(n.name, k), node.name));
    // What a row's readers see: a layout transpose's target, else the row's own data format.
    layoutOf.set(node.name, node.kind === 'LayoutTranspose' ? (node.config.to as Layout) : ((node.config.dataFormat as Layout) ?? 'channelsLast'));
  }
  markChannelShuffles(nodes);
  const unread = [...weights.values()].filter((w) => !claimed.has(w.name));
  const outNames = [...new Set(outputs.map((o) => source(o)).filter((x): x is string => x !== undefined))];
  return { graph: { name, inputs: inputs.filter((i) => layerOf.has(tensorName(i, 0))), outputs: outNames, nodes }, unknownShapes, unread, controlFlow };
}

/** How many outputs a node has facts for (at least 1). */
function countOutputs(inferred: InferResult, n: TfNode): number {
  let k = 0;
  while (inferred.facts.has(tensorName(n.name, k))) k++;
  return Math.max(1, k);
}

const sameShape = (a: Shape | null | undefined, b: Shape | null | undefined): boolean =>
  !!a && !!b && a.length === b.length && a.every((d, i) => d !== null && d === b[i]);

/**
 * ShuffleNet's channel shuffle on a channels-last map: Reshape [N, H, W, C] to [N, H*W, g,
 * C/g], a Transpose that keeps the first two axes, and a Reshape back to [N, H, W, C]. Each
 * position keeps its own channels, regrouped: the three rows are marked ChannelRegroup, so the
 * receptive field passes through them (as for ONNX's NCHW shuffle).
 */
function markChannelShuffles(nodes: LayerNode[]): void {
  const readers = new Map<string, LayerNode[]>();
  for (const n of nodes) for (const i of n.inbound) readers.set(i, [...(readers.get(i) ?? []), n]);
  const only = (n: LayerNode): LayerNode | undefined => {
    const r = readers.get(n.name) ?? [];
    return r.length === 1 ? r[0] : undefined;
  };
  for (const r1 of nodes) {
    if (r1.className !== 'Reshape' || r1.config.dataFormat !== 'channelsLast' || r1.inbound.length !== 1) continue;
    const x = r1.inputShapes[0];
    const y = r1.outputShapes[0];
    const t = only(r1);
    const r2 = t ? only(t) : undefined;
    if (!x || !y || !t || !r2 || t.className !== 'Transpose' || r2.className !== 'Reshape' || x.length < 3) continue;
    const spatial = x.slice(1, -1);
    if (spatial.some((d) => d === null) || y[0] !== x[0] || y[1] !== spatial.reduce((a, b) => (a as number) * (b as number), 1)) continue;
    const perm = t.config.perm;
    if (!Array.isArray(perm) || perm[0] !== 0 || perm[1] !== 1 || !sameShape(r2.outputShapes[0], x)) continue;
    for (const n of [r1, t, r2]) {
      n.kind = 'ChannelRegroup';
      n.config = { ...n.config, spatialRank: spatial.length };
    }
  }
}
