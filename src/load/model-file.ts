import { readFile, stat } from 'node:fs/promises';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { DnarchError } from '../errors.js';

/**
 * Reads a model topology from a JSON file: a tfjs layers-model `model.json`
 * (tensorflowjs_converter or tfjs `model.save`) or a Keras `model.to_json()` file.
 * Topology only: weights are never read for analysis. Weight shards, .keras archives,
 * Keras 3 configs and hostile-file hardening beyond the checks here are the subject of
 * the "your own models" issue.
 */

/** Larger files are refused before they are read: topologies are kilobytes to a few megabytes. */
export const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

const layerConfig = z.object({ class_name: z.string(), config: z.record(z.string(), z.unknown()) }).loose();
const artifact = z
  .object({
    format: z.string().optional(),
    modelTopology: z.union([z.object({ model_config: layerConfig }).loose(), layerConfig]),
  })
  .loose();

/** True for arguments that name a file rather than a zoo model. */
export const looksLikePath = (arg: string): boolean => /[\\/]|\.json$/i.test(arg);

/** Keras' initialisers would fill every weight (slowly, with random numbers): analysis needs none. */
function zeroInitialisers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(zeroInitialisers);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') continue; // JSON.parse makes it an own key; copying it would set a prototype
    out[k] = k.endsWith('_initializer') && v !== null ? { class_name: 'Zeros', config: {} } : zeroInitialisers(v);
  }
  return out;
}

function topologyOf(file: string, json: unknown): Record<string, unknown> {
  if (json && typeof json === 'object' && (json as { format?: unknown }).format === 'graph-model') {
    throw new DnarchError(
      'BAD_INPUT',
      `${file} is a TensorFlow.js graph model (a converted TensorFlow graph, no layers): dnarch reads layers models (model.json with "format": "layers-model") and Keras to_json() files`,
    );
  }
  const asArtifact = artifact.safeParse(json);
  if (asArtifact.success) {
    const t = asArtifact.data.modelTopology;
    return ('model_config' in t ? t.model_config : t) as Record<string, unknown>;
  }
  const asKeras = layerConfig.safeParse(json);
  if (asKeras.success) return asKeras.data as Record<string, unknown>;
  const issue = asArtifact.error.issues[0];
  const where = issue.path.length ? `at ${issue.path.join('.')}` : 'at the top level';
  throw new DnarchError('BAD_INPUT', `${file} is not a layers model or Keras model JSON: ${where}: ${issue.message}`);
}

async function readJson(file: string): Promise<unknown> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new DnarchError('BAD_INPUT', `${file} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof DnarchError) throw e;
    throw new DnarchError('BAD_INPUT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (size > MAX_MODEL_JSON_BYTES) {
    throw new DnarchError('BAD_INPUT', `${file} is ${size} bytes: larger than the ${MAX_MODEL_JSON_BYTES}-byte limit for a model topology`);
  }
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** tfjs-layers writes some warnings to the console itself; core code never prints. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn };
  console.log = console.warn = () => undefined;
  try {
    return await work();
  } finally {
    Object.assign(console, saved);
  }
}

/** Builds the tfjs LayersModel of a model file's topology, with zero-initialised weights. */
export async function loadModelFile(file: string): Promise<LayersModel> {
  const topology = zeroInitialisers(topologyOf(file, await readJson(file)));
  try {
    return await quietly(() => tfl.models.modelFromJSON({ modelTopology: topology as never }));
  } catch (e) {
    // Keep tfjs' reason, not its multi-line advice about custom layers.
    const msg = String((e as Error)?.message ?? e).split('\n')[0].split('. This may be due')[0];
    throw new DnarchError('BAD_INPUT', `${file}: tfjs cannot build this model: ${msg}`);
  }
}
