/**
 * A tensor shape. In a layers graph (Keras, tfjs) dimension 0 is the batch axis, written
 * `null`, as in Keras; in an op-level graph (ONNX: nodes with `wholeShapes`) every dimension
 * is the tensor's own. `null` marks a dimension that is not known.
 */
export type Shape = (number | null)[];

export interface WeightInfo {
  name: string;
  shape: number[];
  dtype: string;
  trainable: boolean;
}

/** Bytes per element of the weight dtype names (4-bit: half a byte). Dtype names come from files: a Map. */
const DTYPE_BYTES = new Map<string, number>([
  ['float32', 4], ['int32', 4], ['float16', 2], ['bfloat16', 2], ['uint16', 2], ['int16', 2], ['uint8', 1], ['int8', 1],
  ['bool', 1], ['float64', 8], ['int64', 8], ['uint32', 4], ['uint64', 8], ['float8', 1], ['int4', 0.5], ['uint4', 0.5],
]);

/** Stored bytes of one weight (an unknown dtype counts as float32; 4-bit ones rounded up to whole bytes). */
export const weightBytes = (w: Pick<WeightInfo, 'shape' | 'dtype'>): number => Math.ceil(w.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES.get(w.dtype) ?? 4));

/**
 * One call of a layer, as plain serialisable data. Layers of nested models appear as their
 * own nodes, named `outer/inner`; a layer called twice appears twice (`name`, `name@1`).
 */
export interface LayerNode {
  name: string;
  /** Keras / tfjs class name, e.g. 'Conv2D'. */
  className: string;
  /** The layer's tfjs config (camelCase keys: kernelSize, strides, padding, ...). */
  config: Record<string, unknown>;
  /**
   * What the node computes, in the vocabulary the analysis rules are written in (a Keras
   * class such as 'Conv2D', 'DepthwiseConv2D', 'Dense', or an op-level kind such as
   * 'MatMul' or 'Einsum'), when that is not its className: an ONNX node shows the file's
   * op type ('Conv', 'Gemm') and says here which rule applies ('DepthwiseConv2D' for a Conv
   * with group = Cin, 'Dense' for a Gemm). Cost, receptive field and savings use
   * `kind ?? className` (see ruleOf); a node with neither known is unsupported.
   */
  kind?: string;
  /**
   * Set on op-level graphs: shapes are whole tensors, every dimension counts, and none is
   * a batch axis to leave out (ONNX tensors need not put a batch first: an LSTM's input is
   * [seq, batch, features], attention folds heads into dimension 0).
   */
  wholeShapes?: boolean;
  /** Shapes of the tensors the layer reads, in call order; null where even the rank is unknown. */
  inputShapes: (Shape | null)[];
  /** Shapes of the tensors it produces (usually one); null where even the rank is unknown. */
  outputShapes: (Shape | null)[];
  weights: WeightInfo[];
  /** Names of the layers whose outputs it reads, in call order (a name repeats if read twice). */
  inbound: string[];
  /** Hierarchical block path (stage / block / module), outermost first; may be empty. */
  block: string[];
  /**
   * Set on the second and later calls of a shared layer (or of a layer inside a nested model
   * called more than once): the node of its first call, which owns the weights. Such a node
   * costs MACs like any call but adds no parameters, weight bytes or depth.
   */
  sharedWith?: string;
  /**
   * Set when the layer is a stand-in for one tfjs cannot build (a Lambda, a custom class, a
   * Keras feature tfjs ignores; see src/load/tfjs/opaque-layer.ts): why. Its shapes are known (from
   * its config, or passed through); its cost and weights are not, so analysis lists it as
   * unsupported whatever its class name.
   */
  opaque?: string;
}

/** The analysis rule a node is priced and traced by. */
export const ruleOf = (node: Pick<LayerNode, 'kind' | 'className'>): string => node.kind ?? node.className;

/** A model as a DAG of layers in topological (execution) order. */
export interface LayerGraph {
  name: string;
  inputs: string[];
  outputs: string[];
  nodes: LayerNode[];
}
