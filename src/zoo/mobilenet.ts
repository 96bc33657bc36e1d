import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder, type BatchNormSettings } from './builder.js';
import { globalAveragePooling2dKeepDims } from './keepdims-pooling.js';
import { pointwise } from './mobile-units.js';
import type { BuildOptions, Builder } from './types.js';

/**
 * MobileNet v1 as keras.applications builds it (keras/src/applications/mobilenet.py):
 * a 3x3/2 convolution, then 13 depthwise-separable units (3x3 depthwise + 1x1 pointwise,
 * each followed by BatchNormalization and ReLU6), then a 1x1-convolution classifier.
 * The width multiplier `alpha` scales every filter count (depth multiplier fixed at 1).
 */

/** Pointwise filters and depthwise stride of units 1..13 (before alpha). */
const UNITS: ReadonlyArray<readonly [filters: number, stride: number]> = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];

/** Filters of the first (full) convolution, before alpha. */
const STEM_FILTERS = 32;

/** Keras' default dropout rate before the classifier. */
const DROPOUT = 1e-3;

/** Keras' default BatchNormalization epsilon, which MobileNet keeps. */
const BN_EPSILON = 1e-3;
const BN: BatchNormSettings = { epsilon: BN_EPSILON };

/** Keras computes widths as int(filters * alpha): truncation, with the same doubles. */
const scaled = (filters: number, alpha: number): number => Math.trunc(filters * alpha);

/** Keras' _conv_block: conv1 (3x3/2, 'same', no bias) -> conv1_bn -> conv1_relu. */
function stem(b: ZooBuilder, x: SymbolicTensor, alpha: number): SymbolicTensor {
  return b.block('stem', () => {
    x = b.conv2d(
      { filters: scaled(STEM_FILTERS, alpha), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1' },
      x,
    );
    x = b.batchNorm('conv1_bn', x, BN);
    return b.relu6('conv1_relu', x);
  });
}

/**
 * Keras' _depthwise_conv_block. A strided unit pads bottom/right by one and convolves
 * 'valid' (Keras' choice, matching the original TF-slim weights) instead of using 'same'.
 */
function separableUnit(
  b: ZooBuilder,
  x: SymbolicTensor,
  id: number,
  filters: number,
  stride: number,
  alpha: number,
): SymbolicTensor {
  return b.block(`unit${id}`, () => {
    if (stride !== 1) {
      x = b.apply(tfl.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]], name: `conv_pad_${id}` }), x);
    }
    x = b.depthwiseConv2d(
      {
        kernelSize: 3,
        strides: stride,
        padding: stride === 1 ? 'same' : 'valid',
        depthMultiplier: 1,
        useBias: false,
        name: `conv_dw_${id}`,
      },
      x,
    );
    x = b.batchNorm(`conv_dw_${id}_bn`, x, BN);
    x = b.relu6(`conv_dw_${id}_relu`, x);
    x = pointwise(b, scaled(filters, alpha), `conv_pw_${id}`, x);
    x = b.batchNorm(`conv_pw_${id}_bn`, x, BN);
    return b.relu6(`conv_pw_${id}_relu`, x);
  });
}

/**
 * Keras' classifier keeps the pooled map 4D ([1, 1, C]) so that it can be a 1x1 Conv2D,
 * then flattens it with a Reshape and applies softmax as a separate Activation layer.
 */
function top(b: ZooBuilder, x: SymbolicTensor, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    if (opts.includeTop) {
      x = b.apply(globalAveragePooling2dKeepDims({ name: b.autoName('global_average_pooling2d') }), x);
      x = b.apply(tfl.layers.dropout({ rate: DROPOUT, name: 'dropout' }), x);
      x = b.conv2d({ filters: opts.classes, kernelSize: 1, padding: 'same', name: 'conv_preds' }, x);
      x = b.apply(tfl.layers.reshape({ targetShape: [opts.classes], name: 'reshape_2' }), x);
      return b.activation('predictions', 'softmax', x);
    }
    // Without the top, Keras uses plain (rank-reducing) global pooling.
    return b.headlessPooling(opts.pooling, x);
  });
}

export const mobilenet: Builder = (opts) => {
  const { alpha } = opts;
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input, alpha);
  UNITS.forEach(([filters, stride], i) => {
    x = separableUnit(b, x, i + 1, filters, stride, alpha);
  });
  // Keras names the model after alpha and the input rows, e.g. 'mobilenet_1.00_224'.
  return b.finish(input, top(b, x, opts), `mobilenet_${alpha.toFixed(2)}_${opts.inputSize[0]}`);
};
