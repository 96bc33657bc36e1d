import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder } from './builder.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * ResNet50/101/152 (v1) as keras.applications builds them (keras/src/applications/resnet.py):
 * a 7x7 stem, then four stages of bottleneck blocks (1x1 -> 3x3 -> 1x1, 4x expansion).
 * The first block of each stage has a 1x1 projection shortcut; the others are identity.
 */

/** Blocks in stages conv2..conv5; the models differ only here. */
const STAGE_BLOCKS = {
  resnet50: [3, 4, 6, 3],
  resnet101: [3, 4, 23, 3],
  resnet152: [3, 8, 36, 3],
} as const;

type ResNetName = keyof typeof STAGE_BLOCKS;

/** Bottleneck width of stages conv2..conv5 (each block outputs 4x this). */
const STAGE_FILTERS = [64, 128, 256, 512];

/** Keras' BatchNormalization epsilon for ResNet (kept from the original Caffe weights). */
const BN_EPSILON = 1.001e-5;

function batchNorm(b: ZooBuilder, name: string, x: SymbolicTensor): SymbolicTensor {
  return b.apply(tfl.layers.batchNormalization({ axis: -1, epsilon: BN_EPSILON, name }), x);
}

function relu(b: ZooBuilder, name: string, x: SymbolicTensor): SymbolicTensor {
  return b.apply(tfl.layers.activation({ activation: 'relu', name }), x);
}

/** conv1_pad -> conv1_conv (7x7/2) -> BN -> ReLU -> pool1_pad -> pool1_pool (3x3/2). */
function stem(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('conv1', () => {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }), x);
    x = b.conv2d({ filters: 64, kernelSize: 7, strides: 2, name: 'conv1_conv' }, x);
    x = batchNorm(b, 'conv1_bn', x);
    x = relu(b, 'conv1_relu', x);
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pool1_pad' }), x);
    return b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }), x);
  });
}

/**
 * Keras' residual_block_v1. Layer order matters for parity: the projection shortcut
 * (`_0_conv`, `_0_bn`) is created before the main branch, as in Keras.
 */
function bottleneck(
  b: ZooBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  stride: number,
  projectShortcut: boolean,
): SymbolicTensor {
  let shortcut = x;
  if (projectShortcut) {
    shortcut = b.conv2d({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }, x);
    shortcut = batchNorm(b, `${name}_0_bn`, shortcut);
  }
  let y = b.conv2d({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }, x);
  y = batchNorm(b, `${name}_1_bn`, y);
  y = relu(b, `${name}_1_relu`, y);
  y = b.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_2_conv` }, y);
  y = batchNorm(b, `${name}_2_bn`, y);
  y = relu(b, `${name}_2_relu`, y);
  y = b.conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }, y);
  y = batchNorm(b, `${name}_3_bn`, y);
  const sum = b.apply(tfl.layers.add({ name: `${name}_add` }), [shortcut, y]);
  return relu(b, `${name}_out`, sum);
}

/** Keras' stack_residual_blocks_v1: stage `convN`, blocks `convN_block1..k`. */
function stage(b: ZooBuilder, x: SymbolicTensor, stageName: string, filters: number, blocks: number, stride: number) {
  return b.block(stageName, () => {
    for (let i = 1; i <= blocks; i++) {
      const name = `${stageName}_block${i}`;
      // Only the first block changes resolution and width, so only it projects its shortcut.
      x = b.block(name, () => bottleneck(b, x, name, filters, i === 1 ? stride : 1, i === 1));
    }
    return x;
  });
}

function top(b: ZooBuilder, x: SymbolicTensor, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    if (opts.includeTop) return b.avgPoolClassifier(opts.classes, x);
    return b.headlessPooling(opts.pooling, x, { avg: 'avg_pool', max: 'max_pool' });
  });
}

function buildResNet(model: ResNetName, opts: BuildOptions): BuiltModel {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input);
  STAGE_BLOCKS[model].forEach((blocks, i) => {
    // conv2 follows the stem's max pool, so it keeps the resolution; later stages halve it.
    x = stage(b, x, `conv${i + 2}`, STAGE_FILTERS[i], blocks, i === 0 ? 1 : 2);
  });
  return b.finish(input, top(b, x, opts), model);
}

export const resnet50: Builder = (opts) => buildResNet('resnet50', opts);
export const resnet101: Builder = (opts) => buildResNet('resnet101', opts);
export const resnet152: Builder = (opts) => buildResNet('resnet152', opts);
