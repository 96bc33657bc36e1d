import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { impossibleOutput } from '../../analysis/geometry.js';
import { product } from '../../analysis/shape.js';
import { DnarchError } from '../../errors.js';
import type { Shape } from '../../graph/types.js';
import { LIMITS, oneLine, q, registry, type Json } from '../keras/config.js';
import { SIZE_LIMITS } from '../limits.js';
import { OPAQUE_CLASS_NAME } from './opaque-layer.js';

/** Building a normalised topology with tfjs' own loader, every failure named and weights capped. */

type LayerProto = { apply: (...a: unknown[]) => unknown; addWeight: (...a: unknown[]) => unknown };
type TfLayer = InstanceType<typeof tfl.layers.Layer>;
type ReshapeProto = { targetShape: (number | null)[]; computeOutputShape: (s: Shape) => Shape };

/** tfjs' reason, without its multi-line advice. */
const reasonOf = (e: unknown): string =>
  oneLine(String((e as Error)?.message ?? e).split('\n')[0].split('. This may be due')[0]);

const classOf = (layer: TfLayer): string => {
  try {
    return layer.getClassName();
  } catch {
    return 'layer';
  }
};

const known = (s: Shape): s is number[] => s.every((d) => typeof d === 'number' && d >= 0);

/**
 * What tfjs' Reshape cannot check while the batch is open (it checks nothing then): the
 * target must hold the input's values, one open dimension (-1) taking what is left. The
 * output shape, when the rest of the input is known, or the reason it cannot exist.
 */
function reshapeOutput(input: Shape, target: readonly (number | null)[]): { shape?: Shape; problem?: string } {
  const rest = input.slice(1);
  if (!known(rest)) return {};
  const total = product(rest);
  const open = target.filter((d) => d === null || d < 0).length;
  const fixed = product(target.filter((d): d is number => d !== null && d >= 0));
  const shown = `[${target.map((d) => (d === null || d < 0 ? -1 : d)).join(', ')}]`;
  const from = `${rest.join('x') || 'a scalar'} (${total} values)`;
  if (open > 1) return { problem: `target_shape ${shown} has more than one open (-1) dimension` };
  if (open === 1) {
    if (fixed === 0 || total % fixed !== 0) return { problem: `cannot reshape ${from} to ${shown}: ${total} is not a multiple of ${fixed}` };
    return { shape: [input[0], ...target.map((d) => (d === null || d < 0 ? total / fixed : d))] };
  }
  if (fixed !== total) return { problem: `cannot reshape ${from} to ${shown} (${fixed} values)` };
  return { shape: [input[0], ...(target as number[])] };
}

/** A shape problem tfjs would only meet when the model runs (or never), before the layer is called. */
function shapeProblem(layer: TfLayer, inputs: unknown): string | undefined {
  const shapes = (Array.isArray(inputs) ? inputs : [inputs]).map((t) => (t as { shape?: unknown } | undefined)?.shape).filter(Array.isArray) as Shape[];
  if (shapes.length === 0) return undefined;
  const cls = classOf(layer);
  if (cls === 'Reshape') return reshapeOutput(shapes[0], (layer as unknown as { targetShape: (number | null)[] }).targetShape).problem;
  if (cls === 'Concatenate' || cls === 'Softmax') {
    const axis = (layer as unknown as { axis: unknown }).axis;
    const rank = shapes[0].length;
    const axes = Array.isArray(axis) && cls === 'Softmax' ? axis : [axis];
    const bad = axes.find((a) => !(typeof a === 'number' && Number.isInteger(a) && a >= -rank && a < rank));
    if (bad !== undefined || axes.length === 0) return `axis ${q(bad ?? axis)} is outside the input's ${rank} axes (${-rank} to ${rank - 1})`;
    if (shapes.some((s) => s.length !== rank)) return `inputs of different ranks (${shapes.map((s) => s.length).join(', ')}) cannot be concatenated`;
  }
  return undefined;
}

/** The shapes of symbolic tensors (one or a list); [] for anything else. */
const shapesOf = (t: unknown): Shape[] =>
  (Array.isArray(t) ? t : [t]).map((x) => (x as { shape?: unknown })?.shape).filter((s): s is Shape => Array.isArray(s));

/** A layer whose output would have a size below 1 (a kernel larger than its input) stops the build, named. */
function refuseImpossible(file: string, layer: TfLayer, input: unknown, output: unknown): void {
  const outputShapes = shapesOf(output);
  const className = classOf(layer);
  if (!outputShapes.some((s) => s.some((d) => typeof d === 'number' && d < 1))) return;
  const node = { name: layer.name, className, config: layer.getConfig() as Record<string, unknown>, inputShapes: shapesOf(input), outputShapes };
  const why = impossibleOutput(node);
  if (why) throw new DnarchError('BAD_INPUT', `${file}: ${why}`);
}

/**
 * A top-level functional model's layers, applied, without the model: tfjs' model
 * constructor is quadratic in the layers (seconds for an 18,000-way fan-in) and recursive in
 * the depth (a 20,000-layer chain overflows the stack). Analysis needs only the tensors:
 * src/graph/from-tfjs.ts graphFromSymbolic walks them in linear time.
 */
export interface AppliedModel {
  readonly name: string;
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  /** Frees the (zero) weights the layers created. */
  dispose(): void;
}

const FUNCTIONAL = new Set(['Functional', 'Model']);

/** Stands in for tfjs' Functional class at the top level: Container.fromConfig ends in `new cls({inputs, outputs, name})`. */
class Applied {
  readonly name: string;
  readonly inputs: SymbolicTensor[];
  readonly outputs: SymbolicTensor[];
  dispose: () => void = () => undefined;
  constructor(args: { name: string; inputs: SymbolicTensor[]; outputs: SymbolicTensor[] }) {
    ({ name: this.name, inputs: this.inputs, outputs: this.outputs } = args);
  }
}

export const isApplied = (m: LayersModel | AppliedModel): m is AppliedModel => m instanceof Applied;

/** A stack overflow: tfjs recursed once per layer of a chain. */
function tooDeep(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/**
 * Runs tfjs' loader on a normalized topology (normalizeTopology's output). While it runs,
 * synchronously: each layer's deserialization, call and weight creation is watched, so a
 * failure names the layer and its class in one line, and no weight beyond the caps is
 * allocated, nor any tensor beyond SIZE_LIMITS.tensorElements declared. tfjs' console
 * warnings are silenced (core code never prints). With `applied`, a top-level functional
 * model is returned as its applied layers (AppliedModel) instead of a LayersModel.
 */
export async function modelFromTopology(file: string, topology: Record<string, unknown>): Promise<LayersModel>;
export async function modelFromTopology(file: string, topology: Record<string, unknown>, opts: { applied: true }): Promise<LayersModel | AppliedModel>;
export async function modelFromTopology(file: string, topology: Record<string, unknown>, opts: { applied?: boolean } = {}): Promise<LayersModel | AppliedModel> {
  const proto = tfl.layers.Layer.prototype as unknown as LayerProto;
  const seqProto = tfl.Sequential.prototype as unknown as { add: (layer: TfLayer) => void };
  const saved = { apply: proto.apply, addWeight: proto.addWeight, add: seqProto.add, log: console.log, warn: console.warn };
  const map = registry();
  const savedEntries: [string, [unknown, unknown]][] = [];
  const created: { dispose: () => void }[] = [];
  const zeros = tfl.initializers.zeros();
  let total = 0;
  const named = (e: unknown, layer: string, className: string): DnarchError =>
    e instanceof DnarchError ? e : new DnarchError('BAD_INPUT', `${file}: layer ${q(layer)} (${className}): ${reasonOf(e)}`, { cause: e });

  proto.apply = function (this: TfLayer, ...args: unknown[]) {
    const problem = shapeProblem(this, args[0]);
    if (problem) throw new DnarchError('BAD_INPUT', `${file}: layer ${q(this.name)} (${classOf(this)}): ${problem}`);
    let output: unknown;
    try {
      output = saved.apply.apply(this, args);
    } catch (e) {
      throw named(e, this.name, classOf(this));
    }
    refuseImpossible(file, this, args[0], output);
    checkOutputSize(file, this.name, classOf(this), output);
    return output;
  };
  proto.addWeight = function (this: TfLayer, ...args: unknown[]) {
    const [weight, shape] = args as [string, number[]];
    const elements = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((d) => Number.isInteger(d) && d >= 0) || !Number.isFinite(elements)) {
      throw new DnarchError('BAD_INPUT', `${file}: layer ${q(this.name)} (${classOf(this)}): weight ${weight} has no definite shape (${q(shape)})`);
    }
    if (elements > LIMITS.maxLayerWeights) {
      throw new DnarchError('BAD_INPUT', `${file}: layer ${q(this.name)} (${classOf(this)}): weight ${weight} of shape ${shape.join('x')} has ${elements} elements, more than the limit of 2^31`);
    }
    total += elements;
    if (total > LIMITS.maxTotalWeights) {
      throw new DnarchError('BAD_INPUT', `${file}: layer ${q(this.name)} (${classOf(this)}): the model's weights pass the limit of 2^32 elements`);
    }
    // Zeros whatever the config or tfjs' defaults say: an absent recurrent_initializer means
    // an orthogonal matrix (a QR decomposition, seconds for a large LSTM); analysis needs none.
    args[3] = zeros;
    const variable = saved.addWeight.apply(this, args) as { dispose: () => void };
    created.push(variable);
    return variable;
  };
  seqProto.add = function (this: TfLayer, layer: TfLayer) {
    try {
      saved.add.call(this, layer);
    } catch (e) {
      throw named(e, layer?.name ?? '?', `${classOf(layer)} in Sequential ${q(this.name)}`);
    }
  };
  // Deserialisation is top-down: the first fromConfig called is the top-level model's.
  let topLevel = true;
  for (const [className, entry] of Object.entries(map)) {
    const [cls, fromConfig] = entry;
    if (typeof cls !== 'function' || !((cls as { prototype?: unknown }).prototype instanceof tfl.layers.Layer)) continue;
    savedEntries.push([className, entry]);
    map[className] = [
      cls,
      (c: unknown, config: Json, ...rest: unknown[]) => {
        const top = topLevel;
        const asApplied = top && opts.applied === true && FUNCTIONAL.has(className);
        topLevel = false;
        try {
          return (fromConfig as (...a: unknown[]) => unknown)(asApplied ? Applied : c, config, ...rest);
        } catch (e) {
          if (tooDeep(e) && !(e instanceof DnarchError)) {
            const name = typeof config?.name === 'string' ? config.name : '(unnamed)';
            const what = top
              ? 'summarize and the other analyses read it, but running it (bench, export, check --max-latency-ms) needs that model'
              : 'dnarch analyses such a chain as the top-level model only, not nested in another';
            throw new DnarchError('BAD_INPUT', `${file}: ${className} ${q(name)}: its layers are chained too deep for tfjs' model builder (it recurses once per layer): ${what}`, { cause: e });
          }
          const original = className === OPAQUE_CLASS_NAME ? decodeURIComponent(String(config.originalClassName)) : className;
          throw named(e, typeof config?.name === 'string' ? config.name : '(unnamed)', original);
        }
      },
    ];
  }
  // tfjs' Reshape leaves its open dimension open whenever the batch is: resolved here.
  const reshapeProto = (Object.hasOwn(map, 'Reshape') ? (map.Reshape[0] as { prototype: ReshapeProto }).prototype : undefined);
  const savedReshape = reshapeProto?.computeOutputShape;
  if (reshapeProto && savedReshape) {
    reshapeProto.computeOutputShape = function (this: ReshapeProto, inputShape: Shape) {
      return reshapeOutput(inputShape, this.targetShape).shape ?? savedReshape.call(this, inputShape);
    };
  }
  console.log = console.warn = () => undefined;
  let pending: Promise<LayersModel | Applied>;
  try {
    // Without a weights manifest, modelFromJSON builds everything before its first await.
    pending = tfl.models.modelFromJSON({ modelTopology: topology as never }) as Promise<LayersModel | Applied>;
  } finally {
    Object.assign(proto, { apply: saved.apply, addWeight: saved.addWeight });
    seqProto.add = saved.add;
    if (reshapeProto && savedReshape) reshapeProto.computeOutputShape = savedReshape;
    for (const [className, entry] of savedEntries) map[className] = entry;
    Object.assign(console, { log: saved.log, warn: saved.warn });
  }
  try {
    const model = await pending;
    if (model instanceof Applied) model.dispose = () => created.forEach((v) => v.dispose());
    return model;
  } catch (e) {
    for (const v of created) v.dispose();
    if (e instanceof DnarchError) throw e;
    if (e instanceof RangeError) throw new DnarchError('BAD_INPUT', `${file}: the model is too large to build: ${reasonOf(e)}`, { cause: e });
    throw new DnarchError('BAD_INPUT', `${file}: tfjs cannot build this model: ${reasonOf(e)}`, { cause: e });
  }
}

/** The elements of a symbolic tensor's shape after the batch axis (free dimensions count as 1). */
const sampleElements = (shape: readonly (number | null)[]): number => shape.slice(1).reduce<number>((n, d) => n * (d ?? 1), 1);

/**
 * Refuses a layer whose output, as tfjs inferred it, is beyond SIZE_LIMITS.tensorElements
 * per sample: by arithmetic on the shape, nothing is allocated (a stack of paddings within
 * every per-number cap can still reach 10^13 elements).
 */
function checkOutputSize(file: string, layer: string, className: string, out: unknown): void {
  const tensors = Array.isArray(out) ? out : [out];
  for (const t of tensors) {
    const shape = (t as { shape?: unknown } | null)?.shape;
    if (!Array.isArray(shape)) continue;
    const n = sampleElements(shape as (number | null)[]);
    if (n > SIZE_LIMITS.tensorElements) {
      throw new DnarchError(
        'BAD_INPUT',
        `${file}: layer ${q(layer)} (${className}): its output ${shape.map((d) => d ?? '?').join('x')} has ${n.toPrecision(3)} elements per sample, more than the limit of 2^31`,
      );
    }
  }
}
