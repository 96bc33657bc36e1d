import { ruleOf, weightBytes, type LayerGraph, type LayerNode } from '../graph/types.js';
import { COST_HANDLERS, type LayerCost } from './cost.js';
import { CONVENTIONS } from './conventions.js';
import { peakLiveMemory } from './memory.js';
import { receptiveFields, type FieldAnalysis } from './receptive-field.js';
import { findSavings } from './savings.js';
import { elements, product } from './shape.js';
import { SCHEMA_VERSION, type LayerReport, type ModelReport, type ParamCount, type Totals } from './types.js';

const FLOAT32_BYTES = 4;

/** The parameters of a layer's weights, whichever call this node is. */
function weightParams(node: LayerNode): ParamCount {
  let trainable = 0;
  let nonTrainable = 0;
  for (const w of node.weights) {
    const n = product(w.shape);
    if (w.trainable) trainable += n;
    else nonTrainable += n;
  }
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

/** A repeated call of a shared layer owns no weights: its first call counts them. */
const paramsOf = (node: LayerNode): ParamCount =>
  node.sharedWith !== undefined ? { total: 0, trainable: 0, nonTrainable: 0 } : weightParams(node);

function activationBytes(node: LayerNode): number {
  return node.outputShapes.reduce((sum, s) => sum + elements(node, s) * FLOAT32_BYTES, 0);
}

type CostResult = LayerCost & { supported: boolean; unknown?: true; note?: string };

function costOf(node: LayerNode): CostResult {
  if (node.opaque !== undefined) return { macs: 0, flops: 0, supported: false, note: node.opaque };
  const rule = ruleOf(node);
  const handler = COST_HANDLERS.get(rule);
  if (!handler) return { macs: 0, flops: 0, supported: false, note: `no cost handler for ${rule}` };
  const c = handler(node);
  if (!Number.isFinite(c.macs) || !Number.isFinite(c.flops)) {
    // A class dnarch can cost, on shapes left open (an input size not given): unknown, not unsupported.
    return { macs: 0, flops: 0, supported: true, unknown: true, note: 'cost unknown: its shapes are not fully known' };
  }
  return { ...c, supported: true };
}

function layerReport(node: LayerNode, fields: FieldAnalysis): LayerReport {
  const cost = costOf(node);
  const bytes = activationBytes(node);
  const report: LayerReport = {
    name: node.name,
    className: node.className,
    outputShape: node.outputShapes.length === 1 ? node.outputShapes[0] : node.outputShapes,
    params: paramsOf(node),
    macs: cost.macs,
    flops: cost.flops,
    activationBytes: Number.isFinite(bytes) ? bytes : 0,
    inbound: node.inbound,
    block: node.block,
    supported: cost.supported,
    ...(cost.unknown ? { unknownCost: true as const } : {}),
    receptiveField: fields.perLayer.get(node.name) ?? null,
  };
  const shared = node.sharedWith !== undefined ? `weights shared with ${node.sharedWith}` : undefined;
  const note = [cost.note, shared].filter((s) => s !== undefined).join('; ');
  if (note) report.note = note;
  return report;
}

/** Weight bytes per dtype (dtype names come from model files: a Map, then plain data). */
function weightBytesByDtype(graph: LayerGraph): Record<string, number> {
  const bytes = new Map<string, number>();
  for (const n of graph.nodes) {
    if (n.sharedWith !== undefined) continue;
    for (const w of n.weights) {
      bytes.set(w.dtype, (bytes.get(w.dtype) ?? 0) + weightBytes(w));
    }
  }
  return Object.fromEntries(bytes);
}

function totalsOf(graph: LayerGraph, layers: LayerReport[], fields: FieldAnalysis): Totals {
  const sum = (f: (l: LayerReport) => number) => layers.reduce((s, l) => s + f(l), 0);
  const bytes = new Map(layers.map((l) => [l.name, l.activationBytes]));
  const peak = peakLiveMemory(graph, (name) => bytes.get(name) ?? 0);
  return {
    params: {
      total: sum((l) => l.params.total),
      trainable: sum((l) => l.params.trainable),
      nonTrainable: sum((l) => l.params.nonTrainable),
    },
    weightBytes: weightBytesByDtype(graph),
    macs: sum((l) => l.macs),
    flops: sum((l) => l.flops),
    activations: { sumBytes: sum((l) => l.activationBytes), ...peak },
    depth: layers.filter((l) => l.params.total > 0).length,
    // Layers, not calls: a shared layer's repeated calls are not counted again.
    layers: graph.nodes.filter((n) => n.sharedWith === undefined).length,
    receptiveField: fields.final,
  };
}

function unsupportedOf(layers: LayerReport[]): ModelReport['unsupported'] {
  const byClass = new Map<string, string[]>();
  for (const l of layers) {
    if (!l.supported) byClass.set(l.className, [...(byClass.get(l.className) ?? []), l.name]);
  }
  return [...byClass].map(([className, names]) => ({ className, layers: names }));
}

export interface AnalyzeContext {
  source?: string;
  family?: string;
  options?: Record<string, unknown>;
  /** Model files: the format detected and what the file says of itself. */
  format?: { name: string; details: Record<string, string> };
  /** How the shapes were obtained; default: tfjs cpu shape inference. */
  engine?: { analysis: string; note: string };
  notes?: string[];
  /** Op-level graphs: parameters per stored dtype, and stored tensors that are not parameters. */
  paramsByDtype?: Record<string, number>;
  constants?: Totals['constants'];
}

/** Turns a LayerGraph into a ModelReport: per-layer costs, totals and what could not be counted. */
export function analyzeGraph(graph: LayerGraph, ctx: AnalyzeContext = {}): ModelReport {
  const fields = receptiveFields(graph);
  const layers = graph.nodes.map((n) => layerReport(n, fields));
  const unsupported = unsupportedOf(layers);
  const unknownCost = layers.filter((l) => l.unknownCost).map((l) => l.name);
  const inputShapes = graph.nodes.filter((n) => graph.inputs.includes(n.name)).flatMap((n) => n.outputShapes);
  return {
    schemaVersion: SCHEMA_VERSION,
    model: {
      name: graph.name,
      source: ctx.source ?? 'graph',
      ...(ctx.family ? { family: ctx.family } : {}),
      inputShapes,
      ...(ctx.options ? { options: ctx.options } : {}),
      ...(ctx.format ? { format: ctx.format } : {}),
      ...(graph.nodes.some((n) => n.wholeShapes) ? { wholeShapes: true as const } : {}),
    },
    engine: ctx.engine ?? { analysis: 'tfjs cpu', note: 'shape inference only: no weights are computed or read' },
    conventions: { ...CONVENTIONS },
    layers,
    totals: {
      ...totalsOf(graph, layers, fields),
      ...(ctx.paramsByDtype ? { paramsByDtype: ctx.paramsByDtype } : {}),
      ...(ctx.constants ? { constants: ctx.constants } : {}),
    },
    unsupported,
    ...(unknownCost.length > 0 ? { unknownCost } : {}),
    complete: unsupported.length === 0 && unknownCost.length === 0,
    misalignedMerges: fields.misaligned,
    // A chain inside a repeated call is priced with its weights on both sides, as its first call is.
    savings: findSavings(
      graph,
      layers.map((l, i) => (graph.nodes[i].sharedWith === undefined ? l : { ...l, params: weightParams(graph.nodes[i]) })),
    ),
    ...(ctx.notes && ctx.notes.length > 0 ? { notes: ctx.notes } : {}),
  };
}
