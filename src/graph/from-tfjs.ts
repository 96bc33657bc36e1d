import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { impossibleOutput } from '../analysis/geometry.js';
import { DnarchError } from '../errors.js';
import { layerOrder, walkCalls } from './layer-order.js';
import type { LayerGraph, LayerNode, Shape, WeightInfo } from './types.js';

type TfLayer = LayersModel['layers'][number];
/** One call of a layer (tfjs' Node): a layer called twice has two. */
type TfNode = TfLayer['inboundNodes'][number];

/** A nested model (Functional or Sequential): a layer with its own inputs, outputs and layers. */
interface Container {
  name: string;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  layers: TfLayer[];
}

const isContainer = (layer: unknown): layer is TfLayer & Container => {
  const l = layer as Partial<Container>;
  return Array.isArray(l.layers) && Array.isArray(l.inputs) && Array.isArray(l.outputs);
};

/** Normalises tfjs' `Shape | Shape[]` to a list of shapes. */
function shapeList(s: unknown): Shape[] {
  if (!Array.isArray(s) || s.length === 0) return [];
  return Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

const sameShapes = (a: Shape[], b: Shape[]): boolean =>
  a.length === b.length && a.every((s, i) => s.length === b[i].length && s.every((d, j) => d === b[i][j]));

function weightsOf(layer: TfLayer): WeightInfo[] {
  const trainable = new Set(layer.trainableWeights.map((w) => w.name));
  return layer.weights.map((w) => ({
    name: w.name,
    shape: [...w.shape] as number[],
    dtype: w.dtype,
    trainable: trainable.has(w.name),
  }));
}

/** One call of a layer as a LayerNode. */
function nodeOf(layer: TfLayer, name: string, call: { inbound: string[]; inputShapes: Shape[]; outputShapes: Shape[] }, block: string[]): LayerNode {
  const node: LayerNode = {
    name,
    className: layer.getClassName(),
    config: layer.getConfig() as Record<string, unknown>,
    inputShapes: call.inputShapes,
    outputShapes: call.outputShapes,
    weights: weightsOf(layer),
    inbound: call.inbound,
    block,
  };
  // A stand-in for a layer tfjs cannot build (src/load/tfjs/opaque-layer.ts) says why.
  const opaque = (layer as { opaqueReason?: unknown }).opaqueReason;
  if (typeof opaque === 'string') node.opaque = opaque;
  return node;
}

/** The node (call) that produced the i-th input of `node`. */
const inboundNode = (node: TfNode, i: number): TfNode => node.inboundLayers[i].inboundNodes[node.nodeIndices[i]];

/**
 * The calls between `outputs` and the inputs, in topological order: by depth from the
 * outputs (deepest first), then by the layer's place in tfjs' `model.layers` order
 * (layer-order.ts), then by call. A model without shared layers thus keeps exactly the
 * order of `model.layers`; a shared layer's later calls come where their inputs exist.
 */
function callsInOrder(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): TfNode[] {
  let order: TfLayer[] = [];
  try {
    order = layerOrder(inputs, outputs);
  } catch {
    // Two layers of one name: tfjs' Sequential([model, ...]) wires a nested model's layers
    // in beside its own without checking. Depth and call order still sort the calls.
  }
  const position = new Map(order.map((l, i) => [l, i]));
  const { postOrder, nodeDepth } = walkCalls(outputs);
  const finished = new Set(postOrder);
  const callIndex = (n: TfNode) => n.outboundLayer.inboundNodes.indexOf(n);
  const sorted = postOrder.sort(
    (a, b) =>
      nodeDepth.get(b)! - nodeDepth.get(a)! ||
      (position.get(a.outboundLayer) ?? 0) - (position.get(b.outboundLayer) ?? 0) ||
      callIndex(a) - callIndex(b),
  );
  // An input no output depends on is still an input of the model: first.
  const unused = inputs.map((t) => t.sourceLayer.inboundNodes[t.nodeIndex]).filter((n) => !finished.has(n));
  return [...new Set(unused), ...sorted];
}

/** A graph being walked: the top model, or one call of a nested model. */
interface Scope {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** The container whose graph this is (undefined for bare symbolic tensors). */
  owner?: Container;
  /** Prefix of node names: '' at the top, 'base/' inside the call 'base'. */
  prefix: string;
  block: string[];
  /** Call ordinals from the top: the first call of everything is all zeros. */
  key: number[];
  /** Graph name and output shapes of each plain call. */
  made: Map<TfNode, { name: string; shapes: Shape[] }>;
  /** Calls of nested models, walked as their own scopes. */
  expanded: Map<TfNode, Scope>;
  /** A nested model's InputLayers read what its call was given. */
  fed?: Map<TfLayer, Read>;
}

interface Read {
  name: string;
  shape: Shape;
}

const before = (a: number[], b: number[]): boolean => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i];
  return a.length < b.length;
};

/**
 * Builds the LayerGraph of a tfjs graph: one node per layer call, nested models expanded
 * into their layers (`outer/inner`, block path [outer, ...]), a layer called more than once
 * (shared) as `name`, `name@1`, ... with `sharedWith` on the later calls.
 */
class GraphBuilder {
  readonly nodes: LayerNode[] = [];
  private readonly owners = new Map<TfLayer, Container>();
  private readonly registered = new Set<Container>();
  private readonly taken = new Set<string>();
  private readonly uses = new Map<TfLayer, { key: number[]; node: LayerNode }[]>();

  constructor(private readonly blocks?: Map<string, string[]>) {}

  /** Which container lists each layer: names layers a Sequential wires in without calling their model. */
  own(container: Container): void {
    if (this.registered.has(container)) return;
    this.registered.add(container);
    for (const layer of container.layers) {
      if (!this.owners.has(layer)) this.owners.set(layer, container);
      if (isContainer(layer)) this.own(layer);
    }
    // A Sequential's automatic InputLayer is in none of the lists.
    for (const t of container.inputs) if (!this.owners.has(t.sourceLayer)) this.owners.set(t.sourceLayer, container);
  }

  /** Containers between `owner` and the layer: tfjs' Sequential([model, ...]) reads the model's tensors directly. */
  private relPath(layer: TfLayer, owner: Container | undefined): string[] {
    const chain: string[] = [];
    let at = this.owners.get(layer);
    while (at && at !== owner) {
      chain.unshift(at.name);
      at = this.owners.get(at as unknown as TfLayer);
    }
    return at === owner ? chain : [];
  }

  private unique(name: string): string {
    let n = name;
    for (let i = 2; this.taken.has(n); i++) n = `${name}~${i}`;
    this.taken.add(n);
    return n;
  }

  resolve(scope: Scope, node: TfNode, tensor: number): Read {
    const inner = scope.expanded.get(node);
    if (inner) {
      const t = inner.outputs[tensor];
      return this.resolve(inner, t.sourceLayer.inboundNodes[t.nodeIndex], t.tensorIndex);
    }
    const made = scope.made.get(node);
    if (!made) throw new Error(`layer "${node.outboundLayer.name}" is read before it is computed`);
    return { name: made.name, shape: made.shapes[tensor] ?? [] };
  }

  walk(scope: Scope): void {
    const calls = callsInOrder(scope.inputs, scope.outputs);
    const ordinal = new Map<TfNode, number>();
    const byLayer = new Map<TfLayer, TfNode[]>();
    for (const node of calls) byLayer.set(node.outboundLayer, [...(byLayer.get(node.outboundLayer) ?? []), node]);
    for (const nodes of byLayer.values()) {
      const layer = nodes[0].outboundLayer;
      nodes.sort((a, b) => layer.inboundNodes.indexOf(a) - layer.inboundNodes.indexOf(b)).forEach((n, k) => ordinal.set(n, k));
    }
    for (const node of calls) this.visit(scope, node, ordinal.get(node)!);
  }

  private visit(scope: Scope, node: TfNode, k: number): void {
    const layer = node.outboundLayer;
    const rel = this.relPath(layer, scope.owner);
    const callName = k === 0 ? layer.name : `${layer.name}@${k}`;
    const path = [...rel, callName].join('/');
    const block = scope.prefix === '' && rel.length === 0 && this.blocks?.has(layer.name) ? this.blocks.get(layer.name)! : [...scope.block, ...rel];

    const outer = node.inboundLayers.length === 0 ? scope.fed?.get(layer) : undefined;
    const reads = outer ? [outer] : node.inboundLayers.map((_, i) => this.resolve(scope, inboundNode(node, i), node.tensorIndices[i]));
    const inputShapes = reads.length > 0 ? reads.map((r) => r.shape) : shapeList(node.inputShapes);

    if (isContainer(layer) && node.inboundLayers.length > 0) {
      // A call of a nested model: its layers take its place, reading what it was given.
      this.own(layer);
      const inner: Scope = {
        inputs: layer.inputs,
        outputs: layer.outputs,
        owner: layer,
        prefix: `${scope.prefix}${path}/`,
        block: [...block, callName],
        key: [...scope.key, k],
        made: new Map(),
        expanded: new Map(),
        fed: new Map(layer.inputs.map((t, i) => [t.sourceLayer, reads[i]])),
      };
      this.walk(inner);
      scope.expanded.set(node, inner);
      return;
    }

    const name = this.unique(scope.prefix + path);
    const outputShapes = outer ? [outer.shape] : this.outputShapes(layer, node, inputShapes);
    scope.made.set(node, { name, shapes: outputShapes });
    const graphNode = nodeOf(layer, name, { inbound: reads.map((r) => r.name), inputShapes, outputShapes }, block);
    // A nested model called on a smaller input than it was built for can still end up here.
    const impossible = impossibleOutput(graphNode);
    if (impossible) throw new DnarchError('BAD_INPUT', impossible);
    this.nodes.push(graphNode);
    this.uses.set(layer, [...(this.uses.get(layer) ?? []), { key: [...scope.key, k], node: graphNode }]);
  }

  /**
   * A nested model's layers were built on its own inputs; when a call feeds it other shapes
   * (a base with free spatial size called on 224x224), the layer recomputes its output.
   */
  private outputShapes(layer: TfLayer, node: TfNode, inputShapes: Shape[]): Shape[] {
    const own = shapeList(node.outputShapes);
    if (inputShapes.length === 0 || sameShapes(inputShapes, shapeList(node.inputShapes))) return own;
    try {
      return shapeList(layer.computeOutputShape(inputShapes.length === 1 ? inputShapes[0] : inputShapes));
    } catch {
      return own;
    }
  }

  /** Every call after a layer's first (in call order from the top) shares its weights. */
  markShared(): void {
    for (const uses of this.uses.values()) {
      if (uses.length < 2) continue;
      const first = uses.reduce((a, b) => (before(b.key, a.key) ? b : a));
      for (const u of uses) if (u !== first) u.node.sharedWith = first.node.name;
    }
  }
}

function toGraph(
  name: string,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  owner: Container | undefined,
  blocks?: Map<string, string[]>,
): LayerGraph {
  const builder = new GraphBuilder(blocks);
  if (owner) builder.own(owner);
  const top: Scope = { inputs, outputs, owner, prefix: '', block: [], key: [], made: new Map(), expanded: new Map() };
  builder.walk(top);
  builder.markShared();
  const nameOf = (t: SymbolicTensor) => builder.resolve(top, t.sourceLayer.inboundNodes[t.nodeIndex], t.tensorIndex).name;
  return { name, inputs: inputs.map(nameOf), outputs: outputs.map(nameOf), nodes: builder.nodes };
}

/**
 * Walks a built tfjs LayersModel into a plain LayerGraph, in topological order (for a model
 * without shared layers, exactly `model.layers`' order). Nested models (a MobileNetV2 base
 * inside a Functional model, Sequential in Sequential) are expanded into their layers,
 * named `outer/inner`; a layer or nested model called more than once gives one node per
 * call (`name`, `name@1`, ...), the later ones marked `sharedWith` the first.
 */
export function graphFromTfjs(model: LayersModel, blocks?: Map<string, string[]>): LayerGraph {
  return toGraph(model.name, model.inputs, model.outputs, model as unknown as Container, blocks);
}

/**
 * The same LayerGraph as `graphFromTfjs(tfl.model({ inputs, outputs, name }))`, from the
 * symbolic tensors of layers already applied, without building the LayersModel: tfjs'
 * model constructor is quadratic in the layer count, this is linear (see layer-order.ts)
 * but for a sort of the calls.
 */
export function graphFromSymbolic(
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  name: string,
  blocks?: Map<string, string[]>,
): LayerGraph {
  return toGraph(name, inputs, outputs, undefined, blocks);
}
