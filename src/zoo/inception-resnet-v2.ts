import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder } from './builder.js';
import { CustomScaleLayer } from './custom-scale-layer.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * Inception-ResNet-v2, layer for layer as keras/src/applications/inception_resnet_v2.py
 * (Keras 3) builds it: an InceptionV3-like stem, mixed_5b, then three stages of residual
 * Inception blocks (10x block35, 20x block17, 10x block8) separated by the reduction
 * modules mixed_6a and mixed_7a, and a final 1x1 conv_7b.
 *
 * As in InceptionV3, the conv2d_bn units inside modules are unnamed (`conv2d_17`,
 * `batch_normalization_17`, `activation_17`), so creation order decides every name:
 * branches are listed in Keras' order and built one after another. Keras 3 also leaves
 * the scaled residual sum unnamed (`custom_scale_layer_N`); tf.keras 2's Lambda was
 * called `block35_1`. Named layers do not advance Keras' counters.
 */

type Padding = 'same' | 'valid';

/** One conv2d_bn unit: Conv2D (no bias) -> BatchNormalization(scale=False) -> ReLU. */
interface ConvStep {
  kind: 'conv';
  filters: number;
  kernel: [number, number];
  strides: number;
  padding: Padding;
}

/** 'avg': mixed_5b's 3x3/1 'same' pool branch; 'max': the 3x3/2 'valid' pool that halves the grid. */
interface PoolStep {
  kind: 'pool';
  pool: 'avg' | 'max';
}

type Step = ConvStep | PoolStep;
type Branch = Step[];

const conv = (filters: number, kh: number, kw: number, strides = 1, padding: Padding = 'same'): ConvStep => ({
  kind: 'conv', filters, kernel: [kh, kw], strides, padding,
});
/** The stride-2 'valid' conv of the stem and the reduction modules. */
const reduce = (filters: number, kh: number, kw: number): ConvStep => conv(filters, kh, kw, 2, 'valid');
const avgPool: PoolStep = { kind: 'pool', pool: 'avg' };
const maxPool: PoolStep = { kind: 'pool', pool: 'max' };

/** 299x299x3 -> 35x35x192, one chain. */
const STEM: Branch = [
  reduce(32, 3, 3),
  conv(32, 3, 3, 1, 'valid'),
  conv(64, 3, 3),
  maxPool,
  conv(80, 1, 1, 1, 'valid'),
  conv(192, 3, 3, 1, 'valid'),
  maxPool,
];

/** A plain Inception module: branches joined by a concatenate named after the module. */
interface Module {
  name: string;
  branches: Branch[];
}

/** Inception-A (35x35x320). */
const MIXED_5B: Module = {
  name: 'mixed_5b',
  branches: [
    [conv(96, 1, 1)],
    [conv(48, 1, 1), conv(64, 5, 5)],
    [conv(64, 1, 1), conv(96, 3, 3), conv(96, 3, 3)],
    [avgPool, conv(64, 1, 1)],
  ],
};

/** Reduction-A: 35x35x320 -> 17x17x1088. */
const MIXED_6A: Module = {
  name: 'mixed_6a',
  branches: [
    [reduce(384, 3, 3)],
    [conv(256, 1, 1), conv(256, 3, 3), reduce(384, 3, 3)],
    [maxPool],
  ],
};

/** Reduction-B: 17x17x1088 -> 8x8x2080. */
const MIXED_7A: Module = {
  name: 'mixed_7a',
  branches: [
    [conv(256, 1, 1), reduce(384, 3, 3)],
    [conv(256, 1, 1), reduce(288, 3, 3)],
    [conv(256, 1, 1), conv(288, 3, 3), reduce(320, 3, 3)],
    [maxPool],
  ],
};

/**
 * A stage of residual Inception blocks `${type}_1..count`. Each block concatenates its
 * branches (`_mixed`), maps them back to the input width with a biased 1x1 conv (`_conv`,
 * no BN, no activation), adds `scale` x that to the shortcut, then applies ReLU (`_ac`).
 */
interface ResidualStage {
  type: 'block35' | 'block17' | 'block8';
  count: number;
  /** Small scales keep the residuals from destabilising training (paper, section 3.3). */
  scale: number;
  branches: Branch[];
  /** The last block8 is unscaled and linear: conv_7b's own BN and ReLU follow it. */
  last?: { scale: number; activation: boolean };
}

const RESIDUAL_STAGES: Record<ResidualStage['type'], ResidualStage> = {
  block35: {
    type: 'block35', count: 10, scale: 0.17,
    branches: [
      [conv(32, 1, 1)],
      [conv(32, 1, 1), conv(32, 3, 3)],
      [conv(32, 1, 1), conv(48, 3, 3), conv(64, 3, 3)],
    ],
  },
  block17: {
    type: 'block17', count: 20, scale: 0.1,
    branches: [
      [conv(192, 1, 1)],
      [conv(128, 1, 1), conv(160, 1, 7), conv(192, 7, 1)],
    ],
  },
  block8: {
    type: 'block8', count: 10, scale: 0.2,
    branches: [
      [conv(192, 1, 1)],
      [conv(192, 1, 1), conv(224, 1, 3), conv(256, 3, 1)],
    ],
    last: { scale: 1.0, activation: false },
  },
};

/** The network body in Keras' order, between the stem and conv_7b. */
const BODY: readonly (Module | ResidualStage)[] = [
  MIXED_5B,
  RESIDUAL_STAGES.block35,
  MIXED_6A,
  RESIDUAL_STAGES.block17,
  MIXED_7A,
  RESIDUAL_STAGES.block8,
];

/** Keras' conv2d_bn with its defaults (no bias, ReLU); `name` gives `name`, `name_bn`, `name_ac`. */
function conv2dBn(b: ZooBuilder, step: ConvStep, x: SymbolicTensor, name?: string): SymbolicTensor {
  x = b.conv2d(
    {
      filters: step.filters, kernelSize: step.kernel, strides: step.strides, padding: step.padding,
      useBias: false, name: name ?? b.autoName('conv2d'),
    },
    x,
  );
  // scale=False: a ReLU follows, so a learned gamma would be redundant (beta + moving stats remain).
  const bnName = name ? `${name}_bn` : b.autoName('batch_normalization');
  x = b.apply(tfl.layers.batchNormalization({ axis: -1, scale: false, name: bnName }), x);
  return b.apply(tfl.layers.activation({ activation: 'relu', name: name ? `${name}_ac` : b.autoName('activation') }), x);
}

function pool(b: ZooBuilder, step: PoolStep, x: SymbolicTensor): SymbolicTensor {
  if (step.pool === 'avg') {
    const name = b.autoName('average_pooling2d');
    return b.apply(tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same', name }), x);
  }
  const name = b.autoName('max_pooling2d');
  return b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name }), x);
}

function runBranch(b: ZooBuilder, branch: Branch, x: SymbolicTensor): SymbolicTensor {
  for (const step of branch) x = step.kind === 'conv' ? conv2dBn(b, step, x) : pool(b, step, x);
  return x;
}

/** Builds each branch to completion, in order, then joins them: Keras' creation order. */
function branchesConcat(b: ZooBuilder, branches: Branch[], x: SymbolicTensor, name: string): SymbolicTensor {
  const outs = branches.map((branch) => runBranch(b, branch, x));
  return b.apply(tfl.layers.concatenate({ axis: -1, name }), outs);
}

function runModule(b: ZooBuilder, mod: Module, x: SymbolicTensor): SymbolicTensor {
  return b.block(mod.name, () => branchesConcat(b, mod.branches, x, mod.name));
}

/** Keras' inception_resnet_block. */
function residualBlock(
  b: ZooBuilder,
  stage: ResidualStage,
  name: string,
  scale: number,
  activation: boolean,
  x: SymbolicTensor,
): SymbolicTensor {
  const mixed = branchesConcat(b, stage.branches, x, `${name}_mixed`);
  const width = x.shape[x.shape.length - 1] as number;
  // conv2d_bn(..., activation=None, use_bias=True): with a bias Keras adds no BN either.
  const up = b.conv2d({ filters: width, kernelSize: 1, padding: 'same', useBias: true, name: `${name}_conv` }, mixed);
  const sum = b.apply(new CustomScaleLayer({ scale, name: b.autoName('custom_scale_layer') }), [x, up]);
  return activation ? b.apply(tfl.layers.activation({ activation: 'relu', name: `${name}_ac` }), sum) : sum;
}

/** A stage scope (`block35`) holding one scope per block (`block35_1`), for --depth 1 folding. */
function runStage(b: ZooBuilder, stage: ResidualStage, x: SymbolicTensor): SymbolicTensor {
  return b.block(stage.type, () => {
    for (let i = 1; i <= stage.count; i++) {
      const name = `${stage.type}_${i}`;
      const { scale, activation } = i === stage.count && stage.last ? stage.last : { scale: stage.scale, activation: true };
      x = b.block(name, () => residualBlock(b, stage, name, scale, activation, x));
    }
    return x;
  });
}

/** Keras' classifier, or the optional global pooling of a headless model (auto-named there). */
function top(b: ZooBuilder, opts: BuildOptions, x: SymbolicTensor): SymbolicTensor {
  return b.block('top', () => (opts.includeTop ? b.avgPoolClassifier(opts.classes, x) : b.headlessPooling(opts.pooling, x)));
}

export const inceptionResnetV2: Builder = (opts: BuildOptions): BuiltModel => {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = b.block('stem', () => runBranch(b, STEM, input));
  for (const part of BODY) x = 'type' in part ? runStage(b, part, x) : runModule(b, part, x);
  x = b.block('conv_7b', () => conv2dBn(b, conv(1536, 1, 1), x, 'conv_7b'));
  return b.finish(input, top(b, opts, x), 'inception_resnet_v2');
};
