import { DnarchError } from '../../../errors.js';
import type { InputShapeArg } from '../../onnx/inputs.js';

/**
 * The inputs of a TensorFlow.js graph model, as running it needs them: names, dtypes and
 * whole shapes (the batch included, -1 where TensorFlow left a dimension open). Where they are
 * written, in the order the converter wrote them over its versions:
 *   - `signature.inputs` (converter 2.x-4.x from a SavedModel): {key: {name: "x:0", dtype:
 *     "DT_FLOAT", tensorShape: {dim: [{size: "-1"}, ...]}}};
 *   - `userDefinedMetadata.signature.inputs` (converter 1.x);
 *   - else the Placeholder nodes (a signature that lists outputs only, a frozen graph):
 *     attr.dtype {type: "DT_UINT8"}, attr.shape {shape: {dim: [...]}}.
 * Then sized for a run (sizeGraphInputs): --input-shape, --input-size, the batch.
 */

export type GraphDtype = 'float32' | 'int32' | 'uint8' | 'bool';

export interface GraphInput {
  /** The node name (a signature's "x:0" without its ":0"), as tfjs-converter feeds it. */
  name: string;
  dtype: GraphDtype;
  /** Whole shape as the file has it, -1 for an open dimension; null when the file gives no rank. */
  shape: number[] | null;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);

/** TensorFlow dtypes a graph input can have that bench can make, as tfjs holds them. Keys come from files: a Map. */
const DTYPES = new Map<string, GraphDtype>([
  ['DT_FLOAT', 'float32'],
  ['DT_HALF', 'float32'],
  ['DT_DOUBLE', 'float32'],
  ['DT_INT32', 'int32'],
  ['DT_INT64', 'int32'],
  ['DT_INT16', 'int32'],
  ['DT_INT8', 'int32'],
  ['DT_UINT8', 'uint8'],
  ['DT_UINT16', 'int32'],
  ['DT_BOOL', 'bool'],
]);

const nodeName = (tensor: string): string => tensor.replace(/:0$/, '');

const bad = (message: string): DnarchError => new DnarchError('BAD_INPUT', message);

/** A TensorShapeProto in JSON: its dims as numbers (-1 open), or null for an unknown rank. */
function shapeOf(proto: unknown, where: string): number[] | null {
  const p = asObject(proto);
  if (!p || p.unknownRank === true || p.unknown_rank === true) return null;
  if (p.dim === undefined) return [];
  if (!Array.isArray(p.dim)) throw bad(`${where}: its shape's "dim" is not a list`);
  return p.dim.map((d, i) => {
    const size = asObject(d)?.size ?? '0';
    const n = typeof size === 'number' ? size : typeof size === 'string' && /^-?\d+$/.test(size) ? Number(size) : NaN;
    if (!Number.isSafeInteger(n) || n < -1) throw bad(`${where}: dimension ${i} is ${JSON.stringify(size)}, not a size or -1`);
    return n;
  });
}

function dtypeOf(t: unknown, where: string): GraphDtype {
  const dtype = typeof t === 'string' ? DTYPES.get(t) : undefined;
  if (!dtype) throw bad(`${where} has dtype ${JSON.stringify(t) ?? 'none'}: bench makes float, integer and bool inputs only`);
  return dtype;
}

/** The inputs of a signature's `inputs` object, or undefined when it lists none. */
function signatureInputs(signature: unknown, file: string): GraphInput[] | undefined {
  const inputs = asObject(asObject(signature)?.inputs);
  if (!inputs) return undefined;
  const list: GraphInput[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    const v = asObject(value);
    // A captured resource (a hash table's handle) is fed by tfjs-converter itself.
    if (!v || v.resourceId !== undefined) continue;
    const name = typeof v.name === 'string' ? nodeName(v.name) : nodeName(key);
    const where = `${file}: input ${JSON.stringify(name)}`;
    list.push({ name, dtype: dtypeOf(v.dtype, where), shape: shapeOf(v.tensorShape, where) });
  }
  return list.length > 0 ? list : undefined;
}

/** The graph's inputs, from its signature or its Placeholder nodes (see above). */
export function graphInputs(json: Json, file: string): GraphInput[] {
  const fromSignature = signatureInputs(json.signature, file) ?? signatureInputs(asObject(json.userDefinedMetadata)?.signature, file);
  if (fromSignature) return fromSignature;
  const nodes = asObject(json.modelTopology)?.node;
  const placeholders = (Array.isArray(nodes) ? nodes : []).map(asObject).filter((n) => n?.op === 'Placeholder') as Json[];
  return placeholders.map((n, i) => {
    const name = typeof n.name === 'string' ? n.name : `Placeholder ${i}`;
    const attr = asObject(n.attr);
    const where = `${file}: input ${JSON.stringify(name)}`;
    const shape = asObject(attr?.shape);
    return { name, dtype: dtypeOf(asObject(attr?.dtype)?.type, where), shape: shape ? shapeOf(shape.shape, where) : null };
  });
}

/** One input sized for a run: its whole shape at batch 1, and the dimension each --batch replaces. */
export interface SizedGraphInput {
  name: string;
  dtype: GraphDtype;
  shape: number[];
  /** 0 when the file leaves the batch open; undefined when it fixes it. */
  batchIndex?: number;
}

export interface GraphSizing {
  inputShapes?: InputShapeArg[];
  inputSize?: [number, number];
  batches?: number[];
}

const shown = (shape: readonly number[] | null): string => (shape === null ? 'rank unknown' : `[${shape.join(', ')}]`);
const option = (message: string): DnarchError => new DnarchError('BAD_OPTION', message);

/** Image inputs (rank 4) keep height and width at 1, 2 (NHWC, TensorFlow's default) unless only 2 and 3 are open. */
const spatialAxes = (shape: readonly number[]): [number, number] => (shape[1] > 0 && shape[2] < 0 && shape[3] < 0 ? [2, 3] : [1, 2]);

/** The --input-shape to suggest for an input: its known sizes, <h>/<w>/<dN> for the open ones, the batch as 1. */
function example(input: GraphInput): string {
  if (input.shape === null) return '<dims>';
  const axes = input.shape.length === 4 ? spatialAxes(input.shape) : [];
  return input.shape.map((d, i) => (d >= 0 ? d : i === 0 ? 1 : i === axes[0] ? '<h>' : i === axes[1] ? '<w>' : `<d${i}>`)).join('x');
}

/**
 * Whole shapes for a run, checked against what the file fixes. `--input-shape [NAME=]dims` gives
 * an input's shape with its batch (1x320x320x3) or without it (320x320x3); `--input-size HxW`
 * the height and width of image inputs (rank 4, NHWC) it does not name. An open batch is 1 in
 * the shape and takes each --batch; a fixed one refuses other batch sizes. Any dimension left
 * open is an error naming the input and the option: bench must make data of a size.
 */
export function sizeGraphInputs(inputs: GraphInput[], file: string, sizing: GraphSizing = {}): SizedGraphInput[] {
  const names = inputs.map((i) => JSON.stringify(i.name)).join(', ') || 'none';
  const given = new Map<GraphInput, number[]>();
  for (const a of sizing.inputShapes ?? []) {
    const flag = `--input-shape ${a.name === undefined ? '' : `${a.name}=`}${a.dims.join('x')}`;
    const input = a.name === undefined ? (inputs.length === 1 ? inputs[0] : undefined) : inputs.find((i) => i.name === nodeName(a.name as string));
    if (!input) {
      throw option(
        a.name === undefined
          ? `${flag}: ${file} has ${inputs.length} inputs (${names}): write --input-shape NAME=${a.dims.join('x')}`
          : `${flag}: ${file} has no input of that name (inputs: ${names})`,
      );
    }
    if (given.has(input)) throw option(`--input-shape is given twice for input ${JSON.stringify(input.name)}`);
    const rank = input.shape?.length ?? a.dims.length;
    // Without the batch: the file's own batch when it fixes one, else 1 (each --batch replaces it).
    const fileBatch = input.shape && input.shape[0] >= 0 ? input.shape[0] : 1;
    const dims = a.dims.length === rank - 1 ? [fileBatch, ...a.dims] : [...a.dims];
    if (dims.length !== rank) {
      throw option(`${flag}: input ${JSON.stringify(input.name)} of ${file} has ${rank} dimensions ${shown(input.shape)}: give ${rank} (or ${rank - 1}, without the batch)`);
    }
    dims.forEach((d, i) => {
      const fixed = input.shape?.[i] ?? -1;
      if (fixed >= 0 && fixed !== d) throw option(`${flag}: dimension ${i} of input ${JSON.stringify(input.name)} is fixed at ${fixed} in ${file} ${shown(input.shape)}`);
    });
    if (a.dims.length === rank && (input.shape?.[0] ?? 0) < 0 && dims[0] !== 1) {
      throw option(`${flag}: the batch of input ${JSON.stringify(input.name)} comes from --batch: write --input-shape ${a.name === undefined ? '' : `${a.name}=`}${a.dims.slice(1).join('x')} --batch ${dims[0]}`);
    }
    given.set(input, dims);
  }
  if (sizing.inputSize) {
    const [h, w] = sizing.inputSize;
    const images = inputs.filter((i) => !given.has(i) && i.shape?.length === 4);
    if (images.length === 0 && given.size === 0) {
      throw option(`--input-size ${h}x${w} sets the height and width of image inputs (rank 4); ${file} has none (inputs: ${inputs.map((i) => `${JSON.stringify(i.name)} ${shown(i.shape)}`).join(', ') || 'none'}): use --input-shape`);
    }
    for (const input of images) {
      const dims = [...(input.shape as number[])];
      spatialAxes(dims).forEach((axis, k) => {
        const want = k === 0 ? h : w;
        if (dims[axis] >= 0 && dims[axis] !== want) {
          throw option(`--input-size ${h}x${w}: input ${JSON.stringify(input.name)} has a fixed ${k === 0 ? 'height' : 'width'} of ${dims[axis]} in ${file} ${shown(input.shape)}`);
        }
        dims[axis] = want;
      });
      given.set(input, dims);
    }
  }
  const sized = inputs.map((input): SizedGraphInput => {
    const asked = given.get(input);
    const openBatch = input.shape !== null && input.shape.length > 0 && input.shape[0] < 0;
    // An open batch is 1 here, whatever --input-shape wrote there: each --batch replaces it.
    const shape = (asked ?? input.shape)?.map((d, i) => (i === 0 && openBatch ? 1 : d)) ?? null;
    const open = shape === null ? [] : shape.flatMap((d, i) => (d < 0 ? [i] : []));
    if (shape === null || open.length > 0) {
      const what = shape === null ? 'does not say its rank' : `leaves dimension${open.length > 1 ? 's' : ''} ${open.join(', ')} open ${shown(input.shape)}`;
      const image = input.shape?.length === 4 && open.every((i) => spatialAxes(input.shape as number[]).includes(i));
      const flags = `${image ? '--input-size HxW or ' : ''}--input-shape ${inputs.length > 1 ? `${input.name}=` : ''}${example(input)}`;
      throw option(`${file}: input ${JSON.stringify(input.name)} ${what}: give ${flags} to run it`);
    }
    return { name: input.name, dtype: input.dtype, shape, ...(openBatch ? { batchIndex: 0 } : {}) };
  });
  const batches = sizing.batches ?? [1];
  if (sized.length > 0 && sized.every((s) => s.batchIndex === undefined) && batches.some((b) => b !== 1)) {
    throw option(`--batch ${batches.join(',')}: ${file} fixes the batch of every input (${sized.map((s) => `${JSON.stringify(s.name)} ${shown(s.shape)}`).join(', ')}), so it runs only as it is`);
  }
  return sized;
}
