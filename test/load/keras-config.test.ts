/**
 * normalizeTopology and modelFromTopology on small inline configs: one rule per test, each
 * safety check giving a one-line DnarchError that names the layer. Expected parameter
 * counts are closed forms (kernel + bias) written next to each model.
 */
import * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { DnarchError } from '../../src/errors.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import { modelFromTopology } from '../../src/load/tfjs/build-model.js';
import { LIMITS, normalizeTopology, zeroInitialisers } from '../../src/load/keras/config.js';
import { OPAQUE_CLASS_NAME } from '../../src/load/tfjs/opaque-layer.js';

beforeAll(() => ensureAnalysisBackend());

const FILE = 'model.json';
type Json = Record<string, unknown>;

const build = async (topology: unknown) => modelFromTopology(FILE, normalizeTopology(FILE, topology));

/** The DnarchError a call throws: BAD_INPUT, one line, starting with the file name. */
function errorOf(f: () => unknown): DnarchError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DnarchError);
    const err = e as DnarchError;
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).not.toMatch(/\n/);
    expect(err.message.startsWith(`${FILE}: `)).toBe(true);
    return err;
  }
  throw new Error('expected a DnarchError');
}
async function asyncErrorOf(p: Promise<unknown>): Promise<DnarchError> {
  try {
    await p;
  } catch (e) {
    return errorOf(() => {
      throw e;
    });
  }
  throw new Error('expected a DnarchError');
}

// --- Keras 2 style building blocks -------------------------------------------------------

const k2Layer = (className: string, name: string, config: Json, inbound: string[][] = []): Json => ({
  class_name: className,
  name,
  config: { name, ...config },
  inbound_nodes: inbound.map((call) => call.map((n) => [n, 0, 0, {}])),
});
const k2Input = (name: string, shape: (number | null)[]): Json => k2Layer('InputLayer', name, { batch_input_shape: shape, dtype: 'float32' });
const k2Model = (layers: Json[], inputs: string[], outputs: string[], name = 'm'): Json => ({
  class_name: 'Functional',
  config: { name, layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: outputs.map((n) => [n, 0, 0]) },
});
const dense = (name: string, units: number, from: string): Json => k2Layer('Dense', name, { units, activation: 'linear', use_bias: true }, [[from]]);

/** input [4] -> d1 Dense 3 -> d2 Dense 2: params 4*3+3 + 3*2+2 = 23. */
const mlp = (): Json => k2Model([k2Input('x', [null, 4]), dense('d1', 3, 'x'), dense('d2', 2, 'd1')], ['x'], ['d2']);

// --- Keras 3 style -----------------------------------------------------------------------

const policy = (name = 'float32') => ({ module: 'keras', class_name: 'DTypePolicy', config: { name }, registered_name: null });
const kt = (layer: string, shape: (number | null)[], node = 0) => ({
  class_name: '__keras_tensor__',
  config: { shape, dtype: 'float32', keras_history: [layer, node, 0] },
});
const init = (cls: string) => ({ module: 'keras.initializers', class_name: cls, config: { seed: null }, registered_name: null });
const k3Conv = (name: string, filters: number, k: number, args: unknown[]): Json => ({
  module: 'keras.layers',
  class_name: 'Conv2D',
  config: {
    name, trainable: true, dtype: policy(), filters, kernel_size: [k, k], strides: [1, 1], padding: 'same',
    data_format: 'channels_last', dilation_rate: [1, 1], groups: 1, activation: 'relu', use_bias: true,
    kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros'), kernel_regularizer: null,
  },
  registered_name: null,
  build_config: { input_shape: [null, 8, 8, 3] },
  name,
  inbound_nodes: [{ args, kwargs: {} }],
});

/**
 * Keras 3: in [8,8,3] -> c1 Conv 3x3/4 and c2 Conv 1x1/4 -> sum Add([c1, c2]) -> head, a
 * nested Sequential (GAP, Dense 3) called once -> final Activation; outputs head and final.
 * Keras 3 refers to head's call as ['head', 0, 0], which tfjs knows as call 1 (its call 0
 * is the Sequential's own construction).
 * Params: c1 27*4+4 = 112, c2 3*4+4 = 16, dense 4*3+3 = 15; 143 in all.
 */
function keras3Model(): Json {
  return {
    module: 'keras',
    class_name: 'Functional',
    config: {
      name: 'k3',
      trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 8, 8, 3], dtype: 'float32', sparse: false, name: 'in' }, registered_name: null, name: 'in', inbound_nodes: [] },
        k3Conv('c1', 4, 3, [kt('in', [null, 8, 8, 3])]),
        k3Conv('c2', 4, 1, [kt('in', [null, 8, 8, 3])]),
        {
          module: 'keras.layers', class_name: 'Add', config: { name: 'sum', trainable: true, dtype: policy() }, registered_name: null, name: 'sum',
          // A merge's list of tensors is one positional argument.
          inbound_nodes: [{ args: [[kt('c1', [null, 8, 8, 4]), kt('c2', [null, 8, 8, 4])]], kwargs: {} }],
        },
        {
          module: 'keras', class_name: 'Sequential', registered_name: null, name: 'head',
          build_config: { input_shape: [null, 8, 8, 4] },
          config: {
            name: 'head', trainable: true, dtype: policy(),
            layers: [
              { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 8, 8, 4], dtype: 'float32', sparse: false, name: 'head_in' }, registered_name: null },
              { module: 'keras.layers', class_name: 'GlobalAveragePooling2D', config: { name: 'gap', trainable: true, dtype: policy(), data_format: 'channels_last', keepdims: false }, registered_name: null },
              { module: 'keras.layers', class_name: 'Dense', config: { name: 'out', trainable: true, dtype: policy('mixed_float16'), units: 3, activation: 'softmax', use_bias: true, kernel_initializer: init('GlorotUniform'), bias_initializer: init('Zeros') }, registered_name: null },
            ],
          },
          inbound_nodes: [{ args: [kt('sum', [null, 8, 8, 4])], kwargs: { mask: null, training: false } }],
        },
        {
          module: 'keras.layers', class_name: 'Activation', config: { name: 'final', trainable: true, dtype: policy(), activation: 'linear' }, registered_name: null, name: 'final',
          inbound_nodes: [{ args: [kt('head', [null, 3])], kwargs: {} }],
        },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['head', 0, 0], ['final', 0, 0]],
    },
  };
}

/** Every key of a JSON value, at any depth. */
function keysOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.add(k), keysOf(x, out);
  return out;
}
const layersOf = (t: Json): Json[] => (t.config as Json).layers as Json[];

describe('normalizeTopology: Keras 3 configs', () => {
  it('writes batch_shape as batch_input_shape, dtype policies as strings, and drops Keras 3 metadata', () => {
    const t = normalizeTopology(FILE, keras3Model());
    const [input, c1] = layersOf(t);
    expect((input.config as Json).batch_input_shape).toEqual([null, 8, 8, 3]);
    expect((input.config as Json).batch_shape).toBeUndefined();
    expect((c1.config as Json).dtype).toBe('float32');
    const keys = keysOf(t);
    for (const k of ['module', 'registered_name', 'build_config', 'compile_config']) expect(keys.has(k)).toBe(false);
    // mixed_float16 keeps float32 variables.
    const head = layersOf(t)[4];
    expect(((layersOf(head)[2].config as Json).dtype)).toBe('float32');
  });

  it('rewrites {args, kwargs} calls as [[[layer, node, tensor, {}]]], a merge list included, mask and training dropped', () => {
    const [, c1, , sum, head, final] = layersOf(normalizeTopology(FILE, keras3Model()));
    expect(c1.inbound_nodes).toEqual([[['in', 0, 0, {}]]]);
    expect(sum.inbound_nodes).toEqual([[['c1', 0, 0, {}], ['c2', 0, 0, {}]]]);
    expect(head.inbound_nodes).toEqual([[['sum', 0, 0, {}]]]);
    // A Keras 3 Sequential's first call is its node 0; tfjs counts its construction as node 0.
    expect(final.inbound_nodes).toEqual([[['head', 1, 0, {}]]]);
  });

  it('shifts output_layers that name a nested Keras 3 Sequential, and reads a flat [name, node, tensor]', () => {
    const k3 = keras3Model();
    (k3.config as Json).input_layers = ['in', 0, 0];
    const t = normalizeTopology(FILE, k3);
    expect((t.config as Json).input_layers).toEqual([['in', 0, 0]]);
    expect((t.config as Json).output_layers).toEqual([['head', 1, 0], ['final', 0, 0]]);
  });

  it('builds the Keras 3 model: nested Sequential expanded, params as the closed form', async () => {
    const m = await build(keras3Model());
    const r = analyzeGraph(graphFromTfjs(m));
    expect(r.totals.params.total).toBe(112 + 16 + 15);
    expect(r.layers.map((l) => l.name)).toEqual(['in', 'c1', 'c2', 'sum', 'head/head_in', 'head/gap', 'head/out', 'final']);
    expect(r.layers.at(-1)!.inbound).toEqual(['head/out']);
    // c1: 8*8*4 outputs x 27 taps; c2: 8*8*4 x 3; out: 4 x 3.
    expect(r.totals.macs).toBe(256 * 27 + 256 * 3 + 12);
    m.dispose();
  });

  it('collects tensors nested in lists and dicts of args, in order', () => {
    const t = keras3Model();
    const sum = layersOf(t)[3];
    sum.inbound_nodes = [{ args: [[[kt('c1', [null, 8, 8, 4])], { b: kt('c2', [null, 8, 8, 4]) }]], kwargs: {} }];
    expect(layersOf(normalizeTopology(FILE, t))[3].inbound_nodes).toEqual([[['c1', 0, 0, {}], ['c2', 0, 0, {}]]]);
  });
});

describe('normalizeTopology: Keras 2 and tfjs configs', () => {
  it('zeroes every initialiser (zeroInitialisers is exported for the loader)', () => {
    const t = normalizeTopology(FILE, keras3Model());
    const inits: unknown[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) k.endsWith('_initializer') && x !== null ? inits.push(x) : walk(x);
      }
    };
    walk(t);
    expect(inits.length).toBeGreaterThan(0);
    for (const i of inits) expect(i).toEqual({ class_name: 'Zeros', config: {} });
    expect(zeroInitialisers({ a: { kernel_initializer: { class_name: 'Orthogonal', config: {} }, bias_initializer: null } })).toEqual({
      a: { kernel_initializer: { class_name: 'Zeros', config: {} }, bias_initializer: null },
    });
  });

  it("strips the kernel_* keys Keras 2.15 writes on SeparableConv2D (tfjs refuses them)", async () => {
    const sep = k2Layer('SeparableConv2D', 'sep', {
      filters: 8, kernel_size: [3, 3], padding: 'same', depth_multiplier: 1,
      kernel_initializer: { class_name: 'GlorotUniform', config: {} }, kernel_regularizer: null, kernel_constraint: null,
      depthwise_initializer: { class_name: 'GlorotUniform', config: {} }, pointwise_initializer: { class_name: 'GlorotUniform', config: {} },
    }, [['x']]);
    const topo = k2Model([k2Input('x', [null, 6, 6, 2]), sep], ['x'], ['sep']);
    const config = layersOf(normalizeTopology(FILE, topo))[1].config as Json;
    expect(Object.keys(config).filter((k) => k.startsWith('kernel_') && k !== 'kernel_size')).toEqual([]);
    // Depthwise 3*3*2 + pointwise 2*8 + bias 8.
    const m = await build(topo);
    expect(m.countParams()).toBe(18 + 16 + 8);
    m.dispose();
  });

  it('reads the model under modelTopology.model_config, under modelTopology, or bare', () => {
    for (const wrapped of [{ modelTopology: { keras_version: '2.15.0', model_config: mlp() } }, { modelTopology: mlp() }, mlp()]) {
      const t = normalizeTopology(FILE, wrapped);
      expect(t.class_name).toBe('Functional');
      expect(layersOf(t).map((l) => l.name)).toEqual(['x', 'd1', 'd2']);
    }
  });

  it('reads the tfjs 1.x Sequential whose config is the bare list of layers', async () => {
    const m = await build({
      class_name: 'Sequential',
      config: [
        { class_name: 'Dense', config: { name: 'a', units: 3, batch_input_shape: [null, 4] } },
        { class_name: 'Dense', config: { name: 'b', units: 2 } },
      ],
    });
    expect(m.countParams()).toBe(4 * 3 + 3 + 3 * 2 + 2);
    m.dispose();
  });

  it('gives a Sequential built by model.build(shape) the input its build_input_shape states', async () => {
    for (const where of ['config', 'build_config'] as const) {
      const shape = [null, 6];
      const m = await build({
        class_name: 'Sequential',
        config: { name: 'lazy', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }], ...(where === 'config' ? { build_input_shape: shape } : {}) },
        ...(where === 'build_config' ? { build_config: { input_shape: shape } } : {}),
      });
      expect(graphFromTfjs(m).nodes.map((n) => [n.name, n.outputShapes[0]])).toEqual([['d_input', [null, 6]], ['d', [null, 2]]]);
      m.dispose();
    }
  });

  it("builds Teachable Machine's Sequential(Sequential(Model), Sequential) nesting", async () => {
    const base = k2Model(
      [k2Input('input_1', [null, 5, 5, 3]), k2Layer('Conv2D', 'conv', { filters: 2, kernel_size: [3, 3] }, [['input_1']])],
      ['input_1'], ['conv'], 'model1',
    );
    base.class_name = 'Model';
    const m = await build({
      class_name: 'Sequential',
      config: {
        name: 'outer',
        layers: [
          { class_name: 'Sequential', config: { name: 'seq1', layers: [base, { class_name: 'Flatten', config: { name: 'flat' } }] } },
          { class_name: 'Sequential', config: { name: 'seq2', layers: [{ class_name: 'Dense', config: { name: 'cls', units: 4, batch_input_shape: [null, 18] } }] } },
        ],
      },
    });
    const g = graphFromTfjs(m);
    expect(g.nodes.map((n) => n.name)).toEqual([
      'seq1/model1/input_1', 'seq1/model1/conv', 'seq1/flat', 'seq2/cls_input', 'seq2/cls',
    ]);
    expect(g.nodes[1].block).toEqual(['seq1', 'model1']);
    // conv 3*3*3*2 + 2; cls (3*3*2) * 4 + 4.
    expect(analyzeGraph(g).totals.params.total).toBe(56 + 76);
    m.dispose();
  });

  it('passes tensors given by keyword to a custom layer as extra inputs (a CTCLayer reading y_pred)', async () => {
    const ctc = {
      class_name: 'CTCLayer', name: 'ctc', config: { name: 'ctc', trainable: true, dtype: 'float32' },
      inbound_nodes: [[['label', 0, 0, { y_pred: ['d1', 0, 0], mode: 'x' }]]],
    };
    const topo = k2Model([k2Input('x', [null, 4]), k2Input('label', [null, 5]), dense('d1', 3, 'x'), ctc], ['x', 'label'], ['ctc']);
    expect(layersOf(normalizeTopology(FILE, topo))[3].inbound_nodes).toEqual([[['label', 0, 0, {}], ['d1', 0, 0, {}]]]);
    const m = await build(topo);
    const g = graphFromTfjs(m);
    // Without the keyword tensor, d1 (and x) would not be part of the model at all.
    expect(g.nodes.map((n) => n.name)).toEqual(['x', 'label', 'd1', 'ctc']);
    expect(g.nodes[3].inbound).toEqual(['label', 'd1']);
    m.dispose();
  });

  it("loads Conv2D(groups=2) with a grouped kernel, not tfjs' full one", async () => {
    const topo = k2Model(
      [k2Input('x', [null, 5, 5, 4]), k2Layer('Conv2D', 'g', { filters: 6, kernel_size: [3, 3], groups: 2 }, [['x']])],
      ['x'], ['g'],
    );
    const m = await build(topo);
    const r = analyzeGraph(graphFromTfjs(m));
    expect(r.layers[1].className).toBe('Conv2D');
    expect(r.totals.params.total).toBe(3 * 3 * 2 * 6 + 6); // kernel [3, 3, 4/2, 6]
    m.dispose();
  });

  it('keeps GlobalAveragePooling2D(keepdims=True) 4D and reads BatchNormalization axis [3]', async () => {
    const topo = k2Model(
      [
        k2Input('x', [null, 5, 5, 4]),
        k2Layer('BatchNormalization', 'bn', { axis: [3] }, [['x']]),
        k2Layer('GlobalAveragePooling2D', 'gap', { keepdims: true }, [['bn']]),
        k2Layer('Conv2D', 'fc', { filters: 3, kernel_size: [1, 1] }, [['gap']]),
      ],
      ['x'], ['fc'],
    );
    const m = await build(topo);
    const g = graphFromTfjs(m);
    expect(g.nodes.map((n) => [n.className, n.outputShapes[0]])).toEqual([
      ['InputLayer', [null, 5, 5, 4]],
      ['BatchNormalization', [null, 5, 5, 4]],
      ['GlobalAveragePooling2D', [null, 1, 1, 4]],
      ['Conv2D', [null, 1, 1, 3]],
    ]);
    // bn 4 x (gamma, beta, mean, variance); fc 4*3 + 3.
    expect(analyzeGraph(g).totals.params.total).toBe(16 + 15);
    m.dispose();
  });

  it('treats as unknown what tfjs would build wrongly: output_padding, a wrapper of an unknown class', async () => {
    const topo = k2Model(
      [
        k2Input('x', [null, 5, 5, 4]),
        k2Layer('Conv2DTranspose', 'up', { filters: 2, kernel_size: [3, 3], strides: [2, 2], output_padding: [1, 1] }, [['x']]),
        k2Layer('TimeDistributed', 'td', { layer: { class_name: 'MyCell', config: { name: 'cell' } } }, [['up']]),
      ],
      ['x'], ['td'],
    );
    const m = await build(topo);
    const r = analyzeGraph(graphFromTfjs(m));
    expect(r.unsupported.map((u) => u.className).sort()).toEqual(['Conv2DTranspose', 'TimeDistributed']);
    expect(r.complete).toBe(false);
    expect(r.layers.find((l) => l.name === 'up')!.note).toBe('tfjs cannot build Conv2DTranspose with output_padding: its shapes are known, its cost and weights are not');
    expect(r.layers.find((l) => l.name === 'td')!.note).toMatch(/^tfjs has no MyCell layer \(inside TimeDistributed\)/);
    m.dispose();
  });

  it('refuses a graph model and a bare layer with a clear message', () => {
    expect(errorOf(() => normalizeTopology(FILE, { format: 'graph-model', modelTopology: { node: [] } })).message).toMatch(/graph model/);
    expect(errorOf(() => normalizeTopology(FILE, { class_name: 'Dense', config: { units: 2 } })).message).toMatch(/a Dense layer, not a model/);
  });

  it('reports a schema problem with its JSON path', () => {
    const topo = mlp();
    layersOf(topo)[1].inbound_nodes = [[['x', 'zero', 0, {}]]];
    expect(errorOf(() => normalizeTopology(FILE, { modelTopology: { model_config: topo } })).message).toMatch(
      /^model\.json: modelTopology\.model_config\.config\.layers\[1\]\.inbound_nodes\[0\]/,
    );
  });
});

describe('unknown layer classes become opaque placeholders', () => {
  /** x [6,6,8] -> lam Lambda(output_shape [3]) and d2s TensorFlowOpLayer DepthToSpace(2). */
  function custom(): Json {
    return k2Model(
      [
        k2Input('x', [null, 6, 6, 8]),
        k2Layer('Lambda', 'lam', { function: ['4wEAAAAA', null, null], function_type: 'lambda', output_shape: [3], output_shape_type: 'raw', arguments: {} }, [['x']]),
        k2Layer('TensorFlowOpLayer', 'd2s', {
          node_def: { name: 'DepthToSpace', op: 'DepthToSpace', input: ['x'], attr: { block_size: { i: '2' }, data_format: { s: Buffer.from('NHWC').toString('base64') } } },
          constants: {},
        }, [['x']]),
        k2Layer('My_Custom_Layer', 'mine', { units: 7 }, [['d2s']]),
        k2Layer('Conv2D', 'after', { filters: 2, kernel_size: [1, 1] }, [['mine']]),
      ],
      ['x'], ['lam', 'after'],
    );
  }

  it('replaces the class in the normalized topology, keeping the original name', () => {
    const layers = layersOf(normalizeTopology(FILE, custom()));
    expect(layers.map((l) => l.class_name)).toEqual(['InputLayer', OPAQUE_CLASS_NAME, OPAQUE_CLASS_NAME, OPAQUE_CLASS_NAME, 'Conv2D']);
  });

  it('takes shapes from the config (Lambda output_shape, DepthToSpace) or passes the input through', async () => {
    const m = await build(custom());
    const g = graphFromTfjs(m);
    const node = (name: string) => g.nodes.find((n) => n.name === name)!;
    expect(node('lam').className).toBe('Lambda');
    expect(node('lam').outputShapes).toEqual([[null, 3]]);
    expect(node('d2s').className).toBe('TensorFlowOpLayer');
    expect(node('d2s').outputShapes).toEqual([[null, 12, 12, 2]]);
    expect(node('mine').className).toBe('My_Custom_Layer'); // not camel-cased by tfjs' loader
    expect(node('mine').outputShapes).toEqual([[null, 12, 12, 2]]);
    expect(node('mine').weights).toEqual([]);
    expect(node('after').outputShapes).toEqual([[null, 12, 12, 2]]);
    m.dispose();
  });

  it('lists them as unsupported and the totals as incomplete', async () => {
    const m = await build(custom());
    const r = analyzeGraph(graphFromTfjs(m));
    expect(r.complete).toBe(false);
    expect(r.unsupported.map((u) => u.className).sort()).toEqual(['Lambda', 'My_Custom_Layer', 'TensorFlowOpLayer']);
    expect(r.layers.find((l) => l.name === 'lam')!.note).toBe('tfjs has no Lambda layer: its shapes are known, its cost and weights are not');
    expect(r.totals.params.total).toBe(2 * 2 + 2); // only the 1x1 conv
    m.dispose();
  });

  it('cannot run: predict says which layer and why', async () => {
    const m = await build(custom());
    expect(() => m.predict(tfc.zeros([1, 6, 6, 8]))).toThrow(/layer "lam" \(Lambda\) cannot run/);
    m.dispose();
  });

  it("treats a class named like an Object property ('constructor', 'toString') as unknown", async () => {
    const topo = k2Model([k2Input('x', [null, 4]), k2Layer('toString', 't', {}, [['x']])], ['x'], ['t']);
    const m = await build(topo);
    expect(graphFromTfjs(m).nodes[1].className).toBe('toString');
    m.dispose();
  });
});

describe('safety: checked before anything is built, one line naming the layer', () => {
  const conv = (config: Json): Json =>
    k2Model([k2Input('x', [null, 8, 8, 3]), k2Layer('Conv2D', 'big', { filters: 4, kernel_size: [3, 3], ...config }, [['x']])], ['x'], ['big']);

  it('10^9 filters or units', () => {
    expect(errorOf(() => normalizeTopology(FILE, conv({ filters: 1e9 }))).message).toMatch(/layer "big" \(Conv2D\).*filters: must be a whole number from 1 to 1000000, got 1000000000/);
    const units = k2Model([k2Input('x', [null, 4]), dense('wide', 1e9, 'x')], ['x'], ['wide']);
    expect(errorOf(() => normalizeTopology(FILE, units)).message).toMatch(/layer "wide" \(Dense\).*units/);
  });

  it('negative, zero, fractional, infinite or NaN sizes', () => {
    for (const kernel of [[-3, 3], [0, 3], [2.5, 3], [Infinity, 3], [NaN, 3], ['3', 3]]) {
      expect(errorOf(() => normalizeTopology(FILE, conv({ kernel_size: kernel }))).message).toMatch(/layer "big" \(Conv2D\).*kernel_size/);
    }
    for (const shape of [[null, -8, 8, 3], [null, 0, 8, 3], [null, NaN, 8, 3], [null, 1e6, 8, 3]]) {
      const topo = k2Model([k2Input('x', shape), k2Layer('Flatten', 'f', {}, [['x']])], ['x'], ['f']);
      expect(errorOf(() => normalizeTopology(FILE, topo)).message).toMatch(/layer "x" \(InputLayer\).*batch_input_shape/);
    }
  });

  it('an embedding table or a kernel declared over 2^31 elements', () => {
    const emb = k2Model([k2Input('x', [null, 10]), k2Layer('Embedding', 'emb', { input_dim: 1e6, output_dim: 1e4 }, [['x']])], ['x'], ['emb']);
    expect(errorOf(() => normalizeTopology(FILE, emb)).message).toMatch(/layer "emb" \(Embedding\).*declares 10000000000 weight elements/);
    expect(errorOf(() => normalizeTopology(FILE, conv({ filters: 1e6, kernel_size: [100, 100] }))).message).toMatch(/layer "big".*declares/);
  });

  it('a weight over 2^31 elements found at build time is refused before it is allocated', async () => {
    // 100,000 inputs x 1,000,000 units: each number is within its cap, the kernel is not.
    const topo = k2Model([k2Input('x', [null, 100000]), dense('huge', 1e6, 'x')], ['x'], ['huge']);
    const before = tfc.memory().numBytes;
    const err = await asyncErrorOf(build(topo));
    expect(err.message).toMatch(/layer "huge" \(Dense\): weight kernel of shape 100000x1000000 has 100000000000 elements/);
    expect(tfc.memory().numBytes).toBe(before);
    expect(LIMITS.maxLayerWeights).toBe(2 ** 31);
  });

  it('__proto__, constructor and prototype keys are dropped, never followed', () => {
    const topo = JSON.parse(
      '{"class_name":"Functional","__proto__":{"polluted":1},"config":{"name":"m","constructor":{"x":1},' +
        '"layers":[{"class_name":"InputLayer","name":"x","config":{"name":"x","batch_input_shape":[null,4],"__proto__":{"polluted":2}},"inbound_nodes":[]}],' +
        '"input_layers":[["x",0,0]],"output_layers":[["x",0,0]]}}',
    );
    const t = normalizeTopology(FILE, topo);
    expect(keysOf(t).has('__proto__')).toBe(false);
    expect(keysOf(t).has('constructor')).toBe(false);
    expect(({} as Json).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
  });

  it('a layer named like an Object property', () => {
    const topo = k2Model([k2Input('x', [null, 4]), dense('constructor', 2, 'x')], ['x'], ['constructor']);
    expect(errorOf(() => normalizeTopology(FILE, topo)).message).toMatch(/layer name "constructor" is not allowed/);
  });

  it('duplicate layer names', () => {
    const topo = k2Model([k2Input('x', [null, 4]), dense('d', 3, 'x'), dense('d', 2, 'd')], ['x'], ['d']);
    expect(errorOf(() => normalizeTopology(FILE, topo)).message).toMatch(/config\.layers\[2\]: layer name "d" is used twice in model "m" \(also at config\.layers\[1\]\)/);
  });

  it('a read of a layer that does not exist', () => {
    const topo = k2Model([k2Input('x', [null, 4]), dense('d1', 3, 'nowhere')], ['x'], ['d1']);
    expect(errorOf(() => normalizeTopology(FILE, topo)).message).toMatch(/layer "d1" reads "nowhere", which is not a layer of model "m"/);
    const out = k2Model([k2Input('x', [null, 4]), dense('d1', 3, 'x')], ['x'], ['ghost']);
    expect(errorOf(() => normalizeTopology(FILE, out)).message).toMatch(/model "m" reads "ghost"/);
  });

  it('a cycle (tfjs would loop forever on it)', () => {
    const topo = k2Model(
      [k2Input('x', [null, 4]), k2Layer('Add', 'a', {}, [['x', 'c']]), dense('b', 4, 'a'), dense('c', 4, 'b')],
      ['x'], ['c'],
    );
    expect(errorOf(() => normalizeTopology(FILE, topo)).message).toMatch(/layer "a" is part of a cycle in model "m": "a" -> "c" -> "b" -> "a"/);
    const self = k2Model([k2Input('x', [null, 4]), k2Layer('Add', 's', {}, [['x', 's']])], ['x'], ['s']);
    expect(errorOf(() => normalizeTopology(FILE, self)).message).toMatch(/layer "s" is part of a cycle/);
  });

  it('a read of a call that never happens (tfjs would loop forever on it too)', () => {
    const topo = mlp();
    (layersOf(topo)[2].inbound_nodes as unknown[][][])[0][0][1] = 3;
    expect(errorOf(() => normalizeTopology(FILE, topo)).message).toMatch(/layer "d2" reads call 3 of "d1", which is called only 1 time\(s\)/);
  });

  it('an input that is not an InputLayer, and too many layers', () => {
    const topo = k2Model([k2Input('x', [null, 4]), dense('d1', 3, 'x')], ['d1'], ['d1']);
    expect(errorOf(() => normalizeTopology(FILE, topo)).message).toMatch(/input "d1" of model "m" is not an InputLayer/);
    const many = Array.from({ length: LIMITS.maxLayers + 1 }, (_, i) => ({ class_name: 'Dense', config: { name: `d${i}`, units: 1 } }));
    expect(errorOf(() => normalizeTopology(FILE, { class_name: 'Sequential', config: { layers: many } })).message).toMatch(/more than 20000 layers/);
  });

  it('a known class whose config tfjs refuses: the layer and class are named', async () => {
    const err = await asyncErrorOf(build(conv({ kernel_size: [3, 3, 3] })));
    expect(err.message).toMatch(/^model\.json: layer "big" \(Conv2D\): .*kernelSize/);
  });

  it('a string option outside its choices: named as the file writes it, before tfjs camel-cases it', async () => {
    const err = await asyncErrorOf(build(conv({ padding: 'sideways' })));
    expect(err.message).toMatch(/^model\.json: layer "big" \(Conv2D\) at .*\.padding: must be "valid", "same" or "causal", got "sideways"$/);
    const format = await asyncErrorOf(build(conv({ data_format: 'channels_middle' })));
    expect(format.message).toMatch(/\.data_format: must be "channels_last" or "channels_first", got "channels_middle"$/);
  });
});
