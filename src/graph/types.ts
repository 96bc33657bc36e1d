/** A tensor shape without the batch dimension is written with `null` first, as in Keras. */
export type Shape = (number | null)[];

export interface WeightInfo {
  name: string;
  shape: number[];
  dtype: string;
  trainable: boolean;
}

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
  /** Shapes of the tensors the layer reads, in call order. */
  inputShapes: Shape[];
  /** Shapes of the tensors it produces (usually one). */
  outputShapes: Shape[];
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
   * Keras feature tfjs ignores; see src/load/opaque-layer.ts): why. Its shapes are known (from
   * its config, or passed through); its cost and weights are not, so analysis lists it as
   * unsupported whatever its class name.
   */
  opaque?: string;
}

/** A model as a DAG of layers in topological (execution) order. */
export interface LayerGraph {
  name: string;
  inputs: string[];
  outputs: string[];
  nodes: LayerNode[];
}
