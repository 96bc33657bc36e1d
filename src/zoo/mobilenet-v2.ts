import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { channelsOf, ZooBuilder, type BatchNormSettings } from './builder.js';
import { depthwise, makeDivisible, pointwise } from './mobile-units.js';
import type { BuildOptions, Builder } from './types.js';

/** MobileNetV2 introduced Keras' _make_divisible; EfficientNet rounds its widths the same way. */
export { makeDivisible };

/**
 * MobileNetV2 as keras.applications builds it (keras/src/applications/mobilenet_v2.py):
 * a 3x3/2 convolution, 17 inverted residual blocks (1x1 expansion -> 3x3 depthwise ->
 * linear 1x1 projection, with a shortcut when shape allows), a 1x1 convolution to 1280
 * and a softmax classifier. `alpha` scales the widths, rounded to multiples of 8.
 */

/**
 * The paper's Table 2 (Sandler et al., arXiv 1801.04381): per stage the expansion factor
 * t, output channels c (before alpha), repeats n and the stride s of the first block.
 * Keras numbers the blocks 0..16 straight through the stages.
 */
const STAGES: ReadonlyArray<{ t: number; c: number; n: number; s: number }> = [
  { t: 1, c: 16, n: 1, s: 1 },
  { t: 6, c: 24, n: 2, s: 2 },
  { t: 6, c: 32, n: 3, s: 2 },
  { t: 6, c: 64, n: 4, s: 2 },
  { t: 6, c: 96, n: 3, s: 1 },
  { t: 6, c: 160, n: 3, s: 2 },
  { t: 6, c: 320, n: 1, s: 1 },
];

const STEM_FILTERS = 32;
/** Width of the last 1x1 convolution; the paper widens it only when alpha > 1. */
const LAST_FILTERS = 1280;

/** Keras sets both explicitly on every BatchNormalization of MobileNetV2. */
const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.999;
const BN: BatchNormSettings = { epsilon: BN_EPSILON, momentum: BN_MOMENTUM };

/** Output channels of a block: Keras truncates filters * alpha first, then rounds. */
const blockFilters = (filters: number, alpha: number): number => makeDivisible(Math.trunc(filters * alpha));

/** Keras does not shrink the last convolution below 1280 (paper, section 6.1). */
const lastFilters = (alpha: number): number => (alpha > 1 ? makeDivisible(LAST_FILTERS * alpha) : LAST_FILTERS);

/** Conv1 (3x3/2 'same', no bias) -> bn_Conv1 -> Conv1_relu. */
function stem(b: ZooBuilder, x: SymbolicTensor, alpha: number): SymbolicTensor {
  return b.block('stem', () => {
    x = b.conv2d(
      { filters: makeDivisible(STEM_FILTERS * alpha), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'Conv1' },
      x,
    );
    x = b.batchNorm('bn_Conv1', x, BN);
    return b.relu6('Conv1_relu', x);
  });
}

/**
 * Keras' _inverted_res_block. Block 0 has no expansion (t = 1) and Keras names it
 * `expanded_conv_` instead of `block_0_`. A strided depthwise conv pads explicitly
 * (correct_pad) and convolves 'valid'. The projection is linear (no activation), and the
 * shortcut exists only when the block keeps both resolution and width.
 */
function invertedResidual(
  b: ZooBuilder,
  inputs: SymbolicTensor,
  id: number,
  expansion: number,
  filters: number,
  stride: number,
): SymbolicTensor {
  return b.block(`block_${id}`, () => {
    const inChannels = channelsOf(inputs);
    const prefix = id === 0 ? 'expanded_conv_' : `block_${id}_`;
    let x = inputs;
    if (id !== 0) {
      x = pointwise(b, expansion * inChannels, `${prefix}expand`, x);
      x = b.batchNorm(`${prefix}expand_BN`, x, BN);
      x = b.relu6(`${prefix}expand_relu`, x);
    }
    x = depthwise(b, x, 3, stride, `${prefix}depthwise`, `${prefix}pad`);
    x = b.batchNorm(`${prefix}depthwise_BN`, x, BN);
    x = b.relu6(`${prefix}depthwise_relu`, x);
    x = pointwise(b, filters, `${prefix}project`, x);
    x = b.batchNorm(`${prefix}project_BN`, x, BN);
    if (inChannels === filters && stride === 1) {
      return b.apply(tfl.layers.add({ name: `${prefix}add` }), [inputs, x]);
    }
    return x;
  });
}

/** Conv_1 -> Conv_1_bn -> out_relu, then the classifier or Keras' `pooling`. */
function top(b: ZooBuilder, x: SymbolicTensor, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    x = b.conv2d({ filters: lastFilters(opts.alpha), kernelSize: 1, useBias: false, name: 'Conv_1' }, x);
    x = b.batchNorm('Conv_1_bn', x, BN);
    x = b.relu6('out_relu', x);
    if (opts.includeTop) {
      // Keras leaves this pooling layer unnamed, hence the automatic name.
      x = b.apply(tfl.layers.globalAveragePooling2d({ name: b.autoName('global_average_pooling2d') }), x);
      return b.dense({ units: opts.classes, activation: 'softmax', name: 'predictions' }, x);
    }
    return b.headlessPooling(opts.pooling, x);
  });
}

export const mobilenetV2: Builder = (opts) => {
  const { alpha } = opts;
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input, alpha);
  let id = 0;
  for (const { t, c, n, s } of STAGES) {
    for (let i = 0; i < n; i++) {
      // Only a stage's first block changes resolution.
      x = invertedResidual(b, x, id++, t, blockFilters(c, alpha), i === 0 ? s : 1);
    }
  }
  // Keras names the model after alpha and the input rows, e.g. 'mobilenetv2_1.00_224'.
  return b.finish(input, top(b, x, opts), `mobilenetv2_${alpha.toFixed(2)}_${opts.inputSize[0]}`);
};
