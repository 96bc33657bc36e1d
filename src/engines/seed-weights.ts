import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel, LayerVariable } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../errors.js';
import { walkCalls } from '../graph/layer-order.js';
import { DEFAULT_MAX_WEIGHT_BYTES } from '../load/tfjs/weights.js';
import { isContainer, type Layer } from './onnx/layer-call.js';

/**
 * Deterministic stand-in weights, so that engines can be timed and compared on numbers
 * that exercise every layer (zero kernels would make every output equal the biases).
 *
 * Scales, per weight role (the variable name's last segment, as tfjs and Keras name them):
 * - kernels: uniform He (fan-in) scaling, variance 2 / fan_in, so a conv + ReLU keeps the
 *   activations' second moment; depthwise kernels use the window as fan-in, and gain 1
 *   inside a SeparableConv2D; Dense kernels use variance 1 / fan_in (LeCun);
 * - biases and BatchNormalization's beta and moving_mean: uniform in +-0.05 / +-0.1;
 * - BatchNormalization's gamma and moving_variance: uniform in [0.5, 1.5] (variance > 0);
 * - Normalization's mean / variance: ImageNet-like statistics of pixels in [0, 1]
 *   (mean 0.3..0.7, variance 0.03..0.1), what Keras' EfficientNet layer holds;
 * - anything else: uniform in +-0.05.
 *
 * Residual networks 1,000 layers deep would still overflow: each Add doubles the variance
 * when its branch preserves it. So the last weighted layer of each Add's residual branch
 * (the input that took the longer path) is damped by 1/sqrt(number of Adds): the variance
 * then grows by at most (1 + 1/N)^N < e over the whole model, whatever its depth.
 */
export function seedWeights(model: LayersModel, seed = 1, label = model.name): void {
  checkSeedBudget(model, label);
  const separable = separableDepthwise(model);
  model.weights.forEach((v, index) => fill(v, mix(seed, index), separable.has(v.id) ? 1 : 2));
  dampResiduals(model);
}

/** Most bytes of seeded weights: the limit on weights read from a file (src/load/tfjs/weights.ts), 2 GiB. */
const MAX_SEEDED_BYTES = DEFAULT_MAX_WEIGHT_BYTES;

/**
 * Refuses, by arithmetic on the weights' shapes and before any value is written, a model whose
 * seeded float32 weights would pass MAX_SEEDED_BYTES (2e9 parameters: 8e9 bytes). Building the
 * topology allocates nothing (zeros are lazy); filling every weight with random values would.
 */
function checkSeedBudget(model: LayersModel, label: string): void {
  const params = model.weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 0), 1), 0);
  const bytes = params * 4;
  if (bytes > MAX_SEEDED_BYTES) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
    throw new DnarchError(
      'BAD_INPUT',
      `${label}: ${params.toLocaleString('en-US')} parameters need ${gib(bytes)} of float32 weights to run, more than the limit of ${gib(MAX_SEEDED_BYTES)}: too large to seed for bench or export`,
    );
  }
}

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; floats in [0, 1). */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One independent stream per (seed, weight index): a weight's values do not depend on the others'. */
export function mix(seed: number, index: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Depthwise kernels of SeparableConv2D layers: no non-linearity follows them before the
 * pointwise kernel, so they get gain 1 (variance 1 / fan_in), else each separable conv
 * would double the variance (Xception's 34 of them: x 10^5 in std).
 */
function separableDepthwise(model: LayersModel): Set<number> {
  const ids = new Set<number>();
  const visit = (layers: Layer[]): void => {
    for (const layer of layers) {
      if (isContainer(layer)) visit(layer.layers);
      const roles = layer.weights.map((w) => w.originalName.split('/').pop());
      if (!roles.includes('pointwise_kernel')) continue;
      for (const w of layer.weights) if (w.originalName.endsWith('/depthwise_kernel')) ids.add(w.id);
    }
  };
  visit(model.layers);
  return ids;
}

/** [lo, hi) per role; `null` leaves the weight alone (integer counters). `gain` 2 is He's. */
function range(v: LayerVariable, gain: number): [number, number] | null {
  if (v.dtype !== 'float32') return null;
  const role = v.originalName.split('/').pop() ?? '';
  const shape = v.shape as number[];
  const fanIn = (dims: number[]): number => Math.max(1, dims.reduce((a, b) => a * b, 1));
  const scaled = (n: number, g: number): [number, number] => {
    const limit = Math.sqrt((3 * g) / n); // uniform(-l, l) has variance l^2 / 3 = g / n
    return [-limit, limit];
  };
  const he = (n: number): [number, number] => scaled(n, gain);
  switch (role) {
    case 'depthwise_kernel':
      return he(fanIn(shape.slice(0, -2)));
    case 'kernel':
      // Dense kernels (rank 2) are classifier heads more often than not: LeCun's variance
      // 1 / fan_in keeps the logits at the features' scale, so a softmax is not saturated.
      return shape.length === 2 ? scaled(fanIn(shape.slice(0, -1)), 1) : he(fanIn(shape.slice(0, -1)));
    case 'pointwise_kernel':
    case 'recurrent_kernel':
      return he(fanIn(shape.slice(0, -1)));
    case 'gamma':
    case 'moving_variance':
      return [0.5, 1.5];
    case 'beta':
    case 'moving_mean':
      return [-0.1, 0.1];
    case 'mean':
      return [0.3, 0.7];
    case 'variance':
      return [0.03, 0.1];
    default:
      return [-0.05, 0.05];
  }
}

function fill(v: LayerVariable, state: number, gain: number): void {
  const r = range(v, gain);
  if (!r) return;
  const [lo, hi] = r;
  const next = mulberry32(state);
  const values = new Float32Array(v.shape.reduce((a: number, b) => a * (b ?? 1), 1));
  for (let i = 0; i < values.length; i++) values[i] = lo + (hi - lo) * next();
  write(v, values);
}

function write(v: LayerVariable, values: Float32Array): void {
  const t = tfc.tensor(values, v.shape as number[], 'float32');
  v.write(t);
  t.dispose();
}

type Node = Layer['inboundNodes'][number];

/** Layers a residual branch may end with that do not scale values much: walked through. */
const PASS_THROUGH = new Set([
  'Activation', 'ReLU', 'Dropout', 'ZeroPadding2D', 'Cropping2D', 'Reshape', 'Flatten', 'MaxPooling2D', 'AveragePooling2D',
]);

function dampResiduals(model: LayersModel): void {
  const { postOrder } = walkCalls(model.outputs);
  // Longest path from an input: the residual branch is the deeper input of an Add.
  const depth = new Map<Node, number>();
  const from = (node: Node, i: number): Node => node.inboundLayers[i].inboundNodes[node.nodeIndices[i]];
  for (const node of postOrder) {
    let d = 0;
    for (let i = 0; i < node.inboundLayers.length; i++) d = Math.max(d, (depth.get(from(node, i)) ?? 0) + 1);
    depth.set(node, d);
  }
  const adds = postOrder.filter((n) => n.outboundLayer.getClassName() === 'Add' && n.inboundLayers.length > 1);
  const factor = 1 / Math.sqrt(Math.max(1, adds.length));
  const damped = new Set<Layer>();
  for (const add of adds) {
    let branch = from(add, 0);
    for (let i = 1; i < add.inboundLayers.length; i++) {
      const candidate = from(add, i);
      if ((depth.get(candidate) ?? 0) > (depth.get(branch) ?? 0)) branch = candidate;
    }
    while (branch.inboundLayers.length === 1 && PASS_THROUGH.has(branch.outboundLayer.getClassName())) {
      branch = from(branch, 0);
    }
    const layer = branch.outboundLayer;
    if (damped.has(layer) || layer.weights.length === 0 || isContainer(layer)) continue;
    damped.add(layer);
    damp(layer, factor);
  }
  for (const layer of model.layers) if (isContainer(layer)) dampResiduals(layer);
}

/** Scales what a layer's output is proportional to: BN's gamma and beta, else kernel(s) and bias. */
function damp(layer: Layer, factor: number): void {
  const isBn = layer.getClassName() === 'BatchNormalization';
  for (const v of layer.weights) {
    const role = v.originalName.split('/').pop() ?? '';
    const scaled = isBn ? role === 'gamma' || role === 'beta' : role === 'kernel' || role === 'pointwise_kernel' || role === 'bias';
    if (!scaled || v.dtype !== 'float32') continue;
    const values = Float32Array.from(v.read().dataSync() as Float32Array, (x) => x * factor);
    write(v, values);
  }
}
