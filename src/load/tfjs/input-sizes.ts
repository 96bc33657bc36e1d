import { DnarchError } from '../../errors.js';
import type { InputShapeArg } from '../onnx/inputs.js';

/**
 * The open dimensions of a layers model's inputs (a fully convolutional model declares
 * [null, null, null, 3]), sized from the command line before tfjs builds the model:
 * `--input-size HxW` gives the height and width of every image input (rank 3 after the
 * batch; channels last unless the file fixes the first and leaves the last open);
 * `--input-shape [NAME=]224x224x3` gives an input's whole shape without the batch.
 * A size that contradicts one the file fixes is refused. Dimensions still open are named
 * in a note with the flag that sizes them; nothing is guessed.
 */

export interface InputSizes {
  inputSize?: [number, number];
  inputShapes?: InputShapeArg[];
  /** Commands over several models: a shape that names no input of this file is noted, not an error. */
  lenient?: boolean;
}

type Json = Record<string, unknown>;
type Dims = (number | null)[];

interface ModelInput {
  name: string;
  /** The config that holds batch_input_shape. */
  config: Json;
  /** Without the batch. */
  dims: Dims;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string): DnarchError => new DnarchError('BAD_OPTION', message);

/** The top-level inputs of a normalized topology (keras-config.ts's output), in order. */
function modelInputs(topology: Json): ModelInput[] {
  const config = isObject(topology.config) ? topology.config : {};
  const layers = Array.isArray(config.layers) ? config.layers.filter(isObject) : [];
  const asInput = (layer: Json | undefined): ModelInput[] => {
    const c = layer && isObject(layer.config) ? layer.config : undefined;
    if (!c || layer?.class_name !== 'InputLayer' || !Array.isArray(c.batch_input_shape)) return [];
    const name = typeof c.name === 'string' ? c.name : String(layer.name ?? 'input');
    return [{ name, config: c, dims: (c.batch_input_shape as unknown[]).slice(1).map((d) => (typeof d === 'number' ? d : null)) }];
  };
  if (topology.class_name === 'Sequential') return asInput(layers[0]);
  const names = Array.isArray(config.input_layers) ? config.input_layers.map((e) => (Array.isArray(e) ? e[0] : undefined)) : [];
  const byName = new Map(layers.map((l) => [String(l.name ?? (isObject(l.config) ? l.config.name : '')), l]));
  return names.flatMap((n) => (typeof n === 'string' ? asInput(byName.get(n)) : []));
}

/** Where an image input keeps its height and width (after the batch): channels first only when the file says so by fixing them first. */
const spatialAxes = (dims: Dims): [number, number] => (dims[0] !== null && dims[2] === null ? [1, 2] : [0, 1]);

const listOf = (inputs: ModelInput[]): string => inputs.map((i) => `${JSON.stringify(i.name)} [?, ${i.dims.map((d) => d ?? '?').join(', ')}]`).join(', ') || 'none';

/** Which --input-shape goes with which input (the name may be left out for a model with one input). */
function assign(file: string, inputs: ModelInput[], args: InputShapeArg[], lenient: boolean, notes: string[]): Map<ModelInput, number[]> {
  const given = new Map<ModelInput, number[]>();
  for (const a of args) {
    const shown = `--input-shape ${a.name === undefined ? '' : `${a.name}=`}${a.dims.join('x')}`;
    const input = a.name === undefined ? (inputs.length === 1 ? inputs[0] : undefined) : inputs.find((i) => i.name === a.name);
    if (!input) {
      const why =
        a.name === undefined
          ? `${shown}: ${file} has ${inputs.length} inputs (${listOf(inputs)}): write --input-shape NAME=${a.dims.join('x')}`
          : `${shown}: ${file} has no input of that name (inputs: ${listOf(inputs)})`;
      if (!lenient) throw bad(why);
      notes.push(`${why} (not applied here)`);
      continue;
    }
    if (given.has(input)) throw bad(`--input-shape is given twice for input ${JSON.stringify(input.name)}`);
    if (a.dims.length !== input.dims.length) {
      const hint = a.dims.length === input.dims.length + 1 ? ': give it without the batch dimension' : '';
      throw bad(`${shown}: input ${JSON.stringify(input.name)} of ${file} has ${input.dims.length} dimensions after the batch, [?, ${input.dims.map((d) => d ?? '?').join(', ')}]${hint}`);
    }
    input.dims.forEach((d, i) => {
      if (d !== null && d !== a.dims[i]) throw bad(`${shown}: dimension ${i + 1} of input ${JSON.stringify(input.name)} is fixed at ${d} in ${file} ([?, ${input.dims.map((x) => x ?? '?').join(', ')}])`);
    });
    given.set(input, a.dims);
  }
  return given;
}

/** The note for an input whose dimensions are still open, with the flag that sizes them. */
function openNote(input: ModelInput, single: boolean): string | undefined {
  const open = input.dims.flatMap((d, i) => (d === null ? [i] : []));
  if (open.length === 0) return undefined;
  const shape = `[?, ${input.dims.map((d) => d ?? '?').join(', ')}]`;
  const example = input.dims.map((d, i) => d ?? `<d${i + 1}>`).join('x');
  const name = single ? '' : `${input.name}=`;
  const image = input.dims.length === 3 ? spatialAxes(input.dims) : undefined;
  const onlySpatial = image !== undefined && open.every((i) => image.includes(i));
  const what = onlySpatial ? (open.length === 2 ? 'its height and width' : open.length === 1 && open[0] === image[0] ? 'its height' : 'its width') : open.length === 1 ? 'a dimension' : `${open.length} dimensions`;
  const flag = onlySpatial
    ? `--input-size (e.g. --input-size 224) or --input-shape ${name}${input.dims.map((d) => d ?? 224).join('x')}`
    : `--input-shape ${name}${example}`;
  return `input ${JSON.stringify(input.name)} leaves ${what} open ${shape}: give ${flag}; the layers that depend on ${open.length === 1 ? 'it' : 'them'} have unknown shapes and costs, and the totals are lower bounds`;
}

/**
 * A copy of a normalized topology with its inputs sized as asked, and the notes to show: what
 * is still open, and (lenient) what did not apply. Touches only the input configs it changes.
 */
export function applyInputSizes(file: string, topology: Json, sizes: InputSizes = {}): { topology: Json; notes: string[] } {
  const notes: string[] = [];
  const copy = structuredClone(topology);
  const inputs = modelInputs(copy);
  const lenient = sizes.lenient === true;
  const given = assign(file, inputs, sizes.inputShapes ?? [], lenient, notes);
  if (sizes.inputSize) {
    const [h, w] = sizes.inputSize;
    const images = inputs.filter((i) => !given.has(i) && i.dims.length === 3);
    if (images.length === 0 && given.size === 0) {
      const why = `--input-size ${h}x${w} sets the height and width of image inputs; ${file} has none (inputs: ${listOf(inputs)}): use --input-shape`;
      if (!lenient) throw bad(why);
      notes.push(`${why} (not applied here)`);
    }
    for (const input of images) {
      const dims = [...input.dims];
      const axes = spatialAxes(dims);
      axes.forEach((axis, k) => {
        const want = k === 0 ? h : w;
        const fixed = dims[axis];
        if (fixed !== null && fixed !== want) {
          throw bad(`--input-size ${h}x${w}: input ${JSON.stringify(input.name)} of ${file} has a fixed ${k === 0 ? 'height' : 'width'} of ${fixed} ([?, ${input.dims.map((d) => d ?? '?').join(', ')}])`);
        }
        dims[axis] = want;
      });
      given.set(input, dims as number[]);
    }
  }
  for (const [input, dims] of given) {
    input.config.batch_input_shape = [null, ...dims];
    input.dims = dims;
  }
  if (copy.class_name === 'Sequential' && given.size > 0) {
    // The first real layer may repeat the shape it was built for; it must not contradict the input.
    const second = ((copy.config as Json).layers as Json[])[1];
    if (isObject(second?.config) && Array.isArray(second.config.batch_input_shape)) second.config.batch_input_shape = inputs[0].config.batch_input_shape;
  }
  for (const input of inputs) {
    const note = openNote(input, inputs.length === 1);
    if (note) notes.push(note);
  }
  return { topology: copy, notes };
}
