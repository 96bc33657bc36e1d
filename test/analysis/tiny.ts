import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import type { LayerReport, ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';

type Layer = ReturnType<typeof tfl.layers.conv3dTranspose>;

/** Builds input -> layers (a chain) in tfjs and analyses it; returns the report. */
export async function analyzeChain(inputShape: number[], layers: Layer[]): Promise<ModelReport> {
  await ensureAnalysisBackend();
  const x = tfl.input({ shape: inputShape });
  let y: SymbolicTensor = x;
  for (const l of layers) y = l.apply(y) as SymbolicTensor;
  const model = tfl.model({ inputs: x, outputs: y });
  const report = analyzeGraph(graphFromTfjs(model));
  model.dispose();
  return report;
}

/** The report of the i-th layer after the input. */
export const layer = (r: ModelReport, i: number): LayerReport => r.layers[i + 1];
