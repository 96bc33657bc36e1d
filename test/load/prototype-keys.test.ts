/**
 * Names from a model file that are also properties of every JavaScript object
 * (`constructor`, `__proto__`, `toString`, `hasOwnProperty`, `valueOf`), in every family of
 * name a reader looks up: a layer's class, a nested model's class, an activation, an
 * initializer, a dtype, a padding, a data_format, a layer's name, a weight's name in a tfjs
 * manifest, an ONNX op type, attribute name and domain, and a config key a diff compares.
 * Each case runs the CLI in-process and must end in exit 0 (analysed, the unknown thing listed
 * as unsupported) or in one line naming the name, exit 2; never exit 3, and Object.prototype
 * is left as it was.
 *
 * Expected figures are closed forms: Conv2D 3x3, 3 -> 4 channels, valid, on 8x8x3 (Keras) has
 * 3*3*3*4 + 4 parameters; the ONNX Conv 3x3, 3 -> 4 on 1x3x8x8 the same.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { configChanges } from '../../src/analysis/diff.js';
import { attr, OnnxModelBuilder } from './onnx/onnx-file.js';

const KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const CONV_PARAMS = 3 * 3 * 3 * 4 + 4;
const PROTO = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

const root = mkdtempSync(join(tmpdir(), 'dnarch-proto-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process, stdout and stderr captured. */
async function run(args: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(['node', 'dnarch', ...args]), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

interface Report {
  layers: { name: string; className: string; params: { total: number } }[];
  totals: { params: { total: number } };
  unsupported: { className: string; layers: string[] }[];
}

/** What a case must give: a report (checked by `check`), or one line naming the key (exit 2). */
type Outcome = { exit: 0; check: (r: Report, key: string) => void } | { exit: 2 };

/** Writes `files` into a fresh directory, runs `summarize` (or `args`) on `model`, checks the outcome. */
async function expectOutcome(key: string, files: Record<string, string | Uint8Array>, model: string, outcome: Outcome, args?: (file: string) => string[]): Promise<void> {
  const dir = join(root, `c${cases++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const file = join(dir, model);
  const r = await run(args ? args(file) : ['summarize', file, '--format', 'json']);
  const context = `${key}: exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 400))}`;
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(','), context).toBe(PROTO);
  expect(({} as Record<string, unknown>).polluted, context).toBeUndefined();
  expect(r.code, context).toBe(outcome.exit);
  if (outcome.exit === 0) {
    expect(r.stderr, context).toBe('');
    if (!args) outcome.check(JSON.parse(r.stdout) as Report, key);
  } else {
    const lines = r.stderr.replace(/\n$/, '').split('\n');
    expect(lines, context).toHaveLength(1);
    expect(lines[0], context).toMatch(/^dnarch: /);
    expect(lines[0], context).not.toMatch(/internal error/);
    expect(lines[0], context).toContain(JSON.stringify(key));
  }
}

// ---------------------------------------------------------------- Keras / tfjs layers topologies

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const convLayer = (config: Doc = {}): Doc => ({
  class_name: 'Conv2D',
  config: {
    name: 'conv', filters: 4, kernel_size: [3, 3], strides: [1, 1], padding: 'valid', data_format: 'channels_last', activation: 'relu', use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, dtype: 'float32', ...config,
  },
});
const input = (): Doc => ({ class_name: 'InputLayer', config: { name: 'input', batch_input_shape: [null, 8, 8, 3], dtype: 'float32' } });
const sequential = (...layers: Doc[]): Doc => ({ class_name: 'Sequential', config: { name: 'seq', layers: [input(), ...layers] } });
/** JSON.stringify writes an own __proto__ key as any other, and JSON.parse reads it back as an own key. */
const json = (doc: unknown): string => JSON.stringify(doc);

const convCounted: Outcome = { exit: 0, check: (r) => expect(r.totals.params.total).toBe(CONV_PARAMS) };
const refused: Outcome = { exit: 2 };

/** Keras families: where the key goes in a Sequential of an input and a Conv2D, and the outcome. */
const KERAS_FAMILIES: [string, (k: string) => Doc, Outcome][] = [
  [
    'layer class name',
    (k) => sequential({ class_name: k, config: { name: 'mine' } }, convLayer()),
    {
      exit: 0,
      // Unknown: listed as unsupported under the name as written, the shape passed through to the conv.
      check: (r, k) => {
        expect(r.unsupported).toEqual([{ className: k, layers: ['mine'] }]);
        expect(r.totals.params.total).toBe(CONV_PARAMS);
      },
    },
  ],
  [
    'nested model class name',
    // A Functional subclass saved with its graph (Keras writes the subclass' name): its layers are analysed.
    (k) => {
      const inner = { class_name: 'InputLayer', name: 'inner_in', config: { name: 'inner_in', batch_input_shape: [null, 8, 8, 3] }, inbound_nodes: [] };
      return sequential({ class_name: k, config: { name: 'inner', layers: [inner, { ...convLayer(), name: 'conv', inbound_nodes: [[['inner_in', 0, 0, {}]]] }], input_layers: [['inner_in', 0, 0]], output_layers: [['conv', 0, 0]] } });
    },
    convCounted,
  ],
  ['activation', (k) => sequential(convLayer({ activation: k })), convCounted],
  ['activation (Keras 3 object)', (k) => sequential(convLayer({ activation: { module: 'keras.activations', class_name: 'function', config: k, registered_name: k } })), convCounted],
  ['activation object class name', (k) => sequential(convLayer({ activation: { class_name: k, config: { alpha: 0.2 } } })), convCounted],
  ['initializer class name', (k) => sequential(convLayer({ kernel_initializer: { class_name: k, config: {} } })), convCounted],
  ['regularizer and constraint class names', (k) => sequential(convLayer({ kernel_regularizer: { class_name: k, config: {} }, bias_constraint: { class_name: k, config: {} } })), convCounted],
  ['dtype', (k) => sequential(convLayer({ dtype: k })), convCounted],
  ['dtype policy name (Keras 3)', (k) => sequential(convLayer({ dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: k } } })), convCounted],
  ['padding', (k) => sequential(convLayer({ padding: k })), refused],
  ['data_format', (k) => sequential(convLayer({ data_format: k })), refused],
  ['layer name', (k) => sequential(convLayer({ name: k })), refused],
];

describe.each(KERAS_FAMILIES)('%s', (_family, make, outcome) => {
  it.each(KEYS)('%s', async (k) => {
    // As a Keras to_json() file and as a tfjs model.json.
    await expectOutcome(k, { 'model-to-json.json': json(make(k)) }, 'model-to-json.json', outcome);
    await expectOutcome(k, { 'model.json': json({ format: 'layers-model', modelTopology: { keras_version: '2.15.0', model_config: make(k) } }) }, 'model.json', outcome);
  }, 60_000);
});

describe('weight name in a tfjs manifest', () => {
  /** A Dense 2 -> 3 with its weights in one shard, plus one more weight named `k`. */
  const files = (k: string): Record<string, string | Uint8Array> => ({
    'model.json': json({
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'dense', units: 3, batch_input_shape: [null, 2] } }] } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'dense/kernel', shape: [2, 3], dtype: 'float32' }, { name: 'dense/bias', shape: [3], dtype: 'float32' }, { name: k, shape: [1], dtype: 'float32' }] }],
    }),
    'group1-shard1of1.bin': new Uint8Array(4 * (2 * 3 + 3 + 1)),
  });
  it.each(KEYS)('%s: export refuses it in one line; summarize never reads it', async (k) => {
    await expectOutcome(k, files(k), 'model.json', refused, (file) => ['export', file, '--onnx', join(file, '..', 'out.onnx')]);
    await expectOutcome(k, files(k), 'model.json', { exit: 0, check: (r) => expect(r.totals.params.total).toBe(2 * 3 + 3) });
  }, 60_000);

  it.each(KEYS.map((k) => `scope/${k}`))('%s (tfjs also tries the name without its scope)', async (k) => {
    await expectOutcome(k, files(k), 'model.json', refused, (file) => ['export', file, '--onnx', join(file, '..', 'out.onnx')]);
  }, 60_000);
});

// ---------------------------------------------------------------- ONNX

/** x [1, 3, 8, 8] -> Conv 3x3 (3 -> 4) -> `tail` -> y. */
function onnx(tail: (b: OnnxModelBuilder) => OnnxModelBuilder, convAttrs: Record<string, ReturnType<typeof attr.int>> = {}): Uint8Array {
  const b = new OnnxModelBuilder(17, 'g')
    .input('x', [1, 3, 8, 8])
    .f32('w', [4, 3, 3, 3])
    .f32('b', [4])
    .node('Conv', ['x', 'w', 'b'], ['c'], { kernel_shape: attr.ints([3, 3]), ...convAttrs }, { name: 'conv' });
  return tail(b).bytes();
}

const onnxUnsupported = (className: (k: string) => string): Outcome => ({
  exit: 0,
  check: (r, k) => {
    expect(r.totals.params.total).toBe(CONV_PARAMS);
    expect(r.unsupported.map((u) => u.className)).toEqual([className(k)]);
  },
});

const ONNX_FAMILIES: [string, (k: string) => Uint8Array, Outcome][] = [
  ['ONNX op type', (k) => onnx((b) => b.node(k, ['c'], ['y'], {}, { name: 'odd' }).output('y')), onnxUnsupported((k) => k)],
  ['ONNX attribute name', (k) => onnx((b) => b.node('Relu', ['c'], ['y'], { [k]: attr.int(1) }, { name: 'relu' }).output('y'), { [k]: attr.int(1) }), convCounted],
  ['ONNX domain', (k) => onnx((b) => b.opsetImport(k).node('Relu', ['c'], ['y'], {}, { name: 'odd', domain: k }).output('y')), onnxUnsupported((k) => `${k}:Relu`)],
];

describe.each(ONNX_FAMILIES)('%s', (_family, make, outcome) => {
  it.each(KEYS)('%s', async (k) => {
    await expectOutcome(k, { 'model.onnx': make(k) }, 'model.onnx', outcome);
  }, 60_000);
});

describe('config key a diff compares', () => {
  it.each(KEYS)('%s: only own keys are compared and reported', (k) => {
    const a = JSON.parse(`{${JSON.stringify(k)}: 1, "units": 2}`) as Record<string, unknown>;
    const b = JSON.parse('{"units": 2}') as Record<string, unknown>;
    // In a only: a change with a's value and no b side (not Object.prototype's method).
    expect(configChanges(a, b)).toEqual([{ key: k, a: 1 }]);
    expect(configChanges(b, a)).toEqual([{ key: k, b: 1 }]);
    expect(configChanges(b, b)).toEqual([]);
  });
});

