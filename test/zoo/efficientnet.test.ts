import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { efficientnetB0, roundFilters, roundRepeats } from '../../src/zoo/efficientnet.js';
import { Normalization } from '../../src/zoo/normalization-layer.js';
import type { BuiltModel } from '../../src/zoo/types.js';
import { expectKerasTotals, kerasReference } from '../reference.js';
import { DEFAULTS, reportOf } from './build.js';

beforeAll(() => ensureAnalysisBackend());

describe("Normalization (Keras' preprocessing layer: (x - mean) / sqrt(variance))", () => {
  // One pixel row of 2 positions x 3 channels.
  const x = [10, -2, 7, 0.5, 4, 100];
  const mean = [1, -3, 50];
  const variance = [4, 0.25, 625];
  const expected = x.map((v, i) => (v - mean[i % 3]) / Math.sqrt(variance[i % 3]));

  it('owns 2C + 1 non-trainable weights, zero / one initialised', () => {
    const layer = new Normalization({ axis: -1, name: 'norm_probe_weights' });
    layer.apply(tfl.input({ shape: [4, 4, 3], name: 'norm_probe_in_a' }));
    expect(layer.getClassName()).toBe('Normalization');
    expect(layer.trainableWeights).toHaveLength(0);
    expect(layer.nonTrainableWeights.map((w) => w.shape)).toEqual([[3], [3], []]);
    expect(layer.countParams()).toBe(7);
    const [m, v, count] = layer.getWeights();
    expect(Array.from(m.dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(v.dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(count.dataSync())).toEqual([0]);
  });

  it('computes (x - mean) / sqrt(variance) per channel with weights set through setWeights', () => {
    const layer = new Normalization({ axis: -1, name: 'norm_probe_call' });
    const input = tfl.input({ shape: [1, 2, 3], name: 'norm_probe_in_b' });
    const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
    layer.setWeights([tfc.tensor1d(mean), tfc.tensor1d(variance), tfc.scalar(4, 'int32')]);
    const y = model.predict(tfc.tensor4d(x, [1, 1, 2, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([1, 1, 2, 3]);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    model.dispose();
  });

  it('normalises along a non-last axis too', () => {
    const layer = new Normalization({ axis: 1, name: 'norm_probe_axis' });
    const input = tfl.input({ shape: [3, 2], name: 'norm_probe_in_c' });
    const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
    layer.setWeights([tfc.tensor1d(mean), tfc.tensor1d(variance), tfc.scalar(0, 'int32')]);
    // The same values laid out channel-major: [C=3, positions=2].
    const channelMajor = [0, 1, 2].flatMap((c) => [x[c], x[3 + c]]);
    const y = Array.from((model.predict(tfc.tensor3d(channelMajor, [1, 3, 2])) as tfc.Tensor).dataSync());
    y.forEach((v, i) => expect(v).toBeCloseTo((channelMajor[i] - mean[Math.floor(i / 2)]) / Math.sqrt(variance[Math.floor(i / 2)]), 5));
    model.dispose();
  });

  it("keeps axis in its config and survives a JSON round trip under Keras' class name", async () => {
    const input = tfl.input({ shape: [2, 2, 3], name: 'norm_probe_in_d' });
    const model = tfl.model({ inputs: input, outputs: new Normalization({ axis: 3, name: 'norm_probe_json' }).apply(input) as tfl.SymbolicTensor });
    const json = model.toJSON(undefined, false) as unknown as tfc.serialization.ConfigDict;
    const back = await tfl.models.modelFromJSON({ modelTopology: json });
    const restored = back.getLayer('norm_probe_json');
    expect(restored.getClassName()).toBe('Normalization');
    expect((restored as Normalization).axis).toBe(3);
    expect(restored.countParams()).toBe(7);
    model.dispose();
    back.dispose();
  });
});

describe('efficientnetb0 equals Keras applications (include_top, 1000 classes, weights=None)', () => {
  const ref = kerasReference('efficientnetb0');
  let built: BuiltModel;
  let r: ModelReport;

  beforeAll(() => {
    built = efficientnetB0(DEFAULTS);
    r = reportOf(built);
  });

  it('has the published parameters, layers, depth and MACs', () => {
    expectKerasTotals(r, ref);
    expect(built.model.name).toBe('efficientnetb0');
  });

  it('has the published layer count without the classifier', () => {
    expect(efficientnetB0({ ...DEFAULTS, includeTop: false }).model.layers.length).toBe(ref.layers.noTop);
  });

  it('has the published receptive field: the squeeze-and-excite gates do not widen it', () => {
    const rf = ref.receptiveField;
    expect(r.totals.receptiveField).toMatchObject({
      size: [rf.size, rf.size],
      stride: [rf.effectiveStride, rf.effectiveStride],
      padding: [rf.effectivePadding, rf.effectivePadding],
    });
    expect(r.misalignedMerges).toEqual([]);
    // The gate's Multiply keeps the field of its spatial input.
    const field = (name: string) => r.layers.find((l) => l.name === name)?.receptiveField;
    expect(field('block6d_se_excite')).toEqual(field('block6d_activation'));
  });

  it("uses Keras' layer names and classes", () => {
    const cls = new Map(built.model.layers.map((l) => [l.name, l.getClassName()]));
    const expected: [string, string][] = [
      ['rescaling', 'Rescaling'], ['normalization', 'Normalization'], ['stem_conv_pad', 'ZeroPadding2D'],
      ['stem_conv', 'Conv2D'], ['stem_bn', 'BatchNormalization'], ['stem_activation', 'Activation'],
      ['block1a_dwconv', 'DepthwiseConv2D'], ['block1a_se_squeeze', 'GlobalAveragePooling2D'],
      ['block1a_se_reshape', 'Reshape'], ['block1a_se_reduce', 'Conv2D'], ['block1a_se_expand', 'Conv2D'],
      ['block1a_se_excite', 'Multiply'], ['block1a_project_conv', 'Conv2D'], ['block2a_expand_conv', 'Conv2D'],
      ['block2a_dwconv_pad', 'ZeroPadding2D'], ['block2b_drop', 'Dropout'], ['block2b_add', 'Add'],
      ['block7a_project_bn', 'BatchNormalization'], ['top_conv', 'Conv2D'], ['top_bn', 'BatchNormalization'],
      ['top_activation', 'Activation'], ['avg_pool', 'GlobalAveragePooling2D'], ['top_dropout', 'Dropout'],
      ['predictions', 'Dense'],
    ];
    for (const [name, className] of expected) expect([name, cls.get(name)]).toEqual([name, className]);
    expect(built.model.getLayer('stem_activation').getConfig().activation).toBe('swish');
    // Block 1a has no expansion (ratio 1), so no expand_conv.
    expect(cls.has('block1a_expand_conv')).toBe(false);
  });

  it('drops whole residuals at the rate Keras computes: 0.2 * b / 16 for the b-th of 16 blocks', () => {
    // Blocks in order: 1a | 2a 2b | 3a 3b | 4a 4b 4c | 5a 5b 5c | 6a 6b 6c 6d | 7a (b = 0..15).
    const withShortcut: [string, number][] = [
      ['block2b', 2], ['block3b', 4], ['block4b', 6], ['block4c', 7], ['block5b', 9], ['block5c', 10],
      ['block6b', 12], ['block6c', 13], ['block6d', 14],
    ];
    const drops = built.model.layers.filter((l) => /^block\d[a-z]_drop$/.test(l.name));
    expect(drops.map((l) => l.name)).toEqual(withShortcut.map(([n]) => `${n}_drop`));
    for (const [name, b] of withShortcut) {
      const config = built.model.getLayer(`${name}_drop`).getConfig();
      expect(config.rate).toBeCloseTo((0.2 * b) / 16, 12);
      expect(config.noiseShape).toEqual([null, 1, 1, 1]);
    }
    expect(built.model.getLayer('top_dropout').getConfig().rate).toBe(0.2);
  });

  it('squeezes to a quarter of the block input width, not of the expanded width', () => {
    // block2b: input 24, expanded 6 x 24 = 144, squeezed to int(24 * 0.25) = 6.
    expect(built.model.getLayer('block2b_se_reduce').outputShape).toEqual([null, 1, 1, 6]);
    expect(built.model.getLayer('block2b_se_expand').outputShape).toEqual([null, 1, 1, 144]);
  });

  it('folds by stage then block (block2 / block2a), with stem and top', () => {
    const paths = [...new Set(r.layers.filter((l) => l.name !== 'input_layer').map((l) => l.block.join('/')))];
    const blocks = [[1, 'a'], [2, 'ab'], [3, 'ab'], [4, 'abc'], [5, 'abc'], [6, 'abcd'], [7, 'a']].flatMap(([s, letters]) =>
      [...(letters as string)].map((c) => `block${s}/block${s}${c}`),
    );
    expect(paths).toEqual(['stem', ...blocks, 'top']);
  });

  it('classifies a real batch (zero weights: a uniform softmax) at a non-square odd input', () => {
    const small = efficientnetB0({ ...DEFAULTS, inputSize: [33, 47], classes: 10 });
    const y = small.model.predict(tfc.ones([2, 33, 47, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([2, 10]);
    Array.from(y.dataSync()).forEach((v) => expect(v).toBeCloseTo(0.1, 5));
    small.model.dispose();
  });
});

describe("Keras' round_filters / round_repeats", () => {
  it('leave B0 (width 1.0, depth 1.0) unchanged: every table width is already a multiple of 8', () => {
    for (const f of [16, 24, 32, 40, 80, 112, 192, 320, 1280]) expect(roundFilters(f, 1.0)).toBe(f);
    for (const n of [1, 2, 3, 4]) expect(roundRepeats(n, 1.0)).toBe(n);
  });

  it('round scaled widths as B1..B7 need them', () => {
    expect(roundFilters(32, 1.1)).toBe(32); // 35.2: int(39.2) // 8 * 8 = 32, within 10%
    expect(roundFilters(16, 1.4)).toBe(24); // 22.4 -> int(26.4) // 8 * 8 = 24
    expect(roundFilters(1280, 2.0)).toBe(2560);
    expect(roundRepeats(3, 1.1)).toBe(4); // ceil(3.3)
    expect(roundRepeats(1, 3.1)).toBe(4); // ceil(3.1)
  });
});
