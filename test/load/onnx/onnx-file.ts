/**
 * Tiny ONNX models written as real ModelProto bytes (proto.ts' encodeModel) to a temp
 * directory, then read end to end: openModelFile (format detection, decoding, function
 * inlining, input planning, shape inference, constant analysis, LayerGraph) and
 * analyzeOpened (the report). Call `afterAll(cleanupModels)` in each test file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { analyzeOpened } from '../../../src/api.js';
import type { ModelReport } from '../../../src/analysis/types.js';
import { DnarchError, type ErrorCode } from '../../../src/errors.js';
import { openModelFile, type FileOptions, type OpenedModel } from '../../../src/load/formats.js';
import { AttrKind, ElemType } from '../../../src/load/onnx/ir.js';
import { encodeModel, type ModelMsg } from '../../../src/load/onnx/proto.js';

export { AttrKind, ElemType };

// ---------------------------------------------------------------- messages

export interface TensorSpec {
  name: string;
  dims: number[];
  dataType: number;
  rawData?: Uint8Array;
  int64Data?: number[];
  floatData?: number[];
}

export interface AttrSpec {
  name?: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorSpec;
  g?: GraphSpec;
  floats?: number[];
  ints?: number[];
  refAttrName?: string;
}

export interface NodeSpec {
  name: string;
  opType: string;
  domain: string;
  input: string[];
  output: string[];
  attribute: AttrSpec[];
}

type DimSpec = number | string | null;

export interface ValueInfoSpec {
  name: string;
  type?: { tensorType: { elemType: number; shape?: { dim: { dimValue?: number; dimParam?: string }[] } } };
}

export interface GraphSpec {
  name: string;
  node: NodeSpec[];
  initializer: TensorSpec[];
  input: ValueInfoSpec[];
  output: ValueInfoSpec[];
}

export interface FunctionSpec {
  name: string;
  domain: string;
  input: string[];
  output: string[];
  /** Attribute names without defaults. */
  attribute?: string[];
  /** Attributes with their defaults. */
  attributeProto?: AttrSpec[];
  node: NodeSpec[];
  opsetImport: { domain: string; version: number }[];
}

const utf8 = new TextEncoder();

/** Attribute bodies; the name comes from the key of the record they are given in. */
export const attr = {
  int: (i: number): AttrSpec => ({ type: AttrKind.INT, i }),
  ints: (ints: number[]): AttrSpec => ({ type: AttrKind.INTS, ints }),
  float: (f: number): AttrSpec => ({ type: AttrKind.FLOAT, f }),
  floats: (floats: number[]): AttrSpec => ({ type: AttrKind.FLOATS, floats }),
  str: (s: string): AttrSpec => ({ type: AttrKind.STRING, s: utf8.encode(s) }),
  tensor: (t: TensorSpec): AttrSpec => ({ type: AttrKind.TENSOR, t }),
  graph: (g: GraphSpec): AttrSpec => ({ type: AttrKind.GRAPH, g }),
  /** Inside a function body: stands for the caller's attribute `ref` (of AttrKind `type`). */
  ref: (ref: string, type: number): AttrSpec => ({ type, refAttrName: ref }),
};

const attrList = (attrs: Record<string, AttrSpec>): AttrSpec[] => Object.entries(attrs).map(([name, a]) => ({ ...a, name }));

export const nodeMsg = (
  opType: string,
  input: string[],
  output: string[],
  attrs: Record<string, AttrSpec> = {},
  opts: { name?: string; domain?: string } = {},
): NodeSpec => ({ name: opts.name ?? '', opType, domain: opts.domain ?? '', input, output, attribute: attrList(attrs) });

export const valueInfoMsg = (name: string, dims?: DimSpec[] | null, elemType: number = ElemType.FLOAT): ValueInfoSpec =>
  dims === undefined
    ? { name }
    : {
        name,
        type: {
          tensorType: {
            elemType,
            ...(dims === null
              ? {}
              : { shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) } }),
          },
        },
      };

const count = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

/** Little-endian raw bytes of `values` in `dataType`. */
function rawOf(dataType: number, dims: number[], values?: number[]): Uint8Array {
  const n = count(dims);
  const v = values ?? new Array<number>(n).fill(0);
  if (v.length !== n) throw new Error(`test bug: ${v.length} values for dims [${dims}]`);
  switch (dataType) {
    case ElemType.FLOAT: return new Uint8Array(new Float32Array(v).buffer);
    case ElemType.INT8: return new Uint8Array(new Int8Array(v).buffer);
    case ElemType.UINT8: return new Uint8Array(v);
    case ElemType.INT32: return new Uint8Array(new Int32Array(v).buffer);
    case ElemType.INT64: return new Uint8Array(new BigInt64Array(v.map((x) => BigInt(x))).buffer);
    case ElemType.FLOAT16: return new Uint8Array(2 * n); // zeros
    default: throw new Error(`test bug: no raw writer for type ${dataType}`);
  }
}

export const tensorMsg = (name: string, dataType: number, dims: number[], values?: number[]): TensorSpec => ({
  name,
  dataType,
  dims,
  rawData: rawOf(dataType, dims, values),
});

// ---------------------------------------------------------------- builder

/** A model under construction; every method returns `this`. */
export class OnnxModelBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  readonly inputs: ValueInfoSpec[] = [];
  readonly outputs: ValueInfoSpec[] = [];
  readonly functions: FunctionSpec[] = [];
  readonly opsets: { domain: string; version: number }[];

  constructor(opset = 17, readonly graphName = 'test') {
    this.opsets = [{ domain: '', version: opset }];
  }

  opsetImport(domain: string, version = 1): this {
    this.opsets.push({ domain, version });
    return this;
  }

  input(name: string, dims: DimSpec[] | null, elemType: number = ElemType.FLOAT): this {
    this.inputs.push(valueInfoMsg(name, dims, elemType));
    return this;
  }

  output(name: string, dims?: DimSpec[] | null, elemType: number = ElemType.FLOAT): this {
    this.outputs.push(valueInfoMsg(name, dims, elemType));
    return this;
  }

  init(name: string, dataType: number, dims: number[], values?: number[]): this {
    this.initializers.push(tensorMsg(name, dataType, dims, values));
    return this;
  }

  f32(name: string, dims: number[], values?: number[]): this {
    return this.init(name, ElemType.FLOAT, dims, values);
  }

  i64(name: string, values: number[], dims: number[] = [values.length]): this {
    return this.init(name, ElemType.INT64, dims, values);
  }

  node(opType: string, input: string[], output: string[], attrs: Record<string, AttrSpec> = {}, opts: { name?: string; domain?: string } = {}): this {
    this.nodes.push(nodeMsg(opType, input, output, attrs, opts));
    return this;
  }

  fn(f: FunctionSpec): this {
    this.functions.push(f);
    return this;
  }

  /** The ModelProto; the graph outputs default to the last node's first output. */
  message(): ModelMsg {
    const outputs = this.outputs.length > 0 ? this.outputs : [valueInfoMsg(this.nodes[this.nodes.length - 1]?.output[0] ?? 'y')];
    const msg = {
      irVersion: 8,
      producerName: 'dnarch-test',
      producerVersion: '0',
      opsetImport: this.opsets,
      graph: { name: this.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: outputs },
      functions: this.functions,
    };
    // proto.ts' ModelMsg types the exporter's subset; the descriptor has every field written here (domain, functions, ref_attr_name, g).
    return msg as unknown as ModelMsg;
  }

  bytes(): Uint8Array {
    return encodeModel(this.message());
  }
}

// ---------------------------------------------------------------- files

let dir: string | undefined;
let files = 0;

/** Writes the model to a fresh file in this run's temp directory and returns its path. */
export function writeModel(m: OnnxModelBuilder | Uint8Array, name = 'model'): string {
  dir ??= mkdtempSync(join(tmpdir(), 'dnarch-onnx-test-'));
  const file = join(dir, `${name}-${files++}.onnx`);
  writeFileSync(file, m instanceof Uint8Array ? m : m.bytes());
  return file;
}

export function cleanupModels(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

export interface Analyzed {
  file: string;
  opened: OpenedModel;
  report: ModelReport;
}

/** Writes, opens and analyses a model end to end. */
export async function analyzeModel(m: OnnxModelBuilder, opts: FileOptions = {}): Promise<Analyzed> {
  const file = writeModel(m);
  const opened = await openModelFile(file, opts);
  return { file, opened, report: analyzeOpened(opened, file).report };
}

/** The DnarchError (of `code`, one line) that opening and analysing the model throws. */
export async function failure(m: OnnxModelBuilder, opts: FileOptions, code: ErrorCode): Promise<string> {
  let err: unknown;
  try {
    await analyzeModel(m, opts);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DnarchError);
  expect((err as DnarchError).code).toBe(code);
  const message = (err as DnarchError).message;
  expect(message).not.toContain('\n');
  return message;
}

// ---------------------------------------------------------------- report access

type Layer = ModelReport['layers'][number];

/** The report row named `name` (fails the test when there is none). */
export function row(report: ModelReport, name: string): Layer {
  const found = report.layers.find((l) => l.name === name);
  expect(found, `no row ${JSON.stringify(name)} among ${report.layers.map((l) => l.name).join(', ')}`).toBeDefined();
  return found as Layer;
}

/** The LayerGraph node named `name`. */
export function graphNode(a: Analyzed, name: string) {
  const found = a.opened.graph.nodes.find((n) => n.name === name);
  expect(found, `no graph node ${JSON.stringify(name)}`).toBeDefined();
  return found as NonNullable<typeof found>;
}

/** Receptive field by the recurrence of Araujo, Norris & Sim (Distill 2019), eq. (11)-(13) forward form. */
export function araujo(layers: { k: number; s: number; p: number; d?: number }[]): { size: number; stride: number; padding: number } {
  let r = 1;
  let S = 1;
  let P = 0;
  for (const { k, s, p, d = 1 } of layers) {
    const span = d * (k - 1) + 1;
    r += (span - 1) * S;
    P += p * S;
    S *= s;
  }
  return { size: r, stride: S, padding: P };
}
