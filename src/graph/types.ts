/** A tensor shape without the batch dimension is written with `null` first, as in Keras. */
export type Shape = (number | null)[];

export interface WeightInfo {
  name: string;
  shape: number[];
  dtype: string;
  trainable: boolean;
}

/** One layer of a model, as plain serialisable data. */
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
}

/** A model as a DAG of layers in topological (execution) order. */
export interface LayerGraph {
  name: string;
  inputs: string[];
  outputs: string[];
  nodes: LayerNode[];
}
