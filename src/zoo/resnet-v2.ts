import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { NAMED_POOLING, ZooBuilder } from './builder.js';
import { RESNET_BN, STAGE_BLOCKS, STAGE_FILTERS, stack, stem, type ResNetDepth } from './resnet-units.js';
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

/** Stride of each stage's last block: conv5 keeps conv4's resolution (Keras' stride1=1). */
const STAGE_STRIDES = [2, 2, 2, 1];

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
  const preact = b.bnRelu(`${name}_preact`, x, RESNET_BN);

  let shortcut = x;
  if (projectShortcut) {
    shortcut = b.conv2d({ filters: 4 * filters, kernelSize: 1, strides: stride, name: `${name}_0_conv` }, preact);
  } else if (stride > 1) {
    // Keras leaves this pool unnamed, so it takes the automatic name max_pooling2d[_k].
    shortcut = b.apply(tfl.layers.maxPooling2d({ poolSize: 1, strides: stride, name: b.autoName('max_pooling2d') }), x);
  }

  let y = b.conv2d({ filters, kernelSize: 1, useBias: false, name: `${name}_1_conv` }, preact);
  y = b.bnRelu(`${name}_1`, y, RESNET_BN);
  y = b.apply(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: `${name}_2_pad` }), y);
  y = b.conv2d({ filters, kernelSize: 3, strides: stride, useBias: false, name: `${name}_2_conv` }, y);
  y = b.bnRelu(`${name}_2`, y, RESNET_BN);
  y = b.conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }, y);
  return b.apply(tfl.layers.add({ name: `${name}_out` }), [shortcut, y]);
}

/**
 * The extra BN/ReLU after the last unit (paper sec. 4.1), present with and without the
 * classifier. Its own block 'post': it belongs to no residual block, and folding it into
 * 'top' would hide it from a headless model's cost rows.
 */
function post(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('post', () => b.bnRelu('post', x, RESNET_BN));
}

function buildResNetV2(depth: ResNetDepth, opts: BuildOptions): BuiltModel {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input, 'v2');
  STAGE_BLOCKS[depth].forEach((blocks, s) => {
    // Keras' stack_residual_blocks_v2: block 1 projects (stride 1, to 4x width), the middle
    // blocks are identities, and the last block carries the stage's stride.
    x = stack(b, `conv${s + 2}`, blocks, x, (y, name, i) =>
      preactBottleneck(b, y, name, STAGE_FILTERS[s], i === blocks ? STAGE_STRIDES[s] : 1, i === 1),
    );
  });
  return b.finish(input, b.avgPoolTop(opts, post(b, x), NAMED_POOLING), `resnet${depth}v2`);
}

export const resnet50v2: Builder = (opts) => buildResNetV2(50, opts);
export const resnet101v2: Builder = (opts) => buildResNetV2(101, opts);
export const resnet152v2: Builder = (opts) => buildResNetV2(152, opts);
