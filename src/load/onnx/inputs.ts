import { DnarchError } from '../../errors.js';
import type { DeclaredDim, OnnxGraph } from './ir.js';
import type { TensorFact } from './infer/types.js';

/**
 * The sizes of a graph's inputs. ONNX files often leave dimensions open: a symbolic batch
 * ('N', 'batch_size'), and sometimes the image size ('height', 'width'). An input's batch is
 * the open dimension whose symbol says so (batch, batch_size, N, bs), else its first
 * dimension when that is open: 1, or --batch. Any other open dimension comes from
 * --input-shape (name=1x3x224x224, repeatable; the name may be left out when the model has
 * one input), or from another input that shares its symbol; otherwise it stays unknown and
 * is named in the report, never guessed.
 */

export interface InputShapeArg {
  /** Undefined: the model's only input. */
  name?: string;
  dims: number[];
}

export interface PlannedInput {
  name: string;
  /** ElemType; 0 when the file does not say (or the input is not a tensor). */
  elemType: number;
  /** Sizes used for analysis; null entries are still unknown, null when even the rank is. */
  dims: (number | null)[] | null;
  /** The open dimension that took the batch (bench sets it to each --batch), or null. */
  batchIndex: number | null;
  declared: DeclaredDim[] | null;
  /** Names of the dimensions still open. */
  open: string[];
}

export interface InputPlan {
  inputs: PlannedInput[];
  facts: Map<string, TensorFact>;
  notes: string[];
}

/** The dims as the file declares them: [batch, 3, height, width]. */
const dimText = (dims: readonly DeclaredDim[] | null): string =>
  dims === null ? 'rank unknown' : `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

const bad = (message: string): DnarchError => new DnarchError('BAD_OPTION', message);

/** Symbols that name a batch, wherever they stand (a sequence-first model has [seq, batch, features]). */
const BATCH_SYMBOL = /batch|^n$|^bs$/i;

/** The dimension an input's batch is: one whose symbol says batch, else the first when it is open; -1 for none. */
function batchIndexOf(dims: readonly DeclaredDim[]): number {
  const named = dims.findIndex((d) => typeof d === 'string' && BATCH_SYMBOL.test(d));
  if (named >= 0) return named;
  return dims.length > 0 && typeof dims[0] !== 'number' ? 0 : -1;
}

/**
 * Which --input-shape goes with which input, checked: unknown names, duplicates, an unnamed
 * shape for several inputs. `lenient` (commands over several models): a shape that does
 * not fit this file is left for the others, and said in a note.
 */
function assign(graph: OnnxGraph, file: string, args: InputShapeArg[], lenient: boolean, notes: string[]): Map<string, number[]> {
  const names = graph.inputs.map((i) => i.name);
  const list = names.length ? names.map((n) => JSON.stringify(n)).join(', ') : 'none';
  const given = new Map<string, number[]>();
  for (const a of args) {
    let name = a.name;
    if (name === undefined) {
      const why = `--input-shape ${a.dims.join('x')}: ${file} has ${names.length} inputs (${list}): write --input-shape NAME=${a.dims.join('x')}`;
      if (names.length !== 1) {
        if (!lenient) throw bad(why);
        notes.push(`${why} (not applied here)`);
        continue;
      }
      name = names[0];
    }
    if (!names.includes(name)) {
      if (lenient) {
        notes.push(`--input-shape ${JSON.stringify(name)}: no input of that name here (inputs: ${list}), not applied`);
        continue;
      }
      throw bad(`--input-shape ${JSON.stringify(name)}: ${file} has no input of that name (inputs: ${list})`);
    }
    if (given.has(name)) throw bad(`--input-shape is given twice for input ${JSON.stringify(name)}`);
    given.set(name, a.dims);
  }
  return given;
}

/** The --input-shape to give for an input with open dimensions: its known sizes, and <symbol> for the others (1x3x<height>x<width>). */
export const sizeExample = (p: PlannedInput): string =>
  p.dims ? p.dims.map((d, i) => d ?? `<${typeof p.declared?.[i] === 'string' ? p.declared[i] : `d${i}`}>`).join('x') : '<dims>';

/** Where an image input (rank 4) keeps its height and width: NCHW unless the file fixes the last dimension and leaves the second open (NHWC). */
const spatialAxes = (dims: readonly DeclaredDim[]): [number, number] =>
  typeof dims[3] === 'number' && typeof dims[1] !== 'number' ? [1, 2] : [2, 3];

/**
 * --input-size HxW as whole shapes for the image inputs (rank 4) that --input-shape does not
 * size: the batch and channels as the file has them (the batch left for --batch), height and
 * width as given; a fixed height or width that differs is refused.
 */
function sizeImages(graph: OnnxGraph, file: string, size: [number, number], given: Map<string, number[]>, lenient: boolean, notes: string[]): Map<string, DeclaredDim[]> {
  const [h, w] = size;
  const sized = new Map<string, DeclaredDim[]>();
  const images = graph.inputs.filter((i) => !given.has(i.name) && i.dims?.length === 4);
  if (images.length === 0 && given.size === 0) {
    const list = graph.inputs.map((i) => `${JSON.stringify(i.name)} ${dimText(i.dims)}`).join(', ') || 'none';
    const why = `--input-size ${h}x${w} sets the height and width of image inputs (rank 4); ${file} has none (inputs: ${list}): use --input-shape`;
    if (!lenient) throw bad(why);
    notes.push(`${why} (not applied here)`);
  }
  for (const input of images) {
    const dims = [...(input.dims as DeclaredDim[])];
    spatialAxes(dims).forEach((axis, k) => {
      const want = k === 0 ? h : w;
      const d = dims[axis];
      if (typeof d === 'number' && d !== want) {
        throw bad(`--input-size ${h}x${w}: input ${JSON.stringify(input.name)} has a fixed ${k === 0 ? 'height' : 'width'} of ${d} in ${file}: ${dimText(input.dims)}`);
      }
      dims[axis] = want;
    });
    sized.set(input.name, dims);
  }
  return sized;
}

/** Facts of the graph inputs for shape inference, with the notes a person needs about them. */
export function planInputs(
  graph: OnnxGraph,
  file: string,
  opts: { inputShapes?: InputShapeArg[]; inputSize?: [number, number]; batch?: number; lenient?: boolean } = {},
): InputPlan {
  const notes: string[] = [];
  const given = assign(graph, file, opts.inputShapes ?? [], opts.lenient === true, notes);
  const spatialSymbols = new Map<string, number>();
  if (opts.inputSize) {
    // Sized inputs read as if the file declared their height and width: symbols they had are bound below.
    const sized = sizeImages(graph, file, opts.inputSize, given, opts.lenient === true, notes);
    graph = {
      ...graph,
      inputs: graph.inputs.map((i) => {
        const dims = sized.get(i.name);
        if (!dims) return i;
        const before = i.dims as DeclaredDim[];
        before.forEach((d, k) => {
          if (typeof d === 'string' && typeof dims[k] === 'number') spatialSymbols.set(d, dims[k] as number);
        });
        return { ...i, dims };
      }),
    };
  }
  const batch = opts.batch ?? 1;
  const symbols = new Map<string, number>(spatialSymbols);
  const bind = (symbol: DeclaredDim, value: number, where: string) => {
    if (typeof symbol !== 'string') return;
    const seen = symbols.get(symbol);
    if (seen !== undefined && seen !== value) throw bad(`${where}: dimension "${symbol}" is ${seen} elsewhere`);
    symbols.set(symbol, value);
  };

  // Given shapes first: they bind the symbols other inputs may share.
  for (const input of graph.inputs) {
    const dims = given.get(input.name);
    if (!dims) continue;
    const where = `--input-shape ${input.name}=${dims.join('x')}`;
    if (input.dims && input.dims.length !== dims.length) throw bad(`${where}: input ${JSON.stringify(input.name)} has ${input.dims.length} dimensions in ${file}: ${dimText(input.dims)}`);
    input.dims?.forEach((d, i) => {
      if (typeof d === 'number' && d !== dims[i]) throw bad(`${where}: dimension ${i} of ${JSON.stringify(input.name)} is ${d} in ${file}`);
      bind(d, dims[i], where);
    });
  }
  // The batch goes to each open first dimension that --input-shape has not sized (directly or
  // through a shared symbol); an explicit --batch that contradicts a size given there is refused.
  const batched: string[] = [];
  const batchSymbols = new Set<string>();
  const batchAt = new Map<string, number>();
  for (const input of graph.inputs) {
    if (!input.dims || input.dims.length === 0) continue;
    const at = batchIndexOf(input.dims);
    const shape = given.get(input.name);
    if (at < 0) {
      if (opts.batch !== undefined && !shape && typeof input.dims[0] === 'number' && input.dims[0] !== batch) {
        throw bad(`--batch ${batch}: input ${JSON.stringify(input.name)} has a fixed first dimension of ${input.dims[0]} in ${file}`);
      }
      continue;
    }
    const symbol = input.dims[at];
    const named = typeof symbol === 'string' ? ` ("${symbol}")` : '';
    if (shape) {
      if (opts.batch !== undefined && shape[at] !== batch) {
        throw bad(`--batch ${batch}: --input-shape ${input.name}=${shape.join('x')} gives its batch dimension${named} as ${shape[at]}`);
      }
      continue;
    }
    if (typeof symbol === 'string' && symbols.has(symbol) && !batchSymbols.has(symbol)) {
      const value = symbols.get(symbol) as number;
      if (opts.batch !== undefined && value !== batch) throw bad(`--batch ${batch}: dimension${named} of ${JSON.stringify(input.name)} is ${value} from --input-shape`);
      continue;
    }
    bind(symbol, batch, `--batch ${batch}`);
    if (typeof symbol === 'string') batchSymbols.add(symbol);
    batchAt.set(input.name, at);
    batched.push(`${input.name} (dimension ${at}${typeof symbol === 'string' ? `, "${symbol}"` : ''})`);
  }

  const inputs: PlannedInput[] = [];
  const facts = new Map<string, TensorFact>();
  for (const input of graph.inputs) {
    const fixed = given.get(input.name);
    const open: string[] = [];
    const dims =
      fixed ??
      input.dims?.map((d, i) => {
        if (typeof d === 'number') return d;
        if (typeof d === 'string' && symbols.has(d)) return symbols.get(d) as number;
        if (i === batchAt.get(input.name) && d === null) return batch;
        open.push(d ?? `dimension ${i}`);
        return null;
      }) ??
      null;
    if (dims === null) open.push('its rank');
    // The dimension that took the batch (bench may set it to each --batch), not a given size.
    const at = batchAt.get(input.name);
    const shared = input.dims?.findIndex((d) => typeof d === 'string' && batchSymbols.has(d)) ?? -1;
    const batchIndex = fixed ? null : at !== undefined ? at : shared >= 0 ? shared : null;
    inputs.push({ name: input.name, elemType: input.elemType ?? 0, dims, batchIndex, declared: input.dims, open });
    facts.set(input.name, { dtype: input.elemType ?? 0, shape: dims });
  }

  if (batched.length > 0) {
    notes.push(`the batch is taken as ${batch}${opts.batch === undefined ? ' (--batch to change it)' : ''} for ${batched.join(', ')}`);
  }
  for (const p of inputs.filter((i) => i.open.length > 0)) {
    // An image input open in its height and width only: --input-size sizes both.
    const axes = p.dims?.length === 4 && p.declared ? spatialAxes(p.declared) : undefined;
    const onlySpatial = axes !== undefined && p.dims!.every((d, i) => d !== null || axes.includes(i));
    notes.push(
      `input ${JSON.stringify(p.name)} leaves ${p.open.join(', ')} open ${dimText(p.declared)}: give --input-shape ${p.name}=${sizeExample(p)}` +
        `${onlySpatial ? ' (or --input-size, e.g. --input-size 224)' : ''}; what depends on it has unknown shapes and the totals are incomplete`,
    );
  }
  return { inputs, facts, notes };
}
