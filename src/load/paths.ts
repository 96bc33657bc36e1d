import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DnarchError, fsReason } from '../errors.js';
import { findModel } from '../zoo/registry.js';

/**
 * Which command-line arguments are model files, and which file a directory stands for.
 * No TensorFlow, and format detection (formats.ts) only when a directory's files are told
 * apart: every command asks this before deciding what to load.
 */

/**
 * True for arguments that name a file or directory rather than a zoo model: written as a path
 * (a slash, a model file's extension), or an existing file or directory whose name is no zoo
 * model's. A zoo name stays the zoo model even when a file of that name exists here: write
 * ./resnet50 for the file.
 */
export const looksLikePath = (arg: string): boolean => writtenAsPath(arg) || (!findModel(arg) && existsSync(arg));

/** Written the way only a path is: with a slash, or ending in a model file's extension. */
export const writtenAsPath = (arg: string): boolean => /[\\/]|\.(json|keras|h5|hdf5|onnx)$/i.test(arg);

/** Names a model file in a directory may have: model.json and other JSON, .onnx, .keras, .h5, .hdf5. */
const MODEL_NAME = /\.(json|onnx|keras|h5|hdf5)$/i;

/** A directory with more files named like models than this is not searched: name the file. */
const MAX_CANDIDATES = 64;

export interface ResolvedPath {
  file: string;
  /** Set when a directory was given: which file in it was taken, and why. */
  note?: string;
}

/**
 * The model file an argument names: the file itself, or for a directory the one model in it,
 * told by content: its model.json (as tensorflowjs_converter writes it) or its one .onnx,
 * .keras, .h5 / .hdf5 or model JSON file. Hidden files and JSON that is no model (package.json,
 * metadata.json, a weights_manifest.json) are no candidates; two models (a model.json beside a
 * model.h5) are refused in one line listing them. When no file is a model, a model.json (or
 * the only file named as a model) is taken all the same, for its reader to say what it is (a
 * Git LFS pointer, an HTML page).
 */
export async function resolveModelPath(arg: string): Promise<ResolvedPath> {
  let s;
  try {
    s = await stat(arg);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `cannot read ${arg}: ${fsReason(e)}`);
  }
  if (!s.isDirectory()) return { file: arg };
  let entries: string[];
  try {
    entries = (await readdir(arg)).sort();
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `cannot read the directory ${arg}: ${fsReason(e)}`);
  }
  const named = entries.filter((e) => !e.startsWith('.') && MODEL_NAME.test(e));
  if (named.length > MAX_CANDIDATES) {
    throw new DnarchError('BAD_INPUT', `${arg} holds ${named.length} files named like models (.json, .onnx, .keras, .h5, .hdf5): name the model file to read`);
  }
  const { isModelFile } = await import('./formats.js');
  const models: string[] = [];
  for (const e of named) if (await isModelFile(join(arg, e))) models.push(e);
  const take = (e: string, why: string): ResolvedPath => ({ file: join(arg, e), note: `${arg} is a directory: read ${why}` });
  if (models.length === 1) {
    const taken = take(models[0], models[0] === 'model.json' ? 'its model.json' : `${models[0]}, its only model file`);
    // A save_weights .h5 beside its architecture (Keras 2's model.json + model.h5): say how to use it.
    const weights = named.filter((e) => /\.(h5|hdf5)$/i.test(e) && !models.includes(e));
    if (weights.length === 1) taken.note += `; ${weights[0]} beside it is no full model (weights only?): add --weights ${join(arg, weights[0])} to use its weights`;
    return taken;
  }
  if (models.length > 1) {
    throw new DnarchError('BAD_INPUT', `${arg} holds several model files (${models.join(', ')}): name the one to read, e.g. ${join(arg, models[0])}`);
  }
  const binary = named.filter((e) => !/\.json$/i.test(e));
  if (named.includes('model.json')) return take('model.json', 'its model.json');
  if (binary.length === 1) return take(binary[0], `${binary[0]}, its only file named as a model`);
  if (entries.includes('saved_model.pb')) return take('saved_model.pb', 'its saved_model.pb');
  throw new DnarchError('BAD_INPUT', `${arg} is a directory without a model file (model.json, .onnx, .keras, .h5 or .hdf5): give the model file`);
}
