import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../../errors.js';
import { detectFormat, MAX_MODEL_JSON_BYTES, notAModel } from '../formats.js';
import { readKerasArchive } from '../keras/archive.js';
import { modelFromTopology, type AppliedModel } from './build-model.js';
import { normalizeTopology } from '../keras/config.js';
import { applyInputSizes, type InputSizes } from './input-sizes.js';
import { resolveModelPath } from '../paths.js';

export { MAX_MODEL_JSON_BYTES };
export { looksLikePath } from '../paths.js';

/**
 * Builds the tfjs LayersModel of a layers-format model file: a tfjs layers-model
 * `model.json` (or its directory), a Keras `to_json()` file, or a Keras 3 `.keras` archive.
 * Topology only: weights are set by their users (src/load/tfjs/weights.ts, src/load/keras/archive.ts).
 * Other formats are detected (src/load/formats.ts) and refused with what they are.
 */

/** The topology of a layers-format file, normalised to what tfjs deserializes. */
async function topologyOf(file: string): Promise<Record<string, unknown>> {
  const { name, sniff, format } = await detectFormat(file);
  if (name === 'keras') {
    const archive = await readKerasArchive(file, { weights: false });
    const config = archive.kerasVersion ? { keras_version: archive.kerasVersion, model_config: archive.config } : archive.config;
    return normalizeTopology(file, config);
  }
  if (name === 'hdf5') {
    const { h5Topology, readKerasH5 } = await import('../keras/h5/open.js');
    return normalizeTopology(file, h5Topology(await readKerasH5(file)));
  }
  if (name === 'tfjs-layers' || name === 'keras-json') return normalizeTopology(file, await sniff.json());
  if (name === 'onnx') {
    throw new DnarchError('BAD_INPUT', `${file} is an ONNX model: it runs on onnxruntime as it is; tfjs engines and --tfjs export need a layers model`);
  }
  if (name === 'tfjs-graph') {
    throw new DnarchError(
      'BAD_INPUT',
      `${file} is a TensorFlow.js graph model: export converts layers models (zoo models, tfjs layers-models, Keras files); a graph model already is a TensorFlow.js model (--tfjs: use its model.json and shards as they are), and dnarch cannot convert a TensorFlow graph to ONNX (--onnx)`,
    );
  }
  // Everything else is refused by its own format's reader, in its own words.
  if (!format) throw notAModel(file);
  await format.open(sniff, {});
  throw new DnarchError('BAD_INPUT', `${file} is not a layers model`);
}

/**
 * Builds the tfjs LayersModel of a model file's topology, with zero-initialised weights, its
 * open input dimensions sized as asked (input-sizes.ts); `notes` gets what is still open.
 */
export async function loadModelFile(arg: string, sizes: InputSizes = {}, notes: string[] = []): Promise<LayersModel> {
  const { file, topology } = await sizedTopology(arg, sizes, notes);
  return modelFromTopology(file, topology);
}

/**
 * For analysis: as loadModelFile, except that a top-level functional model comes back as
 * its applied layers (AppliedModel), without tfjs' model constructor, which is quadratic in
 * the layers and recursive in the depth.
 */
export async function loadModelForAnalysis(arg: string, sizes: InputSizes = {}, notes: string[] = []): Promise<LayersModel | AppliedModel> {
  const { file, topology } = await sizedTopology(arg, sizes, notes);
  return modelFromTopology(file, topology, { applied: true });
}

/** A model file's topology with its open input dimensions sized as asked; `notes` gets what is still open. */
async function sizedTopology(arg: string, sizes: InputSizes, notes: string[]) {
  const { file } = await resolveModelPath(arg);
  const sized = applyInputSizes(file, await topologyOf(file), sizes);
  notes.push(...sized.notes);
  return { file, topology: sized.topology };
}
