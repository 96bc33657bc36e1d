import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder } from './builder.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * Xception, layer for layer as keras/src/applications/xception.py builds it.
 *
 * The main path carries explicit names (`block4_sepconv2_bn`); only the strided 1x1
 * shortcut convs, their batch norms and the adds are auto-named (`conv2d_2`, `add_5`),
 * so they are created in the same order as in Keras: shortcut first, then the main path.
 * Its BatchNormalizations keep Keras' default settings.
 */

/** Entry-flow blocks 2-4 and exit-flow block 13: two sepconvs, a pool and a strided shortcut. */
interface ReductionBlock {
  block: number;
  /** Filters of sepconv1 and sepconv2; the shortcut conv uses the second. */
  filters: [number, number];
  /** Block 2 follows a ReLU already, so Keras puts no activation before its first sepconv. */
  reluFirst: boolean;
}

const ENTRY_FLOW: readonly ReductionBlock[] = [
  { block: 2, filters: [128, 128], reluFirst: false },
  { block: 3, filters: [256, 256], reluFirst: true },
  { block: 4, filters: [728, 728], reluFirst: true },
];

/** Middle flow: blocks 5-12, each three 728-filter sepconvs around an identity shortcut. */
const MIDDLE_FLOW_BLOCKS = [5, 6, 7, 8, 9, 10, 11, 12];
const MIDDLE_FILTERS = 728;

const EXIT_REDUCTION: ReductionBlock = { block: 13, filters: [728, 1024], reluFirst: true };

/** Block 14: sepconvs without shortcut, each followed (not preceded) by its ReLU. */
const EXIT_FILTERS = [1536, 2048];

/** SeparableConv2D 3x3 'same' (no bias) + BatchNormalization, named `<name>` and `<name>_bn`. */
function sepConvBn(b: ZooBuilder, filters: number, name: string, x: SymbolicTensor): SymbolicTensor {
  x = b.separableConv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, name }, x);
  return b.batchNorm(`${name}_bn`, x);
}

/** block1: two plain 3x3 'valid' convs, the first strided. */
function entryConvs(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('block1', () => {
    const convs: [number, number][] = [[32, 2], [64, 1]];
    convs.forEach(([filters, strides], i) => {
      const name = `block1_conv${i + 1}`;
      x = b.conv2d({ filters, kernelSize: 3, strides, padding: 'valid', useBias: false, name }, x);
      x = b.batchNorm(`${name}_bn`, x);
      x = b.activation(`${name}_act`, 'relu', x);
    });
    return x;
  });
}

function reductionBlock(b: ZooBuilder, spec: ReductionBlock, x: SymbolicTensor): SymbolicTensor {
  const prefix = `block${spec.block}`;
  return b.block(prefix, () => {
    const input = x;
    let shortcut = b.conv2d(
      { filters: spec.filters[1], kernelSize: 1, strides: 2, padding: 'same', useBias: false, name: b.autoName('conv2d') },
      input,
    );
    shortcut = b.batchNorm(b.autoName('batch_normalization'), shortcut);

    spec.filters.forEach((filters, i) => {
      const name = `${prefix}_sepconv${i + 1}`;
      if (i > 0 || spec.reluFirst) x = b.activation(`${name}_act`, 'relu', x);
      x = sepConvBn(b, filters, name, x);
    });
    x = b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: `${prefix}_pool` }), x);
    return b.apply(tfl.layers.add({ name: b.autoName('add') }), [x, shortcut]);
  });
}

function middleBlock(b: ZooBuilder, block: number, x: SymbolicTensor): SymbolicTensor {
  const prefix = `block${block}`;
  return b.block(prefix, () => {
    const shortcut = x;
    for (let i = 1; i <= 3; i++) {
      x = b.activation(`${prefix}_sepconv${i}_act`, 'relu', x);
      x = sepConvBn(b, MIDDLE_FILTERS, `${prefix}_sepconv${i}`, x);
    }
    return b.apply(tfl.layers.add({ name: b.autoName('add') }), [x, shortcut]);
  });
}

function exitConvs(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('block14', () => {
    EXIT_FILTERS.forEach((filters, i) => {
      const name = `block14_sepconv${i + 1}`;
      x = sepConvBn(b, filters, name, x);
      x = b.activation(`${name}_act`, 'relu', x);
    });
    return x;
  });
}

export const xception: Builder = (opts: BuildOptions): BuiltModel => {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = entryConvs(b, input);
  for (const spec of ENTRY_FLOW) x = reductionBlock(b, spec, x);
  for (const block of MIDDLE_FLOW_BLOCKS) x = middleBlock(b, block, x);
  x = reductionBlock(b, EXIT_REDUCTION, x);
  x = exitConvs(b, x);
  return b.finish(input, b.avgPoolTop(opts, x), 'xception');
};
