import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { NAMED_POOLING, ZooBuilder } from './builder.js';
import { RESNET_BN, STAGE_BLOCKS, STAGE_FILTERS, stack, stem, type ResNetDepth } from './resnet-units.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * ResNet50/101/152 (v1) as keras.applications builds them (keras/src/applications/resnet.py):
 * a 7x7 stem, then four stages of bottleneck blocks (1x1 -> 3x3 -> 1x1, 4x expansion).
 * The first block of each stage has a 1x1 projection shortcut; the others are identity.
 */

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
    shortcut = b.batchNorm(`${name}_0_bn`, shortcut, RESNET_BN);
  }
  let y = b.conv2d({ filters, kernelSize: 1, strides: stride, name: `${name}_1_conv` }, x);
  y = b.bnRelu(`${name}_1`, y, RESNET_BN);
  y = b.conv2d({ filters, kernelSize: 3, padding: 'same', name: `${name}_2_conv` }, y);
  y = b.bnRelu(`${name}_2`, y, RESNET_BN);
  y = b.conv2d({ filters: 4 * filters, kernelSize: 1, name: `${name}_3_conv` }, y);
  y = b.batchNorm(`${name}_3_bn`, y, RESNET_BN);
  const sum = b.apply(tfl.layers.add({ name: `${name}_add` }), [shortcut, y]);
  return b.activation(`${name}_out`, 'relu', sum);
}

function buildResNet(depth: ResNetDepth, opts: BuildOptions): BuiltModel {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input, 'v1');
  STAGE_BLOCKS[depth].forEach((blocks, s) => {
    // conv2 follows the stem's max pool, so it keeps the resolution; later stages halve it.
    const stride = s === 0 ? 1 : 2;
    // Keras' stack_residual_blocks_v1: only the first block changes resolution and width,
    // so only it projects its shortcut.
    x = stack(b, `conv${s + 2}`, blocks, x, (y, name, i) =>
      bottleneck(b, y, name, STAGE_FILTERS[s], i === 1 ? stride : 1, i === 1),
    );
  });
  return b.finish(input, b.avgPoolTop(opts, x, NAMED_POOLING), `resnet${depth}`);
}

export const resnet50: Builder = (opts) => buildResNet(50, opts);
export const resnet101: Builder = (opts) => buildResNet(101, opts);
export const resnet152: Builder = (opts) => buildResNet(152, opts);
