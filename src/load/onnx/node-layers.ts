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
