import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../../../errors.js';
import { q } from '../config.js';
import { flipKernel, fromCudnnLstm, keras1Gru, keras1Lstm, sameShape, transpose, type Arr } from './convert.js';
import type { H5Dataset, H5File, H5Group, H5Value } from '../hdf5/index.js';
import { openH5, reading } from './open.js';

/**
 * The weights of a Keras `.h5` file matched to a tfjs model as Keras loads them
 * (keras/engine/saving.py load_weights_from_hdf5_group; Keras 3's legacy_h5_format.py does
 * the same): the layers of the model that have weights, in order, meet the groups of the
 * `layer_names` attribute whose `weight_names` is not empty, in order; each group's
 * datasets are those its `weight_names` name (paths inside the group: this is how
 * TimeDistributed's differently named inner group, Teachable Machine's skipped nesting
 * level and Keras 3's repeated layer names all resolve), converted as Keras converts them
 * (convert.ts). Names are checked too: a weights file for another model is refused, naming
 * the layer. Shapes are checked from the datasets' headers before any weight is read.
 */

type AnyLayer = LayersModel['layers'][number];
type Variable = AnyLayer['weights'][number];

interface Source {
  /** The dataset's name as weight_names says it. */
  name: string;
  dataset: H5Dataset;
}

/** What the file gives one layer of the model. */
interface LayerPlan {
  layer: AnyLayer;
  group: string;
  sources: Source[];
}

const strings = (v: H5Value | undefined): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** load_attributes_from_hdf5_group: `name`, or `name0`, `name1`, ... (Keras splits attributes past 64 KiB). */
function listAttr(attrs: Map<string, H5Value>, name: string): string[] {
  if (attrs.has(name)) return strings(attrs.get(name));
  const out: string[] = [];
  for (let i = 0; attrs.has(`${name}${i}`); i++) out.push(...strings(attrs.get(`${name}${i}`)));
  return out;
}

const layersOf = (l: AnyLayer): AnyLayer[] | undefined => {
  const inner = (l as unknown as { layers?: AnyLayer[] }).layers;
  return Array.isArray(inner) ? inner : undefined;
};

/** A path inside a group, '/'-separated. */
async function resolve(group: H5Group, path: string): Promise<H5Group | H5Dataset | undefined> {
  let at: H5Group | H5Dataset | undefined = group;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    if (!at || at.kind !== 'group') return undefined;
    at = await at.get(part);
  }
  return at;
}

const shown = (s: readonly number[]): string => `[${s.join(', ')}]`;

class Matcher {
  constructor(
    readonly file: string,
    /** The model as named in messages. */
    readonly label: string,
    /** Keras' original_keras_version: '1' when the weights group says none. */
    readonly version: string,
    readonly backend: string | undefined,
  ) {}

  fail(problem: string): never {
    const which = this.label === this.file ? `${this.file}: its weights do not fit its model` : `${this.label}: the weights in ${this.file} do not fit`;
    throw new DnarchError('BAD_INPUT', `${which}: ${problem}`);
  }

  /** preprocess_weights_for_loading for one layer (not a container). */
  convert(layer: AnyLayer, w: Arr[]): Arr[] {
    const cls = layer.getClassName();
    const config = layer.getConfig() as { dataFormat?: string };
    const inner = (layer as unknown as { layer?: AnyLayer }).layer;
    if (cls === 'Bidirectional') {
      const fw = (layer as unknown as { forwardLayer: AnyLayer }).forwardLayer;
      const bw = (layer as unknown as { backwardLayer: AnyLayer }).backwardLayer;
      const half = Math.floor(w.length / 2);
      return [...this.convert(fw, w.slice(0, half)), ...this.convert(bw, w.slice(half))];
    }
    if (cls === 'TimeDistributed' && inner) return this.convert(inner, w);
    let out = w;
    if (this.version === '1') {
      if (cls === 'Conv2D' && config.dataFormat === 'channelsFirst') out = [transpose(out[0], [2, 3, 1, 0]), ...out.slice(1)];
      if (cls === 'Conv3D' && config.dataFormat === 'channelsFirst') out = [transpose(out[0], [2, 3, 4, 1, 0]), ...out.slice(1)];
      if (cls === 'Conv2DTranspose' && out[0].shape.length === 4) {
        out = [transpose(out[0], config.dataFormat === 'channelsFirst' ? [2, 3, 0, 1] : [0, 1, 3, 2]), ...out.slice(1)];
      }
      if (cls === 'LSTM' && out.length === 12) out = keras1Lstm(out);
      if (cls === 'GRU' && out.length === 9) out = keras1Gru(out);
      if (cls === 'ConvLSTM2D' && out.length === 12) {
        out = keras1Lstm(out);
        if (config.dataFormat === 'channelsFirst') out = [transpose(out[0], [2, 3, 1, 0]), transpose(out[1], [2, 3, 1, 0]), out[2]];
      }
      // Keras 1 Conv1D kernels: (filter_length, 1, input_dim, filters), or (filters, input_dim, filter_length, 1) in 1.1.
      if (cls === 'Conv1D' && out[0].shape.length === 4) {
        let k = out[0];
        const size = (layer.getConfig() as { kernelSize?: number[] }).kernelSize?.[0];
        if (!(k.shape[0] === size && k.shape[1] === 1)) k = transpose(k, [2, 3, 1, 0]);
        out = [{ shape: [k.shape[0], k.shape[2], k.shape[3]], data: k.data }, ...out.slice(1)];
      }
    }
    if (['Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'ConvLSTM2D'].includes(cls) && out.length > 0) {
      if (this.backend === 'theano') out = [flipKernel(out[0]), ...(cls === 'ConvLSTM2D' ? [flipKernel(out[1])] : out.slice(1, 2)), ...out.slice(2)];
      const want = layer.weights[0]?.shape as number[] | undefined;
      // A kernel in Theano's order (filters, channels, rows, cols): Keras transposes it.
      if (want && out[0].shape.length === 4 && !sameShape(out[0].shape, want)) out = [transpose(out[0], [3, 2, 0, 1]), ...out.slice(1)];
    }
    // CuDNNLSTM's weights (two biases) into an LSTM.
    if (cls === 'LSTM' && out.length === 3 && out[1].shape.length === 2) {
      const units = out[1].shape[0];
      if (out[2].shape.length === 1 && out[2].shape[0] === 8 * units) out = fromCudnnLstm(out);
    }
    return out;
  }

  /** The arrays for the layer's variables, in their order, with the variable each goes to. */
  assign(plan: LayerPlan, arrays: Arr[]): [Variable, Arr][] {
    const { layer } = plan;
    const where = `layer ${q(layer.name)} (${layer.getClassName()})`;
    const inner = layersOf(layer);
    const pairs: [Variable, Arr][] = [];
    const take = (target: AnyLayer, vars: readonly Variable[], w: Arr[], names: string[]) => {
      const converted = this.convert(target, w);
      const at = target === layer ? where : `${where}, inner layer ${q(target.name)} (${target.getClassName()})`;
      if (converted.length !== vars.length) this.fail(`${at} has ${vars.length} weights, ${plan.group} in the file ${converted.length}`);
      converted.forEach((a, i) => {
        const want = vars[i].shape as number[];
        if (!sameShape(a.shape, want)) this.fail(`${at}: weight ${i} is ${shown(want)} in the model, ${shown(a.shape)} in the file (${names[i] ?? `${plan.group}`})`);
        pairs.push([vars[i], a]);
      });
    };
    if (!inner) {
      take(layer, layer.weights, arrays, plan.sources.map((s) => s.name));
      return pairs;
    }
    // A nested model: its leaf layers found by the names of the weights (Keras writes
    // "<leaf layer>/kernel:0" under the model's group), else in Keras' order: every
    // trainable weight of its layers, then every other one (convert_nested_model).
    const leaves: AnyLayer[] = [];
    const walk = (ls: readonly AnyLayer[]) => ls.forEach((l) => (layersOf(l) ? walk(layersOf(l)!) : l.weights.length > 0 && leaves.push(l)));
    walk(inner);
    const byName = new Map(leaves.map((l) => [l.name, l]));
    const owned = new Map<AnyLayer, { arrays: Arr[]; names: string[] }>();
    let named = byName.size === leaves.length;
    plan.sources.forEach((s, i) => {
      if (!named) return;
      const parts = s.name.split('/').slice(0, -1);
      const owner = parts.reverse().map((p) => byName.get(p)).find((l) => l !== undefined);
      if (!owner) {
        named = false;
        return;
      }
      const entry = owned.get(owner) ?? owned.set(owner, { arrays: [], names: [] }).get(owner)!;
      entry.arrays.push(arrays[i]);
      entry.names.push(s.name);
    });
    if (named && leaves.every((l) => (owned.get(l)?.arrays.length ?? 0) > 0)) {
      for (const l of leaves) take(l, l.weights, owned.get(l)!.arrays, owned.get(l)!.names);
      return pairs;
    }
    const vars = layer.weights;
    if (arrays.length !== vars.length) this.fail(`${where} has ${vars.length} weights, ${plan.group} in the file ${arrays.length}`);
    arrays.forEach((a, i) => {
      if (!sameShape(a.shape, vars[i].shape as number[])) this.fail(`${where}: weight ${i} (${vars[i].name}) is ${shown(vars[i].shape as number[])} in the model, ${shown(a.shape)} in the file (${plan.sources[i].name})`);
      pairs.push([vars[i], a]);
    });
    return pairs;
  }
}

/** The weights group of a file: /model_weights of a full model, the root of a save_weights file. */
async function weightsGroup(h5: H5File): Promise<H5Group | undefined> {
  const mw = await h5.root.get('model_weights');
  if (mw?.kind === 'group') return mw;
  return (await h5.root.attrs()).has('layer_names') || (await h5.root.attrs()).has('layer_names0') ? h5.root : undefined;
}

interface Matched {
  matcher: Matcher;
  plans: LayerPlan[];
}

async function match(h5: H5File, model: LayersModel, file: string, label: string): Promise<Matched> {
  const group = await weightsGroup(h5);
  if (!group) {
    const keys = await h5.root.keys();
    if (keys.includes('layers') || keys.includes('vars')) {
      throw new DnarchError('BAD_INPUT', `${file} is a Keras 3 weights file (layers/.../vars groups): dnarch reads those inside a .keras archive; --weights takes Keras 1/2 save_weights files and full .h5 saves`);
    }
    throw new DnarchError('BAD_INPUT', `${file} has no Keras weights (no model_weights group, no layer_names attribute)`);
  }
  const attrs = await group.attrs();
  const version = typeof attrs.get('keras_version') === 'string' ? (attrs.get('keras_version') as string) : '1';
  const backend = typeof attrs.get('backend') === 'string' ? (attrs.get('backend') as string) : undefined;
  const matcher: Matcher = new Matcher(file, label, version, backend);
  const saved: { name: string; group: H5Group; weightNames: string[] }[] = [];
  for (const name of listAttr(attrs, 'layer_names')) {
    const g = await group.get(name);
    if (!g || g.kind !== 'group') matcher.fail(`layer_names lists ${q(name)}, which is not a group of the file`);
    const weightNames = listAttr(await g.attrs(), 'weight_names');
    if (weightNames.length > 0) saved.push({ name, group: g, weightNames });
  }
  const layers = model.layers.filter((l) => l.weights.length > 0);
  if (saved.length !== layers.length) {
    const names = (xs: string[]) => (xs.length > 4 ? `${xs.slice(0, 4).map(q).join(', ')}, ...` : xs.map(q).join(', '));
    matcher.fail(`the model has ${layers.length} layers with weights (${names(layers.map((l) => l.name))}), the file ${saved.length} (${names(saved.map((s) => s.name))})`);
  }
  const plans: LayerPlan[] = [];
  for (const [k, s] of saved.entries()) {
    const layer = layers[k];
    if (s.name !== layer.name) matcher.fail(`layer ${k + 1} with weights is ${q(layer.name)} in the model, ${q(s.name)} in the file`);
    const sources: Source[] = [];
    for (const name of s.weightNames) {
      const d = await resolve(s.group, name);
      if (!d || d.kind !== 'dataset') matcher.fail(`layer ${q(s.name)}: weight ${q(name)} is not a dataset of the file`);
      sources.push({ name, dataset: d });
    }
    plans.push({ layer, group: s.name, sources });
  }
  // Shapes checked from the headers before any weight is read.
  for (const plan of plans) matcher.assign(plan, plan.sources.map((s) => ({ shape: [...s.dataset.shape] })));
  return { matcher, plans };
}

/** Checks that the weights of a Keras .h5 fit the model (names and shapes), reading no weight. */
export async function checkH5Weights(model: LayersModel, file: string, label: string): Promise<void> {
  const h5 = await openH5(file);
  try {
    await reading(file, () => match(h5, model, file, label));
  } finally {
    await h5.close();
  }
}

/** Sets a tfjs model's weights from a Keras .h5 (a full model's /model_weights or a save_weights file). */
export async function setH5Weights(model: LayersModel, file: string, label: string = file): Promise<void> {
  const h5 = await openH5(file);
  try {
    const pairs = await reading(file, async () => {
      const { matcher, plans } = await match(h5, model, file, label);
      const out: [Variable, Arr][] = [];
      for (const plan of plans) {
        const arrays: Arr[] = [];
        for (const s of plan.sources) {
          const data = await s.dataset.read();
          const count = s.dataset.shape.reduce((a, b) => a * b, 1);
          if (data.length !== count) matcher.fail(`layer ${q(plan.group)}: weight ${q(s.name)} holds ${data.length} values for its shape ${shown(s.dataset.shape)}`);
          arrays.push({ shape: [...s.dataset.shape], data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number | bigint>, Number) });
        }
        out.push(...matcher.assign(plan, arrays));
      }
      return out;
    });
    const tensors = pairs.map(([v, a]) => tfc.tensor(a.data!, a.shape, v.dtype as 'float32' | 'int32'));
    try {
      pairs.forEach(([v], i) => v.write(tensors[i]));
    } finally {
      tfc.dispose(tensors);
    }
  } finally {
    await h5.close();
  }
}

