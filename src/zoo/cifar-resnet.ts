import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { channelsOf, NAMED_POOLING, ZooBuilder, type BatchNormSettings } from './builder.js';
import { stack } from './resnet-units.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * The CIFAR-10 ResNets of the two ResNet papers, for 32x32 inputs. Keras has no such
 * models, so layer names follow Keras' ImageNet ResNets (`conv2_block1_1_conv`, ...):
 * stem 'conv1', stages conv2..conv4, then 'post' (pre-activation only) and 'top'.
 *
 * - He et al. 2015, "Deep Residual Learning" (arXiv 1512.03385) sec. 4.2: a 3x3 conv to
 *   16 maps, then 3 stages of n basic blocks (two 3x3 convs, BN after each) with 16, 32
 *   and 64 filters, depth 6n + 2 (ResNet-110: n = 18, ResNet-1202: n = 200). Shortcuts
 *   are option A, parameter-free: where a stage halves the resolution and doubles the
 *   width, the identity is subsampled with stride 2 and the new channels are zeros.
 * - He et al. 2016, "Identity Mappings" (arXiv 1603.05027): pre-activation bottlenecks
 *   (BN -> ReLU -> 1x1 -> BN -> ReLU -> 3x3 -> BN -> ReLU -> 1x1) with outputs 64, 128,
 *   256 (4x the bottleneck width 16, 32, 64), depth 9n + 2 (ResNet-1001: n = 111), laid
 *   out as in KaimingHe/resnet-1k-layers resnet-pre-act.lua.
 *
 * Both follow the Torch reference code (fb.resnet.torch, resnet-1k-layers): no conv
 * biases (removed at init there), a dense classifier with bias, BN epsilon 1e-5.
 */

/** Torch's nn.SpatialBatchNormalization default epsilon. */
const BN_EPSILON = 1e-5;
const BN: BatchNormSettings = { epsilon: BN_EPSILON };

/** Width of the three stages: basic-block filters (2015), bottleneck widths (2016). */
const STAGE_WIDTHS = [16, 32, 64];

/** Filters of the stem's 3x3 convolution in both papers. */
const STEM_FILTERS = 16;

/** Bottleneck expansion of the pre-activation units (16 -> 64, ...). */
const EXPANSION = 4;

/** A bias-free convolution; 'same' padding is Torch's symmetric pad (k - 1) / 2 at stride 1. */
function conv(b: ZooBuilder, name: string, filters: number, kernelSize: number, x: SymbolicTensor, strides = 1) {
  return b.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, name }, x);
}

/** A strided 3x3 conv padded by one on every side, as Torch pads it (TF's 'same' would pad only after). */
function strided3x3(b: ZooBuilder, name: string, filters: number, x: SymbolicTensor, stride: number) {
  x = b.apply(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: `${name}_pad` }), x);
  return b.conv2d({ filters, kernelSize: 3, strides: stride, useBias: false, name: `${name}_conv` }, x);
}

/** n in depth = per * n + 2, or an error naming the depths that exist. */
function blocksPerStage(depth: number, per: number): number {
  const n = (depth - 2) / per;
  if (!Number.isInteger(n) || n < 1) throw new Error(`depth ${depth} is not ${per}n + 2`);
  return n;
}

// ---------------------------------------------------------------------------------------
// He et al. 2015: basic blocks, option A shortcuts.

/**
 * Option A as fb.resnet.torch writes it: a 1x1 average pool of stride 2 (which picks every
 * other position), then the input concatenated with itself times zero, so the extra
 * channels are zeros. Three parameter-free layers tfjs already has; Torch appends the
 * zero channels after the identity, as the concatenation does here.
 */
function zeroPadShortcut(b: ZooBuilder, name: string, x: SymbolicTensor, stride: number): SymbolicTensor {
  const sub = b.apply(tfl.layers.averagePooling2d({ poolSize: 1, strides: stride, name: `${name}_0_pool` }), x);
  const zeros = b.apply(tfl.layers.rescaling({ scale: 0, offset: 0, name: `${name}_0_zeros` }), sub);
  return b.apply(tfl.layers.concatenate({ axis: -1, name: `${name}_0_concat` }), [sub, zeros]);
}

/** conv-BN-ReLU-conv-BN, add the shortcut, ReLU. The stage's first block may downsample and widen. */
function basicBlock(b: ZooBuilder, x: SymbolicTensor, name: string, filters: number, stride: number): SymbolicTensor {
  const inWidth = channelsOf(x);
  const widens = stride > 1 || inWidth !== filters;
  if (widens && inWidth * 2 !== filters) throw new Error(`option A doubles the width, not ${inWidth} -> ${filters}`);
  // Shortcut first, as Keras' ResNet blocks create it (it fixes the layer order).
  const shortcut = widens ? zeroPadShortcut(b, name, x, stride) : x;
  let y = stride > 1 ? strided3x3(b, `${name}_1`, filters, x, stride) : conv(b, `${name}_1_conv`, filters, 3, x);
  y = b.bnRelu(`${name}_1`, y, BN);
  y = conv(b, `${name}_2_conv`, filters, 3, y);
  y = b.batchNorm(`${name}_2_bn`, y, BN);
  const sum = b.apply(tfl.layers.add({ name: `${name}_add` }), [shortcut, y]);
  return b.activation(`${name}_out`, 'relu', sum);
}

function buildBasic(depth: number, opts: BuildOptions): BuiltModel {
  const n = blocksPerStage(depth, 6);
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = b.block('conv1', () => b.bnRelu('conv1', conv(b, 'conv1_conv', STEM_FILTERS, 3, input), BN));
  STAGE_WIDTHS.forEach((filters, s) => {
    // The first stage keeps the stem's 32x32; the others halve it in their first block.
    x = stack(b, `conv${s + 2}`, n, x, (y, name, i) => basicBlock(b, y, name, filters, i === 1 && s > 0 ? 2 : 1));
  });
  return b.finish(input, b.avgPoolTop(opts, x, NAMED_POOLING), `resnet${depth}`);
}

// ---------------------------------------------------------------------------------------
// He et al. 2016: pre-activation bottlenecks.

/**
 * resnet-pre-act.lua's bottleneck. Where the width changes (each stage's first unit) the
 * BN-ReLU is shared by both paths and a strided 1x1 projection is the shortcut; elsewhere
 * BN-ReLU opens the residual branch only and the shortcut is the raw input. The stride
 * sits on the first 1x1 convolution (and the projection), not on the 3x3.
 */
function preactBottleneck(b: ZooBuilder, x: SymbolicTensor, name: string, width: number, stride: number): SymbolicTensor {
  const inWidth = channelsOf(x);
  const outWidth = EXPANSION * width;
  const preact = b.bnRelu(`${name}_preact`, x, BN);
  const shortcut = inWidth !== outWidth || stride > 1 ? conv(b, `${name}_0_conv`, outWidth, 1, preact, stride) : x;
  let y = conv(b, `${name}_1_conv`, width, 1, preact, stride);
  y = b.bnRelu(`${name}_1`, y, BN);
  y = conv(b, `${name}_2_conv`, width, 3, y);
  y = b.bnRelu(`${name}_2`, y, BN);
  y = conv(b, `${name}_3_conv`, outWidth, 1, y);
  return b.apply(tfl.layers.add({ name: `${name}_out` }), [shortcut, y]);
}

function buildPreact(depth: number, opts: BuildOptions): BuiltModel {
  const n = blocksPerStage(depth, 9);
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  // Pre-activation: the stem is a bare convolution; the first unit normalises its output.
  let x = b.block('conv1', () => conv(b, 'conv1_conv', STEM_FILTERS, 3, input));
  STAGE_WIDTHS.forEach((width, s) => {
    x = stack(b, `conv${s + 2}`, n, x, (y, name, i) => preactBottleneck(b, y, name, width, i === 1 && s > 0 ? 2 : 1));
  });
  // The extra activation after the last unit's addition (paper sec. 4.1).
  x = b.block('post', () => b.bnRelu('post', x, BN));
  return b.finish(input, b.avgPoolTop(opts, x, NAMED_POOLING), `resnet${depth}`);
}

/** A 2015 CIFAR ResNet of depth 6n + 2 (20, 32, 44, 56, 110, 1202 in the paper). */
export const cifarResNet = (depth: number): Builder => (opts) => buildBasic(depth, opts);

/** A 2016 pre-activation bottleneck CIFAR ResNet of depth 9n + 2 (164, 1001 in the paper). */
export const cifarPreactResNet = (depth: number): Builder => (opts) => buildPreact(depth, opts);

export const resnet110: Builder = cifarResNet(110);
export const resnet1202: Builder = cifarResNet(1202);
export const resnet1001: Builder = cifarPreactResNet(1001);
