import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DnarchError, fsReason } from '../errors.js';
import { findModel } from '../zoo/registry.js';

/**
 * Which command-line arguments are model files, and which file a directory stands for.
 * No TensorFlow, no format code: every command asks this before deciding what to load.
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

/** Extensions a model file in a directory may have (model.json is looked for first). */
const MODEL_EXTENSIONS = new Set(['.onnx', '.keras', '.h5', '.hdf5']);

export interface ResolvedPath {
  file: string;
  /** Set when a directory was given: which file in it was taken, and why. */
  note?: string;
}

/**
 * The model file an argument names: the file itself, or for a directory its model.json
 * (as tensorflowjs_converter writes it), else its one .onnx / .keras / .h5 file.
 */
export async function resolveModelPath(arg: string): Promise<ResolvedPath> {
  let s;
  try {
    s = await stat(arg);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `cannot read ${arg}: ${fsReason(e)}`);
  }
  if (!s.isDirectory()) return { file: arg };
  const json = join(arg, 'model.json');
  if (existsSync(json)) return { file: json, note: `${arg} is a directory: read its model.json` };
  let entries: string[];
  try {
    entries = (await readdir(arg)).sort();
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `cannot read the directory ${arg}: ${fsReason(e)}`);
  }
  const candidates = entries.filter((e) => MODEL_EXTENSIONS.has(extname(e).toLowerCase()));
  if (candidates.length === 1) return { file: join(arg, candidates[0]), note: `${arg} is a directory: read ${candidates[0]}, its only model file` };
  if (candidates.length > 1) {
    throw new DnarchError('BAD_INPUT', `${arg} holds several model files (${candidates.join(', ')}): name the one to read`);
  }
  throw new DnarchError('BAD_INPUT', `${arg} is a directory without a model.json, .onnx, .keras or .h5 file: give the model file`);
}
