import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { resnet101v2, resnet152v2, resnet50v2 } from '../../src/zoo/resnet-v2.js';
import { expectKerasTotals, kerasReference } from '../reference.js';
import { analyse, DEFAULTS, layerNamed } from './build.js';

beforeAll(() => ensureAnalysisBackend());

// Builder-level parity, so that it holds before (and independently of) the registry entries.
describe.each([
  ['resnet50v2', resnet50v2, [3, 4, 6, 3]],
  ['resnet101v2', resnet101v2, [3, 4, 23, 3]],
  ['resnet152v2', resnet152v2, [3, 8, 36, 3]],
] as const)('%s equals Keras ResNetV2', (name, builder, stageBlocks) => {
  const ref = kerasReference(name);
  let r: ModelReport;
  beforeAll(() => {
    r = analyse(builder);
  });

  it('has the published parameters, layer counts, depth and MACs within 0.5%', () => {
    expectKerasTotals(r, ref);
    const noTop = builder({ ...DEFAULTS, includeTop: false });
    expect(noTop.model.layers.length).toBe(ref.layers.noTop);
    noTop.model.dispose();
  });

  it('has the published receptive field, with every merge aligned', () => {
    const { size, effectiveStride, effectivePadding } = ref.receptiveField;
    expect(r.totals.receptiveField).toEqual({ size: [size, size], stride: [effectiveStride, effectiveStride], padding: [effectivePadding, effectivePadding] });
    expect(r.misalignedMerges).toEqual([]);
  });

  it('is one bottleneck savings site per block', () => {
    const blocks = stageBlocks.reduce((a, b) => a + b, 0);
    expect(r.savings.total.sites).toBe(blocks);
    expect(r.savings.sites.every((s) => s.kind === 'bottleneck')).toBe(true);
  });

  it('folds into stem, four stages, post and top, with every residual block in its stage', () => {
    expect([...new Set(r.layers.map((l) => l.block[0]))]).toEqual([undefined, 'conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'post', 'top']);
    const blocks = new Set(r.layers.filter((l) => l.block.length > 1).map((l) => l.block[1]));
    expect(blocks.size).toBe(stageBlocks.reduce((a, b) => a + b, 0));
  });
});

describe('ResNet50V2 layout (Keras residual_block_v2)', () => {
  let r: ModelReport;
  const layer = (name: string) => layerNamed(r, name);
  beforeAll(() => {
    r = analyse(resnet50v2);
  });

  it('has the layers Keras names, including the unnamed stride-2 shortcut pools', () => {
    const names = r.layers.map((l) => l.name);
    for (const n of [
      'conv1_pad', 'conv1_conv', 'pool1_pad', 'pool1_pool',
      'conv2_block1_preact_bn', 'conv2_block1_preact_relu', 'conv2_block1_0_conv', 'conv2_block1_1_conv',
      'conv2_block1_2_pad', 'conv2_block1_3_conv', 'conv2_block1_out', 'conv5_block3_out',
      'max_pooling2d', 'max_pooling2d_1', 'max_pooling2d_2', 'post_bn', 'post_relu', 'avg_pool', 'predictions',
    ]) expect(names).toContain(n);
    // No BN/ReLU in the stem, and no ReLU after the additions: the units are pre-activated.
    for (const n of ['conv1_bn', 'conv1_relu', 'conv2_block1_add', 'conv2_block1_0_bn']) expect(names).not.toContain(n);
  });

  it('downsamples in the last block of conv2..conv4, in the 3x3 conv, and not in conv5', () => {
    // 224 -> stem 56 -> conv2 ends at 28 -> conv3 at 14 -> conv4 at 7 -> conv5 stays 7.
    expect(layer('conv2_block2_out').outputShape).toEqual([null, 56, 56, 256]);
    expect(layer('conv2_block3_2_conv').outputShape).toEqual([null, 28, 28, 64]);
    expect(layer('conv2_block3_out').outputShape).toEqual([null, 28, 28, 256]);
    expect(layer('conv3_block4_out').outputShape).toEqual([null, 14, 14, 512]);
    expect(layer('conv4_block6_out').outputShape).toEqual([null, 7, 7, 1024]);
    expect(layer('conv5_block3_out').outputShape).toEqual([null, 7, 7, 2048]);
    expect(layer('max_pooling2d').inbound).toEqual(['conv2_block2_out']);
    expect(layer('conv2_block3_out').inbound).toEqual(['max_pooling2d', 'conv2_block3_3_conv']);
  });

  it('projects from the pre-activated input and adds the raw input elsewhere', () => {
    expect(layer('conv2_block1_0_conv').inbound).toEqual(['conv2_block1_preact_relu']);
    expect(layer('conv2_block2_out').inbound).toEqual(['conv2_block1_out', 'conv2_block2_3_conv']);
  });

  it('leaves out biases before a BN only: 1x1 and 3x3 without, closing 1x1 and projection with', () => {
    // 64 -> 64 (1x1), 64 -> 64 (3x3), 64 -> 256 (1x1 + bias), projection 64 -> 256 (+ bias).
    expect(layer('conv2_block1_1_conv').params.total).toBe(64 * 64);
    expect(layer('conv2_block1_2_conv').params.total).toBe(9 * 64 * 64);
    expect(layer('conv2_block1_3_conv').params.total).toBe(64 * 256 + 256);
    expect(layer('conv2_block1_0_conv').params.total).toBe(64 * 256 + 256);
    expect(layer('conv1_conv').params.total).toBe(7 * 7 * 3 * 64 + 64);
  });

  it('keeps post_bn/post_relu without the top, and names headless pooling as Keras does', () => {
    for (const pooling of ['none', 'avg', 'max'] as const) {
      const built = resnet50v2({ ...DEFAULTS, includeTop: false, pooling });
      const names = built.model.layers.map((l) => l.name);
      expect(names).toContain('post_relu');
      const last = { none: 'post_relu', avg: 'avg_pool', max: 'max_pool' }[pooling];
      expect(names.at(-1)).toBe(last);
      built.model.dispose();
    }
  });
});
