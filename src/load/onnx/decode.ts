import { DnarchError } from '../../errors.js';
import { AttrKind, ElemType, type DeclaredDim, type OnnxAttribute, type OnnxFunction, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './ir.js';
import { quote } from './infer/facts.js';
import { modelProtoType } from './proto.js';
import { elemTypeName, rawByteLength, readRaw, readTyped, typedLength } from './tensor-data.js';

/**
 * Decodes a serialised ModelProto with the project's protobufjs schema (proto.ts) into the
 * plain model of ir.ts. Initializer bytes are never copied: raw_data stays a view into the
 * file's buffer, decoded to numbers only when shape inference asks for a small tensor's
 * values. Every defect (a length past the end, an invalid tag, nesting past protobuf's
 * 100 levels, dims that do not fit the data) is one DnarchError line naming the file.
 */

/** protobufjs' decoded messages, as far as this file reads them. Absent fields read as defaults. */
type Msg = Record<string, unknown>;

const utf8 = new TextDecoder('utf-8');

/** int64 fields come back as Long objects (or numbers); safe integers only. */
function int(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return 0;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const list = (v: unknown): Msg[] => (Array.isArray(v) ? (v as Msg[]) : []);
/** Set in the file: protobufjs puts defaults on the prototype and decoded fields on the message. */
const has = (m: Msg, key: string): boolean => Object.hasOwn(m, key);
const bytesOf = (v: unknown): Uint8Array | undefined => (v instanceof Uint8Array ? v : undefined);

/** Limits that keep a hostile file from costing more than its size: real models stay far below. */
const MAX_RANK = 64;

class Decoder {
  constructor(private readonly file: string) {}

  fail(why: string): never {
    throw new DnarchError('BAD_INPUT', `${this.file} is not a valid ONNX model: ${why}`);
  }

  tensor(t: Msg, where: string): OnnxTensor {
    const name = str(t.name);
    const dataType = int(t.dataType);
    const label = `${where} ${quote(name)}`;
    const dimsIn = Array.isArray(t.dims) ? t.dims.map(int) : [];
    if (dimsIn.length > MAX_RANK) this.fail(`${label} has ${dimsIn.length} dimensions`);
    let size = 1;
    for (const d of dimsIn) {
      if (!Number.isSafeInteger(d) || d < 0) this.fail(`${label} has dimension ${d}`);
      size *= d;
    }
    if (!Number.isSafeInteger(size)) this.fail(`${label} has ${dimsIn.join('x')} elements, more than any file can hold`);
    if (t.segment) this.fail(`${label} is a segmented tensor, which dnarch does not read`);
    const externalEntries = list(t.externalData);
    const isExternal = int(t.dataLocation) === 1;
    let external: OnnxTensor['external'];
    if (isExternal) {
      const entry = (key: string) => externalEntries.find((e) => e.key === key)?.value;
      const location = entry('location');
      if (typeof location !== 'string' || location === '') this.fail(`${label} is stored externally but names no location`);
      const offset = entry('offset');
      const length = entry('length');
      const asCount = (v: unknown, what: string): number | undefined => {
        if (v === undefined) return undefined;
        if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) this.fail(`${label} has external ${what} ${JSON.stringify(v)}`);
        return Number(v);
      };
      external = { location, offset: asCount(offset, 'offset'), length: asCount(length, 'length') };
    }
    const raw = bytesOf(t.rawData);
    // raw_data left in the file by skim.ts: its length is checked, its bytes are never read.
    const skipped = has(t, 'skippedData') ? int((t.skippedData as Msg).length) : undefined;
    const rawLength = skipped ?? raw?.length ?? 0;
    const expected = rawByteLength(dataType, size);
    if (rawLength > 0) {
      if (expected !== undefined && rawLength !== expected) {
        this.fail(`${label} is ${dimsIn.join('x') || 'a scalar'} ${elemTypeName(dataType)} (${expected} bytes) but holds ${rawLength} bytes`);
      }
    } else if (!isExternal && size > 0 && dataType !== ElemType.STRING) {
      const n = typedLength(t as never, dataType);
      if (n < size) this.fail(`${label} is ${dimsIn.join('x') || 'a scalar'} ${elemTypeName(dataType)} but holds ${n} values`);
    }
    let cache: number[] | undefined;
    let decoded = false;
    const typed = t as { floatData?: number[]; int32Data?: number[]; int64Data?: unknown[]; doubleData?: number[]; uint64Data?: unknown[] };
    return {
      name,
      dataType,
      dims: dimsIn,
      size,
      ...(external ? { external } : {}),
      values(limit = 65_536) {
        if (size > limit || external || skipped !== undefined) return undefined;
        if (!decoded) {
          decoded = true;
          cache =
            raw && raw.length > 0
              ? readRaw(raw, dataType, size)
              : readTyped({ ...typed, int64Data: typed.int64Data?.map(int), uint64Data: typed.uint64Data?.map(int) }, dataType, size);
        }
        return cache;
      },
    };
  }

  attribute(a: Msg, where: string): OnnxAttribute {
    const name = str(a.name);
    const out: OnnxAttribute = { name, type: int(a.type) };
    const ref = str(a.refAttrName);
    if (ref) out.refAttrName = ref;
    const at = `${where} attribute ${quote(name)}`;
    if (has(a, 'f')) out.f = a.f as number;
    if (has(a, 'i')) out.i = int(a.i);
    const s = has(a, 's') ? bytesOf(a.s) : undefined;
    if (s) out.s = utf8.decode(s);
    if (a.t) out.t = this.tensor(a.t as Msg, at);
    if (a.g) out.g = this.graph(a.g as Msg);
    if (Array.isArray(a.floats) && a.floats.length) out.floats = a.floats as number[];
    if (Array.isArray(a.ints) && a.ints.length) out.ints = a.ints.map(int);
    if (Array.isArray(a.strings) && a.strings.length) out.strings = (a.strings as Uint8Array[]).map((b) => utf8.decode(b));
    if (Array.isArray(a.tensors) && a.tensors.length) out.tensors = list(a.tensors).map((t) => this.tensor(t, at));
    if (Array.isArray(a.graphs) && a.graphs.length) out.graphs = list(a.graphs).map((g) => this.graph(g));
    if (out.type === 0) out.type = inferredKind(out);
    return out;
  }

  node(n: Msg): OnnxNode {
    const opType = str(n.opType);
    const name = str(n.name);
    const output = Array.isArray(n.output) ? (n.output as string[]) : [];
    const where = `node ${quote(name || output[0] || '?')}`;
    if (!opType) this.fail(`${where} has no op_type`);
    const attributes = new Map<string, OnnxAttribute>();
    for (const a of list(n.attribute)) {
      const attr = this.attribute(a, where);
      attributes.set(attr.name, attr);
    }
    return { name, opType, domain: str(n.domain), input: Array.isArray(n.input) ? (n.input as string[]) : [], output, attributes };
  }

  valueInfo(v: Msg): OnnxValueInfo {
    const name = str(v.name);
    const type = (v.type ?? {}) as Msg;
    const tensor = (type.tensorType ?? type.sparseTensorType) as Msg | undefined;
    if (!tensor) return { name, elemType: null, dims: null, ...(Object.keys(type).length ? { typeText: typeText(type) } : {}) };
    const shape = tensor.shape as Msg | undefined;
    const dims: DeclaredDim[] | null = shape
      ? list(shape.dim).map((d) => {
          if (has(d, 'dimValue')) {
            const v = int(d.dimValue);
            // Some writers put -1 for "unknown"; any negative value is no size.
            return Number.isSafeInteger(v) && v >= 0 ? v : null;
          }
          return str(d.dimParam) || null;
        })
      : null;
    if (dims && dims.length > MAX_RANK) this.fail(`value ${quote(name)} is declared with ${dims.length} dimensions`);
    return { name, elemType: int(tensor.elemType), dims };
  }

  graph(g: Msg): OnnxGraph {
    const initializers = new Map<string, OnnxTensor>();
    for (const t of list(g.initializer)) {
      const tensor = this.tensor(t, 'initializer');
      initializers.set(tensor.name, tensor);
    }
    if (list(g.sparseInitializer).length > 0) {
      for (const s of list(g.sparseInitializer)) {
        const values = s.values ? this.tensor(s.values as Msg, 'sparse initializer') : undefined;
        const dims = (Array.isArray(s.dims) ? s.dims : []).map(int);
        if (values) initializers.set(values.name, denseStandIn(values, dims, this));
      }
    }
    const inputs = list(g.input).map((v) => this.valueInfo(v)).filter((v) => !initializers.has(v.name));
    const valueInfo = new Map<string, OnnxValueInfo>();
    for (const v of list(g.valueInfo)) {
      const info = this.valueInfo(v);
      valueInfo.set(info.name, info);
    }
    return {
      name: str(g.name),
      nodes: list(g.node).map((n) => this.node(n)),
      initializers,
      inputs,
      outputs: list(g.output).map((v) => this.valueInfo(v)),
      valueInfo,
    };
  }

  func(f: Msg): OnnxFunction {
    const defaults = new Map<string, OnnxAttribute>();
    for (const a of list(f.attributeProto)) {
      const attr = this.attribute(a, `function ${quote(str(f.name))}`);
      defaults.set(attr.name, attr);
    }
    return {
      name: str(f.name),
      domain: str(f.domain),
      input: Array.isArray(f.input) ? (f.input as string[]) : [],
      output: Array.isArray(f.output) ? (f.output as string[]) : [],
      attributes: [...(Array.isArray(f.attribute) ? (f.attribute as string[]) : []), ...defaults.keys()],
      attributeDefaults: defaults,
      nodes: list(f.node).map((n) => this.node(n)),
      opsets: opsetsOf(list(f.opsetImport)),
    };
  }
}

/** A sparse initializer's place in the graph: dims of the dense tensor, values never materialised. */
function denseStandIn(values: OnnxTensor, dims: number[], d: Decoder): OnnxTensor {
  let size = 1;
  for (const x of dims) {
    if (!Number.isSafeInteger(x) || x < 0) d.fail(`sparse initializer ${quote(values.name)} has dimension ${x}`);
    size *= x;
  }
  return { name: values.name, dataType: values.dataType, dims, size, values: () => undefined };
}

function inferredKind(a: OnnxAttribute): number {
  if (a.floats) return AttrKind.FLOATS;
  if (a.ints) return AttrKind.INTS;
  if (a.strings) return AttrKind.STRINGS;
  if (a.tensors) return AttrKind.TENSORS;
  if (a.graphs) return AttrKind.GRAPHS;
  if (a.g) return AttrKind.GRAPH;
  if (a.t) return AttrKind.TENSOR;
  if (a.s !== undefined) return AttrKind.STRING;
  if (a.i !== undefined) return AttrKind.INT;
  if (a.f !== undefined) return AttrKind.FLOAT;
  return AttrKind.UNDEFINED;
}

/** 'seq(map(INT64,FLOAT))' for the non-tensor types of skl2onnx outputs. */
function typeText(t: Msg | undefined): string {
  if (!t) return '?';
  if (t.tensorType) return elemTypeName(int((t.tensorType as Msg).elemType));
  if (t.sequenceType) return `seq(${typeText((t.sequenceType as Msg).elemType as Msg)})`;
  if (t.mapType) return `map(${elemTypeName(int((t.mapType as Msg).keyType))},${typeText((t.mapType as Msg).valueType as Msg)})`;
  if (t.optionalType) return `optional(${typeText((t.optionalType as Msg).elemType as Msg)})`;
  return '?';
}

function opsetsOf(entries: Msg[]): Map<string, number> {
  const opsets = new Map<string, number>();
  for (const o of entries) {
    const domain = str(o.domain) === 'ai.onnx' ? '' : str(o.domain);
    opsets.set(domain, int(o.version));
  }
  return opsets;
}

/** Why protobufjs gave up, in words: its messages name offsets, not meanings. */
function protobufReason(e: unknown): string {
  const m = String((e as Error)?.message ?? e);
  if (/index out of range/.test(m)) return `a length runs past the end of the data (${m.replace(/^index out of range: /, 'at ')}): the file is truncated or corrupt`;
  if (/max depth exceeded/.test(m)) return 'messages nest more than 100 levels deep (subgraphs without end)';
  if (/invalid wire type|illegal tag|invalid end group/.test(m)) return `${m}: the bytes are not a protobuf ModelProto`;
  return m.split('\n')[0];
}

function decodeMessage(bytes: Uint8Array, d: Decoder): Msg {
  try {
    return modelProtoType().decode(bytes) as unknown as Msg;
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) d.fail('messages nest too deeply to read');
    return d.fail(protobufReason(e));
  }
}

/** The ONNX model serialised in `bytes`; `file` names it in errors. */
export function decodeOnnx(bytes: Uint8Array, file: string): OnnxModel {
  const d = new Decoder(file);
  const m = decodeMessage(bytes, d);
  if (!m.graph) d.fail('it has no graph');
  const opsets = opsetsOf(list(m.opsetImport));
  const irVersion = int(m.irVersion);
  // IR 1-2 files predate opset_import: their ops are the first operator set.
  if (!opsets.has('')) opsets.set('', 1);
  try {
    return {
      irVersion,
      producerName: str(m.producerName),
      producerVersion: str(m.producerVersion),
      opsets,
      graph: d.graph(m.graph as Msg),
      functions: list(m.functions).map((f) => d.func(f)),
    };
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) d.fail('subgraphs nest too deeply to read');
    throw e;
  }
}
