import { ruleOf, type LayerGraph, type LayerNode } from '../graph/types.js';
import { factorizedKernel, isPointwiseKernel, spatialDims, windowOf } from './geometry.js';
import { channels, product } from './shape.js';
import type { LayerReport, ModuleSavings, Savings, SavingsSite, SiteCost, SiteKind } from './types.js';

/**
 * Bottleneck savings (design.md): find chains of convolutions that one plain k x k
 * convolution would do in a single step, and price that one convolution.
 *
 * 1. Conv units are linked A -> B when A's output reaches B only through layers that do
 *    not change what a convolution computes (normalisation, activations, dropout, zero
 *    padding), and A and every layer in between have exactly one consumer. A branch point
 *    ends a chain: a 1x1 that feeds both a 1x3 and a 3x1 (Inception v3's mixed9) is
 *    shared, so neither pair is "one convolution done in two steps".
 * 2. Each maximal linear path of conv units is parsed greedily, left to right, as
 *        site := [R] S [E]
 *    S, the spatial step: a SeparableConv2D; a DepthwiseConv2D then a 1x1 Conv2D; a 1xn
 *    and an nx1 Conv2D (either order); or one Conv2D with a kernel above 1 on some axis.
 *    R: a 1x1 Conv2D before S that narrows (fewer output than input channels), or keeps
 *    the width where E widens after it (ResNet's first block, 64 -> 64 -> 64 -> 256).
 *    E: a 1x1 Conv2D right after S that widens, taken only together with R (ResNet's
 *    1x1-3x3-1x1). A single plain convolution is no site; a SeparableConv2D is.
 * 3. The counterfactual is one convolution with S's kernel (n x n for a factorised pair,
 *    the depthwise kernel for a separable step) from the chain's input channels to its
 *    output channels at its output resolution.
 */

const CONV_UNITS = new Set(['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']);

/** Layers a chain may pass through: they keep the channel count and mix no channels. */
const TRANSPARENT = new Set([
  'BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU',
  'Dropout', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ZeroPadding2D',
  // Op-level graphs: copies, and the quantize / dequantize pairs of a QDQ model's activations.
  'Identity', 'Cast', 'QuantizeLinear', 'DequantizeLinear',
]);

/** A conv unit with the geometry the parser needs. */
interface Conv {
  node: LayerNode;
  kernel: number[];
  cin: number;
  cout: number;
}

interface Step {
  convs: Conv[];
  kernel: number[];
  shape: 'separable' | 'factorized' | 'plain';
}

interface Chain {
  convs: Conv[];
  kind: SiteKind;
  kernel: number[];
}

function convOf(node: LayerNode): Conv {
  const format = node.config.dataFormat;
  return {
    node,
    kernel: windowOf(node)?.kernel ?? [],
    cin: channels(node.inputShapes[0], format),
    cout: channels(node.outputShapes[0], format),
  };
}

const isPointwiseConv = (c: Conv | undefined): c is Conv =>
  c !== undefined && ruleOf(c.node) === 'Conv2D' && isPointwiseKernel(c.kernel);

/** Consumers of each layer's output; a model output counts as one more (outside) consumer. */
function consumersOf(graph: LayerGraph): Map<string, string[]> {
  const consumers = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = consumers.get(from);
    if (list) list.push(to);
    else consumers.set(from, [to]);
  };
  for (const n of graph.nodes) for (const from of n.inbound) add(from, n.name);
  for (const out of graph.outputs) add(out, '');
  return consumers;
}

const GLOBAL_POOLS = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

/**
 * A squeeze-and-excite gate (EfficientNet, MobileNetV3): the map feeds a global pooling
 * (the squeeze) and a Multiply by the 1x1 gate computed from it (the excite). The gate
 * rescales channels and mixes nothing spatially, so a chain passes through the Multiply
 * as it does through an activation. Returns that Multiply, or undefined.
 */
function seGate(from: string, consumers: (LayerNode | undefined)[]): LayerNode | undefined {
  if (consumers.length !== 2) return undefined;
  const mul = consumers.find((c) => c && ruleOf(c) === 'Multiply' && c.inbound.length === 2);
  const squeeze = consumers.find((c) => c && GLOBAL_POOLS.has(ruleOf(c)));
  if (!mul || !squeeze) return undefined;
  const other = mul.inbound[0] === from ? 1 : 0;
  const gateDims = spatialDims(mul.inputShapes[other], mul.config.dataFormat);
  return mul.inbound[1 - other] === from && gateDims.length > 0 && gateDims.every((d) => d === 1) ? mul : undefined;
}

/**
 * An activation written as x * f(x) (SiLU / swish as Sigmoid then Mul, in ONNX exports of
 * Keras and PyTorch models): the map feeds the activation and the Multiply that reads both.
 * Element-wise, so a chain passes through it. Returns that Multiply, or undefined.
 */
function selfGate(from: string, consumers: (LayerNode | undefined)[], readers: Map<string, string[]>): LayerNode | undefined {
  if (consumers.length !== 2) return undefined;
  const mul = consumers.find((c) => c && ruleOf(c) === 'Multiply' && c.inbound.length === 2 && c.inbound.includes(from));
  const f = consumers.find((c) => c && c !== mul && TRANSPARENT.has(ruleOf(c)) && c.inbound.length === 1);
  if (!mul || !f || !mul.inbound.includes(f.name)) return undefined;
  const fReaders = readers.get(f.name) ?? [];
  return fReaders.length === 1 && fReaders[0] === mul.name ? mul : undefined;
}

/** Maximal linear paths of conv units, in graph order. */
function linearPaths(graph: LayerGraph): LayerNode[][] {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const consumers = consumersOf(graph);
  const next = new Map<string, LayerNode>();
  const hasPrev = new Set<string>();
  for (const node of graph.nodes) {
    if (!CONV_UNITS.has(ruleOf(node))) continue;
    let at = node.name;
    for (;;) {
      const cs = (consumers.get(at) ?? []).map((n) => byName.get(n));
      const gate = seGate(at, cs) ?? selfGate(at, cs, consumers);
      const c = gate ?? (cs.length === 1 ? cs[0] : undefined);
      if (!c || (c.inbound.length !== 1 && c !== gate)) break;
      if (CONV_UNITS.has(ruleOf(c))) {
        next.set(node.name, c);
        hasPrev.add(c.name);
        break;
      }
      if (c !== gate && !TRANSPARENT.has(ruleOf(c))) break;
      at = c.name;
    }
  }
  const paths: LayerNode[][] = [];
  for (const node of graph.nodes) {
    if (!CONV_UNITS.has(ruleOf(node)) || hasPrev.has(node.name)) continue;
    const path = [node];
    for (let n = next.get(node.name); n; n = next.get(n.name)) path.push(n);
    paths.push(path);
  }
  return paths;
}

/** The spatial step S starting at path[i], if one does. */
function spatialStep(path: Conv[], i: number): Step | undefined {
  const a = path[i];
  const b = path[i + 1];
  if (!a) return undefined;
  const rule = ruleOf(a.node);
  if (rule === 'SeparableConv2D') return { convs: [a], kernel: a.kernel, shape: 'separable' };
  if (rule === 'DepthwiseConv2D') {
    return isPointwiseConv(b) ? { convs: [a, b], kernel: a.kernel, shape: 'separable' } : undefined;
  }
  if (rule !== 'Conv2D' || isPointwiseKernel(a.kernel)) return undefined;
  const pair = b && ruleOf(b.node) === 'Conv2D' ? factorizedKernel(a.kernel, b.kernel) : undefined;
  if (pair) return { convs: [a, b], kernel: pair, shape: 'factorized' };
  return { convs: [a], kernel: a.kernel, shape: 'plain' };
}

/** The longest site starting at path[i]: first with a reduction R, else S alone. */
function siteAt(path: Conv[], i: number): Chain | undefined {
  const r = path[i];
  const afterR = isPointwiseConv(r) ? spatialStep(path, i + 1) : undefined;
  if (afterR) {
    const e = path[i + 1 + afterR.convs.length];
    const widens = isPointwiseConv(e) && e.cout > e.cin;
    // A reduction narrows, or (ResNet's first block, 64 -> 64 -> 64 -> 256) stays as wide
    // and is the narrow middle of a bottleneck. A widening 1x1 (MobileNetV2's expansion)
    // is the opposite of a reduction.
    if (r.cout < r.cin || (widens && r.cout === r.cin && r.cout < e.cout)) {
      const kind: SiteKind =
        afterR.shape === 'separable' ? 'depthwise-separable'
        : afterR.shape === 'factorized' ? 'reduced-factorized'
        : widens ? 'bottleneck' : 'reduction';
      return { convs: [r, ...afterR.convs, ...(widens ? [e] : [])], kind, kernel: afterR.kernel };
    }
  }
  const s = spatialStep(path, i);
  if (!s || (s.convs.length === 1 && s.shape !== 'separable')) return undefined;
  return { convs: s.convs, kind: s.shape === 'factorized' ? 'factorized' : 'depthwise-separable', kernel: s.kernel };
}

function parse(path: Conv[]): Chain[] {
  const chains: Chain[] = [];
  for (let i = 0; i < path.length; ) {
    const c = siteAt(path, i);
    if (c) chains.push(c);
    i += c ? c.convs.length : 1;
  }
  return chains;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 1);

/** Prices a chain; undefined when a shape or cost is unknown (a free spatial size). */
function siteOf(chain: Chain, reports: Map<string, LayerReport>): SavingsSite | undefined {
  const first = chain.convs[0];
  const last = chain.convs[chain.convs.length - 1];
  const inSpatial = spatialDims(first.node.inputShapes[0], first.node.config.dataFormat) as number[];
  const outSpatial = spatialDims(last.node.outputShapes[0], last.node.config.dataFormat) as number[];
  const taps = product(chain.kernel) * first.cin * last.cout;
  const bias = last.node.config.useBias === false ? 0 : last.cout;
  const counterfactual = { macs: product(outSpatial) * taps, params: taps + bias };
  // Only the convolutions' kernels and biases count on both sides: the BatchNormalization
  // between them has no counterpart in the single convolution, so it is left out of both.
  const actual = { macs: 0, params: 0 };
  for (const c of chain.convs) {
    const r = reports.get(c.node.name);
    actual.macs += r?.macs ?? NaN;
    actual.params += r?.params.total ?? NaN;
  }
  const known = [counterfactual.macs, counterfactual.params, actual.macs, actual.params].every(Number.isFinite);
  if (!known || actual.macs <= 0) return undefined;
  return {
    kind: chain.kind,
    layers: chain.convs.map((c) => c.node.name),
    module: first.node.block[0] ?? '',
    kernel: chain.kernel,
    input: [...inSpatial, first.cin],
    output: [...outSpatial, last.cout],
    actual,
    counterfactual,
    ratio: ratio(counterfactual.macs, actual.macs),
  };
}

const add = (a: SiteCost, b: SiteCost): SiteCost => ({ macs: a.macs + b.macs, params: a.params + b.params });
const ZERO: SiteCost = { macs: 0, params: 0 };

function byModule(sites: SavingsSite[]): ModuleSavings[] {
  const modules = new Map<string, ModuleSavings>();
  for (const s of sites) {
    const m = modules.get(s.module) ?? { module: s.module, sites: 0, actual: ZERO, counterfactual: ZERO, ratio: 1 };
    m.sites += 1;
    m.actual = add(m.actual, s.actual);
    m.counterfactual = add(m.counterfactual, s.counterfactual);
    m.ratio = ratio(m.counterfactual.macs, m.actual.macs);
    modules.set(s.module, m);
  }
  return [...modules.values()];
}

/** Bottleneck sites of a graph, priced against one plain convolution each; `layers` in graph order. */
export function findSavings(graph: LayerGraph, layers: LayerReport[]): Savings {
  const reports = new Map(layers.map((l) => [l.name, l]));
  const order = new Map(graph.nodes.map((n, i) => [n.name, i]));
  const sites = linearPaths(graph)
    .flatMap((path) => parse(path.map(convOf)))
    .map((chain) => siteOf(chain, reports))
    .filter((s): s is SavingsSite => s !== undefined)
    // Graph (execution) order of each chain's first layer, so modules come out in model order.
    .sort((a, b) => (order.get(a.layers[0]) ?? 0) - (order.get(b.layers[0]) ?? 0));
  const actual = sites.reduce((sum, s) => add(sum, s.actual), ZERO);
  const counterfactual = sites.reduce((sum, s) => add(sum, s.counterfactual), ZERO);
  const modelMacs = layers.reduce((sum, l) => sum + l.macs, 0);
  const modelMacsWithout = modelMacs - actual.macs + counterfactual.macs;
  return {
    sites,
    modules: byModule(sites),
    total: {
      sites: sites.length,
      actual,
      counterfactual,
      modelMacs,
      modelMacsWithout,
      modelRatio: ratio(modelMacsWithout, modelMacs),
    },
  };
}
