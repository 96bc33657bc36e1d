/**
 * An ONNX model as the reader hands it to shape inference and to the LayerGraph mapping:
 * plain data decoded from the ModelProto, with initializer bytes left where they are
 * (views into the file, or external files that are never read for analysis).
 */

/** TensorProto.DataType. */
export const ElemType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
} as const;

/** AttributeProto.AttributeType. */
export const AttrKind = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** A tensor stored in the file: an initializer, or the value of a Constant node. */
export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Number of elements (the product of dims; 1 for a scalar). */
  size: number;
  /** Set when the data lives in another file (external data); that file is not read for analysis. */
  external?: { location: string; offset?: number; length?: number };
  /**
   * The values, row-major, as numbers (int64 may round above 2^53; bool as 0/1), decoded on
   * first call from the bytes in the file. Undefined when the data is external, of a type
   * with no numeric reading (strings), or larger than `limit` elements (default 65,536):
   * shape inference only needs small constants.
   */
  values(limit?: number): number[] | undefined;
}

export interface OnnxAttribute {
  name: string;
  /** AttrKind; 0 when the writer left it out (old files), then inferred from the field that is set. */
  type: number;
  f?: number;
  i?: number;
  /** STRING attributes, decoded as UTF-8. */
  s?: string;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: number[];
  ints?: number[];
  strings?: string[];
  tensors?: OnnxTensor[];
  graphs?: OnnxGraph[];
  /** Inside a function body: the caller's attribute this one stands for. */
  refAttrName?: string;
}

export interface OnnxNode {
  /** As written; may be empty. */
  name: string;
  opType: string;
  /** '' (or 'ai.onnx') for the default operator set, else e.g. 'ai.onnx.ml', 'com.microsoft'. */
  domain: string;
  /** Value names; '' marks an optional input that is left out. */
  input: string[];
  output: string[];
  attributes: ReadonlyMap<string, OnnxAttribute>;
}

/** A dimension as declared in the file: a number, a symbol (dim_param), or null when neither is set. */
export type DeclaredDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** ElemType of a tensor type; null for non-tensor types (sequences, maps) or when absent. */
  elemType: number | null;
  /** Null when the rank is not declared. */
  dims: DeclaredDim[] | null;
  /** For non-tensor types: what it is, e.g. 'seq(map(INT64,FLOAT))'. */
  typeText?: string;
}

export interface OnnxGraph {
  name: string;
  /** In file order, which need not be topological. */
  nodes: OnnxNode[];
  initializers: ReadonlyMap<string, OnnxTensor>;
  /** Graph inputs, without the initializers that IR < 4 files also list as inputs. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: ReadonlyMap<string, OnnxValueInfo>;
}

/** A model-local function (FunctionProto): calls of it are inlined before analysis. */
export interface OnnxFunction {
  name: string;
  domain: string;
  input: string[];
  output: string[];
  /** Attribute names the body may refer to, with their defaults where given. */
  attributes: string[];
  attributeDefaults: ReadonlyMap<string, OnnxAttribute>;
  nodes: OnnxNode[];
  opsets: ReadonlyMap<string, number>;
}

export interface OnnxModel {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  /** Operator set version by domain ('' = the default ai.onnx set). */
  opsets: ReadonlyMap<string, number>;
  graph: OnnxGraph;
  functions: OnnxFunction[];
}

/** The default operator set's domain, however the file spells it. */
export const isDefaultDomain = (domain: string): boolean => domain === '' || domain === 'ai.onnx';

/** An op's display name: the op type, prefixed by its domain outside the default set. */
export const opName = (node: Pick<OnnxNode, 'opType' | 'domain'>): string =>
  isDefaultDomain(node.domain) ? node.opType : `${node.domain}:${node.opType}`;
