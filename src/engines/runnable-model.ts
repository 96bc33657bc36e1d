import { dirname } from 'node:path';
import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { buildModel, fileSizing } from '../api.js';
import { DnarchError } from '../errors.js';
import { graphFromTfjs } from '../graph/from-tfjs.js';
import { detectFormat } from '../load/formats.js';
import { kerasWeightPaths, readKerasArchive, type KerasWeightGroup } from '../load/keras/archive.js';
import { setH5Weights } from '../load/keras/h5/weights.js';
import { loadModelFile, looksLikePath, MAX_MODEL_JSON_BYTES } from '../load/tfjs/model-file.js';
import { OPAQUE_CLASS_NAME } from '../load/tfjs/opaque-layer.js';
import { resolveModelPath } from '../load/paths.js';
import { readCapped } from '../load/safe-path.js';
import { allShardsMissing, shownPaths } from '../load/tfjs/shards.js';
import type { InputShapeArg } from '../load/onnx/inputs.js';
import { loadWeights, manifestHasWeights } from '../load/tfjs/weights.js';
import type { ModelOptions } from '../zoo/options.js';
import { ensureAnalysisBackend } from './analysis-backend.js';
import { seedWeights } from './seed-weights.js';

/**
 * A model with weights that can run: what bench and export feed to an engine. Zoo models
 * and weightless files get deterministic seeded weights (timing does not depend on the
 * values, but NaNs and denormals would), model files their own.
 */
export interface RunnableModel {
  /** The zoo name or the file as given. */
  name: string;
  model: LayersModel;
  weights: 'seeded' | 'file';
  /** Said to the user: where the weights come from when that is not obvious. */
  note?: string;
  /** The file has weights of its own that could not be used (shards missing): seeded ones stand in. */
  substituted?: true;
  /** Zoo models: each layer's block path (what the analysis folds by). */
  blocks?: Map<string, string[]>;
  dispose(): void;
}

export interface LoadRunnableOptions {
  /** Shape of a zoo architecture (input size, classes, ...); for files only the input size of open dimensions. */
  model?: ModelOptions;
  /** Files: sizes of their inputs' open dimensions (--input-shape, without the batch). */
  inputShapes?: InputShapeArg[];
  /** Seed of the random weights (default 1). */
  seed?: number;
  /**
   * What to do with a file whose weights exist but cannot be used (shards missing, a .keras
   * archive's weights unreadable): 'seed' them (bench, check: timing does not depend on the
   * values), or 'refuse' (export without --seeded-weights: it would write weights that are
   * not the model's). Default 'seed'.
   */
  unusableWeights?: 'seed' | 'refuse';
  /** --weights: a Keras .h5 whose weights are set on the file's topology (its own, if any, are not used). */
  weights?: string;
}

/** The flag that lets export write seeded weights in place of a file's own. */
const SEEDED_WEIGHTS_FLAG = '--seeded-weights';

type AnyLayer = LayersModel['layers'][number];

/** Every layer, inside nested models too. */
function* allLayers(layers: readonly AnyLayer[]): Generator<AnyLayer> {
  for (const l of layers) {
    yield l;
    const inner = (l as unknown as { layers?: AnyLayer[] }).layers;
    if (Array.isArray(inner)) yield* allLayers(inner);
  }
}

/** A stand-in for a layer tfjs cannot build has no computation: such a model cannot run. */
export function refuseOpaque(model: LayersModel, label: string): void {
  for (const l of allLayers(model.layers)) {
    if ((l.constructor as { className?: string }).className === OPAQUE_CLASS_NAME) {
      throw new DnarchError(
        'BAD_INPUT',
        `${label}: layer "${l.name}" (${l.getClassName()}) cannot run: tfjs has no such layer, so dnarch can analyse this model but not execute it`,
      );
    }
  }
}

/**
 * tfjs model.json: its weightsManifest, set on the model by weight name. Returns false when it
 * has none, the shard paths when none of its shards is there.
 */
async function setTfjsWeights(model: LayersModel, file: string): Promise<boolean | { missing: string[] }> {
  const json = JSON.parse((await readCapped(file, MAX_MODEL_JSON_BYTES)).toString('utf8')) as { weightsManifest?: unknown };
  const manifest = json.weightsManifest;
  if (!manifestHasWeights(manifest, file)) return false;
  const missing = await allShardsMissing(file, manifest as unknown[]);
  if (missing) return { missing };
  const weights = await loadWeights(file, manifest);
  // tfjs' loadWeights finds each name's variable in a plain object, where 'constructor' or
  // 'x/toString' would find Object's: every name is matched here first, as tfjs matches it
  // (the name, or without its two scopes before the last: 'outer/inner/dense/kernel').
  const known = new Set(model.weights.map((w) => w.originalName));
  for (const name of weights.keys()) {
    const tokens = name.split('/');
    const short = [...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/');
    if (!known.has(name) && !known.has(short)) {
      throw new DnarchError('BAD_INPUT', `${file}: its weights do not fit the model: the manifest's weight ${JSON.stringify(name)} is not a weight of the model`);
    }
  }
  // Keyed by the file's weight names: no prototype for a name like '__proto__' to reach.
  const named: tfc.NamedTensorMap = Object.create(null) as tfc.NamedTensorMap;
  for (const [name, w] of weights) named[name] = tfc.tensor(w.values, w.shape, w.dtype);
  try {
    model.loadWeights(named, true);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `${file}: its weights do not fit the model: ${String((e as Error).message).split('\n')[0]}`);
  } finally {
    tfc.dispose(Object.values(named));
  }
  return true;
}

/**
 * Keras 3 archive: each saved variable group onto the tfjs layer of the same name, variables
 * in order (Keras and tfjs agree on kernel/bias and gamma/beta/mean/variance order). Any
 * mismatch gives the reason and leaves the model untouched.
 */
async function setKerasWeights(model: LayersModel, file: string): Promise<{ why: string; absent?: true } | undefined> {
  const archive = await readKerasArchive(file);
  if (!archive.weights) {
    // An archive saved without weights is a topology, as a to_json() file; weights it has in a form dnarch cannot read are not.
    const why = archive.weightsNote ?? 'the archive has no weights';
    return /the archive has no /.test(why) ? { why, absent: true } : { why };
  }
  const layerOf = new Map(kerasWeightPaths(archive.config).map((p) => [p.path, p.layer]));
  const byName = new Map<string, AnyLayer>();
  const collect = (layers: readonly AnyLayer[], prefix: string): void => {
    for (const l of layers) {
      byName.set(prefix + l.name, l);
      const inner = (l as unknown as { layers?: AnyLayer[] }).layers;
      if (Array.isArray(inner)) collect(inner, `${prefix}${l.name}/`);
    }
  };
  collect(model.layers, '');
  const pairs: [{ write(t: tfc.Tensor): unknown }, tfc.Tensor][] = [];
  const assigned = new Set<unknown>();
  const fail = (why: string): { why: string } => {
    tfc.dispose(pairs.map((p) => p[1]));
    return { why };
  };
  for (const group of archive.weights.values() as Iterable<KerasWeightGroup>) {
    const name = layerOf.get(group.path) ?? group.layerName;
    const layer = name === undefined ? undefined : byName.get(name);
    if (!layer) return fail(`no layer for the weights at ${group.path}`);
    const targets = layer.weights.filter((w) => !assigned.has(w));
    if (targets.length < group.vars.length) return fail(`layer "${name}" has ${layer.weights.length} weights, the archive ${group.vars.length}`);
    for (const [i, v] of group.vars.entries()) {
      const t = targets[i];
      if (t.shape.join(',') !== v.shape.join(',')) return fail(`weight ${t.name} is [${t.shape}] in tfjs, [${v.shape}] in the archive`);
      assigned.add(t);
      pairs.push([t, tfc.tensor(v.data, [...v.shape], t.dtype as 'float32' | 'int32')]);
    }
  }
  const missing = model.weights.filter((w) => !assigned.has(w));
  if (missing.length > 0) return fail(`${missing.length} weights (e.g. ${missing[0].name}) are not in the archive`);
  for (const [target, value] of pairs) target.write(value);
  tfc.dispose(pairs.map((p) => p[1]));
  return undefined;
}

async function fromFile(target: string, opts: LoadRunnableOptions): Promise<RunnableModel> {
  const sizes = fileSizing(target, opts.model ?? {}, { inputShapes: opts.inputShapes });
  await ensureAnalysisBackend();
  const model = await loadModelFile(target, sizes);
  const base = { name: target, model, dispose: () => model.dispose() };
  try {
    refuseOpaque(model, target);
    // Walking the graph refuses what building it let through: a nested model called on an input too small for it.
    graphFromTfjs(model);
    // The same file and format the loader took (src/load/paths.ts, formats.ts).
    const { file } = await resolveModelPath(target);
    const seeded = (note: string): RunnableModel => {
      seedWeights(model, opts.seed ?? 1, target);
      return { ...base, weights: 'seeded', note };
    };
    /** The file has weights that cannot be used: seeded, unless asked to refuse. */
    const unusable = (why: string): RunnableModel => {
      if (opts.unusableWeights === 'refuse') {
        throw new DnarchError('BAD_INPUT', `${target}: ${why}: exporting it would write seeded random weights, not the model's; add ${SEEDED_WEIGHTS_FLAG} to write them anyway`);
      }
      return { ...seeded(`${why}: seeded random weights stand in for them`), substituted: true };
    };
    if (opts.weights !== undefined) return await setH5Weights(model, opts.weights, target).then(() => ({ ...base, weights: 'file' as const, note: `weights from ${opts.weights}` }));
    const format = (await detectFormat(file)).name;
    if (format === 'hdf5') return await setH5Weights(model, file, target).then(() => ({ ...base, weights: 'file' as const }));
    if (format === 'keras') {
      const failed = await setKerasWeights(model, file);
      if (failed === undefined) return { ...base, weights: 'file' };
      const why = `the .keras weights were not used (${failed.why})`;
      return failed.absent ? seeded(`${why}: seeded random weights`) : unusable(why);
    }
    const set = await setTfjsWeights(model, file);
    if (set === true) return { ...base, weights: 'file' };
    if (set !== false) {
      return unusable(`its weight shards are missing (${shownPaths(set.missing)}: not in ${dirname(file)})`);
    }
    return seeded('the file has no weights: seeded random weights');
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * A zoo name (built, then given seeded random weights) or a model file (its own weights
 * when it has them) as a model that can run.
 */
export async function loadRunnableModel(target: string, opts: LoadRunnableOptions = {}): Promise<RunnableModel> {
  if (looksLikePath(target)) return fromFile(target, opts);
  if (opts.inputShapes?.length) throw new DnarchError('BAD_OPTION', `--input-shape sets the open dimensions of model files; ${target} is a zoo model (use --input-size)`);
  if (opts.weights !== undefined) throw new DnarchError('BAD_OPTION', `--weights gives Keras .h5 weights to a topology file; ${target} is a zoo model`);
  const built = await buildModel(target, opts.model ?? {});
  try {
    const model = built.model;
    seedWeights(model, opts.seed ?? 1, built.entry.name);
    return { name: built.entry.name, model, weights: 'seeded', note: 'seeded random weights (timing does not depend on their values)', blocks: built.blocks, dispose: () => built.dispose() };
  } catch (e) {
    built.dispose();
    throw e;
  }
}
