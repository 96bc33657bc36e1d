import { ensureAnalysisBackend } from '../../engines/analysis-backend.js';
import { DnarchError } from '../../errors.js';
import { graphFromSymbolic, graphFromTfjs } from '../../graph/from-tfjs.js';
import { layerOrder } from '../../graph/layer-order.js';
import type { LayerGraph } from '../../graph/types.js';
import { isApplied } from './build-model.js';
import type { InputSizes } from './input-sizes.js';
import { loadModelForAnalysis } from './model-file.js';

/**
 * The LayerGraph of a layers-format file (tfjs model.json, Keras JSON, .keras), built
 * through tfjs with zero weights that are never touched. Imported only for such files.
 */
export async function layersGraph(file: string, sizes: InputSizes = {}, notes: string[] = []): Promise<LayerGraph> {
  await ensureAnalysisBackend();
  const model = await loadModelForAnalysis(file, sizes, notes);
  try {
    if (!isApplied(model)) return graphFromTfjs(model);
    // What tfjs' model constructor would have refused: a graph disconnected from the inputs, a name used twice.
    try {
      layerOrder(model.inputs, model.outputs);
    } catch (e) {
      throw new DnarchError('BAD_INPUT', `${file}: tfjs cannot build this model: ${(e as Error).message}`, { cause: e });
    }
    return graphFromSymbolic(model.inputs, model.outputs, model.name);
  } finally {
    model.dispose();
  }
}
