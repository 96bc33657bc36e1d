import { ensureAnalysisBackend } from '../engines/analysis-backend.js';
import { graphFromSymbolic, graphFromTfjs } from '../graph/from-tfjs.js';
import type { LayerGraph } from '../graph/types.js';
import { isApplied } from './build-model.js';
import { loadModelForAnalysis } from './model-file.js';

/**
 * The LayerGraph of a layers-format file (tfjs model.json, Keras JSON, .keras), built
 * through tfjs with zero weights that are never touched. Imported only for such files.
 */
export async function layersGraph(file: string): Promise<LayerGraph> {
  await ensureAnalysisBackend();
  const model = await loadModelForAnalysis(file);
  try {
    return isApplied(model) ? graphFromSymbolic(model.inputs, model.outputs, model.name) : graphFromTfjs(model);
  } finally {
    model.dispose();
  }
}
