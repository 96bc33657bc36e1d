import { AttrType, DataType, type AttributeMsg, type NodeMsg, type TensorMsg } from '../../load/onnx/proto.js';

/** A tensor shape as tfjs states it: batch first, `null` where unknown. */
export type Shape = (number | null)[];

/**
 * Where a value's axes are. 'natural': tfjs' own order (NHWC for images). 'nchw': a 4D
 * channels-last tensor transposed to ONNX's NCHW, in which every spatial op runs. Values
 * stay NCHW from the input's transpose to the next op that needs tfjs' order (Flatten,
 * Reshape, Dense, a graph output), so a chain of convolutions has no transposes between.
 */
export type Layout = 'natural' | 'nchw';

export interface Value {
  /** ONNX value name, in `layout`. */
  name: string;
  /** tfjs' (logical) shape, whatever the layout. */
  shape: Shape;
  layout: Layout;
  /** The same tensor in the other layout, once a transpose has made it (made at most once). */
  other?: string;
}

/** NHWC axis -> NCHW axis. */
const TO_NCHW_AXIS = [0, 2, 3, 1];

/** An attribute of a node, typed as ONNX wants it (an integer-valued float stays a float). */
export const attr = {
  int: (name: string, i: number): AttributeMsg => ({ name, type: AttrType.INT, i }),
  ints: (name: string, ints: number[]): AttributeMsg => ({ name, type: AttrType.INTS, ints }),
  float: (name: string, f: number): AttributeMsg => ({ name, type: AttrType.FLOAT, f }),
  string: (name: string, s: string): AttributeMsg => ({ name, type: AttrType.STRING, s: new TextEncoder().encode(s) }),
  /** A float32 scalar held in a one-element tensor (ConstantOfShape's fill value). */
  floatTensor: (name: string, v: number): AttributeMsg => ({
    name,
    type: AttrType.TENSOR,
    t: { name: '', dims: [1], dataType: DataType.FLOAT, rawData: rawBytes(Float32Array.of(v)) },
  }),
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float32 little-endian bytes, as TensorProto.raw_data requires. */
function rawBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/** Nodes and initializers of the graph being written, with unique value names. */
export class OnnxGraph {
  readonly nodes: NodeMsg[] = [];
  readonly initializers: TensorMsg[] = [];
  private readonly used = new Set<string>();
  private readonly producers = new Map<string, NodeMsg>();
  /** The layer each node was written for (what a runtime profile of the export maps back to). */
  readonly layerOfNode = new Map<NodeMsg, string>();
  /** Layers of nodes folded into another one (a Pad into its Conv): listed with the node that does their work. */
  readonly absorbed = new Map<NodeMsg, string[]>();
  /** The layer whose nodes are being written; undefined for glue (input transposes, outputs). */
  layer: string | undefined;

  /** A fresh value name based on `base` (base itself when free). */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Appends a node; returns its first output's name. */
  node(op: string, inputs: string[], attributes: AttributeMsg[], base: string, output?: string): string {
    const out = output ?? this.unique(`${base}/${op}`);
    const node = { name: out, opType: op, input: inputs, output: [out], attribute: attributes };
    this.nodes.push(node);
    this.producers.set(out, node);
    if (this.layer !== undefined) this.layerOfNode.set(node, this.layer);
    return out;
  }

  /** `gone` is removed by the caller: `into` now does its work, for its layer too. */
  absorb(into: NodeMsg, gone: NodeMsg): void {
    const layers = [...(this.absorbed.get(into) ?? []), ...(this.absorbed.get(gone) ?? [])];
    const layer = this.layerOfNode.get(gone);
    if (layer !== undefined && layer !== this.layerOfNode.get(into)) layers.push(layer);
    this.absorbed.set(into, layers);
  }

  /** The node that computes value `name` (undefined for graph inputs and initializers). */
  producer(name: string): NodeMsg | undefined {
    return this.producers.get(name);
  }

  floats(base: string, data: Float32Array, dims: number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: rawBytes(data) });
    return name;
  }

  /** A float32 scalar (shape []), e.g. Clip's bounds. */
  scalar(base: string, v: number): string {
    return this.floats(base, Float32Array.of(v), []);
  }

  /**
   * A float32 vector of `n` copies of `v`, made at run time by ConstantOfShape: a constant
   * the model does not learn (BatchNormalization without scale or center) is stored as its
   * shape, not as n weights.
   */
  filled(base: string, n: number, v: number): string {
    return this.node('ConstantOfShape', [this.int64s(`${base}/shape`, [n])], [attr.floatTensor('value', v)], base);
  }

  int64s(base: string, values: number[]): string {
    const name = this.unique(base);
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, int64Data: values });
    return name;
  }

  /** `v` in NCHW (4D values only): transposed once, then cached on the value. */
  nchw(v: Value): string {
    if (v.layout === 'nchw') return v.name;
    if (v.shape.length !== 4) throw new Error(`internal: NCHW asked of a rank-${v.shape.length} value ${v.name}`);
    v.other ??= this.node('Transpose', [v.name], [attr.ints('perm', [0, 3, 1, 2])], v.name);
    return v.other;
  }

  /** `v` in tfjs' order. */
  natural(v: Value): string {
    if (v.layout === 'natural') return v.name;
    v.other ??= this.node('Transpose', [v.name], [attr.ints('perm', [0, 2, 3, 1])], v.name);
    return v.other;
  }

  /** The name of `v` in `layout`. */
  as(v: Value, layout: Layout): string {
    return layout === 'nchw' ? this.nchw(v) : this.natural(v);
  }
}

/** The layout element-wise work on `values` should use: NCHW when they are all 4D and any is NCHW already. */
export function commonLayout(values: Value[]): Layout {
  const all4d = values.every((v) => v.shape.length === 4);
  return all4d && values.some((v) => v.layout === 'nchw') ? 'nchw' : 'natural';
}

/** A tfjs axis (may be negative) of a value of rank `rank`, as an axis of its ONNX tensor in `layout`. */
export function onnxAxis(axis: number, rank: number, layout: Layout): number {
  const a = axis < 0 ? axis + rank : axis;
  return layout === 'nchw' ? TO_NCHW_AXIS[a] : a;
}

/** True when a 4D NHWC tensor has the same element order in NCHW: its H x W is 1 x 1. */
export const isPointMap = (shape: Shape): boolean => shape.length === 4 && shape[1] === 1 && shape[2] === 1;
