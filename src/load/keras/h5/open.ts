import { stat } from 'node:fs/promises';
import { DnarchError } from '../../../errors.js';
import { jsonBeyondLimits, jsonLimitMessage } from '../../limits.js';
import { jsonSyntaxReason } from '../../magic.js';
import { Hdf5Error, openHdf5, type H5File, type H5Group, type H5Value } from '../hdf5/index.js';

/**
 * A Keras `.h5` file (model.save() of Keras 1.x, 2.x, tf.keras, Keras 3's legacy writer):
 * its topology is the root `model_config` attribute (JSON text), its Keras version and
 * backend the root attributes of those names. Attributes only: no weight dataset is read
 * here. A file without model_config is told what it is (weights only, most often).
 */

/** Larger model_config texts are refused before parsing, as a model.json is (formats.ts). */
export const MAX_MODEL_CONFIG_BYTES = 64 * 2 ** 20;

export interface KerasH5Model {
  file: string;
  /** model_config, parsed. */
  config: unknown;
  kerasVersion?: string;
  backend?: string;
}

const text = (v: H5Value | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** The one line for an HDF5 file the reader cannot read. */
export function hdf5Failure(file: string, e: unknown): DnarchError {
  const reason = String((e as Error)?.message ?? e).split('\n')[0];
  return new DnarchError('BAD_INPUT', `${file}: cannot read this HDF5 file: ${reason} (corrupt, truncated, or HDF5 features dnarch does not read)`, { cause: e });
}

/** Opens an HDF5 file, its failures as one line naming it. */
export async function openH5(file: string): Promise<H5File> {
  try {
    return await openHdf5(file);
  } catch (e) {
    if (e instanceof DnarchError) throw e;
    throw hdf5Failure(file, e);
  }
}

/** Runs reads of an open file: reader failures become one line naming the file. */
export async function reading<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw e instanceof Hdf5Error ? hdf5Failure(file, e) : e;
  }
}

/** What a file without model_config holds, said in one line with the way on. */
async function withoutConfig(file: string, root: H5Group, attrs: Map<string, H5Value>): Promise<DnarchError> {
  const keys = await root.keys();
  const how = `give the architecture it goes with and these weights: dnarch summarize arch.json --weights ${file} (arch.json: the model's to_json(), model.json, .keras or full .h5)`;
  if (attrs.has('layer_names')) {
    const version = text(attrs.get('keras_version'));
    return new DnarchError('BAD_INPUT', `${file} holds weights only (Keras ${version ?? '1.x'} save_weights: layer names and weights, no model_config): ${how}`);
  }
  if (keys.includes('layers') || keys.includes('vars')) {
    return new DnarchError('BAD_INPUT', `${file} holds weights only (a Keras 3 .weights.h5 from save_weights, no model_config): ${how}`);
  }
  if (keys.includes('model_weights')) {
    return new DnarchError('BAD_INPUT', `${file} has Keras weights (model_weights) but no model_config attribute: ${how}`);
  }
  return new DnarchError('BAD_INPUT', `${file} is an HDF5 file but not a Keras model: no model_config or layer_names attribute at its root`);
}

async function read(file: string): Promise<KerasH5Model> {
  const h5 = await openH5(file);
  try {
    return await reading(file, async () => {
      const attrs = await h5.root.attrs();
      const raw = attrs.get('model_config');
      if (raw === undefined) throw await withoutConfig(file, h5.root, attrs);
      if (typeof raw !== 'string') throw new DnarchError('BAD_INPUT', `${file}: the model_config attribute is not text (${raw === null ? 'a type dnarch cannot read' : typeof raw})`);
      if (raw.length > MAX_MODEL_CONFIG_BYTES) throw new DnarchError('BAD_INPUT', jsonLimitMessage(`${file}: model_config`, `${raw.length} characters, more than ${MAX_MODEL_CONFIG_BYTES}`));
      const beyond = jsonBeyondLimits(raw);
      if (beyond) throw new DnarchError('BAD_INPUT', jsonLimitMessage(`${file}: model_config`, beyond));
      let config: unknown;
      try {
        config = JSON.parse(raw);
      } catch (e) {
        throw new DnarchError('BAD_INPUT', `${file}: the model_config attribute is not valid JSON: ${jsonSyntaxReason(e)}`);
      }
      const kerasVersion = text(attrs.get('keras_version'));
      const backend = text(attrs.get('backend'));
      return { file, config, ...(kerasVersion ? { kerasVersion } : {}), ...(backend ? { backend } : {}) };
    });
  } finally {
    await h5.close();
  }
}

/** One file's reading, kept while it is unchanged: opening it for the report and building it read it once. */
let last: { key: string; model: Promise<KerasH5Model> } | undefined;

/** The model of a full-model `.h5`; a weights-only or non-Keras HDF5 file is one line, BAD_INPUT. */
export async function readKerasH5(file: string): Promise<KerasH5Model> {
  const s = await stat(file);
  const key = `${file}\0${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
  if (last?.key !== key) last = { key, model: read(file) };
  const model = last.model;
  model.catch(() => {
    if (last?.model === model) last = undefined;
  });
  return model;
}

/** The topology as normalizeTopology takes it: a Keras 1 file (no keras_version) says so. */
export function h5Topology(m: KerasH5Model): Record<string, unknown> {
  return { keras_version: m.kerasVersion ?? '1', model_config: m.config };
}

/** The report's format details: keras_version and backend as the file states them. */
export function h5Details(m: KerasH5Model): Record<string, string> {
  return {
    keras_version: m.kerasVersion ?? 'none stated (Keras 1)',
    ...(m.backend ? { backend: m.backend } : {}),
  };
}
