import { DnarchError } from '../../errors.js';
import { weightBytes, type LayerGraph, type LayerNode, type Shape } from '../../graph/types.js';
import type { ConstantAnalysis } from './constants.js';
import type { InferResult } from './infer/infer.js';
import type { TensorFact } from './infer/types.js';
import { ShapeError } from './infer/types.js';
import { isDefaultDomain, opName, type OnnxGraph, type OnnxNode } from './ir.js';
import type { InputPlan } from './inputs.js';
import type { NodeLayer } from './node-layers.js';
import { layoutChange, type Layout } from '../layout.js';
import { mapOp } from './op-kinds.js';

/**
 * The LayerGraph of an ONNX graph: a node per graph input and per live node (constant
 * computations are folded away, see constants.ts), with the file's op type as className,
 * the analysis rule as kind, whole shapes, the parameters each node is first to read, and
 * the name scopes of the node's name as its block path.
 */

/** Ops whose tensors are NCHW by definition, whatever layout came in. */
const CHANNELS_FIRST = /^(Conv\dD|DepthwiseConv2D|Conv\dDTranspose|MaxPooling\dD|AveragePooling\dD|LpPooling\dD|Global.*Pooling.*|BatchNormalization|InstanceNormalization|LocalResponseNormalization)$/;

/** What the row of an op dnarch has no rule for says. */
function unsupportedReason(node: OnnxNode): string {
  if ([...node.attributes.values()].some((a) => a.g || a.graphs)) return `control flow (${opName(node)}): its subgraphs are not analysed`;
  if (!isDefaultDomain(node.domain)) return `no rule for ${opName(node)} (operator set ${node.domain})`;
  return `no rule for the ONNX op ${node.opType}`;
}

/** Name scopes of a node ('/layer1/layer1.0/conv1/Conv' -> layer1, layer1.0, conv1); none for flat names. */
function scopesOf(node: OnnxNode): string[] {
  const name = node.name || node.output[0] || '';
  const parts = name.split('/').filter((p) => p !== '');
  return parts.slice(0, -1);
}

/** Block paths with the scope every node shares (a converter's root, e.g. 'sequential_1') left out. */
function blockPaths(nodes: OnnxNode[]): Map<OnnxNode, string[]> {
  const paths = new Map(nodes.map((n) => [n, scopesOf(n)]));
  const all = [...paths.values()];
  let common = 0;
  while (all.length > 1 && all.every((p) => p.length > common && p[common] === all[0][common])) common++;
  if (common > 0) for (const [n, p] of paths) paths.set(n, p.slice(common));
  return paths;
}

class Names {
  private readonly used = new Set<string>();
  take(base: string): string {
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}#${k}`;
    this.used.add(name);
    return name;
  }
}

const shapeOf = (f: TensorFact | undefined): Shape | null => f?.shape ?? null;

export interface OnnxGraphBuild {
  graph: LayerGraph;
  /** Live nodes whose outputs are not fully known. */
  unknownShapes: number;
  /** Every live node with the layer (row) it became: for mapping a runtime profile back. */
  nodeLayers: NodeLayer[];
}

export function toLayerGraph(name: string, g: OnnxGraph, plan: InputPlan, inferred: InferResult, consts: ConstantAnalysis): OnnxGraphBuild {
  const names = new Names();
  const layerOf = new Map<string, string>();
  const layoutOf = new Map<string, Layout>();
  const fact = (v: string): TensorFact | undefined => inferred.facts.get(v);
  const nodes: LayerNode[] = [];
  const nodeLayers: NodeLayer[] = [];

  // An input is channels-last when it is transposed to channels-first before use (tf2onnx, keras2onnx, dnarch's own export).
  const toFirst = new Set<string>();
  for (const n of consts.live) {
    if (isDefaultDomain(n.domain) && n.opType === 'Transpose' && layoutChange(n.attributes.get('perm')?.ints) === 'channelsFirst') toFirst.add(n.input[0]);
  }
  for (const input of plan.inputs) {
    const layer = names.take(input.name);
    layerOf.set(input.name, layer);
    const layout: Layout = toFirst.has(input.name) ? 'channelsLast' : 'channelsFirst';
    layoutOf.set(input.name, layout);
    nodes.push({
      name: layer, className: 'Input', kind: 'InputLayer', config: { dataFormat: layout }, inputShapes: [], outputShapes: [input.dims],
      weights: [], inbound: [], block: [], wholeShapes: true,
    });
  }

  // ONNX Runtime names a nameless node <op>_<its index among the graph's nodes, Constants
  // aside> (they become initializers at load): the name its profile gives that node.
  const ortName = new Map<OnnxNode, string>();
  g.nodes.filter((n) => !(isDefaultDomain(n.domain) && n.opType === 'Constant')).forEach((n, i) => {
    if (n.name === '') ortName.set(n, `${n.opType}_${i}`);
  });
  const blocks = blockPaths(consts.live);
  let unknownShapes = 0;
  for (const node of consts.live) {
    const label = names.take(node.name || node.output.find((o) => o !== '') || opName(node));
    const inputs = node.input.map((v) => (v === '' ? undefined : fact(v)));
    const outputs = node.output.map((v) => (v === '' ? undefined : fact(v)));
    const active = node.input.map((v, i) => ({ v, i })).filter(({ v }) => v !== '' && !consts.isConstant(v) && layerOf.has(v));
    const layout = active.length > 0 ? (layoutOf.get(active[0].v) ?? 'channelsFirst') : 'channelsFirst';
    let mapped;
    try {
      mapped = mapOp({ node, inputs, outputs, constant: (i) => node.input[i] !== undefined && node.input[i] !== '' && consts.isConstant(node.input[i]), layout });
    } catch (e) {
      if (e instanceof ShapeError) throw new DnarchError('BAD_INPUT', `node ${JSON.stringify(label)} (${opName(node)}): ${e.message}`);
      throw e;
    }
    const kind = mapped?.kind ?? '';
    const dataFormat: Layout = CHANNELS_FIRST.test(kind) ? 'channelsFirst' : layout;
    const outLayout: Layout = kind === 'LayoutTranspose' ? (mapped?.config.to as Layout) : dataFormat;
    const layerNode: LayerNode = {
      name: label,
      className: opName(node),
      kind,
      config: { ...(mapped?.config ?? {}), dataFormat },
      inputShapes: active.map(({ v }) => shapeOf(fact(v))),
      outputShapes: node.output.filter((o) => o !== '').map((o) => shapeOf(fact(o))),
      weights: consts.weights.get(node) ?? [],
      inbound: active.map(({ v }) => layerOf.get(v) as string),
      block: blocks.get(node) ?? [],
      wholeShapes: true,
    };
    if (!mapped) layerNode.opaque = unsupportedReason(node);
    if (layerNode.outputShapes.some((s) => s === null || s.some((d) => d === null))) unknownShapes++;
    nodes.push(layerNode);
    nodeLayers.push({ name: node.name || (ortName.get(node) ?? ''), op: opName(node), inputs: node.input, outputs: node.output, layer: label, weightBytes: layerNode.weights.reduce((s, w) => s + weightBytes(w), 0) });
    for (const o of node.output) {
      if (o === '') continue;
      layerOf.set(o, label);
      layoutOf.set(o, outLayout);
    }
  }
  const outputs = [...new Set(g.outputs.map((o) => layerOf.get(o.name)).filter((n): n is string => n !== undefined))];
  return {
    graph: { name, inputs: plan.inputs.map((i) => layerOf.get(i.name) as string), outputs, nodes },
    unknownShapes,
    nodeLayers,
  };
}
