/**
 * Mutations of valid ONNX files for the property-based test (onnx-fuzz.test.ts): a
 * protobuf wire walker (to find and rewrite the length of any length-delimited field),
 * byte-level damage, small models built with the project's own encoder, message-level
 * mutations of decoded models, and protobuf nesting far past any encoder's limit.
 */
import fc from 'fast-check';
import { AttrType, decodeModel, encodeModel, modelProtoType, type ModelMsg } from '../../src/load/onnx/proto.js';

/* ------------------------------------------------------------------ wire format */

/** Message types the walker descends into, by (message, field number). */
export type MsgKind = 'Model' | 'Graph' | 'Node' | 'Attribute' | 'Tensor' | 'Function' | 'ValueInfo' | 'Type' | 'TensorType' | 'Shape' | 'Dim' | 'Entry' | 'Opset' | 'Sparse';

const NESTED: Partial<Record<MsgKind, Record<number, MsgKind>>> = {
  Model: { 7: 'Graph', 8: 'Opset', 14: 'Entry', 25: 'Function' },
  Graph: { 1: 'Node', 5: 'Tensor', 11: 'ValueInfo', 12: 'ValueInfo', 13: 'ValueInfo', 15: 'Sparse' },
  Node: { 5: 'Attribute' },
  Attribute: { 5: 'Tensor', 6: 'Graph', 10: 'Tensor', 11: 'Graph' },
  Function: { 7: 'Node', 11: 'Attribute' },
  Tensor: { 13: 'Entry' },
  Sparse: { 1: 'Tensor', 2: 'Tensor' },
  ValueInfo: { 2: 'Type' },
  Type: { 1: 'TensorType' },
  TensorType: { 2: 'Shape' },
  Shape: { 1: 'Dim' },
};

/** A length-delimited field: where its length varint is, what it says, and the fields around it. */
export interface LenField {
  /** The message that holds the field. */
  kind: MsgKind;
  field: number;
  tagStart: number;
  lenStart: number;
  lenEnd: number;
  length: number;
  /** Enclosing length-delimited fields, outermost first. */
  parents: LenField[];
}

function readVarint(b: Uint8Array, pos: number, end: number): [number, number] | undefined {
  let v = 0;
  for (let shift = 0, p = pos; shift < 70 && p < end; shift += 7, p++) {
    v += (b[p] & 0x7f) * 2 ** shift;
    if ((b[p] & 0x80) === 0) return [v, p + 1];
  }
  return undefined;
}

/** Every length-delimited field of a (valid) ModelProto, down the message types above. */
export function lengthFields(bytes: Uint8Array): LenField[] {
  const out: LenField[] = [];
  const walk = (kind: MsgKind, pos: number, end: number, parents: LenField[]): void => {
    let p = pos;
    while (p < end) {
      const tag = readVarint(bytes, p, end);
      if (!tag) return;
      const [t, afterTag] = tag;
      const field = Math.floor(t / 8);
      const wire = t % 8;
      if (wire === 0) {
        const v = readVarint(bytes, afterTag, end);
        if (!v) return;
        p = v[1];
      } else if (wire === 1) p = afterTag + 8;
      else if (wire === 5) p = afterTag + 4;
      else if (wire === 2) {
        const len = readVarint(bytes, afterTag, end);
        if (!len || len[1] + len[0] > end) return;
        const f: LenField = { kind, field, tagStart: p, lenStart: afterTag, lenEnd: len[1], length: len[0], parents };
        out.push(f);
        const child = NESTED[kind]?.[field];
        if (child) walk(child, len[1], len[1] + len[0], [...parents, f]);
        p = len[1] + len[0];
      } else return;
    }
  };
  walk('Model', 0, bytes.length, []);
  return out;
}

/** A varint of `v`, padded with continuation bytes to `width` bytes (protobuf allows up to 10). */
export function varint(v: bigint, width = 0): Uint8Array {
  const out: number[] = [];
  let x = v;
  do {
    out.push(Number(x & 0x7fn) | 0x80);
    x >>= 7n;
  } while (x > 0n);
  while (out.length < width) out.push(0x80);
  out[out.length - 1] &= 0x7f;
  return Uint8Array.from(out);
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
};

/** A fresh copy (Buffer#slice would be a view: a mutation must never write into its seed). */
export const copy = (b: Uint8Array): Uint8Array => new Uint8Array(b);

const splice = (b: Uint8Array, start: number, end: number, insert: Uint8Array): Uint8Array => concat([b.subarray(0, start), insert, b.subarray(end)]);

/**
 * The file with `f`'s length varint replaced by `encoded`. With `fixParents`, every
 * enclosing length grows or shrinks by the bytes the new varint gained or lost, so that
 * only this field lies; without, the enclosing messages are misframed too.
 */
export function rewriteLength(bytes: Uint8Array, f: LenField, encoded: Uint8Array, fixParents: boolean): Uint8Array {
  let out = splice(bytes, f.lenStart, f.lenEnd, encoded);
  if (!fixParents) return out;
  let delta = encoded.length - (f.lenEnd - f.lenStart);
  // Innermost first: a parent's varint comes before its child, so its position is unchanged.
  for (const p of [...f.parents].reverse()) {
    if (delta === 0) break;
    const enc = varint(BigInt(p.length + delta));
    out = splice(out, p.lenStart, p.lenEnd, enc);
    delta += enc.length - (p.lenEnd - p.lenStart);
  }
  return out;
}

/* ------------------------------------------------------------------ byte-level damage */

export interface ByteMutation {
  kind: string;
  apply: (b: Uint8Array) => Uint8Array;
}

const at = (f: number, n: number): number => Math.min(n, Math.floor(f * n));
const unit = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export function byteMutationArb(): fc.Arbitrary<ByteMutation> {
  return fc.oneof(
    unit.map((f) => ({
      kind: `truncated at ${(f * 100).toFixed(1)}%`,
      apply: (b: Uint8Array) => copy(b.subarray(0, at(f, b.length))),
    })),
    fc.array(fc.tuple(unit, fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => ({
      kind: `bytes flipped at ${flips.map(([f, x]) => `${(f * 100).toFixed(1)}%^${x}`).join(',')}`,
      apply: (b: Uint8Array) => {
        const c = copy(b);
        for (const [f, x] of flips) if (c.length) c[at(f, c.length - 1)] ^= x;
        return c;
      },
    })),
    fc.tuple(unit, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([f, ins]) => ({
      kind: `${ins.length} bytes [${[...ins].join(',')}] inserted at ${(f * 100).toFixed(1)}%`,
      apply: (b: Uint8Array) => splice(b, at(f, b.length), at(f, b.length), ins),
    })),
    fc.tuple(unit, fc.integer({ min: 1, max: 64 })).map(([f, n]) => ({
      kind: `${n} bytes deleted at ${(f * 100).toFixed(1)}%`,
      apply: (b: Uint8Array) => splice(b, at(f, b.length), Math.min(b.length, at(f, b.length) + n), new Uint8Array(0)),
    })),
    fc.tuple(unit, fc.integer({ min: 1, max: 4096 }), fc.constantFrom(0x00, 0xff)).map(([f, n, v]) => ({
      kind: `${n} bytes set to ${v} at ${(f * 100).toFixed(1)}%`,
      apply: (b: Uint8Array) => {
        const c = copy(b);
        c.fill(v, at(f, c.length), Math.min(c.length, at(f, c.length) + n));
        return c;
      },
    })),
    fc.constantFrom(2, 3).map((n) => ({
      kind: `the file ${n} times over`,
      apply: (b: Uint8Array) => concat(Array.from({ length: n }, () => b)),
    })),
    fc.constant({ kind: 'the first byte only', apply: (b: Uint8Array) => copy(b.subarray(0, 1)) }),
    fc.constant({ kind: 'the last byte dropped', apply: (b: Uint8Array) => copy(b.subarray(0, Math.max(0, b.length - 1))) }),
  );
}

/* ------------------------------------------------------------------ lying lengths */

export interface LengthLie {
  kind: string;
  apply: (b: Uint8Array) => Uint8Array;
  /** Which field of `b` the lie lands on. */
  describe: (b: Uint8Array) => string;
}

/** What a length can be made to say, given the true length. */
const LIES: { name: string; encode: (len: number) => Uint8Array }[] = [
  { name: '+1', encode: (l) => varint(BigInt(l + 1)) },
  { name: '-1', encode: (l) => varint(BigInt(Math.max(0, l - 1))) },
  { name: '+1000', encode: (l) => varint(BigInt(l + 1000)) },
  { name: 'halved', encode: (l) => varint(BigInt(Math.floor(l / 2))) },
  { name: '0', encode: () => varint(0n) },
  { name: '2^31-1', encode: () => varint(2n ** 31n - 1n) },
  { name: '2^31', encode: () => varint(2n ** 31n) },
  { name: '2^32 + true length', encode: (l) => varint(2n ** 32n + BigInt(l)) },
  { name: '2^53 + 1', encode: () => varint(2n ** 53n + 1n) },
  { name: '2^63', encode: () => varint(2n ** 63n) },
  { name: '2^64 - 1', encode: () => varint(2n ** 64n - 1n) },
  { name: 'true length as a 10-byte varint', encode: (l) => varint(BigInt(l), 10) },
  { name: 'true length as an 11-byte varint', encode: (l) => varint(BigInt(l), 11) },
  { name: 'an unterminated varint', encode: () => Uint8Array.from([0xff, 0xff, 0xff]) },
];

const LIE_KINDS = new Set<MsgKind>(['Model', 'Graph', 'Node', 'Tensor', 'Attribute', 'Function', 'ValueInfo']);

export function lengthLieArb(): fc.Arbitrary<LengthLie> {
  return fc.tuple(unit, fc.integer({ min: 0, max: LIES.length - 1 }), fc.boolean(), fc.constantFrom<MsgKind | 'any'>('any', 'Model', 'Graph', 'Node', 'Tensor')).map(([f, li, fix, kind]) => {
    const lie = LIES[li];
    const describe = (fl: LenField | undefined) =>
      fl ? `${fl.kind} field ${fl.field} (length ${fl.length} at byte ${fl.lenStart}) says ${lie.name}${fix ? '' : ', enclosing lengths left'}` : 'no field';
    const pick = (b: Uint8Array): LenField | undefined => {
      const all = lengthFields(b).filter((x) => LIE_KINDS.has(x.kind));
      const wanted = kind === 'any' ? all : all.filter((x) => x.kind === kind);
      const from = wanted.length ? wanted : all;
      return from[at(f, from.length)];
    };
    return {
      kind: `length of a ${kind} field lies: ${lie.name}${fix ? '' : ' (enclosing lengths left)'} [at ${(f * 100).toFixed(1)}%]`,
      apply: (b: Uint8Array) => {
        const fl = pick(b);
        return fl ? rewriteLength(b, fl, lie.encode(fl.length), fix) : b;
      },
      describe: (b: Uint8Array) => describe(pick(b)),
    };
  });
}

/* ------------------------------------------------------------------ building models */

/** A ModelProto as plain data, with every field the descriptor in proto.ts knows (the ModelMsg type lists a subset). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export const FLOAT = 1;
export const INT64 = 7;
export const BOOL = 9;

/** int64 values past 2^53 as protobufjs' {low, high} pairs. */
export const int64 = (v: bigint): { low: number; high: number; unsigned: boolean } => {
  const u = BigInt.asUintN(64, v);
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0, unsigned: false };
};

export const dims = (...ds: (number | string)[]) => ({ dim: ds.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) });
export const vi = (name: string, elemType: number, ds: (number | string)[] | null): Loose => ({
  name,
  type: { tensorType: ds === null ? { elemType } : { elemType, shape: dims(...ds) } },
});
export const f32 = (name: string, ds: number[]): Loose => ({ name, dims: ds, dataType: FLOAT, rawData: new Uint8Array(4 * ds.reduce((a, b) => a * b, 1)) });
export const i64 = (name: string, values: number[], ds: number[] = [values.length]): Loose => ({ name, dims: ds, dataType: INT64, int64Data: values });

export const attr = {
  int: (name: string, i: number | Loose): Loose => ({ name, type: AttrType.INT, i }),
  ints: (name: string, ints: (number | Loose)[]): Loose => ({ name, type: AttrType.INTS, ints }),
  float: (name: string, f: number): Loose => ({ name, type: AttrType.FLOAT, f }),
  str: (name: string, s: string): Loose => ({ name, type: AttrType.STRING, s: new TextEncoder().encode(s) }),
  graph: (name: string, g: Loose): Loose => ({ name, type: 5, g }),
  tensor: (name: string, t: Loose): Loose => ({ name, type: AttrType.TENSOR, t }),
};

export const node = (opType: string, input: string[], output: string[], attribute: Loose[] = [], extra: { name?: string; domain?: string } = {}): Loose => ({
  name: extra.name ?? output[0] ?? opType,
  opType,
  input,
  output,
  attribute,
  ...(extra.domain !== undefined ? { domain: extra.domain } : {}),
});

export const model = (graph: Loose, extra: Loose = {}): Loose => ({
  irVersion: 8,
  producerName: 'onnx-fuzz',
  producerVersion: '1',
  opsetImport: [{ domain: '', version: 17 }],
  graph,
  ...extra,
});

export const encode = (m: Loose): Uint8Array => encodeModel(m as ModelMsg);
export const decode = (b: Uint8Array): Loose => detach(decodeModel(b));

/**
 * x [N,3,8,8] -> Conv 3x3 -> Relu -> MaxPool 2x2 -> Reshape [1,-1] -> Gemm -> Softmax: the
 * ops whose attributes and constant inputs the dims family damages.
 */
export function tinyCnn(): Loose {
  return model({
    name: 'tiny',
    node: [
      node('Conv', ['x', 'W', 'B'], ['c'], [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [1, 1]), attr.ints('pads', [0, 0, 0, 0]), attr.ints('dilations', [1, 1]), attr.int('group', 1)]),
      node('Relu', ['c'], ['r']),
      node('MaxPool', ['r'], ['p'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])]),
      node('Reshape', ['p', 'shape'], ['f']),
      node('Gemm', ['f', 'Wg', 'Bg'], ['g'], [attr.int('transB', 1)]),
      node('Softmax', ['g'], ['y'], [attr.int('axis', 1)]),
    ],
    initializer: [f32('W', [4, 3, 3, 3]), f32('B', [4]), i64('shape', [1, -1]), f32('Wg', [10, 36]), f32('Bg', [10])],
    input: [vi('x', FLOAT, ['N', 3, 8, 8])],
    output: [vi('y', FLOAT, ['N', 10])],
  });
}

/** Every dimension of the input open: --input-shape decides them all. */
export function openCnn(): Loose {
  const m = tinyCnn();
  m.graph.input = [vi('x', FLOAT, ['N', 'C', 'H', 'W'])];
  m.graph.node[3].input[1] = 'shape';
  return m;
}

/** MatMul -> Add -> Identity with a Constant node and a graph with two inputs. */
export function twoInputs(): Loose {
  return model({
    name: 'two',
    node: [
      node('Constant', [], ['k'], [attr.tensor('value', { ...f32('kv', [4, 4]), name: 'kv' })]),
      node('MatMul', ['a', 'k'], ['m']),
      node('Add', ['m', 'b'], ['s']),
      node('Identity', ['s'], ['out']),
    ],
    initializer: [],
    input: [vi('a', FLOAT, ['N', 4]), vi('b', FLOAT, ['N', 4])],
    output: [vi('out', FLOAT, ['N', 4])],
  });
}

/* ------------------------------------------------------------------ message-level mutations */

export const HOSTILE_IDENTIFIERS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'then'];

export const HOSTILE_NAMES = [
  ...HOSTILE_IDENTIFIERS,
  'a\nb',
  '\n',
  'line one\r\nline two',
  'nul\u0000byte',
  '\u0000',
  'bell\u0007esc\u001b[31mred',
  '\u2028sep\u2029',
  'x'.repeat(10_000),
  '../../etc/passwd',
  ' ',
  '"quoted"',
  '\ud800',
];

/** Decoded ModelProto copies: Uint8Array payloads survive structuredClone. */
export const clone = <T>(m: T): T => structuredClone(m);

/** A decoded model with every byte payload copied out of the file's buffer (so clones stay small). */
export function detach(m: Loose): Loose {
  if (m instanceof Uint8Array) return copy(m);
  if (Array.isArray(m)) return m.map(detach);
  if (m && typeof m === 'object') return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, detach(v)]));
  return m;
}

/** Nodes of the main graph (created when missing). */
const nodesOf = (m: Loose): Loose[] => (m.graph.node ??= []);
const pickIn = (xs: Loose[], f: number): Loose | undefined => xs[at(f, xs.length)];

/** Renames value `from` everywhere it appears: the main graph and the subgraphs that may read it from there. */
export function renameValue(m: Loose, from: string, to: string): void {
  const inGraph = (g: Loose): void => {
    for (const n of g.node ?? []) {
      n.input = (n.input ?? []).map((v: string) => (v === from ? to : v));
      n.output = (n.output ?? []).map((v: string) => (v === from ? to : v));
      for (const a of n.attribute ?? []) {
        if (a.g) inGraph(a.g);
        for (const sub of a.graphs ?? []) inGraph(sub);
      }
    }
    for (const list of [g.initializer, g.input, g.output, g.valueInfo]) for (const x of list ?? []) if (x.name === from) x.name = to;
  };
  inGraph(m.graph);
}

/** Every value name of the main graph: node inputs and outputs, initializers, inputs, outputs. */
export function valueNames(m: Loose): string[] {
  const g = m.graph;
  const names = new Set<string>();
  for (const n of g.node ?? []) for (const v of [...(n.input ?? []), ...(n.output ?? [])]) if (v) names.add(v);
  for (const list of [g.initializer, g.input, g.output]) for (const x of list ?? []) if (x.name) names.add(x.name);
  return [...names];
}

export interface MsgMutation {
  kind: string;
  apply: (m: Loose) => Loose;
  /** The mutated model is as valid as the seed: it must analyse (exit 0) to the same totals. */
  harmless?: boolean;
}

const mut = (kind: string, fn: (m: Loose) => void, harmless = false): MsgMutation => ({
  kind,
  harmless,
  apply: (m: Loose) => {
    const c = clone(m);
    fn(c);
    return c;
  },
});

const nameArb = fc.constantFrom(...HOSTILE_NAMES);
/** A lone surrogate has no UTF-8 form: the encoder writes invalid UTF-8, and the file is no longer valid. */
const wellFormed = (s: string): boolean => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
const identArb = fc.constantFrom(...HOSTILE_IDENTIFIERS);
const show = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 20)}...(${s.length} chars)` : s);

/** Family 3: graph structure and hostile names. */
export function structureArb(): fc.Arbitrary<MsgMutation> {
  return fc.oneof(
    fc.tuple(unit, unit).map(([a, b]) =>
      mut(`cycle: a node reads the output of a node at or after it (${a.toFixed(2)}, ${b.toFixed(2)})`, (m) => {
        const ns = nodesOf(m);
        const i = at(a, ns.length);
        const j = i + at(b, ns.length - i);
        if (ns[i] && ns[j]?.output?.[0]) ns[i].input = [ns[j].output[0], ...(ns[i].input ?? []).slice(1)];
      }),
    ),
    unit.map((a) =>
      mut(`cycle of two nodes reading each other (${a.toFixed(2)})`, (m) => {
        const ns = nodesOf(m);
        const i = at(a, ns.length - 1);
        if (ns[i + 1]?.output?.[0] && ns[i]?.output?.[0]) {
          ns[i].input = [ns[i + 1].output[0], ...(ns[i].input ?? []).slice(1)];
          ns[i + 1].input = [ns[i].output[0], ...(ns[i + 1].input ?? []).slice(1)];
        }
      }),
    ),
    fc.tuple(unit, fc.constantFrom('nobody_makes_this', '', ...HOSTILE_IDENTIFIERS)).map(([a, v]) =>
      mut(`node reads ${show(v)}, which nobody produces (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        if (n) n.input = [...(n.input ?? []), v];
      }),
    ),
    fc.tuple(unit, unit).map(([a, b]) =>
      mut(`two nodes write the same output (${a.toFixed(2)}, ${b.toFixed(2)})`, (m) => {
        const ns = nodesOf(m);
        const x = pickIn(ns, a);
        const y = pickIn(ns, b);
        if (x?.output?.[0] && y) y.output = [x.output[0], ...(y.output ?? []).slice(1)];
      }),
    ),
    unit.map((a) =>
      mut(`a node writes a graph input (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        const input = m.graph.input?.[0]?.name;
        if (n && input) n.output = [input];
      }),
    ),
    fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) =>
      mut(
        `nodes shuffled (seed ${seed})`,
        (m) => {
          const ns = nodesOf(m);
          let s = seed;
          for (let i = ns.length - 1; i > 0; i--) {
            s = (s * 1103515245 + 12345) % 2 ** 31;
            const j = s % (i + 1);
            [ns[i], ns[j]] = [ns[j], ns[i]];
          }
        },
        true,
      ),
    ),
    fc.constant(mut('nodes reversed', (m) => nodesOf(m).reverse(), true)),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(
        `value renamed to ${show(name)} everywhere (${a.toFixed(2)})`,
        (m) => {
          const names = valueNames(m);
          const from = pickIn(names, a);
          if (from !== undefined && !names.includes(name)) renameValue(m, from, name);
        },
        wellFormed(name),
      ),
    ),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(
        `node renamed to ${show(name)} (${a.toFixed(2)})`,
        (m) => {
          const n = pickIn(nodesOf(m), a);
          if (n) n.name = name;
        },
        wellFormed(name),
      ),
    ),
    nameArb.map((name) =>
      mut(
        `every node named ${show(name)}`,
        (m) => {
          for (const n of nodesOf(m)) n.name = name;
        },
        wellFormed(name),
      ),
    ),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(`graph renamed to ${show(name)} and a node to ${show(name)} (${a.toFixed(2)})`, (m) => {
        m.graph.name = name;
        const n = pickIn(nodesOf(m), a);
        if (n) n.name = name;
      }, wellFormed(name)),
    ),
    fc.tuple(unit, fc.constantFrom('', ' ', 'NoSuchOp', 'conv', 'Conv ', ...HOSTILE_NAMES)).map(([a, op]) =>
      mut(`op_type set to ${show(op)} (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        if (n) n.opType = op;
      }),
    ),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(`node named ${show(name)} loses its op_type (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        if (n) Object.assign(n, { name, opType: '' });
      }),
    ),
    fc.tuple(unit, fc.constantFrom('com.nobody', 'ai.onnx.ml', 'com.microsoft', 'ai.onnx', ...HOSTILE_NAMES)).map(([a, domain]) =>
      mut(`node domain set to ${show(domain)} (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        if (n) n.domain = domain;
      }),
    ),
    fc.tuple(nameArb, fc.constantFrom(-1, 0, 1, 10_000, 2 ** 31, 1e15)).map(([domain, version]) =>
      mut(`opset import of domain ${show(domain)} version ${version}, and a node of it`, (m) => {
        m.opsetImport = [...(m.opsetImport ?? []), { domain, version }];
        const n = nodesOf(m)[0];
        if (n) n.domain = domain;
      }),
    ),
    fc.constantFrom(-1, 0, 1, 7, 99, 1000, 1e15, 2 ** 31).map((v) =>
      mut(`default opset version ${v}`, (m) => {
        m.opsetImport = [{ domain: '', version: v }, ...(m.opsetImport ?? []).filter((o: Loose) => o.domain)];
      }),
    ),
    fc.constantFrom(-1, 0, 1, 3, 11, 1e15).map((v) => mut(`ir_version ${v}`, (m) => (m.irVersion = v))),
    fc.tuple(unit, nameArb, fc.constantFrom('i', 'ints', 'f', 's', 'g')).map(([a, name, field]) =>
      mut(`node gets an attribute named ${show(name)} (${field}) (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        if (!n) return;
        const body: Loose =
          field === 'i' ? attr.int(name, 1) : field === 'ints' ? attr.ints(name, [1, 2]) : field === 'f' ? attr.float(name, 1) : field === 's' ? attr.str(name, name) : attr.graph(name, { name, node: [] });
        n.attribute = [...(n.attribute ?? []), body];
      }),
    ),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(`a node's attributes renamed to ${show(name)} (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m).filter((x: Loose) => x.attribute?.length), a);
        for (const x of n?.attribute ?? []) x.name = name;
      }),
    ),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(`initializer renamed to ${show(name)}, its readers not (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (t) t.name = name;
      }),
    ),
    fc.tuple(unit, identArb).map(([a, name]) =>
      mut(`two initializers named ${show(name)} (${a.toFixed(2)})`, (m) => {
        const ts = m.graph.initializer ?? [];
        const t = pickIn(ts, a);
        if (t) ts.push({ ...clone(t), name }, { ...clone(t), name });
      }),
    ),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(`graph input renamed to ${show(name)}, its readers not (${a.toFixed(2)})`, (m) => {
        const v = pickIn(m.graph.input ?? [], a);
        if (v) v.name = name;
      }),
    ),
    nameArb.map((name) =>
      mut(`graph output ${show(name)} that nobody produces`, (m) => {
        m.graph.output = [...(m.graph.output ?? []), vi(name, FLOAT, [1])];
      }),
    ),
    fc.constant(mut('the graph input listed twice', (m) => (m.graph.input = [...(m.graph.input ?? []), ...(m.graph.input ?? [])]))),
    fc.constant(mut('no graph inputs', (m) => (m.graph.input = []))),
    fc.constant(mut('no graph outputs', (m) => (m.graph.output = []))),
    fc.constant(mut('no nodes', (m) => (m.graph.node = []))),
    fc.constant(mut('no initializers', (m) => (m.graph.initializer = []))),
    fc.constant(mut('no graph', (m) => delete m.graph)),
    fc.constant(mut('an empty graph', (m) => (m.graph = {}))),
    unit.map((a) =>
      mut(`a node with no inputs and no outputs (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        if (n) Object.assign(n, { input: [], output: [] });
      }),
    ),
    unit.map((a) =>
      mut(`a node with 1000 empty outputs (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m), a);
        if (n) n.output = [...(n.output ?? []), ...Array.from({ length: 1000 }, () => '')];
      }),
    ),
  );
}

/** A chain of `count` Relu nodes after the seed's first input. */
export function reluChain(m: Loose, count: number): Loose {
  const c = clone(m);
  const x = c.graph.input?.[0]?.name ?? 'x';
  c.graph.node = Array.from({ length: count }, (_, i) => node('Relu', [i === 0 ? x : `v${i - 1}`], [`v${i}`]));
  c.graph.output = [vi(`v${count - 1}`, FLOAT, null)];
  return c;
}

/** `count` Relu nodes all reading the seed's first input: one value with `count` consumers. */
export function wideFanOut(m: Loose, count: number): Loose {
  const c = clone(m);
  const x = c.graph.input?.[0]?.name ?? 'x';
  c.graph.node = Array.from({ length: count }, (_, i) => node('Relu', [x], [`w${i}`]));
  return c;
}

/* ------------------------------------------------------------------ dims and attributes */

/** Dims that are no size: huge, past 2^53, negative, zero, overflowing products, too many. */
const BAD_DIMS: { name: string; dims: Loose[] }[] = [
  { name: '[1e12]', dims: [1e12] },
  { name: '[2^53+1]', dims: [int64(2n ** 53n + 1n)] },
  { name: '[2^63-1]', dims: [int64(2n ** 63n - 1n)] },
  { name: '[-1]', dims: [-1] },
  { name: '[-2^63]', dims: [int64(-(2n ** 63n))] },
  { name: '[0]', dims: [0] },
  { name: '[0, 1e12]', dims: [0, 1e12] },
  { name: '[2^31, 2^31, 2^31] (product 2^93)', dims: [2 ** 31, 2 ** 31, 2 ** 31] },
  { name: '[2^26, 2^26] (product 2^52)', dims: [2 ** 26, 2 ** 26] },
  { name: '[2^27, 2^27] (product 2^54)', dims: [2 ** 27, 2 ** 27] },
  { name: '70 dims of 1', dims: Array.from({ length: 70 }, () => 1) },
  { name: '[] (a scalar)', dims: [] },
  { name: '[1, 1, 1, 1, 1]', dims: [1, 1, 1, 1, 1] },
];

const ATTR_NAMES = ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'axis', 'transA', 'transB', 'auto_pad', 'ceil_mode', 'allowzero', 'perm', 'axes', 'alpha'];
const BAD_INTS: Loose[][] = [[0], [-1], [1e9], [1e9, 1e9], [0, 0], [-1, -1], [1, 2, 3, 4, 5], [], [2 ** 31, 2 ** 31], [int64(2n ** 63n - 1n), 1], [1e15, 1e15, 1e15, 1e15]];
const BAD_INT: Loose[] = [0, -1, 1e9, 3, 2 ** 31, int64(2n ** 63n - 1n), int64(-(2n ** 63n))];
const RESHAPES: number[][] = [[-1, -1], [0, 0, 0], [-1, 0, -1], [1e12, 1e12], [-5], [], [0], [0, -1], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [2 ** 31, -1], [3, -1], [-1, 7]];
const HUGE_INPUT_DIMS: (number | string | Loose)[][] = [
  [1e9, 3, 8, 8],
  [1, 3, 1e9, 1e9],
  [1e9, 1e9, 1e9, 1e9],
  [2 ** 31, 2 ** 31, 2 ** 31, 2 ** 31],
  [int64(2n ** 53n + 1n), 3, 8, 8],
  [-5, 3, 8, 8],
  [0, 3, 8, 8],
  [1, 0, 0, 0],
  [1, 3],
  [1, 3, 8, 8, 8, 8, 8],
];

/** A Reshape's shape input, wherever the file keeps it (initializer or Constant node). */
function setReshapeShape(m: Loose, values: number[]): void {
  const g = m.graph;
  for (const n of g.node ?? []) {
    if (n.opType !== 'Reshape' || !n.input?.[1]) continue;
    const name = n.input[1];
    const fresh = i64(name, values);
    const ts = g.initializer ?? [];
    const ti = ts.findIndex((t: Loose) => t.name === name);
    if (ti >= 0) ts[ti] = fresh;
    for (const c of g.node) if (c.opType === 'Constant' && c.output?.[0] === name) c.attribute = [attr.tensor('value', fresh)];
  }
}

/** Family 4: initializer dims and data, op attributes, Reshape targets, graph input dims. */
export function dimsArb(): fc.Arbitrary<MsgMutation> {
  return fc.oneof(
    fc.tuple(unit, fc.constantFrom(...BAD_DIMS), fc.boolean()).map(([a, d, keepData]) =>
      mut(`initializer dims ${d.name}${keepData ? '' : ', no data'} (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (!t) return;
        t.dims = d.dims;
        if (!keepData) for (const k of ['rawData', 'floatData', 'int64Data', 'int32Data', 'doubleData']) delete t[k];
      }),
    ),
    fc.tuple(unit, fc.constantFrom(...BAD_DIMS), nameArb).map(([a, d, name]) =>
      mut(`initializer named ${show(name)} has dims ${d.name} (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (t) Object.assign(t, { name, dims: d.dims });
      }),
    ),
    fc.tuple(unit, fc.constantFrom(-4096, -1, 1, 7, 4096, 1 << 20)).map(([a, delta]) =>
      mut(`initializer raw_data ${delta > 0 ? '+' : ''}${delta} bytes (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (!t) return;
        const raw: Uint8Array = t.rawData ?? new Uint8Array(0);
        const n = Math.max(0, raw.length + delta);
        const next = new Uint8Array(n);
        next.set(raw.subarray(0, Math.min(n, raw.length)));
        t.rawData = next;
      }),
    ),
    fc.tuple(unit, nameArb).map(([a, name]) =>
      mut(`initializer named ${show(name)} holds too few values (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (!t) return;
        t.name = name;
        t.rawData = new Uint8Array(3);
      }),
    ),
    fc.tuple(unit, fc.constantFrom(-1, 0, 8, 14, 15, 23, 99, 2 ** 31 - 1)).map(([a, dt]) =>
      mut(`initializer data_type ${dt} (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (t) t.dataType = dt;
      }),
    ),
    fc.tuple(unit, fc.constantFrom({ begin: 0, end: 1 }, { begin: int64(2n ** 62n), end: -1 })).map(([a, segment]) =>
      mut(`initializer with a segment (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (t) t.segment = segment;
      }),
    ),
    fc.tuple(unit, fc.constantFrom(...BAD_DIMS)).map(([a, d]) =>
      mut(`sparse initializer with dims ${d.name} (${a.toFixed(2)})`, (m) => {
        const t = pickIn(m.graph.initializer ?? [], a);
        if (!t) return;
        m.graph.initializer = m.graph.initializer.filter((x: Loose) => x !== t);
        m.graph.sparseInitializer = [{ values: { ...t, dims: [1] , rawData: new Uint8Array(4) }, indices: i64(`${t.name}_idx`, [0]), dims: d.dims }];
      }),
    ),
    fc.tuple(unit, fc.constantFrom(...ATTR_NAMES), fc.constantFrom(...BAD_INTS)).map(([a, name, ints]) =>
      mut(`attribute ${name} = ints ${JSON.stringify(ints)} on a node that has attributes (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m).filter((x: Loose) => x.attribute?.length || /Conv|Pool|Gemm|Reshape|Transpose|Softmax/.test(x.opType)), a);
        if (n) n.attribute = [...(n.attribute ?? []).filter((x: Loose) => x.name !== name), attr.ints(name, ints)];
      }),
    ),
    fc.tuple(unit, fc.constantFrom(...ATTR_NAMES), fc.constantFrom(...BAD_INT)).map(([a, name, i]) =>
      mut(`attribute ${name} = int ${JSON.stringify(i)} (${a.toFixed(2)})`, (m) => {
        const n = pickIn(nodesOf(m).filter((x: Loose) => x.attribute?.length || /Conv|Pool|Gemm|Reshape|Transpose|Softmax/.test(x.opType)), a);
        if (n) n.attribute = [...(n.attribute ?? []).filter((x: Loose) => x.name !== name), attr.int(name, i)];
      }),
    ),
    fc.tuple(fc.constantFrom('kernel_shape', 'strides', 'pads', 'dilations', 'group'), fc.oneof(fc.constantFrom(...BAD_INTS).map((v) => ({ ints: v })), fc.constantFrom(...BAD_INT).map((v) => ({ i: v })))).map(([name, v]) =>
      mut(`every Conv's ${name} = ${JSON.stringify(v)}`, (m) => {
        for (const n of nodesOf(m).filter((x: Loose) => x.opType === 'Conv' || x.opType === 'ConvTranspose')) {
          n.attribute = [...(n.attribute ?? []).filter((x: Loose) => x.name !== name), 'ints' in v ? attr.ints(name, v.ints) : attr.int(name, v.i)];
        }
      }),
    ),
    fc.tuple(fc.constantFrom('kernel_shape', 'strides', 'pads'), fc.constantFrom('float', 'string', 'graph', 'undefined-type')).map(([name, kind]) =>
      mut(`every Conv's ${name} of the wrong type (${kind})`, (m) => {
        for (const n of nodesOf(m).filter((x: Loose) => x.opType === 'Conv')) {
          const body = kind === 'float' ? attr.float(name, 3.5) : kind === 'string' ? attr.str(name, '3') : kind === 'graph' ? attr.graph(name, { node: [] }) : { name };
          n.attribute = [...(n.attribute ?? []).filter((x: Loose) => x.name !== name), body];
        }
      }),
    ),
    fc.constantFrom(...RESHAPES).map((shape) => mut(`every Reshape to ${JSON.stringify(shape)}`, (m) => setReshapeShape(m, shape))),
    fc.tuple(nameArb, fc.constantFrom(...RESHAPES)).map(([name, shape]) =>
      mut(`every node named ${show(name)}, every Reshape to ${JSON.stringify(shape)}`, (m) => {
        for (const n of nodesOf(m)) n.name = name;
        setReshapeShape(m, shape);
      }),
    ),
    fc.tuple(nameArb, fc.constantFrom(...BAD_INTS)).map(([name, ints]) =>
      mut(`every node named ${show(name)}, every Conv's kernel_shape ${JSON.stringify(ints)}`, (m) => {
        for (const n of nodesOf(m)) {
          n.name = name;
          if (n.opType === 'Conv') n.attribute = [...(n.attribute ?? []).filter((x: Loose) => x.name !== 'kernel_shape'), attr.ints('kernel_shape', ints)];
        }
      }),
    ),
    fc.tuple(nameArb, unit).map(([name, a]) =>
      mut(`graph input named ${show(name)} everywhere, with dims 1e9 (${a.toFixed(2)})`, (m) => {
        const v = pickIn(m.graph.input ?? [], a);
        if (!v) return;
        renameValue(m, v.name, name);
        v.type = { tensorType: { elemType: v.type?.tensorType?.elemType ?? FLOAT, shape: dims(...(v.type?.tensorType?.shape?.dim ?? [{}]).map(() => 1e9)) } };
      }),
    ),
    fc.tuple(fc.constantFrom(...HUGE_INPUT_DIMS), unit).map(([ds, a]) =>
      mut(`graph input dims ${JSON.stringify(ds.map((d) => (typeof d === 'object' ? '2^53+1' : d)))} (${a.toFixed(2)})`, (m) => {
        const v = pickIn(m.graph.input ?? [], a);
        if (v) v.type = { tensorType: { elemType: v.type?.tensorType?.elemType ?? FLOAT, shape: { dim: ds.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } };
      }),
    ),
    fc.constantFrom(1e9, 2 ** 40).map((d) =>
      mut(`every graph input and value_info dim ${d}`, (m) => {
        for (const v of [...(m.graph.input ?? []), ...(m.graph.valueInfo ?? []), ...(m.graph.output ?? [])]) {
          const shape = v.type?.tensorType?.shape;
          if (shape?.dim) shape.dim = shape.dim.map(() => ({ dimValue: d }));
        }
      }),
    ),
    fc.constant(
      mut('graph input of 70 dims', (m) => {
        const v = m.graph.input?.[0];
        if (v) v.type = { tensorType: { elemType: FLOAT, shape: dims(...Array.from({ length: 70 }, () => 2)) } };
      }),
    ),
  );
}

/* ------------------------------------------------------------------ nesting past the limits */

const msgType = (name: string) => modelProtoType().root.lookupType(`onnx.${name}`);
const encodeAs = (name: string, obj: Loose): Uint8Array => msgType(name).encode(obj).finish();

/**
 * Messages nested `levels.length` deep without recursion in the builder (protobufjs' own
 * encoder stops at 100 levels): each level is a header (its other fields, already
 * encoded) and the field number under which the next level sits; `core` is the innermost
 * message. The outermost level is the ModelProto itself (not length-prefixed).
 */
export function nestBytes(levels: { header: Uint8Array; childField: number }[], core: Uint8Array): Uint8Array {
  // Sizes from the inside out: the length of the message at each level.
  const sizes = new Array<number>(levels.length);
  let inner = core.length;
  for (let i = levels.length - 1; i >= 0; i--) {
    const child = varint(BigInt(levels[i].childField * 8 + 2)).length + varint(BigInt(inner)).length + inner;
    sizes[i] = levels[i].header.length + child;
    inner = sizes[i];
  }
  const parts: Uint8Array[] = [];
  for (let i = 0; i < levels.length; i++) {
    parts.push(levels[i].header);
    const childSize = i + 1 < levels.length ? sizes[i + 1] : core.length;
    parts.push(varint(BigInt(levels[i].childField * 8 + 2)), varint(BigInt(childSize)));
  }
  parts.push(core);
  return concat(parts);
}

const modelHeader = (extra: Loose = {}) => encodeAs('ModelProto', { irVersion: 8, producerName: 'onnx-fuzz', opsetImport: [{ domain: '', version: 17 }], ...extra });

/** x [1,4] float, cond bool: If nodes `depth` deep, each then_branch holding the next If. */
export function nestedIf(depth: number): Uint8Array {
  const leaf = (k: string) => ({ name: `leaf_${k}`, node: [node('Relu', ['x'], [`leaf_${k}_out`])], output: [vi(`leaf_${k}_out`, FLOAT, [1, 4])] });
  const levels: { header: Uint8Array; childField: number }[] = [
    { header: modelHeader(), childField: 7 },
    // main graph: inputs and output; its node (the outermost If) is the child
    { header: encodeAs('GraphProto', { name: 'main', input: [vi('x', FLOAT, [1, 4]), vi('cond', BOOL, [])], output: [vi(`o${depth}`, FLOAT, [1, 4])] }), childField: 1 },
  ];
  for (let k = depth; k >= 1; k--) {
    levels.push({ header: encodeAs('NodeProto', { name: `if${k}`, opType: 'If', input: ['cond'], output: [`o${k}`], attribute: [attr.graph('else_branch', leaf(`e${k}`))] }), childField: 5 });
    levels.push({ header: encodeAs('AttributeProto', { name: 'then_branch', type: 5 }), childField: 6 });
    if (k > 1) levels.push({ header: encodeAs('GraphProto', { name: `then${k}`, output: [vi(`o${k - 1}`, FLOAT, [1, 4])] }), childField: 1 });
  }
  // The innermost then_branch: a leaf graph whose output is o0 ... named as the If at level 1 expects.
  const core = encodeAs('GraphProto', { name: 'then1', node: [node('Relu', ['x'], ['o0'])], output: [vi('o0', FLOAT, [1, 4])] });
  return nestBytes(levels, core);
}

/** Loop nodes `depth` deep, each body holding the next Loop. */
export function nestedLoop(depth: number): Uint8Array {
  const bodyHeader = (k: number) =>
    encodeAs('GraphProto', {
      name: `body${k}`,
      node: [node('Identity', [`c_in${k}`], [`c_out${k}`])],
      input: [vi(`i${k}`, INT64, []), vi(`c_in${k}`, BOOL, []), vi(`v_in${k}`, FLOAT, [1, 4])],
      output: [vi(`c_out${k}`, BOOL, []), vi(`v_out${k}`, FLOAT, [1, 4])],
    });
  const levels: { header: Uint8Array; childField: number }[] = [
    { header: modelHeader(), childField: 7 },
    {
      header: encodeAs('GraphProto', { name: 'main', input: [vi('x', FLOAT, [1, 4]), vi('trip', INT64, []), vi('cond', BOOL, [])], output: [vi('y', FLOAT, [1, 4])] }),
      childField: 1,
    },
  ];
  // Loop at level k reads v (the enclosing body's v_in, or x) and writes the enclosing body's v_out (or y).
  for (let k = depth; k >= 1; k--) {
    const v = k === depth ? 'x' : `v_in${k + 1}`;
    const out = k === depth ? 'y' : `v_out${k + 1}`;
    levels.push({ header: encodeAs('NodeProto', { name: `loop${k}`, opType: 'Loop', input: ['trip', 'cond', v], output: [out] }), childField: 5 });
    levels.push({ header: encodeAs('AttributeProto', { name: 'body', type: 5 }), childField: 6 });
    if (k > 1) levels.push({ header: bodyHeader(k), childField: 1 });
  }
  const core = encodeAs('GraphProto', {
    name: 'body1',
    node: [node('Identity', ['c_in1'], ['c_out1']), node('Relu', ['v_in1'], ['v_out1'])],
    input: [vi('i1', INT64, []), vi('c_in1', BOOL, []), vi('v_in1', FLOAT, [1, 4])],
    output: [vi('c_out1', BOOL, []), vi('v_out1', FLOAT, [1, 4])],
  });
  return nestBytes(levels, core);
}

/** A model whose graph is a call of `call` (domain 'local') and whose functions are `fns`. */
export function withFunctions(call: string, fns: Loose[], opts: { calls?: number } = {}): Uint8Array {
  const calls = opts.calls ?? 1;
  const nodes = Array.from({ length: calls }, (_, i) => node(call, [i === 0 ? 'x' : `y${i - 1}`], [`y${i}`], [], { domain: 'local', name: `call${i}` }));
  return encode(
    model(
      { name: 'fn', node: nodes, input: [vi('x', FLOAT, [1, 4])], output: [vi(`y${calls - 1}`, FLOAT, [1, 4])] },
      { opsetImport: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }], functions: fns },
    ),
  );
}

export const fn = (name: string, nodes: Loose[], extra: Loose = {}): Loose => ({
  name,
  domain: 'local',
  input: ['x'],
  output: ['y'],
  node: nodes,
  opsetImport: [{ domain: '', version: 17 }, { domain: 'local', version: 1 }],
  ...extra,
});

/** f0 calls f1 twice, ... f(depth-1) calls f(depth) twice, f(depth) is a Relu: 2^depth nodes if inlined. */
export function fanOut(depth: number): Uint8Array {
  const fns: Loose[] = [];
  for (let k = 0; k < depth; k++) {
    fns.push(fn(`f${k}`, [node(`f${k + 1}`, ['x'], ['a'], [], { domain: 'local' }), node(`f${k + 1}`, ['a'], ['y'], [], { domain: 'local' })]));
  }
  fns.push(fn(`f${depth}`, [node('Relu', ['x'], ['y'])]));
  return withFunctions('f0', fns);
}

/* ------------------------------------------------------------------ small files that describe huge tensors */

/** One graph: input x [1,4] float, the given nodes and initializers, output `out` (undeclared shape). */
const graphOf = (nodes: Loose[], inits: Loose[] = [], out = 'out'): Uint8Array =>
  encode(model({ name: 'bomb', node: nodes, initializer: inits, input: [vi('x', FLOAT, [1, 4])], output: [vi(out, FLOAT, null)] }));

const scalarI64 = (name: string, v: number): Loose => i64(name, [v], []);

/** Ops whose outputs a tiny file can make enormous: analysis must size them, never build them. */
export function opBombs(): [string, Uint8Array][] {
  const doublings = (n: number): Loose[] => [
    node('Shape', ['x'], ['c0']),
    ...Array.from({ length: n }, (_, i) => node('Concat', [`c${i}`, `c${i}`], [i === n - 1 ? 'out' : `c${i + 1}`], [attr.int('axis', 0)])),
  ];
  return [
    ['Range 0 to 1e9 by 1', graphOf([node('Range', ['s', 'l', 'd'], ['out'])], [scalarI64('s', 0), scalarI64('l', 1e9), scalarI64('d', 1)])],
    ['Range 0 to 2^53 by 1', graphOf([node('Range', ['s', 'l', 'd'], ['out'])], [scalarI64('s', 0), scalarI64('l', 2 ** 53), scalarI64('d', 1)])],
    ['Range 0 to 1 by 1e-300 (double)', graphOf([node('Range', ['s', 'l', 'd'], ['out'])], [{ name: 's', dims: [], dataType: 11, doubleData: [0] }, { name: 'l', dims: [], dataType: 11, doubleData: [1] }, { name: 'd', dims: [], dataType: 11, doubleData: [1e-300] }])],
    ['Range by 0', graphOf([node('Range', ['s', 'l', 'd'], ['out'])], [scalarI64('s', 0), scalarI64('l', 10), scalarI64('d', 0)])],
    ['ConstantOfShape [1e9, 1e9]', graphOf([node('ConstantOfShape', ['shape'], ['out'])], [i64('shape', [1e9, 1e9])])],
    ['ConstantOfShape [65536] then Shape, Concat x 30', graphOf([node('ConstantOfShape', ['shape'], ['k']), node('Shape', ['k'], ['c0']), ...doublings(30).slice(1)], [i64('shape', [65536])])],
    ['ConstantOfShape of a 1,000-element shape of ones', graphOf([node('ConstantOfShape', ['shape'], ['out'])], [i64('shape', Array.from({ length: 1000 }, () => 1))])],
    ['Expand x to [1e9, 1e9, 4]', graphOf([node('Expand', ['x', 'shape'], ['out'])], [i64('shape', [1e9, 1e9, 4])])],
    ['Tile x by [1e9, 1e9]', graphOf([node('Tile', ['x', 'rep'], ['out'])], [i64('rep', [1e9, 1e9])])],
    ['Tile x by [2^40, 2^40] (product past 2^53)', graphOf([node('Tile', ['x', 'rep'], ['out'])], [i64('rep', [2 ** 40, 2 ** 40])])],
    ['Shape doubled by Concat 40 times (2^41 elements)', graphOf(doublings(40))],
    ['Reshape x to 100,000 dims of 1', graphOf([node('Reshape', ['x', 'shape'], ['out'])], [i64('shape', [...Array.from({ length: 99_998 }, () => 1), 1, 4])])],
    ['Pad x by 1e9 each side', graphOf([node('Pad', ['x', 'pads'], ['out'])], [i64('pads', [1e9, 1e9, 1e9, 1e9])])],
    ['Resize x by scales 1e9', graphOf([node('Resize', ['x', '', 'scales'], ['out'])], [{ name: 'scales', dims: [2], dataType: FLOAT, floatData: [1e9, 1e9] }])],
    ['Resize x by scales 1e38', graphOf([node('Resize', ['x', '', 'scales'], ['out'])], [{ name: 'scales', dims: [2], dataType: FLOAT, floatData: [1e38, 1e38] }])],
    ['Upsample x by scales Infinity', graphOf([node('Upsample', ['x', 'scales'], ['out'])], [{ name: 'scales', dims: [2], dataType: FLOAT, floatData: [Infinity, NaN] }])],
    ['OneHot of depth 1e9', graphOf([node('OneHot', ['idx', 'depth', 'vals'], ['out'])], [i64('idx', [0, 1]), scalarI64('depth', 1e9), f32('vals', [2])])],
    ['Einsum with a 10,000-letter equation', graphOf([node('Einsum', ['x'], ['out'], [attr.str('equation', `${'ab'.repeat(5000)}->`)])])],
    ['Einsum with 10,000 ellipses', graphOf([node('Einsum', ['x'], ['out'], [attr.str('equation', '...'.repeat(10_000))])])],
    ['Einsum with a hostile equation', graphOf([node('Einsum', ['x', 'x'], ['out'], [attr.str('equation', 'ij,jk->ik\n\u001b[2J')])])],
    ['Gather with 1e6 constant indices', graphOf([node('Gather', ['x', 'idx'], ['out'], [attr.int('axis', 1)])], [i64('idx', Array.from({ length: 1_000_000 }, () => 0))])],
    ['Slice with steps 0', graphOf([node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['out'])], [i64('st', [0]), i64('en', [4]), i64('ax', [1]), i64('sp', [0])])],
    ['Slice with ends 2^63-1 and steps -2^63', graphOf([node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['out'])], [i64('st', [0]), { ...i64('en', [0]), int64Data: [int64(2n ** 63n - 1n)] }, i64('ax', [1]), { ...i64('sp', [0]), int64Data: [int64(-(2n ** 63n))] }])],
    ['Transpose with perm of 1e6 entries', graphOf([node('Transpose', ['x'], ['out'], [attr.ints('perm', Array.from({ length: 1_000_000 }, (_, i) => i))])])],
    ['Split into 1e9 outputs by attribute', graphOf([node('Split', ['x'], ['out'], [attr.int('axis', 1), attr.int('num_outputs', 1e9)])])],
    ['MaxPool with kernel 1e9 and strides 0', graphOf([node('MaxPool', ['x'], ['out'], [attr.ints('kernel_shape', [1e9]), attr.ints('strides', [0])])])],
    ['Conv with group 0 and no weights', graphOf([node('Conv', ['x', 'nobody'], ['out'], [attr.int('group', 0)])])],
  ];
}
