import type { OnnxNode } from '../ir.js';

/**
 * What shape inference knows about one value of an ONNX graph. Shapes are whole tensor
 * shapes (the batch axis is an ordinary dimension); a null dimension is unknown, a null
 * shape means even the rank is unknown.
 */
export interface TensorFact {
  /** ElemType; 0 when unknown. */
  dtype: number;
  shape: (number | null)[] | null;
  /**
   * The values, row-major, when they are known before running the model: initializers and
   * Constant nodes up to a size limit, and what shape-computing chains (Shape -> Gather ->
   * Concat -> Reshape, ConstantOfShape, Range, ...) make of them. int64 as numbers.
   */
  value?: number[];
}

export interface InferContext {
  /** Version of the default (ai.onnx) operator set the model imports. */
  opset: number;
  /** Largest tensor (elements) whose values are computed when its inputs' are known. */
  valueLimit: number;
}

/**
 * One op's rule: the facts of its outputs from those of its inputs (undefined for an
 * optional input left out). Returns one fact per node output; unknown parts stay null.
 * Throws ShapeError when the inputs cannot be valid for the op (an output dimension below
 * 1, dimensions that do not broadcast, a reshape that does not preserve the size, ...).
 */
export type InferRule = (node: OnnxNode, inputs: (TensorFact | undefined)[], ctx: InferContext) => TensorFact[];

/** The inputs of a node are impossible for its op: a one-line reason, without the node's name. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}
