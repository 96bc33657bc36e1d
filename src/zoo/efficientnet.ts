import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { NAMED_POOLING, ZooBuilder, type BatchNormSettings } from './builder.js';
import { correctPad } from './correct-pad.js';
import { depthwise, makeDivisible, pointwise } from './mobile-units.js';
import { Normalization } from './normalization-layer.js';
import type { BuildOptions, Builder } from './types.js';

/**
 * EfficientNet as keras.applications builds it (keras/src/applications/efficientnet.py),
 * with `weights=None`: in-model preprocessing (Rescaling, Normalization), a 3x3/2 stem,
 * seven stages of MBConv blocks (1x1 expansion -> k x k depthwise -> squeeze-and-excite
 * -> linear 1x1 projection, with a stochastic-depth shortcut when shape allows), a 1x1
 * convolution to 1280 and a softmax classifier. Keras adds one more Rescaling after the
 * Normalization only when it loads ImageNet weights; that layer is not built here.
 */

interface StageArgs {
  kernelSize: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  /** Stride of the stage's first block; the others use 1. */
  strides: number;
  seRatio: number;
}

/** Keras' DEFAULT_BLOCKS_ARGS (id_skip is True for every stage, so it is left out). */
const DEFAULT_BLOCKS_ARGS: readonly StageArgs[] = [
  { kernelSize: 3, repeats: 1, filtersIn: 32, filtersOut: 16, expandRatio: 1, strides: 1, seRatio: 0.25 },
  { kernelSize: 3, repeats: 2, filtersIn: 16, filtersOut: 24, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 5, repeats: 2, filtersIn: 24, filtersOut: 40, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 3, repeats: 3, filtersIn: 40, filtersOut: 80, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 5, repeats: 3, filtersIn: 80, filtersOut: 112, expandRatio: 6, strides: 1, seRatio: 0.25 },
  { kernelSize: 5, repeats: 4, filtersIn: 112, filtersOut: 192, expandRatio: 6, strides: 2, seRatio: 0.25 },
  { kernelSize: 3, repeats: 1, filtersIn: 192, filtersOut: 320, expandRatio: 6, strides: 1, seRatio: 0.25 },
];

/** The compound-scaling settings that tell B0..B7 apart. */
interface Scaling {
  name: string;
  width: number;
  depth: number;
  dropout: number;
}

const B0: Scaling = { name: 'efficientnetb0', width: 1.0, depth: 1.0, dropout: 0.2 };

const STEM_FILTERS = 32;
const TOP_FILTERS = 1280;
const DEPTH_DIVISOR = 8;
/** Keras' default for every EfficientNet: the stochastic-depth rate reached by the last block. */
const DROP_CONNECT_RATE = 0.2;
const ACTIVATION = 'swish';

/** Keras' round_filters: scale by width, round to a multiple of 8, never 10% below (MobileNetV2's _make_divisible). */
export function roundFilters(filters: number, width: number, divisor = DEPTH_DIVISOR): number {
  return makeDivisible(filters * width, divisor);
}

/** Keras' round_repeats. */
export const roundRepeats = (repeats: number, depth: number): number => Math.ceil(depth * repeats);

/** Keras' BatchNormalization defaults (EfficientNet passes only the axis), spelled out. */
const BN: BatchNormSettings = { epsilon: 1e-3, momentum: 0.99 };

/** rescaling (1/255) -> normalization -> stem_conv_pad -> stem_conv (3x3/2) -> stem_bn -> stem_activation. */
function stem(b: ZooBuilder, x: SymbolicTensor, width: number): SymbolicTensor {
  return b.block('stem', () => {
    // Keras leaves both preprocessing layers unnamed, hence the automatic names.
    x = b.apply(tfl.layers.rescaling({ scale: 1 / 255, name: b.autoName('rescaling') }), x);
    // Keras passes bn_axis (3), which is the channel axis of an NHWC input.
    x = b.apply(new Normalization({ axis: 3, name: b.autoName('normalization') }), x);
    x = b.apply(tfl.layers.zeroPadding2d({ padding: correctPad(x, 3), name: 'stem_conv_pad' }), x);
    x = b.conv2d(
      { filters: roundFilters(STEM_FILTERS, width), kernelSize: 3, strides: 2, padding: 'valid', useBias: false, name: 'stem_conv' },
      x,
    );
    x = b.batchNorm('stem_bn', x, BN);
    return b.activation('stem_activation', ACTIVATION, x);
  });
}

interface BlockArgs {
  kernelSize: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  strides: number;
  seRatio: number;
  /** Stochastic-depth rate of this block's shortcut. */
  dropRate: number;
}

/**
 * Squeeze-and-excite: a per-channel gate computed from the globally pooled map, from
 * `filtersIn * seRatio` channels (the block's input width, not the expanded one).
 */
function squeezeExcite(b: ZooBuilder, x: SymbolicTensor, name: string, a: BlockArgs): SymbolicTensor {
  const filters = a.filtersIn * a.expandRatio;
  const filtersSe = Math.max(1, Math.trunc(a.filtersIn * a.seRatio));
  let se = b.apply(tfl.layers.globalAveragePooling2d({ name: `${name}se_squeeze` }), x);
  se = b.apply(tfl.layers.reshape({ targetShape: [1, 1, filters], name: `${name}se_reshape` }), se);
  se = b.conv2d({ filters: filtersSe, kernelSize: 1, padding: 'same', activation: ACTIVATION, name: `${name}se_reduce` }, se);
  se = b.conv2d({ filters, kernelSize: 1, padding: 'same', activation: 'sigmoid', name: `${name}se_expand` }, se);
  return b.apply(tfl.layers.multiply({ name: `${name}se_excite` }), [x, se]);
}

/** Keras' block(): one MBConv, layers named `<name>expand_conv`, `<name>dwconv`, ... */
function mbConv(b: ZooBuilder, inputs: SymbolicTensor, name: string, a: BlockArgs): SymbolicTensor {
  let x = inputs;
  if (a.expandRatio !== 1) {
    x = pointwise(b, a.filtersIn * a.expandRatio, `${name}expand_conv`, x);
    x = b.batchNorm(`${name}expand_bn`, x, BN);
    x = b.activation(`${name}expand_activation`, ACTIVATION, x);
  }
  x = depthwise(b, x, a.kernelSize, a.strides, `${name}dwconv`, `${name}dwconv_pad`);
  x = b.batchNorm(`${name}bn`, x, BN);
  x = b.activation(`${name}activation`, ACTIVATION, x);
  if (a.seRatio > 0 && a.seRatio <= 1) x = squeezeExcite(b, x, name, a);
  x = pointwise(b, a.filtersOut, `${name}project_conv`, x);
  x = b.batchNorm(`${name}project_bn`, x, BN);
  if (a.strides === 1 && a.filtersIn === a.filtersOut) {
    if (a.dropRate > 0) {
      // Stochastic depth: the whole residual of a sample is dropped (or not) at once.
      // tfjs types noiseShape as number[], but reads null entries as "the input's size".
      const noiseShape = [null, 1, 1, 1] as unknown as number[];
      x = b.apply(tfl.layers.dropout({ rate: a.dropRate, noiseShape, name: `${name}drop` }), x);
    }
    x = b.apply(tfl.layers.add({ name: `${name}add` }), [x, inputs]);
  }
  return x;
}

/** Block names as Keras spells them: stage i (1-based), block j as a letter: 'block2b_'. */
const blockName = (stage: number, j: number): string => `block${stage}${String.fromCharCode(97 + j)}`;

/**
 * The seven stages. The drop rate grows linearly with the block's index over all blocks,
 * from 0 (block1a) towards DROP_CONNECT_RATE, as Keras computes it.
 */
function stages(b: ZooBuilder, x: SymbolicTensor, s: Scaling): SymbolicTensor {
  const total = DEFAULT_BLOCKS_ARGS.reduce((sum, st) => sum + roundRepeats(st.repeats, s.depth), 0);
  let index = 0;
  DEFAULT_BLOCKS_ARGS.forEach((st, i) => {
    const filtersIn = roundFilters(st.filtersIn, s.width);
    const filtersOut = roundFilters(st.filtersOut, s.width);
    x = b.block(`block${i + 1}`, () => {
      for (let j = 0; j < roundRepeats(st.repeats, s.depth); j++) {
        const name = blockName(i + 1, j);
        // Only a stage's first block changes resolution and width.
        const args: BlockArgs = {
          kernelSize: st.kernelSize,
          filtersIn: j === 0 ? filtersIn : filtersOut,
          filtersOut,
          expandRatio: st.expandRatio,
          strides: j === 0 ? st.strides : 1,
          seRatio: st.seRatio,
          dropRate: (DROP_CONNECT_RATE * index) / total,
        };
        x = b.block(name, () => mbConv(b, x, `${name}_`, args));
        index++;
      }
      return x;
    });
  });
  return x;
}

/** top_conv -> top_bn -> top_activation, then the classifier or Keras' `pooling`. */
function top(b: ZooBuilder, x: SymbolicTensor, s: Scaling, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    x = pointwise(b, roundFilters(TOP_FILTERS, s.width), 'top_conv', x);
    x = b.batchNorm('top_bn', x, BN);
    x = b.activation('top_activation', ACTIVATION, x);
    if (opts.includeTop) {
      x = b.apply(tfl.layers.globalAveragePooling2d({ name: 'avg_pool' }), x);
      if (s.dropout > 0) x = b.apply(tfl.layers.dropout({ rate: s.dropout, name: 'top_dropout' }), x);
      return b.dense({ units: opts.classes, activation: 'softmax', name: 'predictions' }, x);
    }
    return b.headlessPooling(opts.pooling, x, NAMED_POOLING);
  });
}

function buildEfficientNet(s: Scaling, opts: BuildOptions) {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input, s.width);
  x = stages(b, x, s);
  return b.finish(input, top(b, x, s, opts), s.name);
}

export const efficientnetB0: Builder = (opts) => buildEfficientNet(B0, opts);
