/**
 * Mutations of valid model files for the property-based test: each turns a valid
 * model.json into something a careless or hostile writer could produce.
 */
import fc from 'fast-check';

type Json = unknown;
type Path = (string | number)[];

/** Every path to a value inside a JSON document (the root excluded). */
export function paths(doc: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(doc)) doc.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (doc && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) out.push([...prefix, k]), paths(v, [...prefix, k], out);
  }
  return out;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function parentOf(doc: Json, path: Path): Record<string | number, unknown> {
  let at = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  return at;
}

/** Layer objects of a Keras / tfjs topology, wherever the writer nested them. */
function layersOf(doc: Json): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.class_name === 'string' && typeof o.name === 'string' && o.config) found.push(o);
      Object.values(o).forEach(walk);
    }
  };
  walk(doc);
  return found;
}

const WRONG_VALUES: Json[] = [null, 'x', '', true, 0, -1, 1e9, -1e9, 1e308, 0.5, [], {}, [[[]]], { __proto__: { polluted: true } }];

export interface Mutation {
  kind: string;
  /** The file text after the mutation. */
  apply: (doc: Json, text: string) => string;
}

export function mutationArb(doc: Json): fc.Arbitrary<Mutation> {
  const allPaths = paths(doc);
  const layers = layersOf(doc).length;
  const at = fc.integer({ min: 0, max: Math.max(0, allPaths.length - 1) });
  const layerIdx = fc.integer({ min: 0, max: Math.max(0, layers - 1) });
  return fc.oneof(
    at.map((i) => ({
      kind: `drop ${allPaths[i]?.join('.')}`,
      apply: (d: Json) => {
        const c = clone(d);
        const p = allPaths[i];
        const parent = parentOf(c, p);
        if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
        else delete parent[p[p.length - 1]];
        return JSON.stringify(c);
      },
    })),
    fc.tuple(at, fc.constantFrom(...WRONG_VALUES)).map(([i, v]) => ({
      kind: `set ${allPaths[i]?.join('.')} = ${JSON.stringify(v)}`,
      apply: (d: Json) => {
        const c = clone(d);
        const p = allPaths[i];
        parentOf(c, p)[p[p.length - 1]] = clone(v);
        return JSON.stringify(c);
      },
    })),
    layerIdx.map((i) => ({
      kind: `__proto__ key in layer ${i}`,
      apply: (d: Json) => JSON.stringify(d).replace(/"class_name":/, '"__proto__": {"polluted": true}, "class_name":'),
    })),
    fc.tuple(layerIdx, layerIdx).map(([a, b]) => ({
      kind: `duplicate name: layer ${b} renamed as layer ${a}`,
      apply: (d: Json) => {
        const c = clone(d);
        const ls = layersOf(c);
        if (ls[a] && ls[b]) ls[b].name = ls[a].name;
        return JSON.stringify(c);
      },
    })),
    layerIdx.map((i) => ({
      kind: `dangling or cyclic inbound in layer ${i}`,
      apply: (d: Json) => {
        const c = clone(d);
        const ls = layersOf(c);
        const last = ls[ls.length - 1]?.name;
        // Point layer i's inbound at the last layer (a cycle) or at nothing (dangling).
        const text = JSON.stringify(ls[i]?.inbound_nodes ?? null);
        if (ls[i] && text !== 'null') ls[i].inbound_nodes = JSON.parse(text.replace(/\[\["[^"]*"/, `[["${i % 2 ? last : 'no_such_layer'}"`));
        return JSON.stringify(c);
      },
    })),
    fc.constantFrom('../../../../etc/passwd', '/etc/passwd', 'file:///etc/passwd', 'x/../../y.bin').map((p) => ({
      kind: `hostile weight path ${p}`,
      apply: (d: Json) => {
        const c = clone(d) as { weightsManifest?: { paths: string[] }[] };
        c.weightsManifest = [{ paths: [p], ...(c.weightsManifest?.[0] ?? {}), ...{ paths: [p] } }];
        return JSON.stringify(c);
      },
    })),
    fc.double({ min: 0, max: 1, noNaN: true }).map((f) => ({
      kind: `truncated at ${(f * 100).toFixed(0)}%`,
      apply: (_d: Json, text: string) => text.slice(0, Math.floor(text.length * f)),
    })),
    fc.string({ maxLength: 40 }).map((s) => ({ kind: `not JSON: ${JSON.stringify(s)}`, apply: () => s })),
  );
}

// ---------------------------------------------------------------------------------------
// Hostile families: prototype keys in every position, control characters, sizes and
// shapes that lie. Each case is a whole file (or a FIFO) and what dnarch must make of it.

/** Names that are properties of every object (or of every class). */
export const PROTOTYPE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype'];

/** What a case must give: the base's totals (the name is only a name), the totals without the layer it touches, or one line and exit 2. */
export type Expect = { exit: 0; params: number; macs: number } | { exit: 2 };

export interface HostileCase {
  label: string;
  /** File name and bytes (a .keras is a zip), or a FIFO. */
  name: string;
  bytes?: Uint8Array;
  fifo?: true;
  /** Files written beside it (weight shards). */
  beside?: [string, Uint8Array][];
  /** Run `export --onnx` instead of summarize (what reads a weightsManifest). */
  command?: 'export';
  expect?: Expect;
}

const te = new TextEncoder();
const json = (v: unknown): Uint8Array => te.encode(JSON.stringify(v));

/** Conv2D 3x3, 3 -> 4 channels, valid, on 8x8x3: 3*3*3*4 + 4 = 112 parameters, 6*6*4 * 27 = 3,888 MACs. */
const CONV = { params: 3 * 3 * 3 * 4 + 4, macs: 6 * 6 * 4 * 3 * 3 * 3 };
/**
 * On a 5x3 sequence: Bidirectional(LSTM(4, return_sequences)) = 2 x 4 gates x 4 x (3 + 4 + 1) = 256
 * parameters and 5 steps x 2 x 4 x 4 x (3 + 4) MACs, then RNN(LSTMCell(4)) on 8 features =
 * 4 x 4 x (8 + 4 + 1) = 208 parameters (a generic RNN has no cost rule: listed as unsupported, no MACs).
 */
const BIDI = { params: 2 * 4 * 4 * (3 + 4 + 1), macs: 5 * 2 * 4 * 4 * (3 + 4) };
const RNN = { params: BIDI.params + 4 * 4 * (8 + 4 + 1), macs: BIDI.macs };
/** The Bidirectional a stand-in (its output its input, 5x3): the RNN's cell sees 3 features. */
const CELL_ON_INPUT = { params: 4 * 4 * (3 + 4 + 1), macs: 0 };

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const convLayer = (): Doc => ({
  class_name: 'Conv2D',
  config: {
    name: 'conv', filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', activation: 'relu', use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null, kernel_constraint: null, dtype: 'float32',
  },
});
const convModel = (): Doc => ({
  class_name: 'Sequential',
  config: { name: 'seq', layers: [{ class_name: 'InputLayer', config: { name: 'input', batch_input_shape: [null, 8, 8, 3], dtype: 'float32' } }, convLayer()] },
});
const rnnModel = (): Doc => ({
  class_name: 'Sequential',
  config: {
    name: 'rnn',
    layers: [
      { class_name: 'InputLayer', config: { name: 'input', batch_input_shape: [null, 5, 3] } },
      { class_name: 'Bidirectional', config: { name: 'bidi', merge_mode: 'concat', layer: { class_name: 'LSTM', config: { name: 'lstm', units: 4, return_sequences: true, recurrent_activation: 'sigmoid' } } } },
      { class_name: 'RNN', config: { name: 'rnn_cell', cell: { class_name: 'LSTMCell', config: { name: 'cell', units: 4 } } } },
    ],
  },
});
const functionalModel = (): Doc => ({
  class_name: 'Functional',
  config: {
    name: 'fn',
    layers: [
      { class_name: 'InputLayer', name: 'input', config: { name: 'input', batch_input_shape: [null, 8, 8, 3] }, inbound_nodes: [] },
      { ...convLayer(), name: 'conv', inbound_nodes: [[['input', 0, 0, {}]]] },
    ],
    input_layers: [['input', 0, 0]],
    output_layers: [['conv', 0, 0]],
  },
});

const same = (t: { params: number; macs: number }): Expect => ({ exit: 0, ...t });
const refused: Expect = { exit: 2 };

/** Where a prototype key goes, and what the file must give then. */
const POSITIONS: { where: string; base: () => Doc; put: (d: Doc, k: string) => void; expect: Expect | ((k: string) => Expect) }[] = [
  { where: 'activation', base: convModel, put: (d, k) => (d.config.layers[1].config.activation = k), expect: same({ params: CONV.params, macs: CONV.macs }) },
  { where: 'activation (Keras 3 object)', base: convModel, put: (d, k) => (d.config.layers[1].config.activation = { class_name: 'function', config: k }), expect: same(CONV) },
  { where: 'initializer class', base: convModel, put: (d, k) => (d.config.layers[1].config.kernel_initializer = { class_name: k, config: {} }), expect: same(CONV) },
  { where: 'regularizer class', base: convModel, put: (d, k) => (d.config.layers[1].config.kernel_regularizer = { class_name: k, config: { l2: 0.1 } }), expect: same(CONV) },
  { where: 'constraint class', base: convModel, put: (d, k) => (d.config.layers[1].config.kernel_constraint = { class_name: k, config: {} }), expect: same(CONV) },
  { where: 'dtype', base: convModel, put: (d, k) => (d.config.layers[1].config.dtype = k), expect: same(CONV) },
  { where: 'dtype policy name', base: convModel, put: (d, k) => (d.config.layers[1].config.dtype = { class_name: 'DTypePolicy', config: { name: k } }), expect: same(CONV) },
  { where: 'config key (object)', base: convModel, put: (d, k) => Object.defineProperty(d.config.layers[1].config, k, { value: { a: 1 }, enumerable: true }), expect: same(CONV) },
  { where: 'config key (string)', base: convModel, put: (d, k) => Object.defineProperty(d.config.layers[1].config, k, { value: 'x', enumerable: true }), expect: same(CONV) },
  { where: 'layer entry key', base: convModel, put: (d, k) => Object.defineProperty(d.config.layers[1], k, { value: { polluted: true }, enumerable: true }), expect: same(CONV) },
  { where: 'top-level key', base: convModel, put: (d, k) => Object.defineProperty(d, k, { value: { polluted: true }, enumerable: true }), expect: same(CONV) },
  { where: 'layer class', base: convModel, put: (d, k) => (d.config.layers[1].class_name = k), expect: same({ params: 0, macs: 0 }) },
  { where: 'layer name', base: convModel, put: (d, k) => (d.config.layers[1].config.name = k), expect: refused },
  { where: 'nested model name', base: convModel, put: (d, k) => (d.config.layers = [d.config.layers[0], { class_name: 'Sequential', config: { name: k, layers: [convLayer()] } }]), expect: refused },
  { where: 'padding', base: convModel, put: (d, k) => (d.config.layers[1].config.padding = k), expect: refused },
  { where: 'model class', base: convModel, put: (d, k) => (d.class_name = k), expect: refused },
  { where: 'recurrent activation', base: rnnModel, put: (d, k) => (d.config.layers[1].config.layer.config.recurrent_activation = k), expect: same(RNN) },
  { where: 'Bidirectional layer class', base: rnnModel, put: (d, k) => (d.config.layers[1].config.layer.class_name = k), expect: same(CELL_ON_INPUT) },
  { where: 'Bidirectional layer name', base: rnnModel, put: (d, k) => (d.config.layers[1].config.layer.config.name = k), expect: refused },
  { where: 'Bidirectional merge_mode', base: rnnModel, put: (d, k) => (d.config.layers[1].config.merge_mode = k), expect: refused },
  { where: 'RNN cell class', base: rnnModel, put: (d, k) => (d.config.layers[2].config.cell.class_name = k), expect: same(BIDI) },
  { where: 'RNN cell name', base: rnnModel, put: (d, k) => (d.config.layers[2].config.cell.config.name = k), expect: refused },
  { where: 'inbound layer', base: functionalModel, put: (d, k) => (d.config.layers[1].inbound_nodes = [[[k, 0, 0, {}]]]), expect: refused },
  { where: 'output layer', base: functionalModel, put: (d, k) => (d.config.output_layers = [[k, 0, 0]]), expect: refused },
  { where: 'call kwargs key', base: functionalModel, put: (d, k) => Object.defineProperty(d.config.layers[1].inbound_nodes[0][0][3], k, { value: 1, enumerable: true }), expect: same(CONV) },
];

/** The same topology as a Keras to_json() file, a tfjs model.json (with a manifest naming a weight after the key) or a .keras archive. */
function wrap(doc: Doc, as: 'keras-json' | 'model.json' | 'keras', key: string, zip: (files: Record<string, Uint8Array>) => Uint8Array): { name: string; bytes: Uint8Array } {
  if (as === 'keras-json') return { name: 'model-to-json.json', bytes: json(doc) };
  if (as === 'model.json') {
    const manifest = [{ paths: ['absent.bin'], weights: [{ name: key, shape: [1], dtype: 'float32' }] }];
    return { name: 'model.json', bytes: json({ format: 'layers-model', modelTopology: { keras_version: '2.15.0', model_config: doc }, weightsManifest: manifest }) };
  }
  return { name: 'model.keras', bytes: zip({ 'config.json': json(doc), 'metadata.json': json({ keras_version: '3.5.0' }) }) };
}

/** Family: every prototype key in every position, as each file kind (the whole grid, in order). */
export function prototypeKeyCases(zip: (files: Record<string, Uint8Array>) => Uint8Array): HostileCase[] {
  return POSITIONS.flatMap((p) =>
    PROTOTYPE_KEYS.flatMap((k) =>
      (['keras-json', 'model.json', 'keras'] as const).map((as) => {
        const d = p.base();
        p.put(d, k);
        // JSON.stringify writes an own __proto__ key as any other (JSON.parse reads it back as an own key).
        return { label: `${p.where} = ${JSON.stringify(k)} in a ${as} file`, ...wrap(d, as, k, zip), expect: typeof p.expect === 'function' ? p.expect(k) : p.expect };
      }),
    ),
  );
}

/** Characters that would break a line or reorder it on a terminal. */
export const CONTROL_TEXTS = ['a\nb', 'a\r\nb', 'tab\there', 'esc\u001b[31mred\u001b[0m', 'bell\u0007', 'nul\u0000', 'del\u007f', 'c1\u0085next', 'csi\u009b2J', 'line\u2028sep', 'para\u2029sep', 'rlo\u202etxt.exe', 'lri\u2066x\u2069', 'lrm\u200e', 'alm\u061c'];

/** Family: control characters in class names, layer names, model names and config values. */
export function controlCharArb(): fc.Arbitrary<HostileCase> {
  const positions: [string, (d: Doc, s: string) => void, Expect][] = [
    ['layer class', (d, s) => (d.config.layers[1].class_name = s), same({ params: 0, macs: 0 })],
    // tfjs refuses weight names outside [A-Za-z0-9._/-]: one line, the name escaped.
    ['layer name', (d, s) => (d.config.layers[1].config.name = s), refused],
    ['model name', (d, s) => (d.config.name = s), same(CONV)],
    ['padding', (d, s) => (d.config.layers[1].config.padding = s), refused],
    ['model class', (d, s) => (d.class_name = s), refused],
    ['two layers of one class', (d, s) => (d.config.layers = [d.config.layers[0], { class_name: s, config: { name: 'x' } }, { class_name: s, config: { name: 'y' } }]), same({ params: 0, macs: 0 })],
  ];
  return fc.tuple(fc.constantFrom(...positions), fc.constantFrom(...CONTROL_TEXTS)).map(([[where, put, expect], s]) => {
    const d = convModel();
    put(d, s);
    return { label: `${where} = ${JSON.stringify(s)}`, name: 'model.json', bytes: json(d), expect };
  });
}

/** Family: Reshape targets and Concatenate axes, valid or not, each with its expected outcome computed here. */
export function shapeLieArb(): fc.Arbitrary<HostileCase> {
  const reshape = fc.array(fc.constantFrom(-1, 1, 2, 3, 4, 5, 6, 10, 15, 16), { minLength: 1, maxLength: 3 }).map((target): HostileCase => {
    // Input 5x3: 15 values.
    const open = target.filter((d) => d === -1).length;
    const fixed = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const fits = open === 0 ? fixed === 15 : open === 1 && 15 % fixed === 0;
    const doc = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 5, 3] } }, { class_name: 'Reshape', config: { name: 'r', target_shape: target } }] } };
    return { label: `Reshape 5x3 to ${JSON.stringify(target)}`, name: 'model.json', bytes: json(doc), expect: fits ? { exit: 0, params: 0, macs: 0 } : { exit: 2 } };
  });
  const concat = fc.integer({ min: -9, max: 9 }).map((axis): HostileCase => {
    const input = (name: string, c: number) => ({ class_name: 'InputLayer', name, config: { name, batch_input_shape: [null, 4, 4, c] }, inbound_nodes: [] });
    const doc = {
      class_name: 'Functional',
      config: {
        name: 'f',
        layers: [input('a', 2), input('b', 3), { class_name: 'Concatenate', name: 'c', config: { name: 'c', axis }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] }],
        input_layers: [['a', 0, 0], ['b', 0, 0]],
        output_layers: [['c', 0, 0]],
      },
    };
    // Only the channel axis differs (2 and 3): axis 3 or -1 fits, any other does not.
    return { label: `Concatenate 4x4x2 and 4x4x3 on axis ${axis}`, name: 'model.json', bytes: json(doc), expect: axis === 3 || axis === -1 ? { exit: 0, params: 0, macs: 0 } : { exit: 2 } };
  });
  const manifest = fc.constantFrom<unknown>([null], [{ paths: [], weights: [null] }], {}, 'x', [{ paths: null, weights: [] }], [{ paths: ['a.bin'], weights: [{ name: 'w', shape: null, dtype: 'float32' }] }]).map((m): HostileCase => ({
    label: `weightsManifest ${JSON.stringify(m)} (export)`,
    name: 'model.json',
    bytes: json({ format: 'layers-model', modelTopology: { model_config: convModel() }, weightsManifest: m }),
    command: 'export',
    expect: refused,
  }));
  // Wrappers without what they wrap, axes past the rank, a target that is no list: one line each.
  const seq = (shape: number[], layer: Doc) => ({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, ...shape] } }, layer] } });
  const broken = fc
    .constantFrom<[string, Doc]>(
      ['Bidirectional without its layer', seq([4, 4], { class_name: 'Bidirectional', config: { name: 'b' } })],
      ['Bidirectional of a string', seq([4, 4], { class_name: 'Bidirectional', config: { name: 'b', layer: 'LSTM' } })],
      ['TimeDistributed without its layer', seq([4, 4], { class_name: 'TimeDistributed', config: { name: 't', layer: null } })],
      ['RNN without its cell', seq([4, 4], { class_name: 'RNN', config: { name: 'r' } })],
      ['RNN of no cells', seq([4, 4], { class_name: 'RNN', config: { name: 'r', cell: [] } })],
      ['Reshape to null', seq([4, 4], { class_name: 'Reshape', config: { name: 'r', target_shape: null } })],
      ['Softmax on axis 7', seq([4, 4, 2], { class_name: 'Softmax', config: { name: 's', axis: 7 } })],
      ['Softmax on axes [1, -9]', seq([4, 4, 2], { class_name: 'Softmax', config: { name: 's', axis: [1, -9] } })],
    )
    .map(([label, doc]): HostileCase => ({ label, name: 'model.json', bytes: json(doc), expect: refused }));
  return fc.oneof(reshape, concat, manifest, broken);
}

/** Little-endian field writers for patching zips. */
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
function eocdAt(b: Uint8Array): number {
  let e = b.length - 22;
  while (dv(b).getUint32(e, true) !== 0x06054b50) e--;
  return e;
}
/** Offsets of every central-directory record and its local header. */
function records(b: Uint8Array): { cd: number; local: number; name: string }[] {
  const e = eocdAt(b);
  let p = dv(b).getUint32(e + 16, true);
  const out: { cd: number; local: number; name: string }[] = [];
  for (let i = 0; i < dv(b).getUint16(e + 10, true); i++) {
    const n = dv(b).getUint16(p + 28, true);
    out.push({ cd: p, local: dv(b).getUint32(p + 42, true), name: new TextDecoder().decode(b.subarray(p + 46, p + 46 + n)) });
    p += 46 + n + dv(b).getUint16(p + 30, true) + dv(b).getUint16(p + 32, true);
  }
  return out;
}

/**
 * Family: .keras archives that lie (sizes, CRCs, counts, a ZIP64 record, a long name),
 * are cut short or corrupted, and files that are no model (LFS pointer, HTML, NULs,
 * empty, a FIFO). A lie in a header must be refused (exit 2); truncation and flips either
 * way, in one line.
 */
export function readingArb(valid: Uint8Array, zip: (files: Record<string, Uint8Array>) => Uint8Array): fc.Arbitrary<HostileCase> {
  const entries = records(valid);
  const entry = fc.integer({ min: 0, max: entries.length - 1 });
  const lie = fc
    .tuple(entry, fc.constantFrom('cd compressed', 'cd size', 'cd crc', 'local compressed', 'local size', 'local crc', 'both sizes'), fc.integer({ min: 1, max: 5000 }))
    .map(([i, field, delta]): HostileCase => {
      const b = valid.slice();
      const { cd, local } = entries[i];
      const bump = (at: number) => dv(b).setUint32(at, (dv(b).getUint32(at, true) + delta) >>> 0, true);
      if (field === 'cd compressed') bump(cd + 20);
      if (field === 'cd size') bump(cd + 24);
      if (field === 'cd crc') bump(cd + 16);
      if (field === 'local compressed') bump(local + 18);
      if (field === 'local size') bump(local + 22);
      if (field === 'local crc') bump(local + 14);
      if (field === 'both sizes') [cd + 20, cd + 24, local + 18, local + 22].forEach(bump);
      return { label: `${entries[i].name}: ${field} off by ${delta}`, name: 'model.keras', bytes: b, expect: refused };
    });
  const counts = fc.tuple(fc.constantFrom('eocd count', 'eocd disk count', 'zip64 count'), fc.integer({ min: 1, max: 60_000 })).map(([field, n]): HostileCase => {
    const e = eocdAt(valid);
    const real = dv(valid).getUint16(e + 10, true);
    const count = n === real ? n + 1 : n;
    if (field !== 'zip64 count') {
      const b = valid.slice();
      if (field === 'eocd count') dv(b).setUint16(e + 10, count & 0xffff, true);
      dv(b).setUint16(e + 8, count & 0xffff, true);
      return { label: `${field} ${count & 0xffff} (really ${real})`, name: 'model.keras', bytes: b, expect: refused };
    }
    // A ZIP64 record and locator before an end record that is not saturated.
    const z = new Uint8Array(76);
    const v = dv(z);
    v.setUint32(0, 0x06064b50, true);
    v.setBigUint64(4, 44n, true);
    v.setBigUint64(24, BigInt(count), true);
    v.setBigUint64(32, BigInt(count), true);
    v.setBigUint64(40, BigInt(dv(valid).getUint32(e + 12, true)), true);
    v.setBigUint64(48, BigInt(dv(valid).getUint32(e + 16, true)), true);
    v.setUint32(56, 0x07064b50, true);
    v.setBigUint64(64, BigInt(e), true);
    v.setUint32(72, 1, true);
    const b = new Uint8Array(valid.length + 76);
    b.set(valid.subarray(0, e));
    b.set(z, e);
    b.set(valid.subarray(e), e + 76);
    return { label: `ZIP64 record says ${count} entries (really ${real})`, name: 'model.keras', bytes: b, expect: refused };
  });
  const longName = fc.integer({ min: 129, max: 1000 }).map((n): HostileCase => ({
    label: `an entry name of ${n} bytes`,
    name: 'model.keras',
    bytes: zip({ 'config.json': json(convModel()), ['a'.repeat(n)]: new Uint8Array(1) }),
    expect: refused,
  }));
  const cut = fc.integer({ min: 0, max: valid.length - 1 }).map((n): HostileCase => ({ label: `cut at byte ${n}`, name: 'model.keras', bytes: valid.slice(0, n), expect: refused }));
  const flip = fc.tuple(fc.integer({ min: 0, max: valid.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, x]): HostileCase => {
    const b = valid.slice();
    b[at] ^= x;
    return { label: `byte ${at} xor ${x}`, name: 'model.keras', bytes: b };
  });
  const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 123456\n';
  const notModels = fc.tuple(fc.constantFrom('model.json', 'model.keras', 'model.onnx'), fc.constantFrom('lfs', 'html', 'nul', 'empty', 'fifo', 'lfs config.json')).map(([name, what]): HostileCase => {
    const bytes =
      what === 'lfs' ? te.encode(pointer)
      : what === 'html' ? te.encode('<!DOCTYPE html>\n<html><body>Sign in to continue</body></html>')
      : what === 'nul' ? new Uint8Array(4096)
      : what === 'empty' ? new Uint8Array(0)
      : what === 'lfs config.json' ? zip({ 'config.json': te.encode(pointer) })
      : undefined;
    return { label: `${name} that is ${what}`, name, ...(bytes ? { bytes } : { fifo: true as const }), expect: refused };
  });
  return fc.oneof(lie, counts, longName, cut, flip, notModels);
}
