import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { analyze, buildModel, zooGraph } from '../../src/api.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromSymbolic, graphFromTfjs } from '../../src/graph/from-tfjs.js';
import { layerOrder } from '../../src/graph/layer-order.js';
import type { ModelOptions } from '../../src/zoo/options.js';
import { ZOO } from '../../src/zoo/registry.js';

// tfjs' own Container (tfl.model()) is the oracle: graphFromSymbolic must give exactly
// the LayerGraph of graphFromTfjs(tfl.model(...)) on the same applied layers: the layer
// order, and per layer its inbound names, shapes, weights (hence params), config, block.

beforeAll(() => ensureAnalysisBackend());

// tfl.model() as usual, but counted: the zoo analysis path must never call it.
vi.mock('@tensorflow/tfjs-layers', async (importOriginal) => {
  const m = await importOriginal<typeof import('@tensorflow/tfjs-layers')>();
  return { ...m, model: vi.fn(m.model) };
});

async function expectSameAsTfjs(name: string, options: ModelOptions = {}): Promise<number> {
  const built = await buildModel(name, options);
  try {
    const fast = graphFromSymbolic(built.inputs, built.outputs, built.name, built.blocks);
    const oracle = graphFromTfjs(built.model, built.blocks);
    // Names first, for a readable failure; then everything.
    expect(fast.nodes.map((n) => n.name)).toEqual(oracle.nodes.map((n) => n.name));
    expect(fast).toEqual(oracle);
    return fast.nodes.length;
  } finally {
    built.dispose();
  }
}

describe('graphFromSymbolic equals graphFromTfjs(tfl.model()) on every zoo model', () => {
  // Every registry entry at its defaults, resnet110, resnet1001 and resnet1202 included
  // (tfl.model() costs resnet1202 about 1 s, which is the point of the fast path).
  it.each(ZOO.map((e) => e.name))('%s', async (name) => {
    expect(await expectSameAsTfjs(name)).toBeGreaterThan(0);
  });

  it.each<[string, ModelOptions]>([
    ['resnet50', { includeTop: false }],
    ['densenet121', { includeTop: false, pooling: 'max' }],
    ['nasnetmobile', { includeTop: false, pooling: 'avg' }],
    ['inceptionv3', { includeTop: false, inputSize: [160, 192] }],
    ['resnet110', { includeTop: false }],
  ])('%s %o', async (name, options) => {
    expect(await expectSameAsTfjs(name, options)).toBeGreaterThan(0);
  });
});

describe('layerOrder on hand-made graphs', () => {
  const names = (layers: { name: string }[]): string[] => layers.map((l) => l.name);
  const dense = (name: string): tfl.layers.Layer => tfl.layers.dense({ units: 2, name, kernelInitializer: 'zeros' });

  it('a diamond with a long and a short branch, a skip, two outputs and two inputs', () => {
    const a = tfl.input({ shape: [4], name: 'in_a' });
    const b = tfl.input({ shape: [4], name: 'in_b' });
    const stem = dense('stem').apply(a) as tfl.SymbolicTensor;
    // Long branch (3 layers) and short branch (1 layer) rejoin: the short one's layer must
    // sort by depth, not by when it was reached.
    let long = stem;
    for (const n of ['long1', 'long2', 'long3']) long = dense(n).apply(long) as tfl.SymbolicTensor;
    const short = dense('short').apply(stem) as tfl.SymbolicTensor;
    const join = tfl.layers.add({ name: 'join' }).apply([long, short]) as tfl.SymbolicTensor;
    const side = dense('side').apply(b) as tfl.SymbolicTensor;
    const cat = tfl.layers.concatenate({ name: 'cat' }).apply([side, join, stem]) as tfl.SymbolicTensor;
    const out1 = dense('out1').apply(cat) as tfl.SymbolicTensor;
    const out2 = dense('out2').apply(short) as tfl.SymbolicTensor;

    for (const [inputs, outputs] of [
      [[a, b], [out1, out2]],
      [[b, a], [out2, out1]],
    ] as const) {
      const model = tfl.model({ inputs: [...inputs], outputs: [...outputs], name: 'diamond' });
      expect(names(layerOrder([...inputs], [...outputs]))).toEqual(names(model.layers));
      expect(graphFromSymbolic([...inputs], [...outputs], 'diamond')).toEqual(graphFromTfjs(model));
    }
    // Deepest first: 'in_b' (3 layers from out1) sits with 'long3' and 'short', ahead of
    // 'side'; within a depth, the order the DFS from the outputs first reached each layer.
    expect(names(layerOrder([a, b], [out1, out2]))).toEqual(
      ['in_a', 'stem', 'long1', 'long2', 'in_b', 'long3', 'short', 'side', 'join', 'cat', 'out1', 'out2'],
    );
  });

  it('a layer shared by two calls at different depths takes its deepest call, as tfjs does', () => {
    const x = tfl.input({ shape: [2], name: 'x' });
    const shared = dense('shared');
    // The shallow call is reached first, the deep one (three layers from the output) later:
    // the shared layer's depth, and so the depth of what feeds its shallow call, must
    // come from the deep call.
    const shallow = shared.apply(x) as tfl.SymbolicTensor;
    const deep = dense('c2').apply(dense('c1').apply(shared.apply(dense('h').apply(x)))) as tfl.SymbolicTensor;
    const out = tfl.layers.add({ name: 'sum' }).apply([shallow, deep]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: out, name: 'shared' });
    expect(names(layerOrder([x], [out]))).toEqual(names(model.layers));
    expect(names(model.layers)).toEqual(['x', 'h', 'shared', 'c1', 'c2', 'sum']);
    expect(graphFromSymbolic([x], [out], 'shared')).toEqual(graphFromTfjs(model));
  });

  it('refuses what tfl.model() refuses: a disconnected graph, a repeated layer name', () => {
    const a = tfl.input({ shape: [2], name: 'p' });
    const b = tfl.input({ shape: [2], name: 'q' });
    const sum = tfl.layers.add({ name: 'pq' }).apply([a, b]) as tfl.SymbolicTensor;
    expect(() => tfl.model({ inputs: a, outputs: sum })).toThrow(/disconnected/i);
    expect(() => layerOrder([a], [sum])).toThrow(/disconnected: input layer "q"/);

    const x = tfl.input({ shape: [2], name: 'x2' });
    const twice = dense('twice').apply(dense('twice').apply(x)) as tfl.SymbolicTensor;
    expect(() => tfl.model({ inputs: x, outputs: twice })).toThrow(/used 2 times/);
    expect(() => layerOrder([x], [twice])).toThrow(/"twice" is used more than once/);
  });
});

describe('the zoo path builds no LayersModel and frees every weight', () => {
  it('analyze(name) and zooGraph(name) never call tfl.model(), and leak no tensors', async () => {
    await analyze('resnet110'); // first use: tfjs' backend and any one-off tensors
    vi.mocked(tfl.model).mockClear();
    const before = tfc.memory().numTensors;
    const report = await analyze('resnet110');
    await zooGraph('mobilenetv2');
    await analyze('densenet121', { includeTop: false });
    expect(tfc.memory().numTensors).toBe(before);
    expect(report.totals.layers).toBeGreaterThan(300);
    expect(tfl.model).not.toHaveBeenCalled();
  });

  it('buildModel().model is built on first access, once, and dispose() frees it', async () => {
    const before = tfc.memory().numTensors;
    const built = await buildModel('resnet110');
    expect(tfc.memory().numTensors).toBeGreaterThan(before); // the layers' weights
    vi.mocked(tfl.model).mockClear();
    const model = built.model;
    expect(built.model).toBe(model);
    expect(tfl.model).toHaveBeenCalledTimes(1);
    expect(model.name).toBe('resnet110');
    expect(model.layers.length).toBe(graphFromSymbolic(built.inputs, built.outputs, built.name).nodes.length);
    built.dispose();
    built.dispose(); // idempotent
    expect(tfc.memory().numTensors).toBe(before);
  });

  it('dispose() without a LayersModel frees the same tensors, and the model cannot be built afterwards', async () => {
    const before = tfc.memory().numTensors;
    const built = await buildModel('mobilenet', { alpha: 0.5 });
    built.dispose();
    expect(tfc.memory().numTensors).toBe(before);
    expect(() => built.model).toThrow(/disposed/);
  });
});
