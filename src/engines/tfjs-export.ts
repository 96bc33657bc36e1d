import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DnarchError, fsReason } from '../errors.js';
import { tempBeside } from '../load/safe-path.js';
import type { TfjsExportInfo } from './export-types.js';

/**
 * Export of a tfjs LayersModel as a tfjs layers-model directory (model.json + binary weight
 * shards), the format tensorflowjs_converter writes and tf.loadLayersModel reads. The
 * artifacts come from tfjs' own serialisation (model.save with an IOHandler); dnarch only
 * lays them out in files, fixes what tfjs' getConfig() gets wrong, and writes the directory
 * atomically.
 */

/** tensorflowjs_converter's default shard size (--weight_shard_size_bytes): 4 MiB. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface TfjsFile {
  name: string;
  data: string | Uint8Array;
}

export interface TfjsLayout {
  files: TfjsFile[];
  /** Weight tensors and their bytes in the shards. */
  weights: number;
  weightBytes: number;
  /** What a reader of the directory needs to know (layers stock tfjs cannot load). */
  notes: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every { class_name, config } layer entry of a topology, nested models included. */
function* layerEntries(node: unknown): Generator<{ class_name: string; config: Json }> {
  if (Array.isArray(node)) {
    for (const v of node) yield* layerEntries(v);
  } else if (isObject(node)) {
    if (typeof node.class_name === 'string' && isObject(node.config)) yield node as { class_name: string; config: Json };
    for (const v of Object.values(node)) yield* layerEntries(v);
  }
}

/**
 * Layer classes the zoo adds to tfjs' registry (under Keras' names where Keras has the
 * layer). Stock tfjs lacks them, so a plain tf.loadLayersModel refuses the directory unless
 * the reader registers classes of these names.
 */
const ZOO_ONLY_CLASSES = ['Normalization', 'CustomScaleLayer', 'AdaptiveAveragePooling2D', 'LocalResponseNormalization'];

/**
 * Fixes the serialised topology in place, and returns notes for a reader:
 * - SeparableConv2D/1D: tfjs' getConfig() leaves out depth_multiplier (tfjs-layers 4.22),
 *   so a multiplier other than 1 would load back wrong; it is restored from the depthwise
 *   kernel's last dimension.
 * - GlobalAveragePooling2D(keepDims): tfjs' serialiser writes `keep_dims`; Keras (and
 *   dnarch's loader) read `keepdims`.
 * - Conv2D(groups > 1): stays as Keras writes it; stock tfjs ignores `groups` and then
 *   rejects the kernel's shape, so the layer is named in a note.
 */
export function patchTopology(topology: unknown, weightShapes: Map<string, number[]>): string[] {
  const grouped: string[] = [];
  const keepdims: string[] = [];
  const zooOnly = new Set<string>();
  for (const { class_name: cls, config } of layerEntries(topology)) {
    const name = String(config.name);
    if (/^SeparableConv[12]D$/.test(cls) && config.depth_multiplier === undefined) {
      const kernel = weightShapes.get(`${name}/depthwise_kernel`);
      if (kernel) config.depth_multiplier = kernel[kernel.length - 1];
    }
    if (cls === 'GlobalAveragePooling2D' && 'keep_dims' in config) {
      const { keep_dims: keep, ...rest } = config;
      for (const k of Object.keys(config)) delete config[k];
      Object.assign(config, rest, keep ? { keepdims: true } : {});
      if (keep) keepdims.push(name);
    }
    if (cls === 'Conv2D' && typeof config.groups === 'number' && config.groups > 1) grouped.push(`${name} (groups=${config.groups})`);
    if (ZOO_ONLY_CLASSES.includes(cls)) zooOnly.add(cls);
  }
  const notes: string[] = [];
  const list = (names: string[]) => (names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', '));
  if (grouped.length) {
    notes.push(`grouped Conv2D ${list(grouped)}: dnarch reads it back; stock tfjs ignores groups and rejects the kernel shape`);
  }
  if (keepdims.length) {
    notes.push(`GlobalAveragePooling2D(keepdims=True) ${list(keepdims)}: dnarch reads it back; stock tfjs ignores keepdims and the next layer gets the wrong rank`);
  }
  if (zooOnly.size) {
    notes.push(`${[...zooOnly].join(', ')}: layer classes stock tfjs lacks; register classes of these names before tf.loadLayersModel`);
  }
  return notes;
}

/** The group's bytes cut into shards of at most `shardBytes`, named as the converter names them. */
function shardFiles(bytes: Uint8Array, shardBytes: number): TfjsFile[] {
  const count = Math.max(1, Math.ceil(bytes.byteLength / shardBytes));
  return Array.from({ length: count }, (_, i) => ({
    name: `group1-shard${i + 1}of${count}.bin`,
    data: bytes.subarray(i * shardBytes, Math.min(bytes.byteLength, (i + 1) * shardBytes)),
  }));
}

/** Lays out tfjs' save artifacts as the files of a layers-model directory. */
export function layoutArtifacts(artifacts: tfc.io.ModelArtifacts, opts: { convertedBy?: string; shardBytes?: number } = {}): TfjsLayout {
  const specs = artifacts.weightSpecs ?? [];
  const bytes = new Uint8Array(artifacts.weightData ? tfc.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0));
  const topology = structuredClone(artifacts.modelTopology) as Json;
  const notes = patchTopology(topology, new Map(specs.map((s) => [s.name, s.shape])));
  const shards = specs.length ? shardFiles(bytes, opts.shardBytes ?? SHARD_BYTES) : [];
  const modelJson = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: opts.convertedBy ?? null,
    modelTopology: topology,
    weightsManifest: [{ paths: shards.map((s) => s.name), weights: specs }],
  };
  return {
    files: [{ name: 'model.json', data: `${JSON.stringify(modelJson)}\n` }, ...shards],
    weights: specs.length,
    weightBytes: bytes.byteLength,
    notes,
  };
}

/** Serialises a model through tfjs' own model.save(), collecting the artifacts in memory. */
export async function tfjsLayout(model: LayersModel, opts: { convertedBy?: string; shardBytes?: number } = {}): Promise<TfjsLayout> {
  let layout: TfjsLayout | undefined;
  await model.save(
    tfc.io.withSaveHandler(async (artifacts) => {
      layout = layoutArtifacts(artifacts, opts);
      return { modelArtifactsInfo: tfc.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!layout) throw new Error('tfjs model.save() returned without saving');
  return layout;
}

/** What is at `path`: nothing, an empty directory, a non-empty one, or something else. */
async function targetState(path: string): Promise<'absent' | 'empty' | 'full' | 'other'> {
  let s;
  try {
    s = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw e;
  }
  if (!s.isDirectory()) return 'other';
  return (await readdir(path)).length === 0 ? 'empty' : 'full';
}

/**
 * Fails early, before any work, when `dir` cannot become the export directory: its parent
 * must exist, and `dir` must be absent or an empty directory (or any directory with force).
 */
export async function checkTfjsTarget(dir: string, opts: { force?: boolean; option?: string } = {}): Promise<void> {
  const option = opts.option ?? '--tfjs';
  const parent = dirname(resolve(dir));
  try {
    if (!(await stat(parent)).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
  } catch (e) {
    throw new DnarchError('IO', `cannot write ${option} ${dir}: its parent directory ${parent} is not there (${fsReason(e)})`);
  }
  let state;
  try {
    state = await targetState(dir);
  } catch (e) {
    throw new DnarchError('IO', `cannot write ${option} ${dir}: ${fsReason(e)}`);
  }
  if (state === 'other') throw new DnarchError('IO', `cannot write ${option} ${dir}: it exists and is not a directory`);
  if (state === 'full' && !opts.force) {
    throw new DnarchError('IO', `${option} ${dir} exists and is not empty: choose another directory or add --force to replace it`);
  }
}

/**
 * Writes the files into a fresh temporary sibling of `dir`, then renames it into place, so
 * a reader never sees half a model and a failure leaves nothing behind. With force, a
 * non-empty `dir` is moved aside first and removed only once the new one is in place.
 */
export async function writeDirectoryAtomic(dir: string, files: TfjsFile[], opts: { force?: boolean; option?: string } = {}): Promise<void> {
  const option = opts.option ?? '--tfjs';
  const target = resolve(dir);
  const tmp = tempBeside(target);
  const fail = (e: unknown) => new DnarchError('IO', `cannot write ${option} ${dir}: ${fsReason(e)}`, { cause: e });
  try {
    await mkdir(tmp);
    for (const f of files) await writeFile(join(tmp, f.name), f.data, { flag: 'wx' });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw fail(e);
  }
  let old: string | undefined;
  try {
    const state = await targetState(target);
    if (state === 'other') throw Object.assign(new Error('it exists and is not a directory'), { code: 'EEXIST' });
    if (state === 'full') {
      if (!opts.force) throw new DnarchError('IO', `${option} ${dir} exists and is not empty: choose another directory or add --force to replace it`);
      old = tmp.replace(/\.tmp$/, '.old');
      await rename(target, old);
    }
    // POSIX rename replaces an empty directory; elsewhere remove it first.
    if (state === 'empty' && process.platform === 'win32') await rm(target, { recursive: true });
    await rename(tmp, target);
  } catch (e) {
    if (old) await rename(old, target).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    throw e instanceof DnarchError ? e : fail(e);
  }
  if (old) await rm(old, { recursive: true, force: true });
}

/** What a written layout holds, file by file (the JSON output's `tfjs` part). */
export function tfjsInfo(dir: string, layout: TfjsLayout): TfjsExportInfo {
  const size = (d: string | Uint8Array) => (typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength);
  return { dir, files: layout.files.map((f) => ({ name: f.name, bytes: size(f.data) })), weights: layout.weights, weightBytes: layout.weightBytes };
}

/** Serialises `model` and writes it as a layers-model directory `dir`, atomically. */
export async function exportTfjs(
  model: LayersModel,
  dir: string,
  opts: { force?: boolean; convertedBy?: string; shardBytes?: number } = {},
): Promise<TfjsExportInfo & { notes: string[] }> {
  const layout = await tfjsLayout(model, opts);
  await writeDirectoryAtomic(dir, layout.files, opts);
  return { ...tfjsInfo(dir, layout), notes: layout.notes };
}
