import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { channelsOf, ZooBuilder } from './builder.js';
import { CustomScaleLayer } from './custom-scale-layer.js';
import { avgPool, branchesConcat, conv, conv2dBn, maxPool, reduce, runBranch, runModule, STEM, type Branch, type Module } from './inception-units.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * Inception-ResNet-v2, layer for layer as keras/src/applications/inception_resnet_v2.py
 * (Keras 3) builds it: an InceptionV3-like stem, mixed_5b, then three stages of residual
 * Inception blocks (10x block35, 20x block17, 10x block8) separated by the reduction
 * modules mixed_6a and mixed_7a, and a final 1x1 conv_7b.
 *
 * As in InceptionV3, the conv2d_bn units inside modules are unnamed (`conv2d_17`,
 * `batch_normalization_17`, `activation_17`), so creation order decides every name:
 * branches are listed in Keras' order, in the step tables InceptionV3 uses too
 * (inception-units.ts), and built one after another. Keras 3 also leaves
 * the scaled residual sum unnamed (`custom_scale_layer_N`); tf.keras 2's Lambda was
 * called `block35_1`. Named layers do not advance Keras' counters.
 */

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
  const width = channelsOf(x);
  // conv2d_bn(..., activation=None, use_bias=True): with a bias Keras adds no BN either.
  const up = b.conv2d({ filters: width, kernelSize: 1, padding: 'same', useBias: true, name: `${name}_conv` }, mixed);
  const sum = b.apply(new CustomScaleLayer({ scale, name: b.autoName('custom_scale_layer') }), [x, up]);
  return activation ? b.activation(`${name}_ac`, 'relu', sum) : sum;
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

export const inceptionResnetV2: Builder = (opts: BuildOptions): BuiltModel => {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = b.block('stem', () => runBranch(b, STEM, input));
  for (const part of BODY) x = 'type' in part ? runStage(b, part, x) : runModule(b, part, x);
  x = b.block('conv_7b', () => conv2dBn(b, conv(1536, 1, 1), x, 'conv_7b'));
  return b.finish(input, b.avgPoolTop(opts, x), 'inception_resnet_v2');
};
