import * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayerReport, ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { nasnetMobile } from '../../src/zoo/nasnet.js';
import type { BuildOptions, BuiltModel } from '../../src/zoo/types.js';
import { expectKerasTotals, kerasReference } from '../reference.js';
import { DEFAULTS, reportOf } from './build.js';

/**
 * NASNetMobile against keras/src/applications/nasnet.py. Expected values are the published
 * figures (../shared/reference) or closed forms written here from Keras' source: widths
 * 1056 / 24 = 44 per stage-1 cell (11 and 22 in the stem cells, 88 and 176 later), five
 * blocks per cell, BatchNormalization with 4 weights per channel of which 2 are moving
 * statistics.
 */

function build(opts: Partial<BuildOptions> = {}): BuiltModel {
  return nasnetMobile({ ...DEFAULTS, ...opts });
}

let report: ModelReport;
let byName: Map<string, LayerReport>;

beforeAll(async () => {
  await ensureAnalysisBackend();
  const built = build();
  report = reportOf(built);
  byName = new Map(report.layers.map((l) => [l.name, l]));
  built.model.dispose();
});

const cellLayers = (block: string) => report.layers.filter((l) => l.block[0] === block);
const paramsOf = (block: string) => cellLayers(block).reduce((s, l) => s + l.params.total, 0);

/** One _separable_conv_block: two SeparableConv2D (no bias) + BN, `cin` -> f -> f channels. */
const sepBlock = (cin: number, k: number, f: number) => k * k * cin + cin * f + 4 * f + (k * k * f + f * f) + 4 * f;

describe('nasnetmobile equals Keras NASNetMobile (include_top, 1000 classes, weights=None)', () => {
  const ref = kerasReference('nasnetmobile');

  it('has the published params, layers, depth, MACs and receptive field', () => {
    expectKerasTotals(report, ref);
    expect(report.model.inputShapes).toEqual([[null, ref.inputSize, ref.inputSize, 3]]);
    const rf = report.totals.receptiveField;
    expect(rf?.size).toEqual([ref.receptiveField.size, ref.receptiveField.size]);
    expect(rf?.stride).toEqual([ref.receptiveField.effectiveStride, ref.receptiveField.effectiveStride]);
    expect(rf?.padding).toEqual([ref.receptiveField.effectivePadding, ref.receptiveField.effectivePadding]);
  });

  it('has the published layer count without the classifier, and Keras headless pooling', () => {
    const noTop = build({ includeTop: false }).model;
    expect(noTop.layers.length).toBe(ref.layers.noTop);
    // Stage 3: 44 * 4 = 176 filters per cell, six branches concatenated; 224 px / 32.
    expect(noTop.outputs[0].shape).toEqual([null, 7, 7, 6 * 176]);
    noTop.dispose();
    for (const [pooling, name] of [['avg', 'global_average_pooling2d'], ['max', 'global_max_pooling2d']] as const) {
      const m = build({ includeTop: false, pooling }).model;
      expect(m.layers.at(-1)?.name).toBe(name);
      expect(m.layers.at(-2)?.name).toBe('activation_187');
      expect(m.outputs[0].shape).toEqual([null, 1056]);
      m.dispose();
    }
  });
});

describe('Keras layer names', () => {
  it('has the explicit names of nasnet.py', () => {
    for (const n of [
      'stem_conv1', 'stem_bn1', 'reduction_conv_1_stem_1', 'separable_conv_1_pad_reduction_left1_stem_1',
      'separable_conv_1_reduction_right1_stem_1', 'reduction_pad_1_stem_1', 'reduction_add3_stem_1', 'reduction_add4_stem_1',
      'separable_conv_2_bn_reduction_left4_stem_1', 'reduction_left4_stem_1', 'reduction_right5_stem_1', 'reduction_concat_stem_1',
      'adjust_relu_1_stem_2', 'adjust_avg_pool_2_stem_2', 'adjust_conv_1_stem_2', 'adjust_bn_stem_2',
      'normal_conv_1_0', 'normal_bn_1_0', 'separable_conv_1_normal_left1_0', 'separable_conv_2_bn_normal_right2_0',
      'normal_left3_0', 'normal_right4_0', 'normal_add_5_0', 'normal_concat_0', 'adjust_conv_projection_1',
      'reduction_add_1_reduce_4', 'adjust_relu_1_5', 'reduction_concat_reduce_8', 'adjust_relu_1_9', 'normal_concat_12',
      'predictions',
    ]) {
      expect(byName.has(n), n).toBe(true);
    }
    // stem_1 reads the stem as both inputs (p is None), so it has no adjust block; normal
    // cells are numbered 0-3, 5-8, 9-12 around reduce_4 and reduce_8.
    expect(byName.has('adjust_relu_1_stem_1')).toBe(false);
    expect(byName.has('normal_concat_4')).toBe(false);
    expect(byName.has('reduce_12')).toBe(false);
  });

  it('has Keras 3 automatic names, counted per class in creation order', () => {
    // ReLUs: 11 per cell (one before the 1x1, two per separable block) plus one per
    // projection adjust (cells 1-3, 6-8, 10-12, reduce_4, reduce_8), plus the final one.
    const activations = 16 * 11 + 11 + 1;
    const autoNamed = (prefix: string) => report.layers.filter((l) => new RegExp(`^${prefix}(_\\d+)?$`).test(l.name));
    expect(autoNamed('activation')).toHaveLength(activations);
    expect(byName.get(`activation_${activations - 1}`)?.inbound).toEqual(['normal_concat_12']);
    // One unnamed Add per reduction cell; one ZeroPadding2D, Cropping2D and Concatenate per
    // halving adjust block (stem_2, cells 0, 5 and 9).
    for (const prefix of ['add', 'zero_padding2d', 'cropping2d', 'concatenate']) expect(autoNamed(prefix), prefix).toHaveLength(4);
    expect(byName.get('global_average_pooling2d')?.inbound).toEqual([`activation_${activations - 1}`]);
    // Creation order in stem_1: the ReLU before the 1x1, then left1's two, then right1's.
    expect(byName.get('reduction_conv_1_stem_1')?.inbound).toEqual(['activation']);
    expect(byName.get('separable_conv_1_pad_reduction_left1_stem_1')?.inbound).toEqual(['activation_1']);
    expect(byName.get('separable_conv_2_reduction_left1_stem_1')?.inbound).toEqual(['activation_2']);
    expect(byName.get('separable_conv_1_pad_reduction_right1_stem_1')?.inbound).toEqual(['activation_3']);
  });
});

describe('cell wiring as in nasnet.py', () => {
  it('builds the halving adjust block from two shifted 1x1/2 samplings', () => {
    expect(byName.get('adjust_avg_pool_1_stem_2')?.inbound).toEqual(['adjust_relu_1_stem_2']);
    expect(byName.get('zero_padding2d')?.inbound).toEqual(['adjust_relu_1_stem_2']);
    expect(byName.get('cropping2d')?.inbound).toEqual(['zero_padding2d']);
    expect(byName.get('adjust_avg_pool_2_stem_2')?.inbound).toEqual(['cropping2d']);
    expect(byName.get('concatenate')?.inbound).toEqual(['adjust_conv_1_stem_2', 'adjust_conv_2_stem_2']);
    expect(byName.get('adjust_bn_stem_2')?.inbound).toEqual(['concatenate']);
    // The stem output (111 px) halved to stem_1's 56 px, 22 / 2 filters per path.
    expect(byName.get('adjust_conv_1_stem_2')?.outputShape).toEqual([null, 56, 56, 11]);
  });

  it('merges in Keras operand order', () => {
    expect(byName.get('normal_concat_0')?.inbound).toEqual([
      'adjust_bn_0', 'normal_add_1_0', 'normal_add_2_0', 'normal_add_3_0', 'normal_add_4_0', 'normal_add_5_0',
    ]);
    expect(byName.get('normal_add_3_0')?.inbound).toEqual(['normal_left3_0', 'adjust_bn_0']);
    expect(byName.get('normal_add_5_0')?.inbound).toEqual(['separable_conv_2_bn_normal_left5_0', 'normal_bn_1_0']);
    // reduce_4: block 4 adds x2 first, block 5 reads x1 (reduction_add_1).
    expect(byName.get('add_2')?.inbound).toEqual(['reduction_add_2_reduce_4', 'reduction_left4_reduce_4']);
    expect(byName.get('reduction_left4_reduce_4')?.inbound).toEqual(['reduction_add_1_reduce_4']);
    expect(byName.get('reduction_concat_reduce_4')?.inbound).toEqual([
      'reduction_add_2_reduce_4', 'reduction_add3_reduce_4', 'add_2', 'reduction_add4_reduce_4',
    ]);
    // skip_reduction=False: cell 5 reads reduce_4's input (cell 3's output) as p.
    expect(byName.get('adjust_relu_1_5')?.inbound).toEqual(['normal_concat_3']);
  });

  it('pads stride-2 windows with imagenet_utils.correct_pad', () => {
    // Odd 111 px: symmetric k // 2; even 56 px: one less before.
    expect(byName.get('separable_conv_1_pad_reduction_right1_stem_1')?.outputShape).toEqual([null, 111 + 6, 111 + 6, 32]);
    expect(byName.get('separable_conv_1_pad_reduction_right1_stem_2')?.outputShape).toEqual([null, 56 + 5, 56 + 5, 22]);
    expect(byName.get('reduction_pad_1_stem_2')?.outputShape).toEqual([null, 57, 57, 22]);
  });
});

describe('per-cell closed forms', () => {
  it('counts the parameters of stem_1, stem_2 and a projecting normal cell', () => {
    // stem_1: 11 filters; h from the 32-channel stem, p is the stem itself.
    expect(paramsOf('stem_1')).toBe(
      32 * 11 + 44 + sepBlock(11, 5, 11) + sepBlock(32, 7, 11) + sepBlock(32, 7, 11) + sepBlock(32, 5, 11) + sepBlock(11, 3, 11),
    );
    // stem_2: 22 filters on stem_1's 4 * 11 channels; p (the stem, 32 ch) halved by two 1x1 paths of 11.
    expect(paramsOf('stem_2')).toBe(
      2 * 32 * 11 + 4 * 22 + 44 * 22 + 4 * 22 + sepBlock(22, 5, 22) + sepBlock(22, 7, 22) * 2 + sepBlock(22, 5, 22) + sepBlock(22, 3, 22),
    );
    // cell_1: 44 filters; ip = cell_0's 6 * 44 channels, p = stem_2's 4 * 22 projected to 44.
    expect(paramsOf('cell_1')).toBe(
      88 * 44 + 4 * 44 + 264 * 44 + 4 * 44 + 2 * sepBlock(44, 5, 44) + 3 * sepBlock(44, 3, 44),
    );
  });

  it('has the layer count of each kind of cell', () => {
    // A separable block has 6 layers, 7 when it strides (its ZeroPadding2D). Normal cell:
    // ReLU + 1x1 + BN, 5 separable blocks, 3 pools, 5 adds, concat = 42. Reduction cell:
    // 3 + pad + 4 * 7 + 6 + 4 pools + 5 adds + concat = 48. Adjust: 3 projecting, 9 halving.
    const expected: Record<string, number> = {
      stem: 2, stem_1: 48, stem_2: 48 + 9, cell_0: 42 + 9, cell_1: 42 + 3, reduce_4: 48 + 3, cell_5: 42 + 9, cell_12: 42 + 3,
      top: 3,
    };
    for (const [block, n] of Object.entries(expected)) expect(cellLayers(block), block).toHaveLength(n);
    const blocks = [...new Set(report.layers.filter((l) => l.block.length > 0).map((l) => l.block.join('/')))];
    expect(blocks.sort()).toEqual([
      'stem', 'stem_1', 'stem_2', 'cell_0', 'cell_1', 'cell_2', 'cell_3', 'reduce_4',
      'cell_5', 'cell_6', 'cell_7', 'cell_8', 'reduce_8', 'cell_9', 'cell_10', 'cell_11', 'cell_12', 'top',
    ].sort());
    expect(report.layers.filter((l) => l.block.length === 0).map((l) => l.name)).toEqual(['input_layer']);
  });

  it('costs the stem convolution and the classifier as closed forms', () => {
    // 3x3/2 'valid' on 224 px: 111 x 111 outputs, 3 * 9 taps each, 32 filters.
    expect(byName.get('stem_conv1')?.macs).toBe(111 * 111 * 27 * 32);
    expect(byName.get('predictions')?.macs).toBe(1056 * 1000);
  });
});

describe('savings', () => {
  it('finds every SeparableConv2D as a depthwise-separable site: 16 cells x 5 blocks x 2', () => {
    const { sites, total } = report.savings;
    expect(total.sites).toBe(160);
    expect(sites.every((s) => s.kind === 'depthwise-separable' && s.layers.length === 1)).toBe(true);
    const site = sites.find((s) => s.layers[0] === 'separable_conv_1_normal_left1_0');
    // 28 x 28 x 44 -> 44, 5x5: depthwise 25 + pointwise 44 taps per channel and position.
    expect(site?.actual.macs).toBe(28 * 28 * 44 * (25 + 44));
    expect(site?.counterfactual.macs).toBe(28 * 28 * 25 * 44 * 44);
    expect(report.savings.modules).toHaveLength(16);
  });
});

describe('input sizes', () => {
  /** 3x3/2 'valid' stem, then four stride-2 cells whose outputs are ceil(n / 2). */
  const side = (n: number) => [1, 2, 3, 4].reduce((s) => Math.ceil(s / 2), Math.floor((n - 3) / 2) + 1);

  it.each([[32, 32], [33, 47], [45, 99], [224, 331]])('builds %ix%i as Keras does (weights=None allows any size >= 32)', (h, w) => {
    const m = build({ inputSize: [h, w], includeTop: false }).model;
    expect(m.outputs[0].shape).toEqual([null, side(h), side(w), 1056]);
    m.dispose();
  });

  it('runs a forward pass at the minimum size, odd and non-square', () => {
    const m = build({ inputSize: [33, 47], includeTop: false }).model;
    const y = tfc.tidy(() => m.predict(tfc.ones([1, 33, 47, 3])) as tfc.Tensor);
    expect(y.shape).toEqual([1, side(33), side(47), 1056]);
    y.dispose();
    m.dispose();
    // Zero kernels give zero logits, so the softmax is uniform.
    const top = build({ inputSize: [32, 32] }).model;
    const p = tfc.tidy(() => top.predict(tfc.ones([1, 32, 32, 3])) as tfc.Tensor);
    const values = p.dataSync();
    expect(p.shape).toEqual([1, 1000]);
    for (const v of values) expect(v).toBeCloseTo(1 / 1000, 6);
    p.dispose();
    top.dispose();
  });
});
