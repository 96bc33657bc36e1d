import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Shape } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../../errors.js';

/**
 * A stand-in for a layer class tfjs cannot build (Keras' Lambda, TensorFlowOpLayer,
 * TFOpLambda, a user's CTCLayer, ...). It lets the rest of the model be built and analysed:
 * it has no weights, takes any number of inputs, and knows its output shape when the
 * config states it (a Lambda's `output_shape`, a TensorFlowOpLayer's DepthToSpace block
 * size); otherwise it passes its first input's shape through. It cannot run.
 *
 * Its instances report the original class name (getClassName()), so the LayerGraph and
 * the report say 'Lambda', no cost handler knows it, and the totals are marked incomplete.
 * The registry name stays OPAQUE_CLASS_NAME.
 */
export const OPAQUE_CLASS_NAME = 'DnarchOpaque';

/** How the output shape follows from the input shapes when the config says so. */
export type ShapeRule =
  | { kind: 'depthToSpace' | 'spaceToDepth'; blockSize: number; channelsFirst: boolean }
  | { kind: 'broadcast' };

export interface OpaqueSpec {
  /** Output shape(s) without the batch axis, as Keras' Lambda states them. */
  outputShape?: Shape | Shape[];
  rule?: ShapeRule;
}

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface OpaqueLayerArgs extends LayerArgs {
  /** The class the file names, encoded by encodeText (tfjs camel-cases values with '_'). */
  originalClassName: string;
  /** Why it is a stand-in, encoded by encodeText; by default: tfjs has no such class. */
  reason?: string;
  outputShape?: Shape | Shape[] | null;
  shapeRule?: ShapeRule | null;
}

/**
 * tfjs' loader camel-cases every string value that contains '_' (convertPythonicToTs), which
 * would turn a class 'CTC_Layer' into 'CTCLayer': the name travels percent-encoded.
 */
export const encodeText = (name: string): string => encodeURIComponent(name).replace(/_/g, '%5F');
const decodeText = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

const isShapeList = (s: unknown): s is Shape[] => Array.isArray(s) && s.length > 0 && s.every(Array.isArray);

/** NumPy broadcasting of shapes aligned on the right; an unknown dimension stays unknown unless the other is > 1. */
function broadcast(shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: Shape = [];
  for (let i = 0; i < rank; i++) {
    let dim: number | null = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i];
      if (d === undefined || d === 1) continue;
      if (d === null) dim = dim === 1 ? null : dim;
      else dim = d;
    }
    out.push(dim);
  }
  return out;
}

const scaled = (d: number | null, f: (x: number) => number): number | null => (d == null ? null : f(d));

function applyRule(rule: ShapeRule, shapes: Shape[]): Shape {
  const s = shapes[0];
  if (rule.kind === 'broadcast') return broadcast(shapes);
  if (s.length !== 4) return [...s];
  const b = rule.blockSize;
  const spread = (d: number | null) => scaled(d, (x) => x * b);
  const gather = (d: number | null) => scaled(d, (x) => Math.floor(x / b));
  const deepen = (c: number | null) => scaled(c, (x) => x * b * b);
  const thin = (c: number | null) => (c != null && c % (b * b) === 0 ? c / (b * b) : null);
  const [n, d1, d2, d3] = s; // N C H W when channelsFirst, else N H W C
  if (rule.kind === 'depthToSpace') {
    return rule.channelsFirst ? [n, thin(d1), spread(d2), spread(d3)] : [n, spread(d1), spread(d2), thin(d3)];
  }
  return rule.channelsFirst ? [n, deepen(d1), gather(d2), gather(d3)] : [n, gather(d1), gather(d2), deepen(d3)];
}

export class OpaqueLayer extends tfl.layers.Layer {
  static readonly className = OPAQUE_CLASS_NAME;
  readonly originalClassName: string;
  /** Read by the LayerGraph (LayerNode.opaque): why this layer's cost is unknown. */
  readonly opaqueReason: string;
  readonly declaredOutputShape: Shape | Shape[] | null;
  readonly shapeRule: ShapeRule | null;

  constructor(args: OpaqueLayerArgs) {
    super(args);
    this.originalClassName = decodeText(args.originalClassName);
    const why = args.reason ? decodeText(args.reason) : `tfjs has no ${this.originalClassName} layer`;
    this.opaqueReason = `${why}: its shapes are known, its cost and weights are not`;
    this.declaredOutputShape = args.outputShape ?? null;
    this.shapeRule = args.shapeRule ?? null;
    // Masks from an Embedding(mask_zero) upstream are accepted (and passed on).
    this.supportsMasking = true;
  }

  /** The class the model file names, so reports list it (e.g. 'Lambda') as unsupported. */
  override getClassName(): string {
    return this.originalClassName;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape as Shape];
    const batch = shapes[0]?.[0] ?? null;
    const declared = this.declaredOutputShape;
    if (declared) return isShapeList(declared) ? declared.map((s) => [batch, ...s]) : [batch, ...declared];
    if (this.shapeRule) return applyRule(this.shapeRule, shapes);
    return [...shapes[0]];
  }

  override call(): tfc.Tensor {
    throw new DnarchError(
      'BAD_INPUT',
      `layer "${this.name}" (${this.originalClassName}) cannot run: ${this.opaqueReason}`,
    );
  }

  override getConfig(): tfc.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      originalClassName: this.originalClassName,
      reason: this.opaqueReason,
      ...(this.declaredOutputShape ? { outputShape: this.declaredOutputShape } : {}),
      ...(this.shapeRule ? { shapeRule: { ...this.shapeRule } } : {}),
    } as tfc.serialization.ConfigDict;
  }
}

tfc.serialization.registerClass(OpaqueLayer);

/** A dimension a config may state: null (free) or a positive integer. */
const isDim = (d: unknown): d is number | null => d === null || (Number.isInteger(d) && (d as number) > 0);
const isShape = (s: unknown): s is Shape => Array.isArray(s) && s.every(isDim);

/** A Lambda's output_shape when it is data (a shape or a list of shapes), not a function. */
function lambdaOutputShape(config: Record<string, unknown>): Shape | Shape[] | undefined {
  const s = config.output_shape;
  if (config.output_shape_type !== undefined && config.output_shape_type !== 'raw') return undefined;
  if (isShape(s)) return s;
  if (Array.isArray(s) && s.length > 0 && s.every(isShape)) return s as Shape[];
  return undefined;
}

/** TensorFlow's NodeDef attr value: {i: "2"} for ints (int64 written as a string), {s: base64} for strings. */
function attrInt(attr: unknown): number | undefined {
  const v = (attr as { i?: unknown } | undefined)?.i;
  const n = typeof v === 'string' ? Number(v) : v;
  return Number.isInteger(n) && (n as number) > 0 && (n as number) <= 1024 ? (n as number) : undefined;
}
function attrString(attr: unknown): string | undefined {
  const v = (attr as { s?: unknown } | undefined)?.s;
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('latin1') : undefined;
}

/** Element-wise binary ops of TensorFlow graphs: their output is the inputs' broadcast shape. */
const BROADCAST_OPS = new Set([
  'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Div', 'DivNoNan', 'Maximum', 'Minimum', 'Pow',
  'SquaredDifference', 'FloorDiv', 'FloorMod', 'BiasAdd',
]);

function tfOpRule(config: Record<string, unknown>): ShapeRule | undefined {
  const node = config.node_def as { op?: unknown; attr?: Record<string, unknown> } | undefined;
  if (!node || typeof node.op !== 'string') return undefined;
  if (node.op === 'DepthToSpace' || node.op === 'SpaceToDepth') {
    const blockSize = attrInt(node.attr?.block_size);
    const format = attrString(node.attr?.data_format) ?? 'NHWC';
    if (!blockSize || (format !== 'NHWC' && format !== 'NCHW')) return undefined;
    return { kind: node.op === 'DepthToSpace' ? 'depthToSpace' : 'spaceToDepth', blockSize, channelsFirst: format === 'NCHW' };
  }
  if (BROADCAST_OPS.has(node.op)) return { kind: 'broadcast' };
  return undefined;
}

/** What the (raw, snake_case) config of an unknown layer class says about its output shape. */
export function opaqueSpec(className: string, config: Record<string, unknown>): OpaqueSpec {
  if (className === 'Lambda') {
    const outputShape = lambdaOutputShape(config);
    return outputShape ? { outputShape } : {};
  }
  if (className === 'TensorFlowOpLayer') {
    const rule = tfOpRule(config);
    return rule ? { rule } : {};
  }
  return {};
}
