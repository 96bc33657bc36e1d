import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { ZooBuilder } from './builder.js';

/**
 * The conv2d_bn step tables that InceptionV3 and Inception-ResNet-v2 are written in
 * (keras/src/applications/inception_v3.py, inception_resnet_v2.py): a branch is a list of
 * steps, and `runBranch` creates its layers one after the other, as Keras does. Keras
 * names almost none of these layers, so creation order decides every automatic name
 * (`conv2d_42`, `batch_normalization_42`, `activation_42`).
 */

type Padding = 'same' | 'valid';

/** One conv2d_bn unit: Conv2D (no bias) -> BatchNormalization(scale=False) -> ReLU. */
export interface ConvStep {
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

/** InceptionV3's mixed9/mixed10 only: parallel convs on the same input, joined by a concatenate. */
interface SplitStep {
  kind: 'split';
  convs: ConvStep[];
  /** Keras names one of the two inner concats (`mixed9_<i>`); the other is auto-named. */
  name?: string;
}

type Step = ConvStep | PoolStep | SplitStep;
export type Branch = Step[];

/** A plain Inception module: branches joined by a concatenate named after the module, also its block scope. */
export interface Module {
  name: string;
  branches: Branch[];
}

export const conv = (filters: number, kh: number, kw: number, strides = 1, padding: Padding = 'same'): ConvStep => ({
  kind: 'conv', filters, kernel: [kh, kw], strides, padding,
});
/** The stride-2 'valid' conv that halves the grid in the stem and reduction modules. */
export const reduce = (filters: number, kh: number, kw: number): ConvStep => conv(filters, kh, kw, 2, 'valid');
export const avgPool: PoolStep = { kind: 'pool', pool: 'avg' };
export const maxPool: PoolStep = { kind: 'pool', pool: 'max' };
export const split = (convs: ConvStep[], name?: string): SplitStep => ({ kind: 'split', convs, name });

/** Everything before the first module, one chain: 299x299x3 -> 35x35x192 in both networks. */
export const STEM: Branch = [
  reduce(32, 3, 3),
  conv(32, 3, 3, 1, 'valid'),
  conv(64, 3, 3),
  maxPool,
  conv(80, 1, 1, 1, 'valid'),
  conv(192, 3, 3, 1, 'valid'),
  maxPool,
];

/**
 * Keras' conv2d_bn with its defaults (no bias, ReLU). Unnamed, as almost everywhere, it
 * takes automatic names; `name` gives `name`, `name_bn`, `name_ac` (Inception-ResNet-v2's conv_7b).
 */
export function conv2dBn(b: ZooBuilder, step: ConvStep, x: SymbolicTensor, name?: string): SymbolicTensor {
  x = b.conv2d(
    {
      filters: step.filters, kernelSize: step.kernel, strides: step.strides, padding: step.padding,
      useBias: false, name: name ?? b.autoName('conv2d'),
    },
    x,
  );
  // scale=False: a ReLU follows, so a learned gamma would be redundant (beta + moving stats remain).
  x = b.batchNorm(name ? `${name}_bn` : b.autoName('batch_normalization'), x, { scale: false });
  return b.activation(name ? `${name}_ac` : b.autoName('activation'), 'relu', x);
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

export function runBranch(b: ZooBuilder, branch: Branch, x: SymbolicTensor): SymbolicTensor {
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

/** Builds each branch to completion, in order, then joins them: Keras' creation order. */
export function branchesConcat(b: ZooBuilder, branches: Branch[], x: SymbolicTensor, name: string): SymbolicTensor {
  const outs = branches.map((branch) => runBranch(b, branch, x));
  return concat(b, outs, name);
}

export function runModule(b: ZooBuilder, mod: Module, x: SymbolicTensor): SymbolicTensor {
  return b.block(mod.name, () => branchesConcat(b, mod.branches, x, mod.name));
}
