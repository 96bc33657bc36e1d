/**
 * The project's own small model files (fixtures/models/*.json), written by hand in the exact
 * shapes real writers produce (key names, order and quirks copied from the third-party files
 * in ../shared/real-models, named below), analysed through `analyze(path)` as a user's file
 * is, and through the built CLI for --strict.
 *
 * Expected figures are closed forms written here, layer by layer, not the implementation's
 * output: Conv2D params kh*kw*cin*f (+ f), MACs ho*wo*f*kh*kw*cin; DepthwiseConv2D params
 * kh*kw*c, MACs ho*wo*c*kh*kw; Dense params in*u + u, MACs in*u; BatchNormalization 2c
 * trainable (gamma, beta) + 2c non-trainable (moving mean, variance), no MACs; pooling,
 * merges, activations, Flatten, Dropout and inputs neither.
 *
 * Each fixture is also checked against itself before any loader runs (the writer's key set,
 * the weights manifest's element count against the closed forms, the tensor shapes Keras 3
 * writes into every call against the table), so a wrong figure points at the loader or at
 * the fixture, never both.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import type { ModelReport } from '../../src/analysis/types.js';
import type { Shape } from '../../src/graph/types.js';
import { dnarch, TIMEOUT } from '../cli/run.js';

type Json = Record<string, any>;

const DIR = fileURLToPath(new URL('../../fixtures/models/', import.meta.url));
const pathOf = (file: string): string => `${DIR}${file}`;
const read = (file: string): Json => JSON.parse(readFileSync(pathOf(file), 'utf8')) as Json;

// --- closed forms --------------------------------------------------------------------------

interface Params {
  trainable: number;
  nonTrainable: number;
}
const none: Params = { trainable: 0, nonTrainable: 0 };
const frozen = (p: Params): Params => ({ trainable: 0, nonTrainable: p.trainable + p.nonTrainable });

const conv = (kh: number, kw: number, cin: number, f: number, bias = true): Params => ({ trainable: kh * kw * cin * f + (bias ? f : 0), nonTrainable: 0 });
const convMacs = (ho: number, wo: number, f: number, kh: number, kw: number, cin: number): number => ho * wo * f * kh * kw * cin;
const depthwise = (kh: number, kw: number, c: number): Params => ({ trainable: kh * kw * c, nonTrainable: 0 });
const depthwiseMacs = (ho: number, wo: number, c: number, kh: number, kw: number): number => ho * wo * c * kh * kw;
const dense = (inputs: number, units: number): Params => ({ trainable: inputs * units + units, nonTrainable: 0 });
const denseMacs = (inputs: number, units: number): number => inputs * units;
const batchNorm = (c: number): Params => ({ trainable: 2 * c, nonTrainable: 2 * c });

/** One call of a layer as the report should show it. */
interface Row {
  name: string;
  className: string;
  shape: Shape;
  params: Params;
  macs: number;
}
const row = (name: string, className: string, shape: Shape, params: Params = none, macs = 0): Row => ({ name, className, shape, params, macs });

interface Expected {
  file: string;
  /** Every call, in topological order, named as the loader names them (`outer/inner`, `name@1`). */
  rows: Row[];
  /** Later calls of a shared layer: their parameters belong to the first call. */
  repeated?: Record<string, string>;
  unsupported?: { className: string; layers: string[] }[];
}

const total = (e: Expected, key: keyof Params): number =>
  e.rows.filter((r) => !e.repeated?.[r.name]).reduce((s, r) => s + r.params[key], 0);
const paramsTotal = (e: Expected): number => total(e, 'trainable') + total(e, 'nonTrainable');
const macsTotal = (e: Expected): number => e.rows.reduce((s, r) => s + r.macs, 0);

// --- the six fixtures ----------------------------------------------------------------------

/** Keras 2.15 through the tfjs converter, Sequential (as ElifKeskinn's and AlaapSarkar's model.json). */
const KERAS2_SEQUENTIAL: Expected = {
  file: 'keras2-sequential.json',
  rows: [
    row('conv2d_input', 'InputLayer', [null, 28, 28, 1]),
    row('conv2d', 'Conv2D', [null, 26, 26, 8], conv(3, 3, 1, 8), convMacs(26, 26, 8, 3, 3, 1)), // 3x3 valid
    row('max_pooling2d', 'MaxPooling2D', [null, 13, 13, 8]),
    row('flatten', 'Flatten', [null, 13 * 13 * 8]),
    row('dense', 'Dense', [null, 10], dense(13 * 13 * 8, 10), denseMacs(13 * 13 * 8, 10)),
  ],
};

/** Keras 3.8 through the converter (as Azerif's model.json): a residual block, BN, GAP. */
const KERAS3_FUNCTIONAL: Expected = {
  file: 'keras3-functional.json',
  rows: [
    row('input_layer', 'InputLayer', [null, 16, 16, 3]),
    row('stem_conv', 'Conv2D', [null, 16, 16, 8], conv(3, 3, 3, 8, false), convMacs(16, 16, 8, 3, 3, 3)),
    row('stem_bn', 'BatchNormalization', [null, 16, 16, 8], batchNorm(8)),
    row('stem_relu', 'ReLU', [null, 16, 16, 8]),
    row('block_conv', 'Conv2D', [null, 16, 16, 8], conv(3, 3, 8, 8, false), convMacs(16, 16, 8, 3, 3, 8)),
    row('block_bn', 'BatchNormalization', [null, 16, 16, 8], batchNorm(8)),
    row('block_add', 'Add', [null, 16, 16, 8]), // stem_relu + block_bn
    row('block_relu', 'ReLU', [null, 16, 16, 8]),
    row('pool', 'GlobalAveragePooling2D', [null, 8]),
    row('predictions', 'Dense', [null, 4], dense(8, 4), denseMacs(8, 4)),
  ],
};

/**
 * Keras 3.8 through the converter: a Functional model with a frozen MobileNetV2-like
 * Functional base (called with training=False) and a Sequential head, as Azerif's model
 * nests MobileNetV2 and SandiaExe's nests Sequentials.
 */
const NESTED: Expected = {
  file: 'nested.json',
  rows: [
    row('image', 'InputLayer', [null, 16, 16, 3]),
    row('tiny_base/input_layer', 'InputLayer', [null, 16, 16, 3]),
    row('tiny_base/Conv1', 'Conv2D', [null, 8, 8, 8], frozen(conv(3, 3, 3, 8, false)), convMacs(8, 8, 8, 3, 3, 3)), // stride 2, same
    row('tiny_base/bn_Conv1', 'BatchNormalization', [null, 8, 8, 8], frozen(batchNorm(8))),
    row('tiny_base/Conv1_relu', 'ReLU', [null, 8, 8, 8]),
    row('tiny_base/expanded_conv_depthwise', 'DepthwiseConv2D', [null, 8, 8, 8], frozen(depthwise(3, 3, 8)), depthwiseMacs(8, 8, 8, 3, 3)),
    row('tiny_base/expanded_conv_project', 'Conv2D', [null, 8, 8, 16], frozen(conv(1, 1, 8, 16, false)), convMacs(8, 8, 16, 1, 1, 8)),
    row('tiny_base/out_relu', 'ReLU', [null, 8, 8, 16]),
    row('pool', 'GlobalAveragePooling2D', [null, 16]),
    row('head/input_layer_1', 'InputLayer', [null, 16]),
    row('head/fc', 'Dense', [null, 8], dense(16, 8), denseMacs(16, 8)),
    row('head/drop', 'Dropout', [null, 8]),
    row('head/logits', 'Dense', [null, 3], dense(8, 3), denseMacs(8, 3)),
  ],
};

/**
 * Keras 2.6 model.to_json() (as CogitoNTNU's siamese_model.json): two inputs through one
 * Conv2D and one GlobalAveragePooling2D, each with TWO inbound nodes, then Concatenate ->
 * Dense. Ties in depth go by the layer's place in the file, then by call.
 */
const SHARED_LAYER: Expected = {
  file: 'shared-layer.json',
  rows: [
    row('left', 'InputLayer', [null, 12, 12, 1]),
    row('right', 'InputLayer', [null, 12, 12, 1]),
    row('shared_conv', 'Conv2D', [null, 10, 10, 4], conv(3, 3, 1, 4), convMacs(10, 10, 4, 3, 3, 1)),
    row('shared_conv@1', 'Conv2D', [null, 10, 10, 4], conv(3, 3, 1, 4), convMacs(10, 10, 4, 3, 3, 1)),
    row('shared_pool', 'GlobalAveragePooling2D', [null, 4]),
    row('shared_pool@1', 'GlobalAveragePooling2D', [null, 4]),
    row('concatenate', 'Concatenate', [null, 8]),
    row('similarity', 'Dense', [null, 1], dense(8, 1), denseMacs(8, 1)),
  ],
  repeated: { 'shared_conv@1': 'shared_conv', 'shared_pool@1': 'shared_pool' },
};

/** Keras 2.15 through the converter (as Edmond-Dantes' two-output model.json): two inputs, two outputs. */
const MULTI_IO: Expected = {
  file: 'multi-io.json',
  rows: [
    row('image', 'InputLayer', [null, 16, 16, 3]),
    row('conv', 'Conv2D', [null, 16, 16, 4], conv(3, 3, 3, 4), convMacs(16, 16, 4, 3, 3, 3)), // same
    row('pool', 'MaxPooling2D', [null, 8, 8, 4]),
    row('features', 'InputLayer', [null, 8]),
    row('flatten', 'Flatten', [null, 8 * 8 * 4]),
    row('vec_dense', 'Dense', [null, 8], dense(8, 8), denseMacs(8, 8)),
    row('merge', 'Concatenate', [null, 8 * 8 * 4 + 8]),
    row('hidden', 'Dense', [null, 16], dense(8 * 8 * 4 + 8, 16), denseMacs(8 * 8 * 4 + 8, 16)),
    row('class_output', 'Dense', [null, 5], dense(16, 5), denseMacs(16, 5)),
    row('reg_output', 'Dense', [null, 1], dense(16, 1), denseMacs(16, 1)),
  ],
};

/**
 * Keras 2.6 model.to_json() (as CogitoNTNU's, whose Lambda it copies): a user class
 * MyAttention (unknown to tfjs: its shape passes through, so conv_after sees 4 channels) and
 * a Lambda slicing two channels (its output_shape [8, 8, 2] is in the config, so `out`
 * sees 2 features).
 */
const CUSTOM_LAYER: Expected = {
  file: 'custom-layer.json',
  rows: [
    row('image', 'InputLayer', [null, 8, 8, 3]),
    row('conv', 'Conv2D', [null, 8, 8, 4], conv(3, 3, 3, 4), convMacs(8, 8, 4, 3, 3, 3)),
    row('my_attention', 'MyAttention', [null, 8, 8, 4]),
    row('conv_after', 'Conv2D', [null, 8, 8, 6], conv(1, 1, 4, 6), convMacs(8, 8, 6, 1, 1, 4)),
    row('take_two', 'Lambda', [null, 8, 8, 2]),
    row('gap', 'GlobalAveragePooling2D', [null, 2]),
    row('out', 'Dense', [null, 3], dense(2, 3), denseMacs(2, 3)),
  ],
  unsupported: [
    { className: 'MyAttention', layers: ['my_attention'] },
    { className: 'Lambda', layers: ['take_two'] },
  ],
};

const ALL = [KERAS2_SEQUENTIAL, KERAS3_FUNCTIONAL, NESTED, SHARED_LAYER, MULTI_IO, CUSTOM_LAYER];

// --- the fixtures themselves, before any loader ------------------------------------------

/** Keys a tfjs converter model.json has (every converter-written file in real-models). */
const CONVERTER_KEYS = ['format', 'generatedBy', 'convertedBy', 'modelTopology', 'weightsManifest'];
/** Keys of a Keras model.to_json() file (CogitoNTNU's). */
const TO_JSON_KEYS = ['class_name', 'config', 'keras_version', 'backend'];

/** Every layer entry, nested models' included, with the model config that lists it. */
function entries(model: Json, out: { entry: Json; owner: Json }[] = []): { entry: Json; owner: Json }[] {
  for (const entry of model.config.layers as Json[]) {
    out.push({ entry, owner: model });
    if (Array.isArray(entry.config?.layers)) entries(entry, out);
  }
  return out;
}
const modelOf = (json: Json): Json => json.modelTopology?.model_config ?? json;

/** Elements of the weights a converter manifest lists. */
const manifestElements = (json: Json): number =>
  (json.weightsManifest as Json[]).flatMap((g) => g.weights as Json[]).reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);

/** Every __keras_tensor__ in a Keras 3 call. */
function kerasTensors(v: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(v)) v.forEach((x) => kerasTensors(x, out));
  else if (v && typeof v === 'object') {
    if ((v as Json).class_name === '__keras_tensor__') out.push(v as Json);
    else Object.values(v).forEach((x) => kerasTensors(x, out));
  }
  return out;
}

const DTYPE_POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

describe('the fixtures are written as their writers write', () => {
  it('converter files have the converter keys; to_json files have no modelTopology', () => {
    for (const f of ['keras2-sequential.json', 'keras3-functional.json', 'nested.json', 'multi-io.json']) {
      const json = read(f);
      expect(Object.keys(json), f).toEqual(CONVERTER_KEYS);
      expect(json.format, f).toBe('layers-model');
      expect(json.generatedBy, f).toBe(`keras v${json.modelTopology.keras_version}`);
      expect(Object.keys(json.modelTopology).slice(0, 3), f).toEqual(['keras_version', 'backend', 'model_config']);
    }
    for (const f of ['shared-layer.json', 'custom-layer.json']) {
      expect(Object.keys(read(f)), f).toEqual(TO_JSON_KEYS);
      expect(read(f).keras_version, f).toMatch(/^2\./);
    }
  });

  it("each converter manifest lists exactly the closed-form parameter count (Keras' own total)", () => {
    for (const e of [KERAS2_SEQUENTIAL, KERAS3_FUNCTIONAL, NESTED, MULTI_IO]) {
      expect(manifestElements(read(e.file)), e.file).toBe(paramsTotal(e));
    }
  });

  it('Keras 2 files: batch_input_shape, string dtypes, calls as [[name, node, tensor, {}]]', () => {
    for (const f of ['keras2-sequential.json', 'multi-io.json', 'shared-layer.json', 'custom-layer.json']) {
      const json = read(f);
      for (const { entry, owner } of entries(modelOf(json))) {
        const where = `${f}: ${entry.config.name}`;
        expect(typeof entry.config.dtype, where).toBe('string');
        expect('module' in entry, where).toBe(false);
        if (entry.class_name === 'InputLayer') expect(entry.config.batch_input_shape, where).toBeDefined();
        if (owner.class_name === 'Sequential') {
          expect(Object.keys(entry), where).toEqual(['class_name', 'config']);
          continue;
        }
        expect(Object.keys(entry), where).toEqual(['class_name', 'config', 'name', 'inbound_nodes']);
        for (const call of entry.inbound_nodes as unknown[][]) {
          for (const ref of call) {
            expect(ref, where).toEqual([expect.any(String), expect.any(Number), expect.any(Number), {}]);
          }
        }
      }
    }
  });

  it('the shared layers have two inbound nodes, read by node index 0 and 1', () => {
    const layers = modelOf(read('shared-layer.json')).config.layers as Json[];
    const byName = new Map(layers.map((l) => [l.name as string, l]));
    expect(byName.get('shared_conv')!.inbound_nodes).toEqual([[['left', 0, 0, {}]], [['right', 0, 0, {}]]]);
    expect(byName.get('shared_pool')!.inbound_nodes).toEqual([[['shared_conv', 0, 0, {}]], [['shared_conv', 1, 0, {}]]]);
    expect(byName.get('concatenate')!.inbound_nodes).toEqual([[['shared_pool', 0, 0, {}], ['shared_pool', 1, 0, {}]]]);
  });

  it('Keras 3 files: batch_shape, DTypePolicy objects, module/registered_name, {args, kwargs} calls', () => {
    for (const f of ['keras3-functional.json', 'nested.json']) {
      const json = read(f);
      expect(json.modelTopology.keras_version, f).toMatch(/^3\./);
      for (const { entry, owner } of entries(modelOf(json))) {
        const where = `${f}: ${entry.config.name}`;
        if (entry.class_name === 'InputLayer') {
          expect(entry.config.batch_shape, where).toBeDefined();
          expect('batch_input_shape' in entry.config, where).toBe(false);
        } else if (entry.class_name !== 'Functional') {
          // A Functional's config has no dtype (Azerif's nested MobileNetV2); layers and Sequentials have a policy.
          expect(entry.config.dtype, where).toEqual(DTYPE_POLICY);
        }
        for (const [k, v] of Object.entries(entry.config)) {
          if (k.endsWith('_initializer')) expect(Object.keys(v as Json), `${where}.${k}`).toEqual(['module', 'class_name', 'config', 'registered_name']);
        }
        if (owner.class_name === 'Sequential') continue;
        for (const call of entry.inbound_nodes as Json[]) {
          expect(Object.keys(call), where).toEqual(['args', 'kwargs']);
          for (const t of kerasTensors(call.args)) expect(Object.keys(t.config), where).toEqual(['shape', 'dtype', 'keras_history']);
        }
      }
    }
  });

  it('every tensor shape Keras 3 wrote into a call is the shape in the table for the layer it names', () => {
    for (const e of [KERAS3_FUNCTIONAL, NESTED]) {
      const shapes = new Map(e.rows.map((r) => [r.name, r.shape]));
      const top = modelOf(read(e.file));
      for (const { entry, owner } of entries(top)) {
        if (owner.class_name === 'Sequential') continue;
        // Inside a nested model a call names its siblings; the table names them outer/inner.
        const prefix = owner === top ? '' : `${owner.config.name}/`;
        for (const call of entry.inbound_nodes as Json[]) {
          for (const t of kerasTensors(call.args)) {
            const [layer] = t.config.keras_history as [string, number, number];
            // A nested model's output: the shape of its last layer.
            const expected = shapes.get(prefix + layer) ?? e.rows.filter((r) => r.name.startsWith(`${layer}/`)).at(-1)?.shape;
            expect(t.config.shape, `${e.file}: ${entry.name} reads ${layer}`).toEqual(expected);
          }
        }
      }
    }
  });

  it('Keras 3 numbers calls as Keras 3 does: keras_history from 0, output_layers of a Sequential from 0', () => {
    // keras/src/models/functional.py: a Functional has no construction node in Keras 3, so the
    // first call of the nested base is node 0 in keras_history; output_layers count a nested
    // Functional's calls from 1 and a Sequential's from 0.
    const outer = modelOf(read('nested.json'));
    const pool = (outer.config.layers as Json[]).find((l) => l.name === 'pool')!;
    expect(pool.inbound_nodes[0].args[0].config.keras_history).toEqual(['tiny_base', 0, 0]);
    expect(outer.config.output_layers).toEqual([['head', 0, 0]]);
    const base = (outer.config.layers as Json[]).find((l) => l.name === 'tiny_base')!;
    expect(base.inbound_nodes[0].kwargs).toEqual({ training: false });
    // base.trainable = False in Keras 3 sets every layer of the base non-trainable (InputLayers have no flag).
    const flags = entries(base).filter(({ entry }) => entry.class_name !== 'InputLayer').map(({ entry }) => entry.config.trainable);
    expect(flags).toEqual(Array(6).fill(false));
    expect(base.config.trainable).toBe(false);
  });
});

// --- analyze(path) -------------------------------------------------------------------------

/** analyze() once per file, awaited by each test so that a failure is reported where it matters. */
const reports = new Map<string, Promise<ModelReport>>();
const reportOf = (file: string): Promise<ModelReport> => {
  if (!reports.has(file)) reports.set(file, analyze(pathOf(file)));
  return reports.get(file)!;
};

for (const e of ALL) {
  describe(`analyze(${e.file})`, () => {
    it('gives the closed-form totals: params (trainable / non-trainable) once per layer, MACs per call', async () => {
      const r = await reportOf(e.file);
      expect(r.totals.params).toEqual({ total: paramsTotal(e), trainable: total(e, 'trainable'), nonTrainable: total(e, 'nonTrainable') });
      expect(r.totals.macs).toBe(macsTotal(e));
      expect(r.totals.weightBytes).toEqual({ float32: 4 * paramsTotal(e) });
      // Layers, not calls; depth: layers that own weights.
      expect(r.totals.layers).toBe(e.rows.length - Object.keys(e.repeated ?? {}).length);
      expect(r.totals.depth).toBe(e.rows.filter((x) => !e.repeated?.[x.name] && x.params.trainable + x.params.nonTrainable > 0).length);
    });

    it('names every call as the loader does, in topological order, with its class and output shape', async () => {
      const r = await reportOf(e.file);
      expect(r.layers.map((l) => l.name)).toEqual(e.rows.map((x) => x.name));
      expect(r.layers.map((l) => [l.name, l.className, l.outputShape])).toEqual(e.rows.map((x) => [x.name, x.className, x.shape]));
    });

    it('gives each layer its closed-form params and MACs', async () => {
      const r = await reportOf(e.file);
      const shown = (x: Row) => (e.repeated?.[x.name] ? none : x.params);
      expect(r.layers.map((l) => [l.name, l.params.trainable, l.params.nonTrainable, l.macs])).toEqual(
        e.rows.map((x) => [x.name, shown(x).trainable, shown(x).nonTrainable, x.macs]),
      );
    });

    it(e.unsupported ? 'lists the unknown classes as unsupported and marks the totals incomplete' : 'is complete', async () => {
      const r = await reportOf(e.file);
      expect(r.unsupported).toEqual(e.unsupported ?? []);
      expect(r.complete).toBe(e.unsupported === undefined);
    });
  });
}

describe('nested and shared: where each call reads from', () => {
  it('nested.json: the base reads the outer input, the head reads the pool, blocks name the nested model', async () => {
    const r = await reportOf(NESTED.file);
    const layer = (name: string) => r.layers.find((l) => l.name === name)!;
    expect(layer('tiny_base/input_layer').inbound).toEqual(['image']);
    expect(layer('tiny_base/Conv1').inbound).toEqual(['tiny_base/input_layer']);
    expect(layer('pool').inbound).toEqual(['tiny_base/out_relu']);
    expect(layer('head/input_layer_1').inbound).toEqual(['pool']);
    expect(layer('head/logits').inbound).toEqual(['head/drop']);
    expect(layer('tiny_base/expanded_conv_project').block).toEqual(['tiny_base']);
    expect(layer('head/fc').block).toEqual(['head']);
    expect(layer('pool').block).toEqual([]);
    expect(r.model.inputShapes).toEqual([[null, 16, 16, 3]]);
  });

  it('shared-layer.json: each call reads its own input; the repeated calls own no weights', async () => {
    const r = await reportOf(SHARED_LAYER.file);
    const layer = (name: string) => r.layers.find((l) => l.name === name)!;
    expect(layer('shared_conv').inbound).toEqual(['left']);
    expect(layer('shared_conv@1').inbound).toEqual(['right']);
    expect(layer('shared_pool@1').inbound).toEqual(['shared_conv@1']);
    expect(layer('concatenate').inbound).toEqual(['shared_pool', 'shared_pool@1']);
    expect(layer('shared_conv@1').note).toBe('weights shared with shared_conv');
    expect(layer('shared_pool@1').note).toBe('weights shared with shared_pool');
    expect(r.model.inputShapes).toEqual([[null, 12, 12, 1], [null, 12, 12, 1]]);
  });

  it('multi-io.json: both inputs, both heads', async () => {
    const r = await reportOf(MULTI_IO.file);
    expect(r.model.inputShapes).toEqual([[null, 16, 16, 3], [null, 8]]);
    const layer = (name: string) => r.layers.find((l) => l.name === name)!;
    expect(layer('merge').inbound).toEqual(['flatten', 'vec_dense']);
    expect(layer('class_output').inbound).toEqual(['hidden']);
    expect(layer('reg_output').inbound).toEqual(['hidden']);
  });
});

// --- the CLI -------------------------------------------------------------------------------

describe('dnarch summarize --strict on the fixtures (the built CLI: npm run build first)', () => {
  const rel = (file: string) => `fixtures/models/${file}`;

  it(
    'custom-layer.json: exit 1 after printing the report, naming the classes; without --strict, exit 0',
    () => {
      const strict = dnarch(['summarize', rel(CUSTOM_LAYER.file), '--strict', '--format', 'json']);
      expect(strict.stderr).toBe('dnarch: --strict: no cost handler for MyAttention (1), Lambda (1); totals are incomplete\n');
      expect(strict.status).toBe(1);
      const report = JSON.parse(strict.stdout) as ModelReport;
      expect(report.complete).toBe(false);
      expect(report.totals.params.total).toBe(paramsTotal(CUSTOM_LAYER));

      const plain = dnarch(['summarize', rel(CUSTOM_LAYER.file), '--format', 'json']);
      expect(plain.stderr).toBe('');
      expect(plain.status).toBe(0);
    },
    2 * TIMEOUT,
  );

  it(
    'the complete fixtures pass --strict',
    () => {
      for (const e of ALL.filter((x) => x.unsupported === undefined)) {
        const r = dnarch(['summarize', rel(e.file), '--strict', '--format', 'json']);
        expect(r.stderr, e.file).toBe('');
        expect(r.status, e.file).toBe(0);
        expect((JSON.parse(r.stdout) as ModelReport).totals.macs, e.file).toBe(macsTotal(e));
      }
    },
    5 * TIMEOUT,
  );
});
