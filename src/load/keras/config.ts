import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { DnarchError } from '../../errors.js';
import { GroupedConv2D, type GroupedConv2DArgs } from '../../zoo/grouped-conv.js';
import { KeepDimsGlobalAveragePooling2D, type KeepDimsPoolingArgs } from '../../zoo/keepdims-pooling.js';
// Keras classes tfjs lacks that the zoo implements: registered here too, so whether a
// file's 'Normalization', 'CustomScaleLayer', ... is understood never depends on which zoo
// model was built before in the same process.
import '../../zoo/adaptive-pooling.js';
import '../../zoo/custom-scale-layer.js';
import '../../zoo/local-response-norm.js';
import '../../zoo/normalization-layer.js';
import { SIZE_LIMITS } from '../limits.js';
import { encodeText, OPAQUE_CLASS_NAME, opaqueSpec } from '../tfjs/opaque-layer.js';
import { DECLARED_INPUT_DIM, isKeras1Version, KERAS1_DENSE_CLASS, keras1ToKeras2 } from './keras1.js';

/**
 * Rewrites a Keras 2, Keras 3 or tfjs-written model topology into the Keras-2-style JSON
 * that tfjs 4.22's `tfl.models.modelFromJSON` deserializes, after checking everything
 * tfjs would trust: structure (zod), numbers (positive integers under caps), names
 * (unique, no prototype keys), connections (no dangling reads, no cycles, no call that
 * never happens: tfjs' loader would loop forever on those). Unknown layer classes become
 * OpaqueLayer placeholders (opaque-layer.ts). Every error is one line naming the file and
 * the JSON path or the layer.
 */

/** Caps checked before anything is built. */
export const LIMITS = Object.freeze({
  /** A dimension of a declared shape, a kernel / stride / pool size, a padding. */
  maxDim: 100_000,
  /** filters, units, an embedding's output_dim, a depth multiplier. */
  maxUnits: 1_000_000,
  /** Elements of the weights of one layer (declared in its config, then exactly at build time). */
  maxLayerWeights: 2 ** 31,
  /** Elements of all weights of the model, at build time. */
  maxTotalWeights: 2 ** 32,
  /** Layers in all, nested ones included: tfjs' model constructor is quadratic in this. */
  maxLayers: 20_000,
  /** Containers nested in containers. */
  maxNesting: 32,
  /** Nesting of JSON arrays and objects. */
  maxJsonDepth: SIZE_LIMITS.jsonDepth,
});

export type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A name or value quoted for a one-line message. */
export const q = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}..."` : s;
};
export const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();

function fail(file: string, where: string, problem: string): never {
  throw new DnarchError('BAD_INPUT', `${file}: ${where}: ${oneLine(problem)}`);
}

/** `path.key`, or `key` at the root. */
const dot = (path: string, key: string): string => (path ? `${path}.${key}` : key);

const joinPath = (base: string, parts: readonly PropertyKey[]): string =>
  parts.reduce<string>((p, k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${String(k)}` : String(k)), base) ||
  'the top level';

function check<T>(file: string, schema: z.ZodType<T>, value: unknown, path: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  return fail(file, joinPath(path, issue.path), issue.message);
}

// ---------------------------------------------------------------------------------------
// Plain JSON copies: no prototype keys, bounded depth.

/**
 * Keys that must never be copied: they would reach Object.prototype or a constructor, or
 * shadow a method every object has (toString, hasOwnProperty, ...) that tfjs may call on a
 * config. No Keras or tfjs config has such a key.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

function sanitize(file: string, value: unknown, path: string, depth = 0): unknown {
  if (depth > LIMITS.maxJsonDepth) fail(file, path, `nested deeper than ${LIMITS.maxJsonDepth} levels`);
  if (Array.isArray(value)) return value.map((v, i) => sanitize(file, v, `${path}[${i}]`, depth + 1));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (!FORBIDDEN_KEYS.has(k)) out[k] = sanitize(file, v, path ? `${path}.${k}` : k, depth + 1);
  }
  return out;
}

/** Keras' initialisers would fill every weight (slowly, with random numbers): analysis needs none. */
export function zeroInitialisers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(zeroInitialisers);
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(k)) continue; // JSON.parse makes __proto__ an own key; copying it would set a prototype
    out[k] = k.endsWith('_initializer') && v !== null ? { class_name: 'Zeros', config: {} } : zeroInitialisers(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// What tfjs knows.

type Registry = Record<string, [unknown, unknown]>;
export const registry = (): Registry => tfc.serialization.SerializationMap.getMap().classNameMap as unknown as Registry;

/** tfjs' toCamelCase: what its loader does to every key and to string values with '_'. */
const toCamel = (s: string): string => (s.length <= 1 || !s.includes('_') ? s : s.replace(/_+(\w|$)/g, (_, c: string) => c.toUpperCase()));

/** A layer class tfjs' serialization registry can build (own entries only: 'constructor' is no class). */
export function isKnownLayerClass(className: string): boolean {
  if (!Object.hasOwn(registry(), className)) return false;
  const cls = registry()[className][0] as { prototype?: unknown } | undefined;
  return typeof cls === 'function' && cls.prototype instanceof tfl.layers.Layer;
}

const SEQUENTIAL = 'Sequential';
const FUNCTIONAL_CLASSES = new Set(['Functional', 'Model']);

/** Config keys tfjs' constructors reject for a class (found by loading every real model). */
const REJECTED_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  // Keras 2.15 writes the Conv base class' kernel_* keys; tfjs refuses them (the depthwise_*
  // and pointwise_* ones are the real ones).
  ['SeparableConv2D', ['kernel_initializer', 'kernel_regularizer', 'kernel_constraint']],
  ['SeparableConv1D', ['kernel_initializer', 'kernel_regularizer', 'kernel_constraint']],
]);

/** Keras 3 serialization metadata: nothing tfjs reads. */
const KERAS3_META_KEYS = new Set(['module', 'registered_name', 'build_config', 'compile_config', 'shared_object_id']);

/** Activations Keras knows under another name than tfjs. */
const ACTIVATION_ALIASES: ReadonlyMap<string, string> = new Map([['silu', 'swish']]);

function activationName(v: unknown): unknown {
  // Keras 3 may write an activation as {"class_name": "function", "config": "relu", ...}.
  const name = isObject(v) && typeof v.config === 'string' ? v.config : v;
  // An activation object of a class tfjs lacks ({"class_name": "Mish", "config": {...}}): linear too.
  if (isObject(name) && typeof name.class_name === 'string') return Object.hasOwn(registry(), name.class_name) ? name : 'linear';
  if (typeof name !== 'string') return v;
  const alias = ACTIVATION_ALIASES.get(name) ?? name;
  // An activation tfjs lacks changes no shape or weight: analysed as linear.
  return Object.hasOwn(registry(), toCamel(alias)) ? alias : 'linear';
}

/** tfjs has float32, int32, bool, string and complex64 tensors: other dtypes map to those. */
function dtypeName(v: unknown): string {
  // Keras 3: {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}.
  const raw = isObject(v) && isObject(v.config) ? v.config.name : v;
  if (typeof raw !== 'string' || raw.startsWith('mixed_')) return 'float32'; // mixed precision keeps float32 variables
  const name: string = raw;
  if (/^(u?int\d+)$/.test(name)) return 'int32';
  if (/^(b?float\d+|half|double)$/.test(name)) return 'float32';
  return ['float32', 'int32', 'bool', 'string', 'complex64'].includes(name) ? name : 'float32';
}

/**
 * Keys that give a layer the shape of an input it would create. Keras and tfjs read them only
 * where a layer creates its input (an InputLayer, the first layer of a Sequential) and ignore
 * them anywhere else: tfjs-layers 4.x writes a Dense's `batch_input_shape: [null, [null, null,
 * null]]` deep inside a functional model. Where unused they are dropped, unchecked.
 */
const INPUT_SHAPE_KEYS = ['batch_input_shape', 'batch_shape', 'input_shape'];

/**
 * A config without the keys that would only shape an input it does not create: the input
 * shapes, and `input_dim` (Keras 1 writes `"input_dim": null` on every Dense) except on an
 * Embedding, where it is the vocabulary.
 */
function withoutInputShape(config: Json, className: string): Json {
  const unused = (k: string) => INPUT_SHAPE_KEYS.includes(k) || (k === 'input_dim' && className !== 'Embedding');
  return Object.fromEntries(Object.entries(config).filter(([k]) => !unused(k)));
}

/**
 * A known layer's config as tfjs accepts it: Keras 3 metadata dropped, dtype policies as
 * strings, batch_shape as batch_input_shape, regularizers and constraints (no effect on
 * shapes or counts, and many classes tfjs lacks) as null, nested layer configs likewise.
 */
function cleanConfig(value: unknown, className?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => cleanConfig(v));
  if (!isObject(value)) return value;
  const rejected = new Set(className ? (REJECTED_KEYS.get(className) ?? []) : []);
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (KERAS3_META_KEYS.has(k) || rejected.has(k)) continue;
    if (k === 'dtype') out.dtype = dtypeName(v);
    else if (k === 'batch_shape') out.batch_input_shape = v;
    else if (k.endsWith('_regularizer') || k.endsWith('_constraint')) out[k] = null;
    else if (k === 'activation' || k === 'recurrent_activation') out[k] = activationName(v);
    else if (isObject(v) && typeof v.class_name === 'string' && isObject(v.config)) {
      // A nested layer (Bidirectional's layer, an RNN's cell): cleaned for its own class.
      const { module: _m, registered_name: _r, ...rest } = v;
      // A layer built inside another never creates an input: its input-shape keys are unused.
      out[k] = { ...rest, config: cleanConfig(withoutInputShape(v.config, v.class_name as string), v.class_name as string) };
    } else out[k] = cleanConfig(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Numbers checked before anything is built.

interface Where {
  file: string;
  layer: string;
  className: string;
  path: string;
}
const whereOf = (w: Where): string => `layer ${q(w.layer)} (${w.className}) at ${w.path}`;

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function positiveInt(w: Where, key: string, v: unknown, max: number): number {
  if (!isInt(v) || v < 1 || v > max) fail(w.file, `${whereOf(w)}.${key}`, `must be a whole number from 1 to ${max}, got ${q(v)}`);
  return v;
}

/** An int or a (nested) list of ints, each within [min, maxDim]; null allowed where Keras allows it. */
function intTuple(w: Where, key: string, v: unknown, min: 0 | 1, allowNull = false): number[] {
  if (v === null && allowNull) return [];
  const flat = Array.isArray(v) ? v.flat(2) : [v];
  for (const d of flat) {
    if (!isInt(d) || d < min || d > LIMITS.maxDim) {
      fail(w.file, `${whereOf(w)}.${key}`, `must hold whole numbers from ${min} to ${LIMITS.maxDim}, got ${q(v)}`);
    }
  }
  return flat as number[];
}

/** A declared shape: null (free) or a positive dimension under the cap; Reshape may use one -1. */
function shapeOf(w: Where, key: string, v: unknown, allowInfer = false): void {
  if (v === null || v === undefined) return;
  if (!Array.isArray(v) || v.length > 8) fail(w.file, `${whereOf(w)}.${key}`, `must be a list of at most 8 dimensions, got ${q(v)}`);
  let inferred = 0;
  for (const d of v) {
    if (d === null) continue;
    if (allowInfer && d === -1 && ++inferred === 1) continue;
    if (!isInt(d) || d < 1 || d > LIMITS.maxDim) {
      fail(w.file, `${whereOf(w)}.${key}`, `dimensions must be null or whole numbers from 1 to ${LIMITS.maxDim}, got ${q(v)}`);
    }
  }
}

/**
 * String options tfjs checks against its own list after camel-casing them (so that its error
 * would name "__proto__" as "Proto"): checked here first, the value quoted as the file writes it.
 */
const STRING_CHOICES: ReadonlyMap<string, readonly string[]> = new Map([
  ['padding', ['valid', 'same', 'causal']],
  ['data_format', ['channels_last', 'channels_first']],
  ['merge_mode', ['sum', 'mul', 'concat', 'ave']],
  ['interpolation', ['nearest', 'bilinear']],
]);

function checkChoices(w: Where, config: Json): void {
  for (const [key, choices] of STRING_CHOICES) {
    const v = Object.hasOwn(config, key) ? config[key] : undefined;
    if (typeof v === 'string' && !choices.includes(v)) {
      fail(w.file, `${whereOf(w)}.${key}`, `must be ${choices.map(q).join(', ').replace(/, ([^,]*)$/, ' or $1')}, got ${q(v)}`);
    }
  }
}

const WINDOW_KEYS = ['kernel_size', 'strides', 'pool_size', 'dilation_rate', 'size'];
const PADDING_KEYS = ['padding', 'cropping'];
const COUNT_KEYS = ['filters', 'units', 'output_dim', 'depth_multiplier'];

/** The numbers and string options of one known layer config (and of the layers it wraps). */
function checkNumbers(w: Where, config: Json): void {
  checkChoices(w, config);
  for (const key of WINDOW_KEYS) if (key in config) intTuple(w, key, config[key], 1, key === 'strides');
  for (const key of PADDING_KEYS) if (key in config && typeof config[key] !== 'string') intTuple(w, key, config[key], 0);
  for (const key of COUNT_KEYS) if (key in config && config[key] !== null) positiveInt(w, key, config[key], LIMITS.maxUnits);
  for (const key of INPUT_SHAPE_KEYS) shapeOf(w, key, config[key]);
  if (w.className === 'Reshape') shapeOf(w, 'target_shape', config.target_shape, true);
  if ('input_dim' in config && (config.input_dim !== null || w.className === 'Embedding')) positiveInt(w, 'input_dim', config.input_dim, LIMITS.maxLayerWeights);
  if ('n' in config && w.className === 'RepeatVector') positiveInt(w, 'n', config.n, LIMITS.maxDim);
  for (const key of ['height', 'width']) if (key in config && w.className !== 'InputLayer') positiveInt(w, key, config[key], LIMITS.maxDim);
  // Weights the config alone declares: an embedding table, a kernel's window x filters.
  let declared = 1;
  if (isInt(config.input_dim) && isInt(config.output_dim)) declared = config.input_dim * config.output_dim;
  else if (isInt(config.filters) && config.kernel_size !== undefined) {
    declared = intTuple(w, 'kernel_size', config.kernel_size, 1).reduce((a, b) => a * b, config.filters);
  }
  if (declared > LIMITS.maxLayerWeights) {
    fail(w.file, whereOf(w), `declares ${declared} weight elements, more than the limit of 2^31`);
  }
  for (const inner of innerLayers(config)) {
    checkNumbers({ ...w, className: `${w.className} > ${inner.className}`, path: `${w.path}.${inner.key}.config` }, inner.config);
  }
}

/** Wrappers tfjs builds only around an inner layer (it reads `className` of whatever is there). */
const NEEDS_INNER: ReadonlyMap<string, string> = new Map([['Bidirectional', 'layer'], ['TimeDistributed', 'layer'], ['RNN', 'cell']]);

/** Keys under which a layer's config holds the configs of layers tfjs builds inside it. */
const INNER_LAYER_KEYS = ['layer', 'forward_layer', 'backward_layer', 'cell', 'cells'];

/**
 * The layers a wrapper builds inside itself (Bidirectional's and TimeDistributed's layer,
 * an RNN's cell or cells, StackedRNNCells' cells): tfjs deserializes each by its class name.
 */
function innerLayers(config: Json): { key: string; className: string; config: Json }[] {
  const out: { key: string; className: string; config: Json }[] = [];
  for (const key of INNER_LAYER_KEYS) {
    const v = config[key];
    const items = Array.isArray(v) ? v.map((x, i) => [`${key}[${i}]`, x] as const) : [[key, v] as const];
    for (const [at, x] of items) {
      if (isObject(x) && typeof x.class_name === 'string') out.push({ key: at, className: x.class_name, config: isObject(x.config) ? x.config : {} });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Schemas.

const index = z.number().int().nonnegative().max(1_000_000);
/** Keras 2: [layer name, node index, tensor index, kwargs?]. */
const k2Ref = z.tuple([z.string(), index, index], z.unknown());
const k2Node = z.array(k2Ref).min(1, 'a call must read at least one tensor');
/** Keras 3: {args: [...], kwargs: {...}} with __keras_tensor__ objects inside. */
const k3Node = z.object({ args: z.array(z.unknown()), kwargs: z.record(z.string(), z.unknown()).optional() }).loose();
const kerasHistory = z.tuple([z.string(), index, index]);

const layerEntry = z
  .object({
    class_name: z.string().min(1).max(200),
    config: z.unknown(),
    name: z.string().min(1).max(500).optional(),
    inbound_nodes: z
      .array(z.union([k2Node, k3Node], { error: 'expected a call: [[layer, node, tensor, kwargs?], ...] (Keras 2) or {args, kwargs} (Keras 3)' }))
      .optional(),
  })
  .loose();
type LayerEntry = z.infer<typeof layerEntry>;

const configObject = z.record(z.string(), z.unknown());
const layerList = z.array(z.unknown()).min(1, 'a model needs at least one layer');

// ---------------------------------------------------------------------------------------
// Tensor references.

interface Ref {
  name: string;
  node: number;
  tensor: number;
}

const isKerasTensor = (v: unknown): v is Json => isObject(v) && v.class_name === '__keras_tensor__';

/** Every __keras_tensor__ in a Keras 3 call's args or kwargs, in order (lists, dicts, nesting). */
function kerasTensors(file: string, v: unknown, path: string, out: { ref: Ref; path: string }[] = []): { ref: Ref; path: string }[] {
  if (isKerasTensor(v)) {
    const [name, node, tensor] = check(file, kerasHistory, isObject(v.config) ? v.config.keras_history : undefined, `${path}.config.keras_history`);
    out.push({ ref: { name, node, tensor }, path });
  } else if (Array.isArray(v)) v.forEach((x, i) => kerasTensors(file, x, `${path}[${i}]`, out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) kerasTensors(file, x, `${path}.${k}`, out);
  return out;
}

/** Keras 2 kwargs hold tensors as [layer, node, tensor] triples naming a layer of the model. */
function k2KwargTensors(v: unknown, names: ReadonlySet<string>, path: string, out: { ref: Ref; path: string }[] = []): { ref: Ref; path: string }[] {
  if (Array.isArray(v)) {
    if (v.length === 3 && typeof v[0] === 'string' && isInt(v[1]) && isInt(v[2]) && v[1] >= 0 && v[2] >= 0 && names.has(v[0])) {
      out.push({ ref: { name: v[0], node: v[1], tensor: v[2] }, path });
    } else v.forEach((x, i) => k2KwargTensors(x, names, `${path}[${i}]`, out));
  } else if (isObject(v)) for (const [k, x] of Object.entries(v)) k2KwargTensors(x, names, `${path}.${k}`, out);
  return out;
}

/** input_layers / output_layers: a triple, a list of triples, or (Keras 3) nested lists and dicts of them. */
function flattenRefs(file: string, v: unknown, path: string, out: { ref: Ref; path: string }[] = []): { ref: Ref; path: string }[] {
  if (Array.isArray(v) && v.length >= 3 && typeof v[0] === 'string') {
    const [name, node, tensor] = check(file, kerasHistory, v.slice(0, 3), path);
    out.push({ ref: { name, node, tensor }, path });
  } else if (Array.isArray(v)) v.forEach((x, i) => flattenRefs(file, x, `${path}[${i}]`, out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) flattenRefs(file, x, `${path}.${k}`, out);
  else fail(file, path, `expected [layer name, node index, tensor index], got ${q(v)}`);
  return out;
}

// ---------------------------------------------------------------------------------------
// The normalizer.

type Kind = 'sequential' | 'functional' | 'layer';

function kindOf(className: string, config: unknown): Kind {
  if (className === SEQUENTIAL) return 'sequential';
  if (FUNCTIONAL_CLASSES.has(className)) return 'functional';
  // A Functional subclass saved with its graph (Keras writes the subclass' name).
  if (!isKnownLayerClass(className) && isObject(config) && Array.isArray(config.layers) && 'input_layers' in config && 'output_layers' in config) {
    return 'functional';
  }
  return 'layer';
}

/**
 * Layer names that are properties of every JS object or function: tfjs keys plain objects by
 * layer name, and 'prototype' is a key of every class a layer is built by.
 */
const unsafeName = (name: string): boolean => name in Object.prototype || name === '__proto__' || name === 'prototype';

/** Refuses a layer built inside another (a wrapper's layer, an RNN's cell) whose name is unsafe. */
function checkInnerNames(file: string, config: Json, path: string): void {
  for (const inner of innerLayers(config)) {
    const name = inner.config.name;
    const where = `${path}.${inner.key}.config.name`;
    if (typeof name === 'string' && unsafeName(name)) fail(file, where, `layer name ${q(name)} is not allowed (JavaScript objects or classes have a property of that name)`);
    checkInnerNames(file, inner.config, `${path}.${inner.key}.config`);
  }
}

/** Every layer of a normalized container, nested ones too, made non-trainable (Keras: a frozen model's weights are all non-trainable). */
function freeze(container: Json): void {
  const config = container.config as Json;
  for (const layer of (config.layers as Json[] | undefined) ?? []) {
    const inner = layer.config as Json;
    if (Array.isArray(inner.layers)) freeze(layer);
    else inner.trainable = false;
  }
}

interface Member {
  name: string;
  kind: Kind;
  path: string;
  normalized: Json;
  /** Raw calls, before conversion. */
  rawNodes: unknown[];
}

class Normalizer {
  private layers = 0;
  constructor(
    readonly file: string,
    /** The file says Keras 3 (keras_version 3.x); dict-form inbound nodes say it too. */
    readonly keras3: boolean,
  ) {}

  private count(path: string): void {
    if (++this.layers > LIMITS.maxLayers) fail(this.file, path, `more than ${LIMITS.maxLayers} layers`);
  }

  /** The whole model: a Sequential or Functional container. */
  model(value: unknown, path: string): Json {
    const entry = check(this.file, layerEntry, value, path);
    const kind = kindOf(entry.class_name, entry.config);
    if (kind === 'layer') {
      fail(this.file, path, `a ${entry.class_name} layer, not a model: expected a Sequential or Functional model topology`);
    }
    return this.container(entry, kind, path, 0);
  }

  private container(entry: LayerEntry, kind: Exclude<Kind, 'layer'>, path: string, depth: number): Json {
    if (depth > LIMITS.maxNesting) fail(this.file, path, `models nested more than ${LIMITS.maxNesting} deep`);
    return kind === 'sequential' ? this.sequential(entry, path, depth) : this.functional(entry, path, depth);
  }

  private sequential(entry: LayerEntry, path: string, depth: number): Json {
    // tfjs 1.x and Keras 1 wrote a Sequential's config as the bare list of layers.
    const config = Array.isArray(entry.config) ? { layers: entry.config } : check(this.file, configObject, entry.config, dot(path, 'config'));
    const layersPath = Array.isArray(entry.config) ? dot(path, 'config') : dot(path, 'config.layers');
    const name = this.nameOf(entry, config);
    const list = check(this.file, layerList, config.layers, layersPath);
    const seen = new Map<string, string>();
    const members = list.map((raw, i) => {
      const p = `${layersPath}[${i}]`;
      const m = this.member(raw, p, depth, i === 0);
      if (m.name) {
        if (seen.has(m.name)) fail(this.file, p, `layer name ${q(m.name)} is used twice in model ${q(name ?? '(unnamed)')} (also at ${seen.get(m.name)})`);
        seen.set(m.name, p);
      }
      return m;
    });
    // tfjs would name unnamed layers itself, possibly as another layer of the file is named.
    const fresh = (base: string): string => {
      let n = base;
      for (let k = 1; seen.has(n) || unsafeName(n); k++) n = `${base}_${k}`;
      seen.set(n, '');
      return n;
    };
    const layers = members.map((m) => {
      if (m.name) return m.normalized;
      const named = fresh(String(m.normalized.class_name).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
      (m.normalized.config as Json).name = named;
      return m.normalized;
    });
    // The input tfjs would add, made explicit so that its name cannot clash: from the first
    // layer's batch_input_shape, or for a Sequential built by model.build(shape) from Keras'
    // build_input_shape (Keras 2) or build_config.input_shape (Keras 3).
    const first = layers[0].config as Json;
    const built = config.build_input_shape ?? (isObject(entry.build_config) ? entry.build_config.input_shape : undefined);
    const shape = first.batch_input_shape ?? built;
    if (layers[0].class_name !== 'InputLayer' && Array.isArray(shape) && members[0].kind === 'layer') {
      const where: Where = { file: this.file, layer: name ?? '(unnamed)', className: SEQUENTIAL, path: dot(path, 'config') };
      shapeOf(where, 'build_input_shape', shape);
      const dtype = typeof first.dtype === 'string' ? first.dtype : 'float32';
      layers.unshift({ class_name: 'InputLayer', config: { name: fresh(`${String(first.name)}_input`), batch_input_shape: shape, dtype } });
    }
    return { class_name: SEQUENTIAL, config: { ...(name ? { name } : {}), layers } };
  }

  private nameOf(entry: LayerEntry, config: Json): string | undefined {
    const name = entry.name ?? config.name;
    return typeof name === 'string' && name.length > 0 ? name : undefined;
  }

  /**
   * One layer entry of a container: validated, cleaned, opaque if tfjs lacks its class.
   * `first`: the first layer of a Sequential, which creates the model's input from its
   * batch_input_shape when it is no InputLayer.
   */
  private member(raw: unknown, path: string, depth: number, first: boolean): Member {
    this.count(path);
    const entry = check(this.file, layerEntry, raw, path);
    const kind = kindOf(entry.class_name, entry.config);
    const configName = isObject(entry.config) && typeof entry.config.name === 'string' ? entry.config.name : undefined;
    const name = entry.name ?? configName ?? '';
    if (name && unsafeName(name)) fail(this.file, path, `layer name ${q(name)} is not allowed (JavaScript objects or classes have a property of that name)`);
    let normalized: Json;
    if (kind !== 'layer') {
      normalized = this.container(entry, kind, path, depth + 1);
      const config = normalized.config as Json;
      if (name) config.name = name;
      // A nested model saved frozen (Keras 3 writes its `trainable`): none of its weights trains, whatever its layers say.
      if (isObject(entry.config) && entry.config.trainable === false) freeze(normalized);
    } else {
      const config = check(this.file, configObject, entry.config, `${path}.config`);
      const createsInput = first || entry.class_name === 'InputLayer';
      normalized = this.layer(entry.class_name, createsInput ? config : withoutInputShape(config, entry.class_name), name, path);
    }
    if (name) normalized.name = name;
    return { name, kind, path, normalized, rawNodes: entry.inbound_nodes ?? [] };
  }

  private layer(className: string, config: Json, name: string, path: string): Json {
    const where: Where = { file: this.file, layer: name || '(unnamed)', className, path: `${path}.config` };
    checkInnerNames(this.file, config, where.path);
    if (!isKnownLayerClass(className)) return this.opaque(className, config, name, where);
    const unbuildable = this.unbuildable(className, config);
    if (unbuildable) return this.opaque(className, config, name, where, unbuildable);
    const cleaned = cleanConfig(config, className) as Json;
    if (name) cleaned.name = name;
    const needs = NEEDS_INNER.get(className);
    if (needs && !innerLayers(cleaned).some((i) => i.key === needs || i.key.startsWith(`${needs}[`))) {
      fail(this.file, `${where.path}.${needs}`, `${className} needs the ${needs === 'cell' ? 'cell it runs' : 'layer it wraps'} as {"class_name": ..., "config": {...}}, got ${q(cleaned[needs])}`);
    }
    if (className === 'Reshape' && !Array.isArray(cleaned.target_shape)) fail(this.file, `${where.path}.target_shape`, `must be a list of dimensions, got ${q(cleaned.target_shape)}`);
    checkNumbers(where, cleaned);
    // tfjs' BatchNormalization and the zoo's Normalization take one int axis; Keras may write [axis].
    if ((className === 'Normalization' || className === 'BatchNormalization') && Array.isArray(cleaned.axis) && cleaned.axis.length === 1) {
      cleaned.axis = cleaned.axis[0];
    }
    // Keras features tfjs' classes ignore, built by the zoo's implementations instead.
    if (className === 'Conv2D' && isInt(cleaned.groups) && cleaned.groups > 1) {
      return { class_name: GROUPED_CONV_CLASS, config: cleaned };
    }
    if (className === 'Dense' && Object.hasOwn(cleaned, DECLARED_INPUT_DIM)) {
      positiveInt(where, DECLARED_INPUT_DIM, cleaned[DECLARED_INPUT_DIM], LIMITS.maxLayerWeights);
      return { class_name: KERAS1_DENSE_CLASS, config: cleaned };
    }
    if (className === 'GlobalAveragePooling2D' && cleaned.keepdims === true) {
      const { keepdims: _, ...rest } = cleaned;
      return { class_name: KEEPDIMS_POOLING_CLASS, config: { ...rest, keep_dims: true } };
    }
    return { class_name: className, config: cleaned };
  }

  /**
   * Why tfjs would build this known class with wrong shapes or weights (it ignores a Keras
   * feature dnarch does not implement either), if it would: it is then analysed as unknown.
   */
  private unbuildable(className: string, config: Json): string | undefined {
    if (isInt(config.groups) && config.groups > 1 && (className !== 'Conv2D' || config.data_format === 'channels_first')) {
      return `tfjs cannot build ${className} with groups=${config.groups}${className === 'Conv2D' ? ' in channels_first' : ''}`;
    }
    if (config.keepdims === true && className !== 'GlobalAveragePooling2D') return `tfjs cannot build ${className} with keepdims=True`;
    if (/Transpose$/.test(className) && config.output_padding != null) return `tfjs cannot build ${className} with output_padding`;
    if ((className === 'Normalization' || className === 'BatchNormalization') && Array.isArray(config.axis) && config.axis.length !== 1) {
      return `tfjs cannot build ${className} over several axes`;
    }
    // A wrapper (Bidirectional, TimeDistributed, RNN) of a class tfjs lacks or would build wrongly.
    for (const inner of innerLayers(config)) {
      if (!isKnownLayerClass(inner.className)) return `tfjs has no ${inner.className} layer (inside ${className})`;
      const why = this.unbuildable(inner.className, inner.config);
      if (why) return why;
    }
    return undefined;
  }

  private opaque(className: string, config: Json, name: string, where: Where, reason?: string): Json {
    const spec = opaqueSpec(className, config);
    const shapes = spec.outputShape === undefined ? [] : Array.isArray(spec.outputShape[0]) ? spec.outputShape : [spec.outputShape];
    for (const s of shapes) shapeOf(where, 'output_shape', s);
    const batchShape = config.batch_input_shape ?? config.batch_shape;
    shapeOf(where, 'batch_input_shape', batchShape);
    return {
      class_name: OPAQUE_CLASS_NAME,
      config: {
        ...(name ? { name } : {}),
        trainable: config.trainable !== false,
        dtype: dtypeName(config.dtype),
        original_class_name: encodeText(className),
        ...(reason ? { reason: encodeText(reason) } : {}),
        output_shape: spec.outputShape ?? null,
        shape_rule: spec.rule ?? null,
        ...(Array.isArray(batchShape) ? { batch_input_shape: batchShape } : {}),
      },
    };
  }

  private functional(entry: LayerEntry, path: string, depth: number): Json {
    const config = check(this.file, configObject, entry.config, dot(path, 'config'));
    const name = this.nameOf(entry, config);
    const modelName = name ?? '(unnamed)';
    const list = check(this.file, layerList, config.layers, dot(path, 'config.layers'));
    const members = new Map<string, Member>();
    let ordered: Member[] = [];
    list.forEach((raw, i) => {
      const p = `${dot(path, 'config.layers')}[${i}]`;
      const m = this.member(raw, p, depth, false);
      if (!m.name) fail(this.file, p, 'a layer of a functional model needs a name (its calls refer to it by name)');
      const twin = members.get(m.name);
      if (twin) fail(this.file, p, `layer name ${q(m.name)} is used twice in model ${q(modelName)} (also at ${twin.path})`);
      members.set(m.name, m);
      ordered.push(m);
    });
    const keras3 = this.keras3 || ordered.some((m) => m.rawNodes.some(isObject));
    const names = new Set(members.keys());

    /**
     * A read of `ref` by `reader`: the layer must exist. tfjs counts a nested model's
     * construction as its node 0, so its calls start at 1. Keras 3 numbers a Sequential's
     * calls from 0 everywhere, and a Functional's from 0 in the calls of other layers
     * (it has no construction node of its own: keras/src/ops/function.py) but from 1 in
     * input_layers / output_layers (models/functional.py, get_config).
     */
    const resolve = (ref: Ref, where: string, reader: string, fromCall: boolean): Ref => {
      const target = members.get(ref.name);
      if (!target) fail(this.file, where, `${reader} reads ${q(ref.name)}, which is not a layer of model ${q(modelName)}`);
      const shift = keras3 && (target.kind === 'sequential' || (fromCall && target.kind === 'functional')) ? 1 : 0;
      return { ...ref, node: ref.node + shift };
    };

    const calls = new Map<string, Ref[][]>();
    for (const m of ordered) {
      const nodes = m.rawNodes.map((node, n) => {
        const p = `${m.path}.inbound_nodes[${n}]`;
        const reads = this.callInputs(node, p, names);
        if (reads.length === 0) fail(this.file, p, `layer ${q(m.name)}: call ${n} reads no tensor`);
        return reads.map((r) => resolve(r.ref, r.path, `layer ${q(m.name)}`, true));
      });
      calls.set(m.name, nodes);
      m.normalized.inbound_nodes = nodes.map((refs) => refs.map((r) => [r.name, r.node, r.tensor, {}]));
    }

    const endpoints = (key: 'input_layers' | 'output_layers'): Ref[] => {
      if (!(key in config)) fail(this.file, dot(path, 'config'), `a functional model needs ${key}`);
      const refs = flattenRefs(this.file, config[key], dot(path, `config.${key}`));
      if (refs.length === 0) fail(this.file, dot(path, `config.${key}`), 'is empty');
      return refs.map((r) => resolve(r.ref, r.path, `model ${q(modelName)}`, false));
    };
    const inputs = endpoints('input_layers');
    const outputs = endpoints('output_layers');
    inputs.forEach((r, i) => {
      if (members.get(r.name)!.normalized.class_name !== 'InputLayer') {
        fail(this.file, `${dot(path, 'config.input_layers')}[${i}]`, `input ${q(r.name)} of model ${q(modelName)} is not an InputLayer`);
      }
    });
    const firstCalled = this.simulate(modelName, ordered, calls, outputs, dot(path, 'config.output_layers'));
    // tfjs' loader passes over the list until every call is made: once per layer for a chain
    // listed last layer first. When no layer is called twice, listing them in the order of
    // their first calls gives the same model in one pass (with shared layers, the order of
    // a layer's calls, and so their node indices, could change: their list is kept).
    if (ordered.every((m) => m.rawNodes.length <= 1)) {
      const position = new Map(firstCalled.map((name, i) => [name, i]));
      ordered = [...ordered.filter((m) => !position.has(m.name)), ...firstCalled.map((name) => members.get(name)!)];
    }

    return {
      class_name: FUNCTIONAL_CLASSES.has(entry.class_name) ? entry.class_name : 'Functional',
      config: {
        ...(name ? { name } : {}),
        layers: ordered.map((m) => m.normalized),
        input_layers: inputs.map((r) => [r.name, r.node, r.tensor]),
        output_layers: outputs.map((r) => [r.name, r.node, r.tensor]),
      },
    };
  }

  /** The tensors one call reads, positional first, then tensors passed by keyword (mask excepted). */
  private callInputs(node: unknown, path: string, names: ReadonlySet<string>): { ref: Ref; path: string }[] {
    if (isObject(node)) {
      const args = kerasTensors(this.file, node.args, `${path}.args`);
      const kwargs = isObject(node.kwargs) ? node.kwargs : {};
      const byKeyword = Object.entries(kwargs)
        .filter(([k]) => k !== 'mask')
        .flatMap(([k, v]) => kerasTensors(this.file, v, `${path}.kwargs.${k}`));
      return [...args, ...byKeyword];
    }
    const refs = node as unknown[][];
    const positional = refs.map((r, i) => ({ ref: { name: r[0] as string, node: r[1] as number, tensor: r[2] as number }, path: `${path}[${i}]` }));
    const kwargs = refs.find((r) => isObject(r[3]) && Object.keys(r[3] as Json).length > 0)?.[3] as Json | undefined;
    if (!kwargs) return positional;
    const byKeyword = Object.entries(kwargs)
      .filter(([k]) => k !== 'mask')
      .flatMap(([k, v]) => k2KwargTensors(v, names, `${path}[0][3].${k}`));
    return [...positional, ...byKeyword];
  }

  /**
   * tfjs' Container.fromConfig, dry: it calls each layer once all the tensors it reads
   * exist, passing over the layers until none is left. A read of a call that never happens
   * or a cycle would make that loop spin forever: both are found and named here.
   */
  private simulate(modelName: string, ordered: Member[], calls: Map<string, Ref[][]>, outputs: Ref[], outputsPath: string): string[] {
    // Containers and InputLayers own a node before any call (their construction).
    const made = new Map(ordered.map((m) => [m.name, m.kind !== 'layer' || m.normalized.class_name === 'InputLayer' ? 1 : 0]));
    const pending = new Map(ordered.map((m) => [m.name, [...calls.get(m.name)!]]));
    const ready = (refs: Ref[]) => refs.every((r) => made.get(r.name)! > r.node);
    let left = [...pending.values()].reduce((s, c) => s + c.length, 0);
    // Which calls end up made does not depend on the order they are tried in (a call once
    // ready stays ready): a worklist, where a layer is tried again only when a layer it reads
    // gets a new call, is linear where tfjs' passes over the list are quadratic (a chain
    // listed last layer first takes one pass per layer).
    const readers = new Map<string, Set<string>>();
    for (const m of ordered) {
      for (const refs of pending.get(m.name)!) for (const r of refs) (readers.get(r.name) ?? readers.set(r.name, new Set()).get(r.name)!).add(m.name);
    }
    const work = ordered.map((m) => m.name);
    const queued = new Set(work);
    /** Layers in the order of their first call: a topological order. */
    const firstCalled: string[] = [];
    const called = new Set<string>();
    for (let at = 0; at < work.length; at++) {
      const name = work[at];
      queued.delete(name);
      const queue = pending.get(name)!;
      if (queue.length === 0) continue;
      const waiting: Ref[][] = [];
      const before = made.get(name)!;
      for (const refs of queue) {
        if (ready(refs)) {
          made.set(name, made.get(name)! + 1);
          left--;
        } else waiting.push(refs);
      }
      pending.set(name, waiting);
      if (made.get(name)! === before) continue;
      if (!called.has(name)) {
        called.add(name);
        firstCalled.push(name);
      }
      for (const reader of readers.get(name) ?? []) {
        if (!queued.has(reader)) {
          queued.add(reader);
          work.push(reader);
        }
      }
    }
    if (left > 0) this.stuck(modelName, ordered, pending, made, calls);
    outputs.forEach((r, i) => {
      if (made.get(r.name)! <= r.node) {
        fail(this.file, `${outputsPath}[${i}]`, `model ${q(modelName)} outputs call ${r.node} of ${q(r.name)}, which has only ${made.get(r.name)} call(s)`);
      }
    });
    return firstCalled;
  }

  private stuck(modelName: string, ordered: Member[], pending: Map<string, Ref[][]>, made: Map<string, number>, calls: Map<string, Ref[][]>): never {
    const possible = (name: string) => made.get(name)! + pending.get(name)!.length;
    const blocked = ordered.filter((m) => pending.get(m.name)!.length > 0);
    // A read of a call that can never exist.
    for (const m of blocked) {
      for (const refs of pending.get(m.name)!) {
        const bad = refs.find((r) => r.node >= possible(r.name));
        if (bad) {
          const n = calls.get(m.name)!.indexOf(refs);
          fail(this.file, `${m.path}.inbound_nodes[${n}]`, `layer ${q(m.name)} reads call ${bad.node} of ${q(bad.name)}, which is called only ${possible(bad.name)} time(s) in model ${q(modelName)}`);
        }
      }
    }
    // Otherwise the blocked layers wait on each other: follow waits until a layer repeats.
    const waitsOn = (name: string): string => {
      const refs = pending.get(name)![0];
      return refs.find((r) => made.get(r.name)! <= r.node)!.name;
    };
    const trail: string[] = [];
    let at = blocked[0].name;
    while (!trail.includes(at)) {
      trail.push(at);
      at = waitsOn(at);
    }
    const cycle = [...trail.slice(trail.indexOf(at)), at];
    const first = ordered.find((m) => m.name === cycle[0])!;
    fail(this.file, first.path, `layer ${q(first.name)} is part of a cycle in model ${q(modelName)}: ${cycle.map(q).join(' -> ')}`);
  }
}

/** Registry name of the grouped Conv2D that Keras' Conv2D(groups > 1) loads into. */
const GROUPED_CONV_CLASS = 'DnarchGroupedConv2D';

/** Keras' Conv2D with groups > 1 (tfjs' Conv2D ignores `groups` and would build a kernel g times too large). */
class KerasGroupedConv2D extends GroupedConv2D {
  static readonly className = GROUPED_CONV_CLASS;
  constructor(args: GroupedConv2DArgs) {
    super(args);
  }
  override getClassName(): string {
    return 'Conv2D';
  }
}
tfc.serialization.registerClass(KerasGroupedConv2D as unknown as Parameters<typeof tfc.serialization.registerClass>[0]);

/** Registry name of the pooling that Keras' GlobalAveragePooling2D(keepdims=True) loads into. */
const KEEPDIMS_POOLING_CLASS = 'DnarchKeepDimsGlobalAveragePooling2D';

/** Keras' GlobalAveragePooling2D(keepdims=True) (tfjs' ignores keepdims and drops the spatial axes). */
class KerasKeepDimsPooling extends KeepDimsGlobalAveragePooling2D {
  static readonly className = KEEPDIMS_POOLING_CLASS;
  constructor(args: KeepDimsPoolingArgs) {
    super(args);
  }
  override getClassName(): string {
    return 'GlobalAveragePooling2D';
  }
}
tfc.serialization.registerClass(KerasKeepDimsPooling as unknown as Parameters<typeof tfc.serialization.registerClass>[0]);

/** Where the model config sits in a model.json, a Keras to_json() file or a .keras config.json. */
function unwrap(value: unknown): { model: unknown; path: string; version?: string; graph?: boolean } {
  let path = '';
  let v = value;
  let version: string | undefined;
  const note = (o: Json) => {
    if (typeof o.keras_version === 'string') version ??= o.keras_version;
  };
  if (isObject(v) && 'modelTopology' in v) {
    v = v.modelTopology;
    path = 'modelTopology';
  }
  if (isObject(v) && Array.isArray(v.node)) return { model: v, path, graph: true };
  if (isObject(v) && 'model_config' in v) {
    note(v);
    v = v.model_config;
    path = path ? `${path}.model_config` : 'model_config';
  }
  if (isObject(v)) note(v);
  return { model: v, path, version };
}

/**
 * The Keras-2-style topology tfjs 4.22 deserializes, from any Keras 2 / Keras 3 / tfjs
 * topology: a model.json (its modelTopology), a Keras to_json() file, a .keras archive's
 * config.json, or the bare model config. Initialisers are zeroed. Throws a one-line
 * DnarchError('BAD_INPUT') naming the file and the JSON path or layer.
 */
export function normalizeTopology(file: string, topology: unknown): Record<string, unknown> {
  const { model, path, version, graph } = unwrap(topology);
  if (graph || (isObject(topology) && topology.format === 'graph-model')) {
    fail(file, path || 'the top level', 'a TensorFlow.js graph model (a converted TensorFlow graph, no layers): dnarch reads layers models and Keras model configs');
  }
  const sanitized = sanitize(file, model, path);
  // Keras 1 names (Convolution2D, nb_filter, border_mode, Merge, ...) as Keras 2 loaded them (keras1.ts).
  const clean = isKeras1Version(version) ? keras1ToKeras2(sanitized) : sanitized;
  const keras3 = typeof version === 'string' && /^3\./.test(version);
  const normalized = new Normalizer(file, keras3).model(clean, path);
  return zeroInitialisers(normalized) as Record<string, unknown>;
}
