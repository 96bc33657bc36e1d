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
}
