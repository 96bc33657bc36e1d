import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { densenet121, densenet169, densenet201 } from '../../src/zoo/densenet.js';
import type { Builder } from '../../src/zoo/types.js';
import { kerasReference } from '../reference.js';
import { analyse, DEFAULTS } from './build.js';

/** Dense-block lengths of the paper's Table 1 (Huang et al., arXiv 1608.06993). */
const MODELS: Array<[string, Builder, number[]]> = [
  ['densenet121', densenet121, [6, 12, 24, 16]],
  ['densenet169', densenet169, [6, 12, 32, 32]],
  ['densenet201', densenet201, [6, 12, 48, 32]],
];

const K = 32; // growth rate
const STEM = 64; // 2k filters in the 7x7 stem

/**
 * Parameters in closed form: a unit reading c channels owns BN(c) + 1x1 (c -> 4k) + BN(4k)
 * + 3x3 (4k -> k); a transition BN(c) + 1x1 (c -> c/2); BN has 4 weights per channel
 * (2 of them the non-trainable moving statistics); the classifier c x 1000 + 1000.
 */
function closedFormParams(units: number[]): { total: number; nonTrainable: number; width: number } {
  let total = 7 * 7 * 3 * STEM + 4 * STEM;
  let bnChannels = STEM;
  let c = STEM;
  units.forEach((n, i) => {
    for (let u = 0; u < n; u++) {
      total += 4 * c + c * 4 * K + 4 * 4 * K + 9 * 4 * K * K;
      bnChannels += c + 4 * K;
      c += K;
    }
    if (i < units.length - 1) {
      total += 4 * c + c * (c / 2);
      bnChannels += c;
      c /= 2;
    }
  });
  total += 4 * c + c * 1000 + 1000;
  bnChannels += c;
  return { total, nonTrainable: 2 * bnChannels, width: c };
}

beforeAll(() => ensureAnalysisBackend());

describe.each(MODELS)('%s', (name, build, units) => {
  const ref = kerasReference(name);
  let r: ModelReport;
  beforeAll(() => {
    r = analyse(build);
  });

  it('has the parameters of the closed form, which are the published ones', () => {
    const cf = closedFormParams(units);
    expect(r.totals.params.total).toBe(cf.total);
    expect(r.totals.params.nonTrainable).toBe(cf.nonTrainable);
    expect(r.totals.params).toEqual(ref.params);
  });

  it('ends with the published feature width (1024 / 1664 / 1920) before the classifier', () => {
    const relu = r.layers.find((l) => l.name === 'relu');
    expect(relu?.outputShape).toEqual([null, 7, 7, closedFormParams(units).width]);
    expect(closedFormParams(units).width).toBe({ densenet121: 1024, densenet169: 1664, densenet201: 1920 }[name]);
  });

  it('has the published layer counts, depth, MACs and receptive field', () => {
    expect(r.totals.layers).toBe(ref.layers.includeTop);
    expect(r.totals.depth).toBe(ref.depth);
    expect(Math.abs(r.totals.macs / (ref.gmacs * 1e9) - 1)).toBeLessThan(0.005);
    expect(r.totals.receptiveField).toMatchObject({
      size: [ref.receptiveField.size, ref.receptiveField.size],
      stride: [ref.receptiveField.effectiveStride, ref.receptiveField.effectiveStride],
      padding: [ref.receptiveField.effectivePadding, ref.receptiveField.effectivePadding],
    });
    expect(r.complete).toBe(true);
    expect(r.misalignedMerges).toEqual([]);
  });

  it('has the published layer count without the classifier', () => {
    const built = build({ ...DEFAULTS, includeTop: false });
    expect(built.model.layers.length).toBe(ref.layers.noTop);
    built.model.dispose();
  });

  it('folds into stem, dense blocks, transitions, post and top, one block per unit', () => {
    const stages = [...new Set(r.layers.filter((l) => l.block.length > 0).map((l) => l.block[0]))];
    expect(stages).toEqual(['conv1', 'conv2', 'pool2', 'conv3', 'pool3', 'conv4', 'pool4', 'conv5', 'post', 'top']);
    const unitBlocks = new Set(r.layers.filter((l) => l.block.length > 1).map((l) => l.block[1]));
    expect(unitBlocks.size).toBe(units.reduce((a, b) => a + b, 0));
    // A unit: BN, ReLU, 1x1, BN, ReLU, 3x3, concat.
    expect(r.layers.filter((l) => l.block[1] === 'conv4_block7').length).toBe(7);
    expect(r.layers.filter((l) => l.block.length === 0).map((l) => l.name)).toEqual(['input_layer']);
  });

  it('finds a 1x1 reduction in every unit whose input is wider than its 4k = 128 bottleneck', () => {
    // Unit j (from 1) of a block that starts at c0 channels reads c0 + (j - 1) k channels.
    let c = STEM;
    let expected = 0;
    units.forEach((n) => {
      for (let j = 1; j <= n; j++) if (c + (j - 1) * K > 4 * K) expected += 1;
      c = (c + n * K) / 2;
    });
    expect(r.savings.total.sites).toBe(expected);
    expect(new Set(r.savings.sites.map((s) => s.kind))).toEqual(new Set(['reduction']));
  });
});

describe('DenseNet121 details', () => {
  let r: ModelReport;
  beforeAll(() => {
    r = analyse(densenet121);
  });

  it('has the layers Keras names, including its automatic zero_padding2d names', () => {
    const names = r.layers.map((l) => l.name);
    for (const n of [
      'zero_padding2d', 'conv1_conv', 'conv1_bn', 'conv1_relu', 'zero_padding2d_1', 'pool1',
      'conv2_block1_0_bn', 'conv2_block1_0_relu', 'conv2_block1_1_conv', 'conv2_block1_1_bn', 'conv2_block1_1_relu',
      'conv2_block1_2_conv', 'conv2_block1_concat', 'pool2_bn', 'pool2_relu', 'pool2_conv', 'pool2_pool',
      'conv5_block16_concat', 'bn', 'relu', 'avg_pool', 'predictions',
    ]) {
      expect(names).toContain(n);
    }
  });

  it('prices the reduction of conv2_block4 (56x56x160 -> 1x1 to 128 -> 3x3 to 32) against one 3x3', () => {
    const site = r.savings.sites.find((s) => s.layers[0] === 'conv2_block4_1_conv');
    expect(site?.layers).toEqual(['conv2_block4_1_conv', 'conv2_block4_2_conv']);
    expect(site?.actual.macs).toBe(56 * 56 * (160 * 128 + 9 * 128 * 32));
    expect(site?.counterfactual.macs).toBe(56 * 56 * 9 * 160 * 32);
  });

  it('halves channels and resolution in a transition, with int(c * 0.5) filters', () => {
    const conv = r.layers.find((l) => l.name === 'pool3_conv');
    const pool = r.layers.find((l) => l.name === 'pool3_pool');
    // conv3 ends at 128 + 12 * 32 = 512 channels at 28x28.
    expect(conv?.outputShape).toEqual([null, 28, 28, 256]);
    expect(pool?.outputShape).toEqual([null, 14, 14, 256]);
  });

  it('builds at Keras minimum input, 32x32, down to a 1x1 map', () => {
    const built = densenet121({ ...DEFAULTS, inputSize: [32, 32], includeTop: false });
    expect(built.model.outputs[0].shape).toEqual([null, 1, 1, 1024]);
    built.model.dispose();
  });
});
