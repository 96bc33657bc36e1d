/**
 * Property-based, for the readers of Keras .h5 files and TensorFlow.js graph models: cut,
 * bit-flipped and lying HDF5 bytes; model_config that is not JSON, not text, or 60 MB;
 * group trees 300 deep; weights that do not fit; graph models with cycles, dangling inputs,
 * absurd shapes and attribute values. Every case ends as hostile-harness.ts says: exit 0
 * with a valid report, or one line and exit 1/2; no stack trace, no hang, under 1.5 GiB.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { casesOf, countsOf, hostileCase } from './hostile-harness.js';
import { mutationArb, PROTOTYPE_KEYS, type HostileCase } from './mutate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REAL = fileURLToPath(new URL('../../../shared/real-models/', import.meta.url));
const HOSTILE = join(ROOT, 'fixtures/h5-hostile');
const RUNS = Number(process.env.FUZZ_HOSTILE_RUNS ?? 0) || undefined;
const SEED_SHIFT = Number(process.env.FUZZ_HOSTILE_SEED ?? 0);

const bytesOf = (file: string): Uint8Array => {
  const b = readFileSync(file);
  return new Uint8Array(file.endsWith('.gz') ? gunzipSync(b) : b);
};

// ---------------------------------------------------------------------------------------
// HDF5 bytes: the valid fixture and small real files, cut, flipped, and overwritten with
// sizes and addresses that lie.

const H5_SEEDS = [
  join(HOSTILE, 'valid.h5'),
  join(REAL, 'h5/oarriaga__face_classification__trained_models__emotion_models__fer2013_mini_XCEPTION.102-0.66.hdf5'),
  join(REAL, 'h5/dventimiglia__CarND-Behavioral-Cloning__model.h5'),
  join(REAL, 'h5/olala7846__Behavioral-Cloning__model.h5'),
].filter(existsSync);
const h5Bytes = H5_SEEDS.map(bytesOf);

/** Values a lying size, count or address is set to (little-endian, 8 bytes). */
const LIES = [0n, 1n, 0x7fn, 0xffffn, 2n ** 31n - 1n, 2n ** 32n, 2n ** 40n, 2n ** 63n - 1n, 2n ** 64n - 1n];

function h5Arb(): fc.Arbitrary<HostileCase> {
  const seed = fc.integer({ min: 0, max: h5Bytes.length - 1 });
  const command = fc.constantFrom<HostileCase['command']>(undefined, undefined, undefined, 'export');
  /** An offset, mostly in the first 64 KiB, where HDF5 keeps its superblock and root headers. */
  const offset = (n: number) => fc.oneof(fc.integer({ min: 0, max: Math.min(n, 65536) - 1 }), fc.integer({ min: 0, max: n - 1 }));
  return fc.tuple(seed, command).chain(([s, cmd]) => {
    const base = h5Bytes[s];
    const name = H5_SEEDS[s].split('/').pop()!;
    const make = (label: string, bytes: Uint8Array): HostileCase => ({ label: `${name}: ${label}`, name: 'model.h5', bytes, command: cmd });
    return fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }).map((f) => {
        const at = Math.floor(base.length * f * f);
        return make(`cut at ${at}`, base.slice(0, at));
      }),
      fc.array(fc.tuple(offset(base.length), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 16 }).map((flips) => {
        const b = base.slice();
        for (const [at, bit] of flips) b[at] ^= 1 << bit;
        return make(`${flips.length} bits flipped from ${flips[0][0]}`, b);
      }),
      fc.tuple(offset(base.length - 8), fc.constantFrom(...LIES)).map(([at, v]) => {
        const b = base.slice();
        new DataView(b.buffer).setBigUint64(at, v, true);
        return make(`8 bytes at ${at} set to ${v}`, b);
      }),
      fc.tuple(offset(base.length - 4), fc.constantFrom(0, 0xffffffff, 2 ** 31, 65535)).map(([at, v]) => {
        const b = base.slice();
        new DataView(b.buffer).setUint32(at, v, true);
        return make(`4 bytes at ${at} set to ${v}`, b);
      }),
      fc.tuple(offset(base.length), fc.integer({ min: 1, max: 4096 })).map(([at, n]) => {
        const b = base.slice();
        b.fill(0, at, Math.min(b.length, at + n));
        return make(`${n} bytes zeroed at ${at}`, b);
      }),
    );
  });
}

// ---------------------------------------------------------------------------------------
// Whole .h5 files that lie in one way each (scripts/make-h5-hostile.py). The valid one is
// Conv2D(4, 3x3, valid) on 8x8x1 -> Flatten -> Dense(2).

const VALID = {
  params: 3 * 3 * 1 * 4 + 4 + (6 * 6 * 4) * 2 + 2,
  macs: 6 * 6 * 4 * (3 * 3 * 1) + 6 * 6 * 4 * 2,
};
const ok = { exit: 0 as const, ...VALID };
const refused = { exit: 2 as const };

const H5_CASES: [file: string, summarize: HostileCase['expect'], exportOnnx: HostileCase['expect'] | 'either'][] = [
  ['valid.h5', ok, ok],
  // A 1,024-byte user block before the superblock: HDF5's signature is at 1024, not 0.
  ['user-block.h5', ok, ok],
  ['config-vlen-str.h5', ok, 'either'],
  ['config-60mb-padded.h5.gz', ok, 'either'],
  ['config-not-json.h5', refused, refused],
  ['config-not-text.h5', refused, refused],
  ['config-empty.h5', refused, refused],
  ['config-wrong-shape.h5', refused, refused],
  ['config-60mb-nested.h5.gz', refused, refused],
  ['weights-only.h5', refused, refused],
  ['weights-missing-layer.h5', ok, refused],
  ['weights-wrong-shape.h5', ok, refused],
  ['weights-too-few.h5', ok, refused],
  ['weights-proto-name.h5', ok, refused],
  ['deep-groups.h5', ok, 'either'],
  ['many-attributes.h5', ok, 'either'],
];

// ---------------------------------------------------------------------------------------
// Graph models: the JSON's nodes made cyclic, dangling, duplicated, of absurd shapes and
// attributes, of op types that are prototype keys; plus the generic JSON mutations.

type Node = { name?: unknown; op?: unknown; input?: unknown; attr?: Record<string, unknown> };
type GraphDoc = { modelTopology: { node: Node[] } };

const GRAPH_SEEDS = [
  join(REAL, 'graph/1010code__tefnorflow-graph-model-tutorial__tfjs_model__model.json'),
  join(REAL, 'graph/chaosmail__is-my-mask-safe__web_model__model.json'),
  join(REAL, 'graph/Jesse0502__Yolov5-demo__public__web_model__model.json'),
].filter(existsSync);
const graphDocs = GRAPH_SEEDS.map((f) => JSON.parse(readFileSync(f, 'utf8')) as GraphDoc);

const ABSURD_ATTRS: unknown[] = [
  { i: '-3' }, { i: '99999999999999999999' }, { i: 'x' }, { f: 'NaN' }, { f: 1e308 }, { s: '!!not base64!!' }, { b: 'yes' },
  { list: { i: ['0', '0', '0', '0'] } }, { list: { i: ['-1', '-1', '-1', '-1'] } }, { list: { i: ['1000000000', '1', '1', '1'] } },
  { list: {} }, { list: { i: [] } }, { shape: { dim: [{ size: '-5' }] } }, { shape: { dim: [{ size: '1000000000000' }, { size: '3' }] } },
  { type: 'DT_NOPE' }, { tensor: { tensorShape: {} } }, {}, null, [], 'text', 7,
];
const ABSURD_DIMS = ['-5', '0', '1000000000000', 'abc', '1e9', '-1'];

function graphArb(): fc.Arbitrary<HostileCase> {
  return fc.integer({ min: 0, max: graphDocs.length - 1 }).chain((s) => {
    const doc = graphDocs[s];
    const nodes = doc.modelTopology.node;
    const seedName = GRAPH_SEEDS[s].split('/').pop()!;
    const n = fc.integer({ min: 0, max: nodes.length - 1 });
    const edit = (label: string, f: (nodes: Node[]) => void): HostileCase => {
      const c = structuredClone(doc);
      f(c.modelTopology.node);
      return { label: `${seedName}: ${label}`, name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(c)) };
    };
    const withInputs = nodes.map((x, i) => [x, i] as const).filter(([x]) => Array.isArray(x.input) && x.input.length > 0).map(([, i]) => i);
    const consumer = fc.constantFrom(...(withInputs.length ? withInputs : [0]));
    return fc.oneof(
      fc.tuple(consumer, n).map(([i, j]) =>
        edit(`node ${i} reads node ${j} (a cycle when ${j} is downstream)`, (ns) => {
          (ns[i].input as unknown[])[0] = ns[j].name;
          if (Array.isArray(ns[j].input) && ns[j].input.length) (ns[j].input as unknown[])[0] = ns[i].name;
        }),
      ),
      consumer.map((i) => edit(`node ${i} reads itself`, (ns) => ((ns[i].input as unknown[])[0] = ns[i].name))),
      fc.tuple(consumer, fc.constantFrom('no_such_node', 'no_such_node:0', '^no_such_node', '', ':0', 'x:99')).map(([i, v]) =>
        edit(`node ${i} reads ${JSON.stringify(v)}`, (ns) => ((ns[i].input as unknown[])[0] = v)),
      ),
      fc.tuple(n, n).map(([i, j]) => edit(`node ${j} renamed as node ${i}`, (ns) => (ns[j].name = ns[i].name))),
      fc.constantFrom(...ABSURD_DIMS).map((d) =>
        edit(`Placeholder dims ${d}`, (ns) => {
          for (const x of ns) if (x.op === 'Placeholder') x.attr = { ...x.attr, shape: { shape: { dim: [{ size: '1' }, { size: d }, { size: d }, { size: '3' }] } } };
        }),
      ),
      fc.tuple(n, fc.constantFrom(...ABSURD_ATTRS)).map(([i, v]) =>
        edit(`an attribute of node ${i} set to ${JSON.stringify(v)}`, (ns) => {
          const keys = Object.keys(ns[i].attr ?? {});
          const key = keys.length ? keys[i % keys.length] : 'strides';
          ns[i].attr = { ...ns[i].attr, [key]: v };
        }),
      ),
      fc.tuple(n, fc.constantFrom(...PROTOTYPE_KEYS, 'FooBarOp', 'Enter', 'Merge', 'StatelessWhile', '')).map(([i, op]) =>
        edit(`node ${i} has op ${JSON.stringify(op)}`, (ns) => (ns[i].op = op)),
      ),
      fc.tuple(n, fc.constantFrom(...PROTOTYPE_KEYS)).map(([i, name]) =>
        edit(`node ${i} named ${name}`, (ns) => {
          const old = ns[i].name;
          ns[i].name = name;
          for (const x of ns) if (Array.isArray(x.input)) x.input = x.input.map((v) => (v === old ? name : v));
        }),
      ),
      mutationArb(doc).map((m) => ({ label: `${seedName}: ${m.kind}`, name: 'model.json', bytes: new TextEncoder().encode(m.apply(doc, JSON.stringify(doc))) })),
    );
  });
}

describe('hostile families: .h5 and graph models', () => {
  const families: [string, () => fc.Arbitrary<HostileCase>, number, number][] = [
    ['h5: cut, flipped and lying bytes', h5Arb, 300, 20261203],
    ['graph models: cycles, dangling inputs, absurd shapes and attributes', graphArb, 300, 20261204],
  ];
  it.each(families)('%s', async (family, arb, runs, seed) => {
    expect(family.startsWith('h5') ? h5Bytes.length : graphDocs.length).toBeGreaterThan(1);
    await fc.assert(
      fc.asyncProperty(arb(), (c) => hostileCase(family, c)),
      { numRuns: RUNS ?? runs, seed: seed + SEED_SHIFT, endOnFailure: true },
    );
    // vitest prints this with the results; the closing note quotes it.
    console.log(`hostile fuzz: ${family}: ${casesOf(family)} cases (${countsOf(family)})`);
    expect(casesOf(family)).toBeGreaterThanOrEqual(RUNS ?? runs);
  }, 900_000);

  it.each(H5_CASES)('h5 that lies: %s', async (file, summarize, exportOnnx) => {
    const bytes = bytesOf(join(HOSTILE, file));
    await hostileCase('h5: model_config and weights that lie', { label: file, name: 'model.h5', bytes, expect: summarize });
    await hostileCase('h5: model_config and weights that lie', {
      label: `${file} (export)`,
      name: 'model.h5',
      bytes,
      command: 'export',
      ...(exportOnnx === 'either' ? {} : { expect: exportOnnx }),
    });
  }, 120_000);
});
