import type { Shape } from '../graph/types.js';

export const SCHEMA_VERSION = 1;

export interface ParamCount {
  total: number;
  trainable: number;
  nonTrainable: number;
}

export interface LayerReport {
  name: string;
  className: string;
  /** Output shape with the batch axis as null; several when the layer has several outputs. */
  outputShape: Shape | Shape[];
  params: ParamCount;
  macs: number;
  flops: number;
  /** Bytes of this layer's outputs for batch 1 at float32. */
  activationBytes: number;
  inbound: string[];
  /** Stage / block / module path, outermost first. */
  block: string[];
  /** False when no cost handler knows this class (its MACs and FLOPs are then 0). */
  supported: boolean;
  /** Why the cost is missing or partial, when it is. */
  note?: string;
  /** Receptive field of this layer's output; null when it cannot be known (see the note). */
  receptiveField: ReceptiveField | null;
}

/**
 * Receptive field of a layer's output in input pixels, per spatial axis (height, width;
 * one axis for 1D), as defined by Araujo, Norris & Sim, Distill 2019: size r, effective
 * stride S and effective padding P.
 */
export interface ReceptiveField {
  size: number[];
  stride: number[];
  padding: number[];
  /** True after global pooling / flatten / dense: every output sees the whole input. */
  global?: boolean;
}

/** A merge (Add, Concatenate, ...) whose inputs' fields have different strides or centres. */
export interface MisalignedMerge {
  layer: string;
  inputs: string[];
  reason: string;
}

export interface SiteCost {
  macs: number;
  params: number;
}

export type SiteKind = 'depthwise-separable' | 'reduction' | 'bottleneck' | 'factorized' | 'reduced-factorized';

/**
 * A bottleneck site: a maximal chain of convolutions that one plain k x k convolution
 * would do in a single step, with what that single convolution would cost.
 */
export interface SavingsSite {
  kind: SiteKind;
  /** The convolution layers of the chain, in order (BN / activations between are not listed). */
  layers: string[];
  /** The module (outermost block) the chain belongs to. */
  module: string;
  /** Kernel of the counterfactual convolution, per spatial axis. */
  kernel: number[];
  /** Chain input [...spatial, channels] and output [...spatial, channels]. */
  input: number[];
  output: number[];
  /** Kernels and biases of the chain's convolutions (BatchNormalization excluded on both sides). */
  actual: SiteCost;
  counterfactual: SiteCost;
  /** counterfactual.macs / actual.macs. */
  ratio: number;
}

export interface ModuleSavings {
  module: string;
  sites: number;
  actual: SiteCost;
  counterfactual: SiteCost;
  ratio: number;
}

export interface Savings {
  sites: SavingsSite[];
  modules: ModuleSavings[];
  total: {
    sites: number;
    actual: SiteCost;
    counterfactual: SiteCost;
    /** MACs of the model as it is, and with every site replaced by its counterfactual. */
    modelMacs: number;
    modelMacsWithout: number;
    /** modelMacsWithout / modelMacs. */
    modelRatio: number;
  };
}

export interface Totals {
  params: ParamCount;
  /** Bytes of weights per dtype, e.g. { float32: 102546848 }. */
  weightBytes: Record<string, number>;
  macs: number;
  flops: number;
  activations: {
    /** Sum of every layer's output bytes (batch 1, float32). */
    sumBytes: number;
    /** Largest set of tensors alive at once when layers run in topological order. */
    peakBytes: number;
    /** The layer at whose step the peak happens. */
    peakAt: string;
  };
  /** Layers that own weights (the keras.io "Depth" column). */
  depth: number;
  /** All layers, InputLayer included, as len(model.layers). */
  layers: number;
  /** Receptive field of the last spatial layer before global pooling / flatten. */
  receptiveField: ReceptiveField | null;
}

export interface ModelReport {
  schemaVersion: typeof SCHEMA_VERSION;
  model: {
    name: string;
    /** 'zoo' for built-in architectures. */
    source: string;
    family?: string;
    inputShapes: Shape[];
    options?: Record<string, unknown>;
  };
  /** How the numbers were obtained. */
  engine: { analysis: string; note: string };
  conventions: Record<string, string>;
  layers: LayerReport[];
  totals: Totals;
  /** Class names no cost handler knows, with the layers of each. */
  unsupported: { className: string; layers: string[] }[];
  /** False when some layer's cost is unknown: totals are then lower bounds. */
  complete: boolean;
  misalignedMerges: MisalignedMerge[];
  savings: Savings;
}
