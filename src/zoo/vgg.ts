import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder } from './builder.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * VGG16 / VGG19 as keras.applications builds them (keras/src/applications/vgg16.py,
 * vgg19.py): five blocks of 3x3 'same' ReLU convolutions, each closed by a 2x2 max pool,
 * then Flatten and three Dense layers.
 */

/** Filters of every convolution in block 1..5. */
const BLOCK_FILTERS = [64, 128, 256, 512, 512];

/** Convolutions per block: the only difference between the two models. */
const CONVS_PER_BLOCK = {
  vgg16: [2, 2, 3, 3, 3],
  vgg19: [2, 2, 4, 4, 4],
} as const;

type VggName = keyof typeof CONVS_PER_BLOCK;

/** One block: `convs` 3x3 convolutions named blockN_convM, then blockN_pool. */
function vggBlock(b: ZooBuilder, x: SymbolicTensor, block: number, convs: number): SymbolicTensor {
  const filters = BLOCK_FILTERS[block - 1];
  return b.block(`block${block}`, () => {
    for (let i = 1; i <= convs; i++) {
      x = b.conv2d(
        { filters, kernelSize: 3, padding: 'same', activation: 'relu', name: `block${block}_conv${i}` },
        x,
      );
    }
    return b.apply(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${block}_pool` }), x);
  });
}

/** The classifier (include_top) or the optional global pooling (feature extraction). */
function vggTop(b: ZooBuilder, x: SymbolicTensor, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    if (opts.includeTop) {
      x = b.apply(tfl.layers.flatten({ name: 'flatten' }), x);
      x = b.dense({ units: 4096, activation: 'relu', name: 'fc1' }, x);
      x = b.dense({ units: 4096, activation: 'relu', name: 'fc2' }, x);
      return b.dense({ units: opts.classes, activation: 'softmax', name: 'predictions' }, x);
    }
    return b.headlessPooling(opts.pooling, x);
  });
}

function buildVgg(model: VggName, opts: BuildOptions): BuiltModel {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = input;
  CONVS_PER_BLOCK[model].forEach((convs, i) => {
    x = vggBlock(b, x, i + 1, convs);
  });
  return b.finish(input, vggTop(b, x, opts), model);
}

export const vgg16: Builder = (opts) => buildVgg('vgg16', opts);
export const vgg19: Builder = (opts) => buildVgg('vgg19', opts);
