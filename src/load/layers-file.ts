import { ensureAnalysisBackend } from '../engines/analysis-backend.js';
import { graphFromTfjs } from '../graph/from-tfjs.js';
import type { LayerGraph } from '../graph/types.js';
import type { InputSizes } from './input-sizes.js';
import { loadModelFile } from './model-file.js';

/**
 * The LayerGraph of a layers-format file (tfjs model.json, Keras JSON, .keras), built
 * through tfjs with zero weights that are never touched. Imported only for such files.
 */
export async function layersGraph(file: string, sizes: InputSizes = {}, notes: string[] = []): Promise<LayerGraph> {
  await ensureAnalysisBackend();
  const model = await loadModelFile(file, sizes, notes);
  try {
    return graphFromTfjs(model);
  } finally {
    model.dispose();
  }
}
