import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { CustomScaleLayer } from '../../src/zoo/custom-scale-layer.js';
import { inceptionResnetV2 } from '../../src/zoo/inception-resnet-v2.js';
import type { BuildOptions, BuiltModel } from '../../src/zoo/types.js';
import { expectKerasTotals, kerasReference } from '../reference.js';
import { reportOf } from './build.js';

const DEFAULTS: BuildOptions = { inputSize: [299, 299], classes: 1000, includeTop: true, pooling: 'none', alpha: 1 };

beforeAll(() => ensureAnalysisBackend());

describe('CustomScaleLayer (Keras 3: inputs[0] + inputs[1] * scale)', () => {
  const shortcut = [1, -2, 3, 0.5, 4, -6, 7, 8];
  const residual = [10, 20, -30, 40, 0, 2, -1, 0.25];
  const scale = 0.17;
  const expected = shortcut.map((x, i) => x + residual[i] * scale);

  it('adds the scaled second input to the first, in that order', () => {
    const layer = new CustomScaleLayer({ scale, name: 'scale_probe_direct' });
    const x = tfc.tensor4d(shortcut, [1, 2, 2, 2]);
    const r = tfc.tensor4d(residual, [1, 2, 2, 2]);
    const y = layer.apply([x, r]) as tfc.Tensor;
    expect(y.shape).toEqual([1, 2, 2, 2]);
    const got = Array.from(y.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // Swapping the inputs scales the shortcut instead: the order is part of the layer.
    const swapped = Array.from((layer.apply([r, x]) as tfc.Tensor).dataSync());
    expect(swapped[0]).toBeCloseTo(residual[0] + shortcut[0] * scale, 5);
    tfc.dispose([x, r, y]);
  });

  it('runs inside a functional model and keeps the shape, with no weights', () => {
    const a = tfl.input({ shape: [2, 2, 2], name: 'scale_probe_a' });
    const b = tfl.input({ shape: [2, 2, 2], name: 'scale_probe_b' });
    const layer = new CustomScaleLayer({ scale: 0.5, name: 'scale_probe_model' });
    const out = layer.apply([a, b]) as tfl.SymbolicTensor;
    expect(out.shape).toEqual([null, 2, 2, 2]);
    const model = tfl.model({ inputs: [a, b], outputs: out });
    expect(layer.weights).toHaveLength(0);
    const y = model.predict([tfc.tensor4d(shortcut, [1, 2, 2, 2]), tfc.tensor4d(residual, [1, 2, 2, 2])]) as tfc.Tensor;
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(shortcut[i] + residual[i] * 0.5, 5));
    model.dispose();
  });

  it("reports Keras' class name, keeps scale in its config and survives a JSON round trip", async () => {
    const a = tfl.input({ shape: [3, 3, 4], name: 'scale_probe_c' });
    const b = tfl.input({ shape: [3, 3, 4], name: 'scale_probe_d' });
    const layer = new CustomScaleLayer({ scale: 0.1, name: 'scale_probe_json' });
    expect(layer.getClassName()).toBe('CustomScaleLayer');
    expect(layer.getConfig().scale).toBe(0.1);
    const model = tfl.model({ inputs: [a, b], outputs: layer.apply([a, b]) as tfl.SymbolicTensor });
    const json = model.toJSON(undefined, false) as unknown as tfc.serialization.ConfigDict;
    const back = await tfl.models.modelFromJSON({ modelTopology: json });
    const restored = back.getLayer('scale_probe_json');
    expect(restored.getClassName()).toBe('CustomScaleLayer');
    expect((restored as CustomScaleLayer).scale).toBe(0.1);
    model.dispose();
    back.dispose();
  });

  it('rejects inputs of different shapes at build time', () => {
    const a = tfl.input({ shape: [4, 4, 8], name: 'scale_probe_e' });
    const b = tfl.input({ shape: [4, 4, 16], name: 'scale_probe_f' });
    expect(() => new CustomScaleLayer({ scale: 1, name: 'scale_probe_bad' }).apply([a, b])).toThrow(/one shape/);
  });
});

describe('inceptionresnetv2 equals Keras applications (include_top, 1000 classes, weights=None)', () => {
  const ref = kerasReference('inceptionresnetv2');
  let built: BuiltModel;
  let r: ModelReport;

  beforeAll(() => {
    built = inceptionResnetV2(DEFAULTS);
    r = reportOf(built);
  });

  it('has the published parameters, layers, depth, MACs and receptive field', () => {
    expectKerasTotals(r, ref);
    const rf = ref.receptiveField;
    expect(r.totals.receptiveField).toMatchObject({
      size: [rf.size, rf.size], stride: [rf.effectiveStride, rf.effectiveStride], padding: [rf.effectivePadding, rf.effectivePadding],
    });
    expect(r.model.inputShapes).toEqual([[null, ref.inputSize, ref.inputSize, 3]]);
  });

  it('has the published layer count without the classifier', () => {
    const noTop = inceptionResnetV2({ ...DEFAULTS, includeTop: false });
    expect(noTop.model.layers.length).toBe(ref.layers.noTop);
    expect(noTop.model.outputs[0].shape).toEqual([null, 8, 8, 1536]);
  });

  it('has the layers Keras 3 names (unnamed conv2d_bn units and scale layers count up)', () => {
    const names = built.model.layers.map((l) => l.name);
    // 204 conv2d_bn units, of which only conv_7b is named; 40 residual blocks.
    for (const n of [
      'conv2d', 'conv2d_202', 'batch_normalization_202', 'activation_202', 'max_pooling2d_3', 'average_pooling2d',
      'mixed_5b', 'block35_1_mixed', 'block35_1_conv', 'block35_1_ac', 'custom_scale_layer', 'custom_scale_layer_39',
      'mixed_6a', 'block17_20_ac', 'mixed_7a', 'block8_9_ac', 'block8_10_conv', 'conv_7b', 'conv_7b_bn', 'conv_7b_ac',
      'avg_pool', 'predictions',
    ]) {
      expect(names).toContain(n);
    }
    for (const n of ['conv2d_203', 'custom_scale_layer_40', 'block8_10_ac', 'block35_1_conv_bn']) expect(names).not.toContain(n);
  });

  it('scales the residuals by 0.17, 0.1 and 0.2, and the last block8 by 1.0', () => {
    const scales = built.model.layers.filter((l) => l.getClassName() === 'CustomScaleLayer').map((l) => (l as CustomScaleLayer).scale);
    expect(scales).toEqual([...Array(10).fill(0.17), ...Array(20).fill(0.1), ...Array(9).fill(0.2), 1.0]);
  });

  it('folds into stages at depth 1 and one block per residual block at depth 2', () => {
    const stages = [...new Set(r.layers.filter((l) => l.block.length > 0).map((l) => l.block[0]))];
    expect(stages).toEqual(['stem', 'mixed_5b', 'block35', 'mixed_6a', 'block17', 'mixed_7a', 'block8', 'conv_7b', 'top']);
    const blocks = new Set(r.layers.filter((l) => l.block.length > 1).map((l) => l.block[1]));
    expect(blocks.size).toBe(10 + 20 + 10);
    expect(r.layers.filter((l) => l.block.length === 0).map((l) => l.name)).toEqual(['input_layer']);
  });

  /** Parameters of one residual block, closed form: conv kernels, BN(scale=False) = 3/channel, biased up conv. */
  const blockParams = (cin: number, convs: [number, number, number][], concat: number): number => {
    const kernels = convs.reduce((s, [k, ci, co]) => s + k * ci * co, 0);
    const bn = 3 * convs.reduce((s, [, , co]) => s + co, 0);
    return kernels + bn + concat * cin + cin;
  };

  it.each([
    ['block35_1', 22, blockParams(320, [[1, 320, 32], [1, 320, 32], [9, 32, 32], [1, 320, 32], [9, 32, 48], [9, 48, 64]], 32 + 32 + 64)],
    ['block17_1', 16, blockParams(1088, [[1, 1088, 192], [1, 1088, 128], [7, 128, 160], [7, 160, 192]], 192 + 192)],
    ['block8_1', 16, blockParams(2080, [[1, 2080, 192], [1, 2080, 192], [3, 192, 224], [3, 224, 256]], 192 + 256)],
    ['block8_10', 15, blockParams(2080, [[1, 2080, 192], [1, 2080, 192], [3, 192, 224], [3, 224, 256]], 192 + 256)],
  ] as const)('%s has %i layers and its closed-form parameter count', (block, layers, params) => {
    const inBlock = r.layers.filter((l) => l.block[1] === block);
    expect(inBlock.length).toBe(layers);
    expect(inBlock.reduce((s, l) => s + l.params.total, 0)).toBe(params);
  });

  it('costs a multiply and an add per element for each scaled residual', () => {
    const first = r.layers.find((l) => l.name === 'custom_scale_layer');
    expect(first).toMatchObject({ macs: 0, flops: 2 * 35 * 35 * 320, supported: true });
    const last = r.layers.find((l) => l.name === 'custom_scale_layer_39');
    expect(last).toMatchObject({ macs: 0, flops: 2 * 8 * 8 * 2080 });
  });

  it('finds the 1x1 reductions of block35 and the reduced 1xn + nx1 pairs of block17 and block8', () => {
    const kinds = (stage: string) => r.savings.sites.filter((s) => s.module === stage).map((s) => s.kind);
    // block35: the 3x3 branch and the double-3x3 branch each start with a narrowing 1x1.
    expect(kinds('block35')).toEqual(Array(20).fill('reduction'));
    expect(kinds('block17')).toEqual(Array(20).fill('reduced-factorized'));
    expect(kinds('block8')).toEqual(Array(10).fill('reduced-factorized'));
  });

  it("builds at Keras' minimum input size, 75x75", () => {
    const small = inceptionResnetV2({ ...DEFAULTS, includeTop: false, inputSize: [75, 75] });
    expect(small.model.outputs[0].shape).toEqual([null, 1, 1, 1536]);
  });
});
