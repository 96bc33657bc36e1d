import { describe, expect, it } from 'vitest';
import { analyze, buildModel } from '../../src/api.js';
import { findModel } from '../../src/zoo/registry.js';
import { expectKerasTotals, KERAS_NAMES, kerasReference, otherReference } from '../reference.js';

it('the zoo has every Keras application of the reference file', () => {
  expect(KERAS_NAMES.filter((name) => !findModel(name))).toEqual([]);
});

describe.each(KERAS_NAMES)('%s equals Keras applications (include_top, 1000 classes, weights=None)', (name) => {
  const ref = kerasReference(name);

  it('has the published parameter counts, layer count and depth, and MACs within 0.5%', async () => {
    const r = await analyze(name);
    expectKerasTotals(r, ref);
    expect(r.model.inputShapes).toEqual([[null, ref.inputSize, ref.inputSize, 3]]);
  });

  it('has the published layer count without the classifier', async () => {
    const built = await buildModel(name, { includeTop: false });
    expect(built.model.layers.length).toBe(ref.layers.noTop);
    built.model.dispose();
  });
});

describe('torchvision architectures equal torchvision\'s published figures (keras-applications.json, others)', () => {
  it('alexnet: 61,100,840 parameters, 0.714 GMACs at 224', async () => {
    const ref = otherReference('alexnet');
    const r = await analyze('alexnet');
    expect(r.totals.params.total).toBe(ref.params.total);
    expect(Math.abs(r.totals.macs / (ref.gmacs! * 1e9) - 1)).toBeLessThan(0.005);
  });

  it('googlenet: 6,624,904 learnable parameters (torchvision keeps BN statistics as buffers), 1.50 GMACs', async () => {
    const ref = otherReference('googlenet');
    const r = await analyze('googlenet');
    expect(r.totals.params.trainable).toBe(ref.params.total);
    expect(Math.abs(r.totals.macs / (ref.gmacs! * 1e9) - 1)).toBeLessThan(0.005);
  });
});

describe('CIFAR ResNets against the papers (He et al. 2015 Table 6; 2016 Identity Mappings)', () => {
  // Learnable parameters (conv kernels without bias, BN gamma and beta, the classifier), the
  // count the papers round; BN moving statistics are non-trainable on top, as Keras counts them.
  it.each([
    ['resnet110', 1_727_962],
    ['resnet1202', 19_421_274],
    ['resnet1001', 10_327_706],
  ] as const)('%s has %i learnable parameters, within 3%% of the paper', async (name, exact) => {
    const ref = otherReference(name);
    const r = await analyze(name);
    expect(r.totals.params.trainable).toBe(exact);
    if (ref.params.computed !== undefined) expect(exact).toBe(ref.params.computed);
    expect(Math.abs(exact / ref.params.approx! - 1)).toBeLessThan(0.03);
    expect(r.model.inputShapes).toEqual([[null, 32, 32, 3]]);
  });
});

describe('Keras layer names', () => {
  it.each([
    ['resnet50', ['conv1_pad', 'conv1_conv', 'conv2_block1_1_conv', 'conv2_block1_0_bn', 'conv5_block3_out', 'avg_pool', 'predictions']],
    ['inceptionv3', ['conv2d', 'conv2d_93', 'batch_normalization_93', 'mixed0', 'mixed5', 'mixed9_1', 'mixed10', 'avg_pool']],
    ['xception', ['block1_conv1', 'block2_sepconv1', 'block14_sepconv2', 'block14_sepconv2_act', 'avg_pool']],
    ['mobilenet', ['conv1', 'conv_dw_3', 'conv_pw_13_relu', 'conv_pad_2', 'conv_preds', 'predictions']],
    ['vgg16', ['block1_conv1', 'block5_pool', 'flatten', 'fc1', 'fc2', 'predictions']],
  ])('%s has the layers Keras names', async (name, expected) => {
    const built = await buildModel(name);
    const names = built.model.layers.map((l) => l.name);
    for (const n of expected) expect(names).toContain(n);
    built.model.dispose();
  });
});

describe('block paths for folding', () => {
  it('puts every ResNet50 layer but the input into a stage, and bottlenecks into blocks', async () => {
    const r = await analyze('resnet50');
    const stages = new Set(r.layers.filter((l) => l.block.length > 0).map((l) => l.block[0]));
    expect([...stages]).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'top']);
    const blocks = new Set(r.layers.filter((l) => l.block.length > 1).map((l) => l.block[1]));
    expect(blocks.size).toBe(3 + 4 + 6 + 3);
    expect(r.layers.filter((l) => l.block.length === 0).map((l) => l.name)).toEqual(['input_layer']);
  });

  it('gives each InceptionV3 module all of its branch layers', async () => {
    const r = await analyze('inceptionv3');
    const mixed5 = r.layers.filter((l) => l.block[0] === 'mixed5');
    // A 17x17 module: 1x1 branch (3 layers), 7x7 branch (3 units), 7x7dbl branch (5 units),
    // pool branch (pool + 1 unit), and the concatenation: (1 + 3 + 5 + 1) * 3 + 1 + 1.
    expect(mixed5.length).toBe(32);
    expect(mixed5.at(-1)?.name).toBe('mixed5');
  });
});
