import * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { makeDivisible, mobilenetV2 } from '../../src/zoo/mobilenet-v2.js';
import type { BuiltModel } from '../../src/zoo/types.js';
import { expectKerasTotals, kerasReference } from '../reference.js';
import { DEFAULTS, reportOf } from './build.js';

const channels = (built: BuiltModel, layer: string): number => built.model.getLayer(layer).outputShape.at(-1) as number;

beforeAll(() => ensureAnalysisBackend());

describe('mobilenetv2 equals Keras applications (include_top, 1000 classes, weights=None)', () => {
  const ref = kerasReference('mobilenetv2');
  let built: BuiltModel;
  let r: ModelReport;

  beforeAll(() => {
    built = mobilenetV2(DEFAULTS);
    r = reportOf(built);
  });

  it('has the published parameters, layers, depth, MACs and receptive field', () => {
    expectKerasTotals(r, ref);
    const rf = ref.receptiveField;
    expect(r.totals.receptiveField).toMatchObject({
      size: [rf.size, rf.size],
      stride: [rf.effectiveStride, rf.effectiveStride],
      padding: [rf.effectivePadding, rf.effectivePadding],
    });
    expect(r.misalignedMerges).toEqual([]);
  });

  it('has the published layer count without the classifier', () => {
    expect(mobilenetV2({ ...DEFAULTS, includeTop: false }).model.layers.length).toBe(ref.layers.noTop);
  });

  it("uses Keras' layer names and model name", () => {
    const names = built.model.layers.map((l) => l.name);
    for (const n of [
      'Conv1', 'bn_Conv1', 'Conv1_relu', 'expanded_conv_depthwise', 'expanded_conv_project_BN',
      'block_1_expand', 'block_1_pad', 'block_1_depthwise', 'block_2_add', 'block_16_project_BN',
      'Conv_1', 'Conv_1_bn', 'out_relu', 'global_average_pooling2d', 'predictions',
    ]) {
      expect(names).toContain(n);
    }
    expect(built.model.name).toBe('mobilenetv2_1.00_224');
  });

  it('has a shortcut exactly where a block keeps resolution and width (paper Table 2: n - 1 per stage)', () => {
    // Stages of 1, 2, 3, 4, 3, 3, 1 blocks; the 96-channel stage starts at stride 1 but widens.
    const adds = built.model.layers.filter((l) => l.getClassName() === 'Add').map((l) => l.name);
    expect(adds).toEqual([2, 4, 5, 7, 8, 9, 11, 12, 14, 15].map((i) => `block_${i}_add`));
  });

  it('pads before each strided depthwise conv as correct_pad does for even inputs', () => {
    for (const id of [1, 3, 6, 13]) {
      expect(built.model.getLayer(`block_${id}_pad`).getConfig().padding).toEqual([[0, 1], [0, 1]]);
    }
  });

  it('puts every layer but the input in stem, block_0..block_16 or top', () => {
    const paths = new Set(r.layers.filter((l) => l.name !== 'input_layer').map((l) => l.block.join('/')));
    expect([...paths]).toEqual(['stem', ...Array.from({ length: 17 }, (_, i) => `block_${i}`), 'top']);
  });

  it('finds the depthwise + pointwise pair of every block, priced as one 3x3 convolution', () => {
    const sites = r.savings.sites;
    for (let id = 0; id <= 16; id++) {
      const prefix = id === 0 ? 'expanded_conv_' : `block_${id}_`;
      const site = sites.find((s) => s.layers.includes(`${prefix}depthwise`));
      expect(site?.kind).toBe('depthwise-separable');
      expect(site?.layers).toContain(`${prefix}project`);
    }
    // expanded_conv at 112x112: 3x3 depthwise on 32 channels, 1x1 to 16, vs one 3x3 32 -> 16.
    const first = sites.find((s) => s.layers[0] === 'expanded_conv_depthwise');
    expect(first?.actual.macs).toBe(112 * 112 * 9 * 32 + 112 * 112 * 32 * 16);
    expect(first?.counterfactual.macs).toBe(112 * 112 * 9 * 32 * 16);
  });

  it('classifies a real batch (zero weights: a uniform softmax) at a non-square odd input', () => {
    const small = mobilenetV2({ ...DEFAULTS, inputSize: [33, 47], classes: 10 });
    const y = small.model.predict(tfc.ones([2, 33, 47, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([2, 10]);
    Array.from(y.dataSync()).forEach((v) => expect(v).toBeCloseTo(0.1, 5));
    small.model.dispose();
  });
});

describe("Keras' _make_divisible channel rounding", () => {
  it('rounds to the nearest multiple of 8, at least 8, and never 10% below', () => {
    expect(makeDivisible(32)).toBe(32);
    expect(makeDivisible(12)).toBe(16); // halfway rounds up: int(12 + 4) // 8 * 8
    expect(makeDivisible(11.2)).toBe(16); // 8 would be 29% below 11.2
    expect(makeDivisible(5)).toBe(8); // the floor of 8
    expect(makeDivisible(89)).toBe(88);
    expect(makeDivisible(44.8)).toBe(48);
  });

  it('gives the widths Keras builds at alpha 0.35 and 1.4 (hand-rounded: int(c * alpha), then _make_divisible)', () => {
    // Stem 32 * alpha is rounded without truncation; block widths truncate first.
    // Stage outputs are c = 16, 24, 32, 64, 96, 160, 320; the last block of each stage is listed.
    const lastOfStage = [0, 2, 5, 9, 12, 15, 16];
    const cases: [number, number, number[], number][] = [
      // 32*.35 = 11.2 -> 16; 5.6->5->8, 8.4->8->8, 11.2->11->16, 22.4->22->24, 33.6->33->32, 56, 112; last stays 1280.
      [0.35, 16, [8, 8, 16, 24, 32, 56, 112], 1280],
      // 32*1.4 = 44.8 -> 48; 22.4->22->24, 33.6->33->32, 44.8->44->48, 89.6->89->88, 134.4->134->136, 224, 448; 1280*1.4 = 1792.
      [1.4, 48, [24, 32, 48, 88, 136, 224, 448], 1792],
    ];
    for (const [alpha, stem, stages, last] of cases) {
      const built = mobilenetV2({ ...DEFAULTS, inputSize: [32, 32], alpha });
      expect(channels(built, 'Conv1')).toBe(stem);
      const got = lastOfStage.map((id) => channels(built, id === 0 ? 'expanded_conv_project' : `block_${id}_project`));
      expect(got).toEqual(stages);
      expect(channels(built, 'Conv_1')).toBe(last);
      // Every expansion is 6x its block's input width.
      expect(channels(built, 'block_1_expand')).toBe(6 * stages[0]);
      built.model.dispose();
    }
  });
});

/**
 * The Keras MobileNetV2 docstring (keras-applications/keras_applications/mobilenet_v2.py,
 * from the TF-slim mobilenet README): millions of MACs and parameters per alpha at 224.
 * Slim's parameter column counts convolution and dense weights only (no BatchNormalization:
 * 3.47M where Keras' summary says 3,538,984), and its MACs read as truncated to whole
 * millions (1.0: 300.77M is listed as 300), so MACs are checked to within 1M.
 */
const SLIM_TABLE: [alpha: number, macsM: number, paramsM: number][] = [
  [1.4, 582, 6.06],
  [1.3, 509, 5.34],
  [1.0, 300, 3.47],
  [0.75, 209, 2.61],
  [0.5, 97, 1.95],
  [0.35, 59, 1.66],
];

describe.each(SLIM_TABLE)('mobilenetv2 alpha %s at 224 matches the published table', (alpha, macsM, paramsM) => {
  it(`has ${macsM}M MACs and ${paramsM}M conv + dense parameters`, () => {
    const built = mobilenetV2({ ...DEFAULTS, alpha });
    const r = reportOf(built);
    const weighted = r.layers.filter((l) => ['Conv2D', 'DepthwiseConv2D', 'Dense'].includes(l.className));
    const params = weighted.reduce((s, l) => s + l.params.total, 0);
    expect((params / 1e6).toFixed(2)).toBe(paramsM.toFixed(2));
    expect(Math.abs(r.totals.macs / 1e6 - macsM)).toBeLessThan(1);
    // Keras' BatchNormalization keeps 4 values per channel, 2 of them non-trainable.
    expect(r.totals.params.total - params).toBe(2 * r.totals.params.nonTrainable);
    built.model.dispose();
  });
});
