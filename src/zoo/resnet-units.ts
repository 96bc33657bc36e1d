import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { BatchNormSettings, ZooBuilder } from './builder.js';

/**
 * What Keras' ImageNet ResNets v1 and v2 (keras/src/applications/resnet.py, resnet_v2.py)
 * share, and the stage layout the CIFAR ResNets and DenseNet borrow from them.
 */

/** Blocks in stages conv2..conv5 by depth: ResNet50/101/152 differ only here, v1 and v2 alike. */
export const STAGE_BLOCKS = {
  50: [3, 4, 6, 3],
  101: [3, 4, 23, 3],
  152: [3, 8, 36, 3],
} as const;

export type ResNetDepth = keyof typeof STAGE_BLOCKS;

/** Bottleneck width of stages conv2..conv5 (each block outputs 4x this). */
export const STAGE_FILTERS = [64, 128, 256, 512];

/** Keras' BatchNormalization epsilon for every ImageNet ResNet (kept from the original Caffe weights). */
const BN_EPSILON = 1.001e-5;
export const RESNET_BN: BatchNormSettings = { epsilon: BN_EPSILON };

/**
 * The stem, block 'conv1': conv1_pad -> conv1_conv (7x7/2, with bias) -> pool1_pad ->
 * pool1_pool (3x3/2). v1 normalises and activates the convolution (conv1_bn, conv1_relu);
 * v2 does not, as its first block pre-activates its input.
 */
export function stem(b: ZooBuilder, x: SymbolicTensor, version: 'v1' | 'v2'): SymbolicTensor {
  return b.block('conv1', () => {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }), x);
    x = b.conv2d({ filters: 64, kernelSize: 7, strides: 2, name: 'conv1_conv' }, x);
    if (version === 'v1') x = b.bnRelu('conv1', x, RESNET_BN);
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pool1_pad' }), x);
    return b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }), x);
  });
}

/**
 * A stage as Keras' stack_residual_blocks and dense_block lay it out: scope `stageName`
 * (`conv2`), holding blocks `<stageName>_block1..n`, each in its own scope, built one after
 * the other by `unit(x, name, i)` (i from 1).
 */
export function stack(
  b: ZooBuilder,
  stageName: string,
  blocks: number,
  x: SymbolicTensor,
  unit: (x: SymbolicTensor, name: string, i: number) => SymbolicTensor,
): SymbolicTensor {
  return b.block(stageName, () => {
    for (let i = 1; i <= blocks; i++) {
      const name = `${stageName}_block${i}`;
      x = b.block(name, () => unit(x, name, i));
    }
    return x;
  });
}
