import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { ZooBuilder } from './builder.js';
import { correctPad } from './correct-pad.js';

/** What the MobileNets, EfficientNet and NASNet build alike (keras/src/applications/mobilenet*.py, efficientnet.py, nasnet.py). */

/**
 * Keras' _make_divisible (from TF-slim), which EfficientNet's round_filters repeats: round
 * to the nearest multiple of `divisor`, at least `divisor`, and never more than 10% below
 * `v`. Python's int() truncates, kept here.
 */
export function makeDivisible(v: number, divisor = 8): number {
  let rounded = Math.max(divisor, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (rounded < 0.9 * v) rounded += divisor;
  return rounded;
}

/** A 1x1 convolution without bias (a BatchNormalization follows). */
export function pointwise(b: ZooBuilder, filters: number, name: string, x: SymbolicTensor): SymbolicTensor {
  return b.conv2d({ filters, kernelSize: 1, padding: 'same', useBias: false, name }, x);
}

/**
 * The k x k depthwise convolution (no bias) of MobileNetV2's and EfficientNet's blocks. At
 * stride 2 Keras pads explicitly (correct_pad, the layer `padName`) and convolves 'valid'.
 */
export function depthwise(
  b: ZooBuilder,
  x: SymbolicTensor,
  kernelSize: number,
  stride: number,
  name: string,
  padName: string,
): SymbolicTensor {
  if (stride === 2) {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: correctPad(x, kernelSize), name: padName }), x);
  }
  return b.depthwiseConv2d({ kernelSize, strides: stride, padding: stride === 2 ? 'valid' : 'same', useBias: false, name }, x);
}
