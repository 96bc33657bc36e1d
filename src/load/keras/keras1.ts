/**
 * Keras 1 model configs translated to Keras 2, as Keras 2 itself loaded them: the legacy
 * class names are its aliases (keras/layers/__init__.py: Convolution2D = Conv2D, ...), the
 * argument names are renamed by keras/legacy/interfaces.py (one table per layer family
 * below, copied from Keras 2.0.5), and a `Merge` layer becomes the Keras 2 layer of its mode
 * (keras/legacy/layers.py). A key renamed is only renamed when the Keras 2 name is absent.
 *
 * Works on the sanitised JSON (config.ts: no prototype keys); every lookup keyed by a
 * class or key name of the file goes through a Map or Set.
 */

import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';
import { OPAQUE_CLASS_NAME } from '../tfjs/opaque-layer.js';

type Json = Record<string, unknown>;

/** The config key a Keras 1 Dense's input_dim is kept under (config.ts builds such a Dense as KERAS1_DENSE_CLASS). */
export const DECLARED_INPUT_DIM = 'declared_input_dim';
/** Registry name of the Dense that builds its kernel for the input size its Keras 1 config declares. */
export const KERAS1_DENSE_CLASS = 'DnarchKeras1Dense';

type DenseLayer = ReturnType<typeof tfl.layers.dense>;
type DenseArgs = Parameters<typeof tfl.layers.dense>[0];
/** tfjs-layers does not export its Dense class by name: taken from an instance (named so as not to advance tfjs' name counter). */
const DenseBase = Object.getPrototypeOf(tfl.layers.dense({ units: 1, name: 'keras1_dense_probe' })).constructor as new (args: DenseArgs) => DenseLayer;

/**
 * A Keras 1 Dense whose config says the input size it was built with (`input_dim`): its
 * kernel is that size, as in the file, even where the shape reaching it is not known (a
 * Lambda upstream whose output shape Keras 1 computed by running it, which dnarch never
 * does). Where the two agree it is tfjs' Dense; the class name stays 'Dense'.
 */
class Keras1Dense extends DenseBase {
  static readonly className = KERAS1_DENSE_CLASS;
  readonly declaredInputDim: number | undefined;
  /** Whether the shape reaching it comes through an opaque layer (set by apply, read by build). */
  private guessedInput = false;
  constructor(args: DenseArgs & { declaredInputDim?: number }) {
    const { declaredInputDim, ...rest } = args;
    super(rest);
    this.declaredInputDim = declaredInputDim;
  }
  override apply(inputs: Parameters<DenseLayer['apply']>[0], kwargs?: Parameters<DenseLayer['apply']>[1]): ReturnType<DenseLayer['apply']> {
    this.guessedInput = throughOpaque(inputs);
    return super.apply(inputs, kwargs);
  }
  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const got = s[s.length - 1];
    if (this.declaredInputDim === undefined || got === this.declaredInputDim) return super.build(s);
    if (!this.guessedInput && got !== null) {
      throw new Error(`its Keras 1 config says input_dim ${this.declaredInputDim}, but it receives ${got} features`);
    }
    super.build([...s.slice(0, -1), this.declaredInputDim]);
    // The shape reaching it is a guess (an opaque layer upstream): not checked against the kernel.
    this.inputSpec = [new tfl.InputSpec({ minNDim: 2 })];
  }
  override getClassName(): string {
    return 'Dense';
  }
  override getConfig(): tfc.serialization.ConfigDict {
    return { ...super.getConfig(), declaredInputDim: this.declaredInputDim ?? null };
  }
}
/** Whether a symbolic input's history has an opaque layer (its shapes are then guesses), inside nested models too. */
function throughOpaque(inputs: unknown, seen = new Set<unknown>()): boolean {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  return list.some((t) => {
    const layer = (t as { sourceLayer?: unknown } | null)?.sourceLayer;
    if (!layer || seen.has(t)) return false;
    seen.add(t);
    if (isOpaqueLayer(layer)) return true;
    return throughOpaque((t as { inputs?: unknown[] }).inputs ?? [], seen);
  });
}

const isOpaqueLayer = (layer: unknown): boolean => {
  if ((layer as { constructor?: { className?: string } }).constructor?.className === OPAQUE_CLASS_NAME) return true;
  const inner = (layer as { layers?: unknown[] }).layers;
  return Array.isArray(inner) && inner.some(isOpaqueLayer);
};

tfc.serialization.registerClass(Keras1Dense as unknown as Parameters<typeof tfc.serialization.registerClass>[0]);

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Keras 1 class names Keras 2 knows under another name. */
const CLASS_ALIASES: ReadonlyMap<string, string> = new Map([
  ['Convolution1D', 'Conv1D'],
  ['AtrousConvolution1D', 'Conv1D'],
  ['Convolution2D', 'Conv2D'],
  ['AtrousConvolution2D', 'Conv2D'],
  ['Convolution3D', 'Conv3D'],
  ['Deconvolution2D', 'Conv2DTranspose'],
  ['SeparableConvolution2D', 'SeparableConv2D'],
]);

const DIM_ORDERING: ReadonlyMap<unknown, string | null> = new Map<unknown, string | null>([
  ['tf', 'channels_last'],
  ['th', 'channels_first'],
  ['default', null],
]);

type Renames = readonly (readonly [string, string])[];

const WEIGHT_KEYS: Renames = [
  ['init', 'kernel_initializer'],
  ['W_regularizer', 'kernel_regularizer'],
  ['b_regularizer', 'bias_regularizer'],
  ['W_constraint', 'kernel_constraint'],
  ['b_constraint', 'bias_constraint'],
  ['bias', 'use_bias'],
];
const CONV_KEYS: Renames = [['nb_filter', 'filters'], ['subsample', 'strides'], ['border_mode', 'padding'], ['dim_ordering', 'data_format'], ...WEIGHT_KEYS];
const ORDERING: Renames = [['dim_ordering', 'data_format']];
const DROPOUT: Renames = [['p', 'rate']];
const POOLING_2D: Renames = [['border_mode', 'padding'], ['dim_ordering', 'data_format']];
const RECURRENT: Renames = [
  ['output_dim', 'units'],
  ['init', 'kernel_initializer'],
  ['inner_init', 'recurrent_initializer'],
  ['inner_activation', 'recurrent_activation'],
  ['W_regularizer', 'kernel_regularizer'],
  ['b_regularizer', 'bias_regularizer'],
  ['U_regularizer', 'recurrent_regularizer'],
  ['dropout_W', 'dropout'],
  ['dropout_U', 'recurrent_dropout'],
  ['consume_less', 'implementation'],
];

/** keras/legacy/interfaces.py's conversions, by Keras 2 class name. */
const RENAMES: ReadonlyMap<string, Renames> = new Map<string, Renames>([
  ['Dense', [['output_dim', 'units'], ...WEIGHT_KEYS]],
  ['Dropout', DROPOUT],
  ['SpatialDropout1D', DROPOUT],
  ['SpatialDropout2D', [...DROPOUT, ...ORDERING]],
  ['SpatialDropout3D', [...DROPOUT, ...ORDERING]],
  ['GaussianDropout', DROPOUT],
  ['GaussianNoise', [['sigma', 'stddev']]],
  ['Embedding', [['init', 'embeddings_initializer'], ['W_regularizer', 'embeddings_regularizer'], ['W_constraint', 'embeddings_constraint']]],
  ['PReLU', [['init', 'alpha_initializer']]],
  ['MaxPooling1D', [['pool_length', 'pool_size'], ['stride', 'strides'], ['border_mode', 'padding']]],
  ['AveragePooling1D', [['pool_length', 'pool_size'], ['stride', 'strides'], ['border_mode', 'padding']]],
  ['MaxPooling2D', POOLING_2D],
  ['AveragePooling2D', POOLING_2D],
  ['MaxPooling3D', POOLING_2D],
  ['AveragePooling3D', POOLING_2D],
  ['GlobalMaxPooling2D', ORDERING],
  ['GlobalAveragePooling2D', ORDERING],
  ['GlobalMaxPooling3D', ORDERING],
  ['GlobalAveragePooling3D', ORDERING],
  ['UpSampling1D', [['length', 'size']]],
  ['UpSampling2D', ORDERING],
  ['UpSampling3D', ORDERING],
  ['ZeroPadding2D', ORDERING],
  ['ZeroPadding3D', ORDERING],
  ['Cropping2D', ORDERING],
  ['Cropping3D', ORDERING],
  ['Conv1D', [['nb_filter', 'filters'], ['filter_length', 'kernel_size'], ['subsample_length', 'strides'], ['border_mode', 'padding'], ['atrous_rate', 'dilation_rate'], ...WEIGHT_KEYS]],
  ['Conv2D', [...CONV_KEYS, ['atrous_rate', 'dilation_rate']]],
  ['Conv2DTranspose', CONV_KEYS],
  ['Conv3D', CONV_KEYS],
  [
    'SeparableConv2D',
    [['nb_filter', 'filters'], ['subsample', 'strides'], ['border_mode', 'padding'], ['dim_ordering', 'data_format'], ['b_regularizer', 'bias_regularizer'], ['b_constraint', 'bias_constraint'], ['bias', 'use_bias']],
  ],
  ['SimpleRNN', RECURRENT],
  ['GRU', RECURRENT],
  ['LSTM', RECURRENT],
  ['BatchNormalization', [['beta_init', 'beta_initializer'], ['gamma_init', 'gamma_initializer']]],
]);

const CONSUME_LESS: ReadonlyMap<unknown, number> = new Map<unknown, number>([['cpu', 0], ['mem', 1], ['gpu', 2]]);

/** keras/legacy/layers.py Merge modes whose Keras 2 layer computes the same. */
const MERGE_MODES: ReadonlyMap<unknown, string> = new Map<unknown, string>([
  ['sum', 'Add'],
  ['mul', 'Multiply'],
  ['ave', 'Average'],
  ['max', 'Maximum'],
  ['concat', 'Concatenate'],
  ['dot', 'Dot'],
  ['cos', 'Dot'],
]);

const pop = (c: Json, key: string): unknown => {
  const v = c[key];
  delete c[key];
  return v;
};

function rename(c: Json, renames: Renames): void {
  for (const [from, to] of renames) {
    if (!Object.hasOwn(c, from)) continue;
    const v = pop(c, from);
    if (Object.hasOwn(c, to)) continue;
    if (from === 'dim_ordering') {
      const format = DIM_ORDERING.has(v) ? DIM_ORDERING.get(v) : v;
      if (format !== null && format !== undefined) c[to] = format;
    } else if (from === 'consume_less') {
      if (CONSUME_LESS.has(v)) c[to] = CONSUME_LESS.get(v);
    } else c[to] = v;
  }
}

/** Keras 1's Merge, in a functional model: the Keras 2 layer of its mode, or unchanged (opaque) for a callable mode. */
function merge(c: Json): { className: string; config: Json } {
  const className = MERGE_MODES.get(c.mode);
  if (!className) return { className: 'Merge', config: c };
  const out: Json = {};
  for (const k of ['name', 'trainable', 'dtype']) if (Object.hasOwn(c, k)) out[k] = c[k];
  if (className === 'Concatenate') out.axis = typeof c.concat_axis === 'number' ? c.concat_axis : -1;
  if (className === 'Dot') {
    out.axes = c.dot_axes ?? -1;
    out.normalize = c.mode === 'cos';
  }
  return { className, config: out };
}

/** One layer's class name and config in Keras 2 terms (the config is modified in place). */
function layer(className: string, c: Json): { className: string; config: Json } {
  if (className === 'Merge' && !Array.isArray(c.layers)) return merge(c);
  const name = CLASS_ALIASES.get(className) ?? className;
  if (Object.hasOwn(c, 'input_dtype')) {
    const dtype = pop(c, 'input_dtype');
    if (!Object.hasOwn(c, 'dtype')) c.dtype = dtype;
  }
  rename(c, RENAMES.get(name) ?? []);
  if (name === 'Conv2D' || name === 'Conv2DTranspose' || name === 'SeparableConv2D') {
    if (Object.hasOwn(c, 'nb_row') || Object.hasOwn(c, 'nb_col')) {
      const size = [pop(c, 'nb_row'), pop(c, 'nb_col')];
      if (!Object.hasOwn(c, 'kernel_size')) c.kernel_size = size;
    }
  }
  if (name === 'Conv2DTranspose') delete c.output_shape;
  if (name === 'SeparableConv2D') delete c.init;
  if (name === 'Conv3D' && ['kernel_dim1', 'kernel_dim2', 'kernel_dim3'].every((k) => Object.hasOwn(c, k))) {
    const size = ['kernel_dim1', 'kernel_dim2', 'kernel_dim3'].map((k) => pop(c, k));
    if (!Object.hasOwn(c, 'kernel_size')) c.kernel_size = size;
  }
  if (name === 'Embedding') delete c.dropout;
  if (name === 'BatchNormalization') delete c.mode;
  if (name === 'SimpleRNN' || name === 'GRU' || name === 'LSTM') {
    if (Object.hasOwn(c, 'forget_bias_init')) {
      if (pop(c, 'forget_bias_init') === 'one') c.unit_forget_bias = true;
    }
    if (Object.hasOwn(c, 'input_dim')) {
      const dim = pop(c, 'input_dim');
      const length = pop(c, 'input_length') ?? null;
      if (dim !== null && !Object.hasOwn(c, 'batch_input_shape')) c.batch_input_shape = [null, length, dim];
    }
  }
  if (name === 'Conv1D' && Object.hasOwn(c, 'input_dim')) {
    const dim = pop(c, 'input_dim');
    const length = pop(c, 'input_length') ?? null;
    if (dim !== null && !Object.hasOwn(c, 'batch_input_shape')) c.batch_input_shape = [null, length, dim];
  }
  // Keras 1 wrote the input size every Dense was built with (null: not known when saved).
  if (name === 'Dense' && Object.hasOwn(c, 'input_dim')) {
    const dim = pop(c, 'input_dim');
    if (Number.isInteger(dim) && (dim as number) > 0) c[DECLARED_INPUT_DIM] = dim;
  }
  // Wrappers: the layer they wrap is Keras 1 too.
  if (isObject(c.layer) && typeof c.layer.class_name === 'string' && isObject(c.layer.config)) {
    const inner = layer(c.layer.class_name, c.layer.config);
    c.layer = { ...c.layer, class_name: inner.className, config: inner.config };
  }
  return { className: name, config: c };
}

/** A container's layer entries, translated (nested containers too). */
function entry(e: unknown): unknown {
  if (!isObject(e) || typeof e.class_name !== 'string') return e;
  if (e.class_name === 'Sequential' || e.class_name === 'Model' || e.class_name === 'Functional') {
    const cfg = e.config;
    if (Array.isArray(cfg)) return { ...e, config: cfg.map(entry) };
    if (isObject(cfg) && Array.isArray(cfg.layers)) return { ...e, config: { ...cfg, layers: cfg.layers.map(entry) } };
    return e;
  }
  if (!isObject(e.config)) return e;
  const { className, config } = layer(e.class_name, { ...e.config });
  return { ...e, class_name: className, config };
}

/** True when a file's Keras version says Keras 1: absent (Keras 1 wrote none before 1.2 in some saves) or 1.x. */
export const isKeras1Version = (version: string | undefined): boolean => version === undefined || /^1(\.|$)/.test(version);

/** The whole model config, translated from Keras 1 to Keras 2 names (a Keras 2 config comes back unchanged). */
export function keras1ToKeras2(model: unknown): unknown {
  return entry(model);
}
