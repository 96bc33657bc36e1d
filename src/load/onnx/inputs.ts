import { DnarchError } from '../../errors.js';
import type { DeclaredDim, OnnxGraph } from './ir.js';
import type { TensorFact } from './infer/types.js';

/**
 * The sizes of a graph's inputs. ONNX files often leave dimensions open: a symbolic batch
 * ('N', 'batch_size'), and sometimes the image size ('height', 'width'). The first
 * dimension of an input, when open, is the batch: 1, or --batch. Any other open dimension
 * comes from --input-shape (name=1x3x224x224, repeatable; the name may be left out when the
 * model has one input), or from another input that shares its symbol; otherwise it stays
 * unknown and is named in the report, never guessed.
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
  /** Dimension 0 was open and took the batch: bench may set it to each --batch. */
  batchAxis: boolean;
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

/** Facts of the graph inputs for shape inference, with the notes a person needs about them. */
export function planInputs(graph: OnnxGraph, file: string, opts: { inputShapes?: InputShapeArg[]; batch?: number; lenient?: boolean } = {}): InputPlan {
  const notes: string[] = [];
  const given = assign(graph, file, opts.inputShapes ?? [], opts.lenient === true, notes);
  const batch = opts.batch ?? 1;
  const symbols = new Map<string, number>();
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
  for (const input of graph.inputs) {
    if (!input.dims || input.dims.length === 0) continue;
    const first = input.dims[0];
    const shape = given.get(input.name);
    if (shape) {
      if (opts.batch !== undefined && typeof first !== 'number' && shape[0] !== batch) {
        const symbol = typeof first === 'string' ? ` ("${first}")` : '';
        throw bad(`--batch ${batch}: --input-shape ${input.name}=${shape.join('x')} gives its first dimension${symbol} as ${shape[0]}`);
      }
      continue;
    }
    if (typeof first === 'number') {
      if (opts.batch !== undefined && first !== batch) throw bad(`--batch ${batch}: input ${JSON.stringify(input.name)} has a fixed first dimension of ${first} in ${file}`);
      continue;
    }
    if (typeof first === 'string' && symbols.has(first) && !batchSymbols.has(first)) {
      const value = symbols.get(first) as number;
      if (opts.batch !== undefined && value !== batch) throw bad(`--batch ${batch}: dimension "${first}" of ${JSON.stringify(input.name)} is ${value} from --input-shape`);
      continue;
    }
    bind(first, batch, `--batch ${batch}`);
    if (typeof first === 'string') batchSymbols.add(first);
    batched.push(`${input.name} (${first === null ? 'unnamed' : JSON.stringify(first)})`);
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
        if (i === 0 && d === null) return batch;
        open.push(d ?? `dimension ${i}`);
        return null;
      }) ??
      null;
    if (dims === null) open.push('its rank');
    // A batch axis: its first dimension took the batch (bench may set it to each --batch), not a given size.
    const first = input.dims?.[0];
    const batchAxis = !fixed && input.dims !== null && input.dims.length > 0 && (first === null || (typeof first === 'string' && batchSymbols.has(first)));
    inputs.push({ name: input.name, elemType: input.elemType ?? 0, dims, batchAxis, declared: input.dims, open });
    facts.set(input.name, { dtype: input.elemType ?? 0, shape: dims });
  }

  if (batched.length > 0) {
    notes.push(`the first dimension of ${batched.join(', ')} is taken as the batch: ${batch}${opts.batch === undefined ? ' (--batch to change it)' : ''}`);
  }
  for (const p of inputs.filter((i) => i.open.length > 0)) {
    const example = p.dims ? p.dims.map((d, i) => d ?? `<${typeof p.declared?.[i] === 'string' ? p.declared[i] : `d${i}`}>`).join('x') : '<dims>';
    notes.push(
      `input ${JSON.stringify(p.name)} leaves ${p.open.join(', ')} open ${dimText(p.declared)}: give --input-shape ${p.name}=${example}; ` +
        'what depends on it has unknown shapes and the totals are incomplete',
    );
  }
  return { inputs, facts, notes };
}
