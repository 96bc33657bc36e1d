import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder, type BatchNormSettings } from './builder.js';
import type { BuildOptions, Builder } from './types.js';

/**
 * GoogLeNet (Inception v1, Szegedy et al. 2014) as torchvision builds it
 * (torchvision/models/googlenet.py) for inference: every convolution is torchvision's
 * BasicConv2d (conv without bias, BatchNorm with eps 0.001, ReLU), the auxiliary heads
 * are left out (torchvision drops them from the pretrained model too), and the classifier
 * is global average pooling, dropout 0.2 and one dense layer. 6,624,904 parameters as
 * torchvision counts them (BN's scale and shift; its running statistics are buffers, which
 * Keras counts as non-trainable weights) and 1.50 GMACs at 224.
 *
 * Names follow torchvision's modules: a BasicConv2d `conv1` is the layers `conv1`,
 * `conv1_bn`, `conv1_relu`; an Inception module's branches are `inception3a_branch1..4`.
 */

/** One Inception module: the columns of the paper's Table 1, in torchvision's order. */
interface ModuleSpec {
  name: string;
  ch1x1: number;
  ch3x3red: number;
  ch3x3: number;
  /** The paper's "#5x5 reduce" and "#5x5": see FIVE_BY_FIVE_KERNEL. */
  ch5x5red: number;
  ch5x5: number;
  poolProj: number;
}

type Stage = { modules: ModuleSpec[] } | { pool: string; size: number };

const mod = (name: string, ...c: [number, number, number, number, number, number]): ModuleSpec => ({
  name, ch1x1: c[0], ch3x3red: c[1], ch3x3: c[2], ch5x5red: c[3], ch5x5: c[4], poolProj: c[5],
});

/** Everything after the stem: Inception modules, and the ceil-mode max pools between them. */
const BODY: Stage[] = [
  { modules: [mod('inception3a', 64, 96, 128, 16, 32, 32), mod('inception3b', 128, 128, 192, 32, 96, 64)] },
  { pool: 'maxpool3', size: 3 },
  {
    modules: [
      mod('inception4a', 192, 96, 208, 16, 48, 64),
      mod('inception4b', 160, 112, 224, 24, 64, 64),
      mod('inception4c', 128, 128, 256, 24, 64, 64),
      mod('inception4d', 112, 144, 288, 32, 64, 64),
      mod('inception4e', 256, 160, 320, 32, 128, 128),
    ],
  },
  { pool: 'maxpool4', size: 2 },
  { modules: [mod('inception5a', 256, 160, 320, 32, 128, 128), mod('inception5b', 384, 192, 384, 48, 128, 128)] },
];

/**
 * torchvision's "5x5" branch is a 3x3 convolution: a known bug it keeps for the sake of its
 * pretrained weights (pytorch/vision issue 906, cited in its Inception class). Its published
 * 6,624,904 parameters and 1.50 GMACs count the 3x3, so this model does too; the paper's
 * 5x5 would give 6,998,552 parameters with biases and no BN.
 */
const FIVE_BY_FIVE_KERNEL = 3;

/** torchvision's BasicConv2d BatchNorm2d(eps=0.001). */
const BN_EPSILON = 1e-3;
const BN: BatchNormSettings = { epsilon: BN_EPSILON };

/** torchvision's default dropout before `fc`. */
const DROPOUT = 0.2;

/** torchvision's BasicConv2d: conv (no bias) -> BN -> ReLU, named `name`, `name_bn`, `name_relu`. */
function basicConv(
  b: ZooBuilder,
  x: SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: number,
  padding: 'same' | 'valid' = 'same',
  strides = 1,
): SymbolicTensor {
  x = b.conv2d({ filters, kernelSize, strides, padding, useBias: false, name }, x);
  return b.bnRelu(name, x, BN);
}

/**
 * PyTorch's MaxPool2d(k, 2, ceil_mode=True): the output is ceil((n - k) / 2) + 1, less one
 * if the last window would start outside the input. tfjs pools only in floor mode, so the
 * windows that hang over the bottom / right edge get an explicit ZeroPadding2D there,
 * only when one does. Zeros stand in exactly for PyTorch's "ignore what is outside": every
 * input here comes from a ReLU (or concatenated ReLUs), so it is >= 0, and each window
 * still holds at least one real element.
 */
export function ceilModePadding(n: number, k: number, s: number): number {
  let out = Math.ceil((n - k) / s) + 1;
  if ((out - 1) * s >= n) out -= 1;
  return Math.max(0, (out - 1) * s + k - n);
}

function ceilMaxPool(b: ZooBuilder, x: SymbolicTensor, name: string, size: number): SymbolicTensor {
  const [, rows, cols] = x.shape as number[];
  const [padRows, padCols] = [ceilModePadding(rows, size, 2), ceilModePadding(cols, size, 2)];
  if (padRows > 0 || padCols > 0) {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[0, padRows], [0, padCols]], name: `${name}_pad` }), x);
  }
  return b.apply(tfl.layers.maxPooling2d({ poolSize: size, strides: 2, name }), x);
}

/**
 * conv1 (7x7/2, 3 pixels of padding: 'same' would split them 2 + 3, so they are explicit),
 * maxpool1, conv2 (1x1), conv3 (3x3), maxpool2.
 */
function stem(b: ZooBuilder, x: SymbolicTensor): SymbolicTensor {
  return b.block('stem', () => {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }), x);
    x = basicConv(b, x, 'conv1', 64, 7, 'valid', 2);
    x = ceilMaxPool(b, x, 'maxpool1', 3);
    x = basicConv(b, x, 'conv2', 64, 1);
    x = basicConv(b, x, 'conv3', 192, 3);
    return ceilMaxPool(b, x, 'maxpool2', 3);
  });
}

/**
 * Four branches concatenated: 1x1; 1x1 reduce -> 3x3; 1x1 reduce -> "5x5"; 3x3/1 max pool
 * -> 1x1 projection. The branch pool pads by one with PyTorch's -inf, which is tfjs' 'same'
 * max pooling exactly (at stride 1 ceil mode changes nothing).
 */
function inception(b: ZooBuilder, x: SymbolicTensor, m: ModuleSpec): SymbolicTensor {
  return b.block(m.name, () => {
    const branch1 = basicConv(b, x, `${m.name}_branch1`, m.ch1x1, 1);
    let branch2 = basicConv(b, x, `${m.name}_branch2_reduce`, m.ch3x3red, 1);
    branch2 = basicConv(b, branch2, `${m.name}_branch2`, m.ch3x3, 3);
    let branch3 = basicConv(b, x, `${m.name}_branch3_reduce`, m.ch5x5red, 1);
    branch3 = basicConv(b, branch3, `${m.name}_branch3`, m.ch5x5, FIVE_BY_FIVE_KERNEL);
    let branch4 = b.apply(
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: `${m.name}_branch4_pool` }),
      x,
    );
    branch4 = basicConv(b, branch4, `${m.name}_branch4`, m.poolProj, 1);
    return b.apply(tfl.layers.concatenate({ axis: -1, name: m.name }), [branch1, branch2, branch3, branch4]);
  });
}

/** torchvision's avgpool (AdaptiveAvgPool2d to 1x1, i.e. global) -> dropout -> fc, plus Keras' softmax. */
function top(b: ZooBuilder, x: SymbolicTensor, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    if (!opts.includeTop) return b.headlessPooling(opts.pooling, x);
    x = b.apply(tfl.layers.globalAveragePooling2d({ name: 'avgpool' }), x);
    x = b.apply(tfl.layers.dropout({ rate: DROPOUT, name: 'dropout' }), x);
    return b.dense({ units: opts.classes, activation: 'softmax', name: 'fc' }, x);
  });
}

export const googlenet: Builder = (opts) => {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = stem(b, input);
  for (const stage of BODY) {
    if ('pool' in stage) x = b.block(stage.pool, () => ceilMaxPool(b, x, stage.pool, stage.size));
    else for (const m of stage.modules) x = inception(b, x, m);
  }
  return b.finish(input, top(b, x, opts), 'googlenet');
};
