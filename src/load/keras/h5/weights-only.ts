import { open } from 'node:fs/promises';
import { DnarchError } from '../../../errors.js';
import type { FileOptions, OpenedModel } from '../../format.js';
import { isHdf5Magic } from '../../magic.js';
import { regularFileSize } from '../../safe-path.js';

/**
 * `--weights weights.h5`: the weights of a topology file (a to_json(), model.json, .keras or
 * full .h5) from a Keras .h5, most often a save_weights file that holds no architecture.
 * For analysis they are checked against the topology (layer names and shapes, from the
 * datasets' headers: no weight is read); bench and export set them (weights.ts).
 */

/** Formats whose topology is a layers model the weights can go to. */
const LAYERS_FORMATS = new Set(['tfjs-layers', 'keras-json', 'keras', 'hdf5']);

/** The HDF5 signature at the start of the --weights file, or one line saying what it is not. */
async function checkIsHdf5(weights: string): Promise<void> {
  const head = new Uint8Array(8);
  try {
    await regularFileSize(weights);
    const handle = await open(weights, 'r');
    try {
      await handle.read(head, 0, 8, 0);
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (e instanceof DnarchError) throw new DnarchError('BAD_OPTION', `--weights: ${e.message}`);
    throw new DnarchError('BAD_OPTION', `--weights: cannot read ${weights}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!isHdf5Magic(head)) throw new DnarchError('BAD_OPTION', `--weights ${weights} is not an HDF5 file: it takes a Keras .h5 (save_weights or a full save)`);
}

/** Checks the --weights file against an opened topology file; says so in its notes. */
export async function checkWeightsFor(opened: OpenedModel, formatName: string, opts: FileOptions): Promise<void> {
  const weights = opts.weights!;
  if (!LAYERS_FORMATS.has(formatName)) {
    throw new DnarchError('BAD_OPTION', `--weights gives Keras .h5 weights to a layers topology; ${opened.file} is ${formatName === 'onnx' ? 'an ONNX file, which holds its own' : `a ${formatName} file`}`);
  }
  await checkIsHdf5(weights);
  const [{ loadModelFile }, { checkH5Weights }, { ensureAnalysisBackend }] = await Promise.all([
    import('../../tfjs/model-file.js'),
    import('./weights.js'),
    import('../../../engines/analysis-backend.js'),
  ]);
  await ensureAnalysisBackend();
  const model = await loadModelFile(opened.file, { inputShapes: opts.inputShapes, inputSize: opts.inputSize });
  try {
    await checkH5Weights(model, weights, opened.file);
  } finally {
    model.dispose();
  }
  opened.notes.push(`weights: ${weights} (its layer names and weight shapes match the topology)`);
}
