import type { OnnxMapper } from './layer-call.js';
import * as act from './ops/activation.js';
import * as conv from './ops/conv.js';
import { dense } from './ops/dense.js';
import * as merge from './ops/merge.js';
import * as norm from './ops/normalize.js';
import * as pool from './ops/pool.js';
import * as shape from './ops/reshape.js';

/**
 * One ONNX mapping per layer class (tfjs' getClassName()), as the cost handlers are
 * registered in src/analysis/cost.ts. A class missing here is refused by name, never
 * skipped. InputLayer and nested models are handled by the graph walk (export.ts).
 */
export const ONNX_MAPPERS: Readonly<Record<string, OnnxMapper>> = {
  Conv2D: conv.conv2d,
  DepthwiseConv2D: conv.depthwiseConv2d,
  SeparableConv2D: conv.separableConv2d,
  Dense: dense,
  BatchNormalization: norm.batchNormalization,
  Normalization: norm.normalization,
  LocalResponseNormalization: norm.localResponseNormalization,
  Activation: act.activationLayer,
  ReLU: act.reluLayer,
  LeakyReLU: act.leakyReluLayer,
  ELU: act.eluLayer,
  Softmax: act.softmaxLayer,
  Rescaling: act.rescalingLayer,
  Dropout: act.identityLayer,
  SpatialDropout2D: act.identityLayer,
  GaussianNoise: act.identityLayer,
  GaussianDropout: act.identityLayer,
  AlphaDropout: act.identityLayer,
  MaxPooling2D: pool.maxPooling2d,
  AveragePooling2D: pool.averagePooling2d,
  GlobalAveragePooling2D: pool.globalAveragePooling2d,
  GlobalMaxPooling2D: pool.globalMaxPooling2d,
  AdaptiveAveragePooling2D: pool.adaptiveAveragePooling2d,
  ZeroPadding2D: shape.zeroPadding2d,
  Cropping2D: shape.cropping2d,
  Flatten: shape.flatten,
  Reshape: shape.reshape,
  Add: merge.add,
  Multiply: merge.multiply,
  Maximum: merge.maximum,
  Minimum: merge.minimum,
  Average: merge.average,
  Concatenate: merge.concatenate,
  CustomScaleLayer: merge.customScale,
};
