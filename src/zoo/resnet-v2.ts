import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder } from './builder.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * ResNet50V2/101V2/152V2 as keras.applications builds them (keras/src/applications/
 * resnet_v2.py with resnet.py's residual_block_v2 / stack_residual_blocks_v2): the
 * pre-activation units of He et al., "Identity Mappings in Deep Residual Networks"
 * (arXiv 1603.05027). Each block normalises and activates its input first
 * (BN -> ReLU -> 1x1 -> BN -> ReLU -> 3x3 -> BN -> ReLU -> 1x1) and adds the raw input,
 * so the stem has no BN/ReLU and the network ends with one extra BN/ReLU (`post_bn`).
 *
 * Two Keras choices that differ from v1 and matter for parity:
 * - a stage downsamples in its LAST block, in the 3x3 convolution (explicitly padded),
 *   and the identity shortcut of that block is a 1x1 max pool with stride 2;
 * - the 1x1 and 3x3 convolutions before a BN have no bias, the closing 1x1 has one.
 */

/** Blocks in stages conv2..conv5; the models differ only here. */
const STAGE_BLOCKS = {
  resnet50v2: [3, 4, 6, 3],
  resnet101v2: [3, 4, 23, 3],
  resnet152v2: [3, 8, 36, 3],
} as const;

type ResNetV2Name = keyof typeof STAGE_BLOCKS;

/** Bottleneck width of stages conv2..conv5 (each block outputs 4x this). */
const STAGE_FILTERS = [64, 128, 256, 512];

/** Stride of each stage's last block: conv5 keeps conv4's resolution (Keras' stride1=1). */
const STAGE_STRIDES = [2, 2, 2, 1];

/** Keras' BatchNormalization epsilon for every ResNet. */
const BN_EPSILON = 1.001e-5;

function batchNorm(b: ZooBuilder, name: string, x: SymbolicTensor): SymbolicTensor {
  return b.apply(tfl.layers.batchNormalization({ axis: -1, epsilon: BN_EPSILON, name }), x);
}

function relu(b: ZooBuilder, name: string, x: SymbolicTensor): SymbolicTensor {
  return b.apply(tfl.layers.activation({ activation: 'relu', name }), x);
}

/** conv1_pad -> conv1_conv (7x7/2, with bias) -> pool1_pad -> pool1_pool: no BN/ReLU (pre-activation). */
function stem(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('conv1', () => {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }), x);
    x = b.conv2d({ filters: 64, kernelSize: 7, strides: 2, name: 'conv1_conv' }, x);
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pool1_pad' }), x);
    return b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }), x);
  });
}

/**
 * Keras' residual_block_v2. The shortcut is created right after the pre-activation, before
 * the main branch, as in Keras (it decides layer order and the max pool's automatic name).
 * A projection reads the pre-activated tensor; an identity shortcut reads the raw input.
 */
function preactBottleneck(
  b: ZooBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  stride: number,
  projectShortcut: boolean,
): SymbolicTensor {
  let preact = batchNorm(b, `${name}_preact_bn`, x);
  preact = relu(b, `${name}_preact_relu`, preact);

  let shortcut = x;
  if (projectShortcut) {
    shortcut = b.conv2d({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }, preact);
  } else if (stride > 1) {
    // Keras leaves this pool unnamed, so it takes the automatic name max_pooling2d[_k].
    shortcut = b.apply(tfl.layers.maxPooling2d({ poolSize: 1, strides: stride, name: b.autoName('max_pooling2d') }), x);
  }

  let y = b.conv2d({ filters, kernelSize: 1, useBias: false, name: `${name}_1_conv` }, preact);
  y = batchNorm(b, `${name}_1_bn`, y);
  y = relu(b, `${name}_1_relu`, y);
  y = b.apply(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: `${name}_2_pad` }), y);
  y = b.conv2d({ filters, kernelSize: 3, strides: stride, useBias: false, name: `${name}_2_conv` }, y);
  y = batchNorm(b, `${name}_2_bn`, y);
  y = relu(b, `${name}_2_relu`, y);
  y = b.conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }, y);
  return b.apply(tfl.layers.add({ name: `${name}_out` }), [shortcut, y]);
}

/**
 * Keras' stack_residual_blocks_v2: block 1 projects (stride 1, to 4x width), the middle
 * blocks are identities, and the last block carries the stage's stride.
 */
function stage(b: ZooBuilder, x: SymbolicTensor, stageName: string, filters: number, blocks: number, stride: number) {
  return b.block(stageName, () => {
    for (let i = 1; i <= blocks; i++) {
      const name = `${stageName}_block${i}`;
      const blockStride = i === blocks ? stride : 1;
      x = b.block(name, () => preactBottleneck(b, x, name, filters, blockStride, i === 1));
    }
    return x;
  });
}

/**
 * The extra BN/ReLU after the last unit (paper sec. 4.1), present with and without the
 * classifier. Its own block 'post': it belongs to no residual block, and folding it into
 * 'top' would hide it from a headless model's cost rows.
 */
function post(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('post', () => relu(b, 'post_relu', batchNorm(b, 'post_bn', x)));
}

function top(b: ZooBuilder, x: SymbolicTensor, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    if (opts.includeTop) return b.avgPoolClassifier(opts.classes, x);
    return b.headlessPooling(opts.pooling, x, { avg: 'avg_pool', max: 'max_pool' });
  });
}

function buildResNetV2(model: ResNetV2Name, opts: BuildOptions): BuiltModel {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input);
  STAGE_BLOCKS[model].forEach((blocks, i) => {
    x = stage(b, x, `conv${i + 2}`, STAGE_FILTERS[i], blocks, STAGE_STRIDES[i]);
  });
  return b.finish(input, top(b, post(b, x), opts), model);
}

export const resnet50v2: Builder = (opts) => buildResNetV2('resnet50v2', opts);
export const resnet101v2: Builder = (opts) => buildResNetV2('resnet101v2', opts);
export const resnet152v2: Builder = (opts) => buildResNetV2('resnet152v2', opts);
