import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../errors.js';
import { isZipMagic, readKerasArchive } from './keras-archive.js';
import { modelFromTopology } from './build-model.js';
import { normalizeTopology } from './keras-config.js';
import { readCapped } from './safe-path.js';

/**
 * Reads a user's model for analysis: a tfjs layers-model `model.json` (or its directory),
 * a Keras `to_json()` file, or a Keras 3 `.keras` archive. Topology only: analysis never
 * reads weights (src/load/weights.ts and keras-archive.ts serve inference).
 */

/** Larger topologies are refused before they are read: real ones are kilobytes to a few megabytes. */
export const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/** True for arguments that name a file or directory rather than a zoo model. */
export const looksLikePath = (arg: string): boolean => /[\\/]|\.(json|keras|h5)$/i.test(arg);

/** A directory stands for the model.json inside it, as tensorflowjs_converter writes it. */
async function modelPath(file: string): Promise<string> {
  let s;
  try {
    s = await stat(file);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!s.isDirectory()) return file;
  const inside = join(file, 'model.json');
  try {
    await stat(inside);
  } catch {
    throw new DnarchError('BAD_INPUT', `${file} is a directory without a model.json: give the model.json, a Keras JSON file or a .keras archive`);
  }
  return inside;
}

async function firstBytes(file: string, n: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46];

async function readJsonFile(file: string): Promise<unknown> {
  const text = (await readCapped(file, MAX_MODEL_JSON_BYTES)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The topology of a model file, normalised to what tfjs deserializes. */
async function topologyOf(file: string): Promise<Record<string, unknown>> {
  const head = await firstBytes(file, 8);
  if (isZipMagic(head)) {
    const archive = await readKerasArchive(file, { weights: false });
    const config = archive.kerasVersion ? { keras_version: archive.kerasVersion, model_config: archive.config } : archive.config;
    return normalizeTopology(file, config);
  }
  if (HDF5_MAGIC.every((b, i) => head[i] === b)) {
    throw new DnarchError(
      'BAD_INPUT',
      `${file} is an HDF5 file (a Keras 2 .h5 model or weights): dnarch reads .keras archives, model.json and Keras to_json() files; ` +
        'save with model.save("model.keras") or convert with tensorflowjs_converter',
    );
  }
  const json = await readJsonFile(file);
  const keys = json && typeof json === 'object' && !Array.isArray(json) ? Object.keys(json) : [];
  if (!['modelTopology', 'class_name', 'model_config'].some((k) => keys.includes(k))) {
    throw new DnarchError(
      'BAD_INPUT',
      `${file} is not a layers model or Keras model JSON: expected "modelTopology" (a tfjs model.json) or "class_name" and "config" (Keras to_json)`,
    );
  }
  return normalizeTopology(file, json);
}

/** Builds the tfjs LayersModel of a model file's topology, with zero-initialised weights. */
export async function loadModelFile(arg: string): Promise<LayersModel> {
  const file = await modelPath(arg);
  return modelFromTopology(file, await topologyOf(file));
}
