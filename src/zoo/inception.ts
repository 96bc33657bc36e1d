import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ZooBuilder } from './builder.js';
import type { BuildOptions, Builder, BuiltModel } from './types.js';

/**
 * InceptionV3, layer for layer as keras/src/applications/inception_v3.py builds it.
 *
 * Keras names almost nothing here: every conv2d_bn unit gets auto names (`conv2d_42`,
 * `batch_normalization_42`, `activation_42`), so the order in which layers are created
 * decides every name. The tables below list each module's branches in Keras' creation
 * order, and `runBranch` creates a branch's layers one after the other, as Keras does.
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

/**
 * The pooling Keras uses inside modules: 'avg' is the 3x3/1 'same' pool in front of a
 * branch's 1x1 conv, 'max' the 3x3/2 'valid' pool of the stem and reduction modules.
 */
interface PoolStep {
  kind: 'pool';
  pool: 'avg' | 'max';
}

/** mixed9/mixed10 only: parallel convs on the same input, joined by a concatenate. */
interface SplitStep {
  kind: 'split';
  convs: ConvStep[];
  /** Keras names one of the two inner concats (`mixed9_<i>`); the other is auto-named. */
  name?: string;
}

type Step = ConvStep | PoolStep | SplitStep;
type Branch = Step[];

interface Module {
  /** Name of the module's output concatenate, also used as its block scope. */
  name: string;
  branches: Branch[];
}

const conv = (filters: number, kh: number, kw: number, strides = 1, padding: Padding = 'same'): ConvStep => ({
  kind: 'conv', filters, kernel: [kh, kw], strides, padding,
});
/** The stride-2 'valid' conv that halves the grid in the stem and reduction modules. */
const reduce = (filters: number, kh: number, kw: number): ConvStep => conv(filters, kh, kw, 2, 'valid');
const avgPool: PoolStep = { kind: 'pool', pool: 'avg' };
const maxPool: PoolStep = { kind: 'pool', pool: 'max' };
const split = (convs: ConvStep[], name?: string): SplitStep => ({ kind: 'split', convs, name });

/** Everything before mixed0, one chain. */
const STEM: Branch = [
  reduce(32, 3, 3),
  conv(32, 3, 3, 1, 'valid'),
  conv(64, 3, 3),
  maxPool,
  conv(80, 1, 1, 1, 'valid'),
  conv(192, 3, 3, 1, 'valid'),
  maxPool,
];

/** mixed0-2 (35x35): 1x1, 5x5, double 3x3 and pooled branches. */
const moduleA = (name: string, poolFilters: number): Module => ({
  name,
  branches: [
    [conv(64, 1, 1)],
    [conv(48, 1, 1), conv(64, 5, 5)],
    [conv(64, 1, 1), conv(96, 3, 3), conv(96, 3, 3)],
    [avgPool, conv(poolFilters, 1, 1)],
  ],
});

/** mixed3: grid reduction 35x35 -> 17x17. */
const MIXED3: Module = {
  name: 'mixed3',
  branches: [
    [reduce(384, 3, 3)],
    [conv(64, 1, 1), conv(96, 3, 3), reduce(96, 3, 3)],
    [maxPool],
  ],
};

/** mixed4-7 (17x17): factorised 7x7 branches whose inner width `c7` grows per module. */
const moduleC = (name: string, c7: number): Module => ({
  name,
  branches: [
    [conv(192, 1, 1)],
    [conv(c7, 1, 1), conv(c7, 1, 7), conv(192, 7, 1)],
    [conv(c7, 1, 1), conv(c7, 7, 1), conv(c7, 1, 7), conv(c7, 7, 1), conv(192, 1, 7)],
    [avgPool, conv(192, 1, 1)],
  ],
});

/** mixed8: grid reduction 17x17 -> 8x8. */
const MIXED8: Module = {
  name: 'mixed8',
  branches: [
    [conv(192, 1, 1), reduce(320, 3, 3)],
    [conv(192, 1, 1), conv(192, 1, 7), conv(192, 7, 1), reduce(192, 3, 3)],
    [maxPool],
  ],
};

/** mixed9-10 (8x8): branches that fan out into 1x3 and 3x1 convs. `i` is Keras' loop index. */
const moduleE = (i: number): Module => ({
  name: `mixed${9 + i}`,
  branches: [
    [conv(320, 1, 1)],
    [conv(384, 1, 1), split([conv(384, 1, 3), conv(384, 3, 1)], `mixed9_${i}`)],
    [conv(448, 1, 1), conv(384, 3, 3), split([conv(384, 1, 3), conv(384, 3, 1)])],
    [avgPool, conv(192, 1, 1)],
  ],
});

const MODULES: readonly Module[] = [
  moduleA('mixed0', 32),
  moduleA('mixed1', 64),
  moduleA('mixed2', 64),
  MIXED3,
  moduleC('mixed4', 128),
  moduleC('mixed5', 160),
  moduleC('mixed6', 160),
  moduleC('mixed7', 192),
  MIXED8,
  moduleE(0),
  moduleE(1),
];

function conv2dBn(b: ZooBuilder, step: ConvStep, x: SymbolicTensor): SymbolicTensor {
  x = b.conv2d(
    {
      filters: step.filters, kernelSize: step.kernel, strides: step.strides, padding: step.padding,
      useBias: false, name: b.autoName('conv2d'),
    },
    x,
  );
  // scale=False: a ReLU follows, so a learned gamma would be redundant (beta + moving stats remain).
  x = b.apply(tfl.layers.batchNormalization({ axis: -1, scale: false, name: b.autoName('batch_normalization') }), x);
  return b.apply(tfl.layers.activation({ activation: 'relu', name: b.autoName('activation') }), x);
}

function pool(b: ZooBuilder, step: PoolStep, x: SymbolicTensor): SymbolicTensor {
  if (step.pool === 'avg') {
    const name = b.autoName('average_pooling2d');
    return b.apply(tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same', name }), x);
  }
  const name = b.autoName('max_pooling2d');
  return b.apply(tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name }), x);
}

function concat(b: ZooBuilder, xs: SymbolicTensor[], name: string): SymbolicTensor {
  return b.apply(tfl.layers.concatenate({ axis: -1, name }), xs);
}

function runBranch(b: ZooBuilder, branch: Branch, x: SymbolicTensor): SymbolicTensor {
  for (const step of branch) {
    if (step.kind === 'conv') x = conv2dBn(b, step, x);
    else if (step.kind === 'pool') x = pool(b, step, x);
    else {
      const input = x;
      const outs = step.convs.map((c) => conv2dBn(b, c, input));
      // The concat is created after both convs, so an unnamed one takes the next counter.
      x = concat(b, outs, step.name ?? b.autoName('concatenate'));
    }
  }
  return x;
}

function runModule(b: ZooBuilder, mod: Module, x: SymbolicTensor): SymbolicTensor {
  return b.block(mod.name, () => {
    // Branches are built one after another, each to completion, as in Keras.
    const outs = mod.branches.map((branch) => runBranch(b, branch, x));
    return concat(b, outs, mod.name);
  });
}

/** Keras' classifier, or the optional global pooling of a headless model. */
function top(b: ZooBuilder, opts: BuildOptions, x: SymbolicTensor): SymbolicTensor {
  return b.block('top', () => (opts.includeTop ? b.avgPoolClassifier(opts.classes, x) : b.headlessPooling(opts.pooling, x)));
}

export const inceptionV3: Builder = (opts: BuildOptions): BuiltModel => {
  const b = new ZooBuilder();
  const input = b.input([opts.inputSize[0], opts.inputSize[1], 3]);
  let x = b.block('stem', () => runBranch(b, STEM, input));
  for (const mod of MODULES) x = runModule(b, mod, x);
  return b.finish(input, top(b, opts, x), 'inception_v3');
};
