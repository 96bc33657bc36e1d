import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { adaptiveAveragePooling2d } from './adaptive-pooling.js';
import { ZooBuilder } from './builder.js';
import { groupedConv2d } from './grouped-conv.js';
import { LocalResponseNormalization } from './local-response-norm.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * AlexNet, two ways:
 *
 * - `alexnet`: torchvision's single-tower model (torchvision/models/alexnet.py, after
 *   "One weird trick", arXiv 1404.5997): 64-192-384-256-256 filters, no response
 *   normalisation, an adaptive average pool to 6x6, dropout before fc6 and fc7.
 *   61,100,840 params and 0.714 GMACs at 224.
 * - `alexnet2012`: Krizhevsky, Sutskever & Hinton's original (NIPS 2012): 96-256-384-384-256
 *   filters at 227, conv2/4/5 split into two groups (one per GPU; conv3 and the dense
 *   layers talk across), local response normalisation after conv1 and conv2, dropout
 *   after fc6 and fc7. 60,965,224 params and 0.724 GMACs.
 *
 * Layers keep the paper's / Caffe's names (conv1..conv5, pool1/2/5, fc6, fc7) with Keras'
 * `predictions` for the classifier, and ReLU fused into the convolutions as Keras' VGG does.
 */

interface ConvSpec {
  filters: number;
  kernel: number;
  stride: number;
  /** PyTorch-style symmetric zero padding. */
  pad: number;
  /** Channel groups (Keras' Conv2D `groups`): 2 where the 2012 net keeps its GPUs apart. */
  groups: number;
  /** Local response normalisation after the ReLU (2012 only). */
  lrn: boolean;
  /** 3x3/2 max pool after (pool1, pool2, pool5). */
  pool: boolean;
}

interface Variant {
  convs: readonly ConvSpec[];
  /** The torchvision model averages its last map to 6x6; the 2012 one flattens whatever is there. */
  adaptivePool: boolean;
  /** torchvision drops out the inputs of fc6 and fc7, the paper their outputs. */
  dropout: 'before' | 'after';
}

const conv = (filters: number, kernel: number, stride: number, pad: number, more: Partial<ConvSpec> = {}): ConvSpec => ({
  filters, kernel, stride, pad, groups: 1, lrn: false, pool: false, ...more,
});

const VARIANTS = {
  alexnet: {
    convs: [
      conv(64, 11, 4, 2, { pool: true }),
      conv(192, 5, 1, 2, { pool: true }),
      conv(384, 3, 1, 1),
      conv(256, 3, 1, 1),
      conv(256, 3, 1, 1, { pool: true }),
    ],
    adaptivePool: true,
    dropout: 'before',
  },
  alexnet2012: {
    convs: [
      conv(96, 11, 4, 0, { lrn: true, pool: true }),
      conv(256, 5, 1, 2, { groups: 2, lrn: true, pool: true }),
      conv(384, 3, 1, 1),
      conv(384, 3, 1, 1, { groups: 2 }),
      conv(256, 3, 1, 1, { groups: 2, pool: true }),
    ],
    adaptivePool: false,
    dropout: 'after',
  },
} as const satisfies Record<string, Variant>;

type AlexNetName = keyof typeof VARIANTS;

/** Width of fc6 and fc7. */
const FC_UNITS = 4096;
const DROPOUT = 0.5;

/** The map torchvision's classifier expects: 256 x 6 x 6. */
const POOLED_SIZE = 6;

/** Krizhevsky et al. sec. 3.3: k = 2, n = 5, alpha = 1e-4, beta = 0.75. */
const LRN = { depthRadius: 2, bias: 2, alpha: 1e-4, beta: 0.75 };

/**
 * A stride-1 convolution with (k - 1) / 2 padding is exactly Keras' 'same'; anything
 * else (conv1's 11x11/4 with 2 pixels, which 'same' would split 3 + 4) gets an explicit
 * ZeroPadding2D and a 'valid' convolution, as Keras' ResNet does for its stem.
 */
function convUnit(b: ZooBuilder, x: SymbolicTensor, spec: ConvSpec, i: number): SymbolicTensor {
  const name = `conv${i}`;
  const same = spec.stride === 1 && 2 * spec.pad === spec.kernel - 1;
  if (spec.pad > 0 && !same) {
    x = b.apply(tfl.layers.zeroPadding2d({ padding: [[spec.pad, spec.pad], [spec.pad, spec.pad]], name: `${name}_pad` }), x);
  }
  const args = {
    filters: spec.filters,
    kernelSize: spec.kernel,
    strides: spec.stride,
    padding: same ? ('same' as const) : ('valid' as const),
    activation: 'relu' as const,
    kernelInitializer: 'zeros' as const,
    name,
  };
  x = spec.groups > 1 ? b.apply(groupedConv2d({ ...args, groups: spec.groups }), x) : b.conv2d(args, x);
  if (spec.lrn) x = b.apply(new LocalResponseNormalization({ ...LRN, name: `norm${i}` }), x);
  if (spec.pool) x = b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, name: `pool${i}` }), x);
  return x;
}

function dense(b: ZooBuilder, x: SymbolicTensor, n: number, dropout: Variant['dropout']): SymbolicTensor {
  if (dropout === 'before') x = b.apply(tfl.layers.dropout({ rate: DROPOUT, name: `drop${n}` }), x);
  x = b.dense({ units: FC_UNITS, activation: 'relu', name: `fc${n}` }, x);
  if (dropout === 'after') x = b.apply(tfl.layers.dropout({ rate: DROPOUT, name: `drop${n}` }), x);
  return x;
}

function top(b: ZooBuilder, x: SymbolicTensor, variant: Variant, opts: BuildOptions): SymbolicTensor {
  return b.block('top', () => {
    if (!opts.includeTop) return b.headlessPooling(opts.pooling, x);
    // Modelled rather than omitted although it is an identity at 224 (the map is 6x6
    // there): at other input sizes it is what keeps fc6 at 9216 inputs, as in torchvision.
    if (variant.adaptivePool) x = b.apply(adaptiveAveragePooling2d({ outputSize: POOLED_SIZE, name: 'avgpool' }), x);
    x = b.apply(tfl.layers.flatten({ name: 'flatten' }), x);
    x = dense(b, x, 6, variant.dropout);
    x = dense(b, x, 7, variant.dropout);
    return b.dense({ units: opts.classes, activation: 'softmax', name: 'predictions' }, x);
  });
}

function buildAlexNet(model: AlexNetName, opts: BuildOptions): BuiltModel {
  const variant: Variant = VARIANTS[model];
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = input;
  variant.convs.forEach((spec, i) => {
    x = b.block(`conv${i + 1}`, () => convUnit(b, x, spec, i + 1));
  });
  return b.finish(input, top(b, x, variant, opts), model);
}

export const alexnet: Builder = (opts) => buildAlexNet('alexnet', opts);
export const alexnet2012: Builder = (opts) => buildAlexNet('alexnet2012', opts);
