import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { channelsOf, NAMED_POOLING, ZooBuilder, type BatchNormSettings } from './builder.js';
import { stack } from './resnet-units.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * DenseNet121/169/201 as keras.applications builds them (keras/src/applications/densenet.py):
 * a 7x7 stem, then four dense blocks separated by transitions. Each unit of a dense block
 * (BN-ReLU-1x1 conv to 4k, BN-ReLU-3x3 conv to k) adds k = 32 channels to everything
 * before it by concatenation; a transition (BN-ReLU-1x1 conv, 2x2 average pool) halves
 * both the channels and the resolution.
 */

/** Units in dense blocks conv2..conv5; the models differ only here. */
const BLOCK_UNITS = {
  densenet121: [6, 12, 24, 16],
  densenet169: [6, 12, 32, 32],
  densenet201: [6, 12, 48, 32],
} as const;

type DenseNetName = keyof typeof BLOCK_UNITS;

/** Channels each unit adds (k in the paper). */
const GROWTH_RATE = 32;

/** The 1x1 convolution of a unit narrows to this many times the growth rate (DenseNet-B). */
const BOTTLENECK_WIDTH = 4;

/** Fraction of channels a transition keeps (DenseNet-C's compression theta). */
const COMPRESSION = 0.5;

/** Keras' BatchNormalization epsilon for DenseNet (kept from the original Caffe/Torch weights). */
const BN_EPSILON = 1.001e-5;
const BN: BatchNormSettings = { epsilon: BN_EPSILON };

/**
 * Stem: pad 3 -> conv1_conv (7x7/2) -> BN -> ReLU -> pad 1 -> pool1 (3x3/2 max).
 * Keras leaves both paddings unnamed, so they take its automatic names.
 */
function stem(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('conv1', () => {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: b.autoName('zero_padding2d') }), x);
    x = b.conv2d({ filters: 64, kernelSize: 7, strides: 2, useBias: false, name: 'conv1_conv' }, x);
    x = b.bnRelu('conv1', x, BN);
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: b.autoName('zero_padding2d') }), x);
    return b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1' }), x);
  });
}

/** Keras' conv_block: a pre-activation bottleneck whose output is concatenated to its input. */
function denseUnit(b: ZooBuilder, x: SymbolicTensor, name: string): SymbolicTensor {
  let y = b.bnRelu(`${name}_0`, x, BN);
  y = b.conv2d({ filters: BOTTLENECK_WIDTH * GROWTH_RATE, kernelSize: 1, useBias: false, name: `${name}_1_conv` }, y);
  y = b.bnRelu(`${name}_1`, y, BN);
  y = b.conv2d({ filters: GROWTH_RATE, kernelSize: 3, padding: 'same', useBias: false, name: `${name}_2_conv` }, y);
  return b.apply(tfl.layers.concatenate({ axis: -1, name: `${name}_concat` }), [x, y]);
}

/** Keras' transition_block `poolN`: int(channels * 0.5) filters, as Python's int() truncates. */
function transition(b: ZooBuilder, x: SymbolicTensor, name: string): SymbolicTensor {
  return b.block(name, () => {
    x = b.bnRelu(name, x, BN);
    const filters = Math.trunc(channelsOf(x) * COMPRESSION);
    x = b.conv2d({ filters, kernelSize: 1, useBias: false, name: `${name}_conv` }, x);
    return b.apply(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, name: `${name}_pool` }), x);
  });
}

function buildDenseNet(model: DenseNetName, opts: BuildOptions): BuiltModel {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input);
  const units = BLOCK_UNITS[model];
  units.forEach((n, i) => {
    // Keras' dense_block: stage `convN`, units `convN_block1..k`, laid out as ResNet's stages.
    x = stack(b, `conv${i + 2}`, n, x, (y, name) => denseUnit(b, y, name));
    // A transition follows every dense block but the last.
    if (i < units.length - 1) x = transition(b, x, `pool${i + 2}`);
  });
  // The units are pre-activation, so the last block's output still needs its BN-ReLU
  // (kept in no-top models too); its own block, like ResNetV2's `post`.
  x = b.block('post', () => b.activation('relu', 'relu', b.batchNorm('bn', x, BN)));
  return b.finish(input, b.avgPoolTop(opts, x, NAMED_POOLING), model);
}

export const densenet121: Builder = (opts) => buildDenseNet('densenet121', opts);
export const densenet169: Builder = (opts) => buildDenseNet('densenet169', opts);
export const densenet201: Builder = (opts) => buildDenseNet('densenet201', opts);
