/**
 * Hand-built OnnxGraphs for the shape-inference tests: nodes with attributes, initializers
 * with values, graph inputs with their facts. run() also checks the invariants every
 * result must keep (a value only with a fully known shape of the same size; dims are sizes).
 */
import { expect } from 'vitest';
import { DnarchError } from '../../../src/errors.js';
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from '../../../src/load/onnx/ir.js';
import { AttrKind, ElemType } from '../../../src/load/onnx/ir.js';
import { type InferOptions, type InferResult, inferShapes } from '../../../src/load/onnx/infer/infer.js';
import type { TensorFact } from '../../../src/load/onnx/infer/types.js';

export { ElemType };
export const F = ElemType.FLOAT;
export const I64 = ElemType.INT64;
export const BOOL = ElemType.BOOL;

type AttrBody = Omit<OnnxAttribute, 'name'>;
export const int = (i: number): AttrBody => ({ type: AttrKind.INT, i });
export const ints = (v: number[]): AttrBody => ({ type: AttrKind.INTS, ints: v });
export const float = (f: number): AttrBody => ({ type: AttrKind.FLOAT, f });
export const floats = (v: number[]): AttrBody => ({ type: AttrKind.FLOATS, floats: v });
export const str = (s: string): AttrBody => ({ type: AttrKind.STRING, s });
export const tensorAttr = (t: OnnxTensor): AttrBody => ({ type: AttrKind.TENSOR, t });
export const graphAttr = (g: OnnxGraph): AttrBody => ({ type: AttrKind.GRAPH, g });

export const tensor = (name: string, dataType: number, dims: number[], values?: number[]): OnnxTensor => ({
  name,
  dataType,
  dims,
  size: dims.reduce((a, b) => a * b, 1),
  values: (limit = 65536) => (values !== undefined && values.length <= limit ? values : undefined),
});

export const makeNode = (
  opType: string,
  input: string[],
  output: string[],
  attributes: Record<string, AttrBody> | Map<string, OnnxAttribute> = {},
  extra: { name?: string; domain?: string } = {},
): OnnxNode => ({
  name: extra.name ?? '',
  opType,
  domain: extra.domain ?? '',
  input,
  output,
  attributes:
    attributes instanceof Map ? attributes : new Map(Object.entries(attributes).map(([k, a]) => [k, { name: k, ...a }])),
});

export const valueInfo = (name: string, elemType: number | null, dims: (number | string | null)[] | null): OnnxValueInfo => ({
  name,
  elemType,
  dims,
});

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, OnnxTensor>();
  readonly inputs: OnnxValueInfo[] = [];
  readonly outputs: OnnxValueInfo[] = [];
  readonly facts = new Map<string, TensorFact>();

  /** A graph input whose fact the caller gives (a value too, when the test wants one folded). */
  input(name: string, dtype: number, shape: (number | null)[] | null, value?: number[]): this {
    this.inputs.push(valueInfo(name, dtype, shape));
    this.facts.set(name, value === undefined ? { dtype, shape } : { dtype, shape, value });
    return this;
  }

  init(name: string, dtype: number, dims: number[], values?: number[]): this {
    this.initializers.set(name, tensor(name, dtype, dims, values));
    return this;
  }

  node(opType: string, input: string[], output: string[], attributes: Record<string, AttrBody> = {}, extra: { name?: string; domain?: string } = {}): this {
    this.nodes.push(makeNode(opType, input, output, attributes, extra));
    return this;
  }

  output(name: string, elemType: number | null = null, dims: (number | string | null)[] | null = null): this {
    this.outputs.push(valueInfo(name, elemType, dims));
    return this;
  }

  build(name = 'g'): OnnxGraph {
    return { name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs, valueInfo: new Map() };
  }

  run(opset = 17, opts: Partial<InferOptions> = {}): InferResult {
    return runChecked(this.build(), this.facts, { opset, ...opts });
  }
}

/** The invariants every fact keeps, checked in plain code (one expect per graph: tests infer 50,000-node graphs). */
export const checkFacts = (facts: ReadonlyMap<string, TensorFact>): void => {
  const problems: string[] = [];
  for (const [name, f] of facts) {
    if (f.shape !== null) {
      for (const d of f.shape) if (d !== null && !(Number.isSafeInteger(d) && d >= 0)) problems.push(`${name}: dim ${d}`);
    }
    if (f.value === undefined) continue;
    if (f.shape === null || f.shape.some((d) => d === null)) {
      problems.push(`${name} has a value but not a fully known shape`);
      continue;
    }
    const n = (f.shape as number[]).reduce((a, b) => a * b, 1);
    if (f.value.length !== n) problems.push(`${name}: ${f.value.length} values for shape [${f.shape}]`);
  }
  expect(problems).toEqual([]);
};

export const runChecked = (graph: OnnxGraph, inputs: ReadonlyMap<string, TensorFact>, opts: InferOptions): InferResult => {
  const res = inferShapes(graph, inputs, opts);
  checkFacts(res.facts);
  return res;
};

/**
 * One op on graph inputs x0, x1, ... whose facts are given (with values where folding is
 * tested); '' in `facts` leaves an optional input out. Returns the output facts in order.
 */
export const inferOp = (
  opType: string,
  facts: (TensorFact | '')[],
  attributes: Record<string, AttrBody> = {},
  opts: { opset?: number; outputs?: number; valueLimit?: number } = {},
): TensorFact[] => {
  const b = new GraphBuilder();
  const names = facts.map((f, i) => {
    if (f === '') return '';
    b.input(`x${i}`, f.dtype, f.shape, f.value);
    return `x${i}`;
  });
  const outs = Array.from({ length: opts.outputs ?? 1 }, (_, i) => `y${i}`);
  b.node(opType, names, outs, attributes, { name: 'n' });
  const res = b.run(opts.opset ?? 17, opts.valueLimit === undefined ? {} : { valueLimit: opts.valueLimit });
  return outs.map((o) => res.facts.get(o) as TensorFact);
};

/** The first output's fact. */
export const infer1 = (...args: Parameters<typeof inferOp>): TensorFact => inferOp(...args)[0];

export const t = (dtype: number, shape: (number | null)[] | null, value?: number[]): TensorFact =>
  value === undefined ? { dtype, shape } : { dtype, shape, value };

/** A float tensor fact of the given shape. */
export const f32 = (...shape: (number | null)[]): TensorFact => ({ dtype: F, shape });
/** An int64 tensor fact with values (1-D unless a shape is given). */
export const i64 = (value: number[], shape: number[] = [value.length]): TensorFact => ({ dtype: I64, shape, value });

/** The one-line BAD_INPUT message of the DnarchError that `fn` throws. */
export const thrown = (fn: () => unknown): string => {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DnarchError);
  expect((err as DnarchError).code).toBe('BAD_INPUT');
  const msg = (err as DnarchError).message;
  expect(msg).not.toContain('\n');
  return msg;
};
