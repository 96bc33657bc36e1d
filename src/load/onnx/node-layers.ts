/**
 * Which model layer each ONNX node belongs to, with the node's dataflow: what maps an ONNX
 * Runtime profile (which names the nodes it ran, after its own fusions) back to layers.
 * An ONNX file's node is its own layer; dnarch's export writes one or more nodes per layer.
 */
export interface NodeLayer {
  /** The node's name in the ONNX graph (what ONNX Runtime's profile starts from). */
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  /** The layer of the analysis the node computes (part of); undefined for glue of no layer. */
  layer?: string;
  /** Layers whose nodes were folded into this one (dnarch's export folds a ZeroPadding2D's Pad into its Conv). */
  also?: string[];
  /** Bytes of the node's weights (its constant inputs that are weights). */
  weightBytes: number;
}

/** Bytes per element of dnarch's weight dtype names (4-bit: half a byte). */
const DTYPE_BYTES = new Map<string, number>([
  ['float64', 8], ['int64', 8], ['float32', 4], ['int32', 4], ['float16', 2], ['bfloat16', 2], ['int16', 2], ['uint16', 2],
  ['int8', 1], ['uint8', 1], ['float8', 1], ['int4', 0.5], ['uint4', 0.5],
]);

/** Bytes of weights of these dtypes and shapes (an unknown dtype counts as float32). */
export const weightBytes = (weights: readonly { shape: number[]; dtype: string }[]): number =>
  weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES.get(w.dtype) ?? 4), 0);
