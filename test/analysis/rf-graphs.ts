import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { receptiveFields, type FieldAnalysis } from '../../src/analysis/receptive-field.js';
import type { ReceptiveField } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import type { LayerGraph, LayerNode, Shape } from '../../src/graph/types.js';

/**
 * Helpers for the receptive-field tests. They stop at receptiveFields() on purpose: going
 * through analyzeGraph would also compile the cost and savings modules.
 */

export interface Fields extends FieldAnalysis {
  graph: LayerGraph;
  /** The field of a named layer (throws on a name the graph does not have). */
  rf: (name: string) => ReceptiveField | null;
}

function withLookup(graph: LayerGraph): Fields {
  const analysis = receptiveFields(graph);
  const rf = (name: string) => {
    if (!analysis.perLayer.has(name)) throw new Error(`no layer ${name} in ${graph.name}`);
    return analysis.perLayer.get(name) ?? null;
  };
  return { ...analysis, graph, rf };
}

/** Builds a tiny functional tfjs model from `inputShape` (no batch axis) and analyses it. */
export async function tfjsFields(
  inputShape: (number | null)[],
  build: (x: SymbolicTensor) => SymbolicTensor | SymbolicTensor[],
): Promise<Fields> {
  await ensureAnalysisBackend();
  const x = tfl.input({ shape: inputShape, name: 'in' });
  const model = tfl.model({ inputs: x, outputs: build(x) });
  const graph = graphFromTfjs(model);
  model.dispose();
  return withLookup(graph);
}

/** Analyses a hand-written LayerGraph. */
export const literalFields = (graph: LayerGraph): Fields => withLookup(graph);

/** A LayerGraph node literal. */
export function node(
  name: string,
  className: string,
  inbound: string[],
  inputShapes: Shape[],
  outputShape: Shape,
  config: Record<string, unknown> = {},
): LayerNode {
  return { name, className, config, inputShapes, outputShapes: [outputShape], weights: [], inbound, block: [] };
}

/** A field with the same r, S, P on `axes` axes (square by default). */
export const sq = (size: number, stride: number, padding: number, axes = 2): ReceptiveField => ({
  size: Array(axes).fill(size),
  stride: Array(axes).fill(stride),
  padding: Array(axes).fill(padding),
});
