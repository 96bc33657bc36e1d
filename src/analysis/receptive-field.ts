import { ruleOf, type LayerGraph, type LayerNode } from '../graph/types.js';
import { beforeAmounts, effectiveKernel, spatialDims, spatialRank, windowOf, windowPadBefore, type WindowGeometry } from './geometry.js';
import type { MaybeShape } from './shape.js';
import type { MisalignedMerge, ReceptiveField } from './types.js';

/**
 * Receptive fields as in Araujo, Norris & Sim, "Computing Receptive Fields of
 * Convolutional Neural Networks" (Distill 2019), propagated forward from the model input:
 * per spatial axis the input has size r = 1, effective stride S = 1 and effective
 * padding P = 0, and a window of span d(k-1)+1, stride s and padding-before p maps
 * (r, S, P) to (r + (span-1) S, S s, P + p S).
 */

export interface FieldAnalysis {
  perLayer: Map<string, ReceptiveField | null>;
  /** Field of the last spatial layer before global pooling / flatten (in graph order). */
  final: ReceptiveField | null;
  misaligned: MisalignedMerge[];
}

type Field = ReceptiveField | null;

/** Element-wise merges: every output position reads the same position of each input. */
const MERGES = new Set(['Add', 'Subtract', 'Multiply', 'Divide', 'Power', 'Average', 'Maximum', 'Minimum', 'Compare', 'Select',
  'Concatenate',
  'CustomScaleLayer', // Inception-ResNet's shortcut + scale x residual
]);

/** Layers after which every output sees the whole input. */
const GLOBAL = new Set([
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalAveragePooling3D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalMaxPooling3D', 'GlobalLpPooling',
  'Flatten',
]);

/** Explicit padding moves the field's origin by +amount, cropping by -amount. */
const SHIFTS = new Map<string, { key: 'padding' | 'cropping'; sign: 1 | -1 }>([
  ['ZeroPadding1D', { key: 'padding', sign: 1 }],
  ['ZeroPadding2D', { key: 'padding', sign: 1 }],
  ['ZeroPadding3D', { key: 'padding', sign: 1 }],
  ['Cropping1D', { key: 'cropping', sign: -1 }],
  ['Cropping2D', { key: 'cropping', sign: -1 }],
  ['Cropping3D', { key: 'cropping', sign: -1 }],
]);

/**
 * Classes whose geometry is not modelled even when their output happens to keep the
 * input's spatial size (a stride-1 transposed conv, a square Permute, a nested model),
 * so the shape test below must not pass them through.
 */
const UNMODELLED = new Set([
  'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
  'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'Resize',
  'Permute', 'Functional', 'Sequential', 'Model',
]);

const sameDims = (a: (number | null)[], b: (number | null)[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** The model input's spatial size for fields of `rank` axes, or null if not fixed. */
function inputSizeOf(graph: LayerGraph, rank: number): number[] | null {
  for (const node of graph.nodes) {
    if (!graph.inputs.includes(node.name)) continue;
    const dims = spatialDims(node.outputShapes[0], node.config.dataFormat);
    if (dims.length === rank) return dims.every((d) => d != null) ? (dims as number[]) : null;
  }
  return null;
}

/** A model input: r = 1, S = 1, P = 0 per axis. Non-spatial inputs (an MLP's) have no field. */
function inputField(node: LayerNode): Field {
  const rank = spatialRank(node.outputShapes[0]);
  if (rank === 0) return null;
  return { size: Array(rank).fill(1), stride: Array(rank).fill(1), padding: Array(rank).fill(0) };
}

function throughWindow(node: LayerNode, f: ReceptiveField, w: WindowGeometry): Field {
  if (w.kernel.length !== f.size.length) return null;
  const dims = spatialDims(node.inputShapes[0], node.config.dataFormat);
  const out: ReceptiveField = { size: [], stride: [], padding: [] };
  for (let i = 0; i < w.kernel.length; i++) {
    // TF's 'same' split depends on the input length at strides > 1.
    const p = windowPadBefore(w, i, dims[i]);
    if (p === null) return null;
    out.size.push(f.size[i] + (effectiveKernel(w.kernel[i], w.dilation[i]) - 1) * f.stride[i]);
    out.stride.push(f.stride[i] * w.strides[i]);
    out.padding.push(f.padding[i] + p * f.stride[i]);
  }
  return out;
}

/** Global pooling / flatten: the whole input, keeping the last spatial stride and padding. */
function globalField(graph: LayerGraph, f: ReceptiveField): Field {
  const size = inputSizeOf(graph, f.size.length);
  return size ? { size, stride: [...f.stride], padding: [...f.padding], global: true } : null;
}

function singleInputField(graph: LayerGraph, node: LayerNode, f: Field): Field {
  if (!f) return null;
  // Downstream of global pooling (Dense, Reshape, Dropout, a classifier conv...) stays global.
  if (f.global) return f;
  const rule = ruleOf(node);
  if (GLOBAL.has(rule)) return globalField(graph, f);
  if (UNMODELLED.has(rule)) return null;
  // Channels moved from last to first (or back): the spatial axes keep their order.
  if (rule === 'LayoutTranspose') return f;
  // Channels regrouped (ShuffleNet's shuffle) with the spatial axes kept last, in place.
  if (rule === 'ChannelRegroup') return Number(node.config.spatialRank) >= f.size.length ? f : null;
  const w = windowOf(node);
  if (w) return throughWindow(node, f, w);
  const shift = SHIFTS.get(rule);
  if (shift) {
    const before = beforeAmounts(node, shift.key, f.size.length);
    return { ...f, padding: f.padding.map((p, i) => p + shift.sign * before[i] * f.stride[i]) };
  }
  // Anything else that keeps the spatial size (BN, activations, dropout, a Dense over
  // channels, ...) acts per position, so it passes the field through.
  const df = node.config.dataFormat;
  const inDims = spatialDims(node.inputShapes[0], df);
  return inDims.length > 0 && sameDims(inDims, spatialDims(node.outputShapes[0], df)) ? f : null;
}

/** Centre of the first output's field: (r - 1) / 2 - P. */
const centre = (f: ReceptiveField, axis: number): number => (f.size[axis] - 1) / 2 - f.padding[axis];

const fmt = (x: number): string => String(Math.round(x * 100) / 100);

/** Why two merged inputs' fields do not line up, one reason per axis that differs. */
function disagreement(a: ReceptiveField, b: ReceptiveField): string[] {
  const reasons: string[] = [];
  for (let i = 0; i < a.size.length; i++) {
    if (a.stride[i] !== b.stride[i]) reasons.push(`strides ${a.stride[i]} vs ${b.stride[i]} on axis ${i}`);
    else if (centre(a, i) !== centre(b, i)) {
      reasons.push(`centres differ by ${fmt(Math.abs(centre(a, i) - centre(b, i)))} px on axis ${i}`);
    }
  }
  return reasons;
}

/**
 * A merge takes, per axis, the field of the input with the largest size (the first on
 * ties), as the reference implementation does. Inputs that are global, or 1x1 maps
 * broadcast over a larger output (a squeeze-and-excite gate), are ignored.
 */
function mergeField(node: LayerNode, inputs: Field[]): { field: Field; misaligned?: MisalignedMerge } {
  if (inputs.some((f) => f === null)) return { field: null };
  const df = node.config.dataFormat;
  const outDims = spatialDims(node.outputShapes[0], df);
  const broadcast = (s: MaybeShape) => {
    const d = spatialDims(s, df);
    return d.length > 0 && d.every((v) => v === 1) && !outDims.every((v) => v === 1);
  };
  const spatial = inputs
    .map((f, i) => ({ f: f as ReceptiveField, name: node.inbound[i], shape: node.inputShapes[i] }))
    .filter((x) => !x.f.global && !broadcast(x.shape));
  if (spatial.length === 0) return { field: inputs[0] };
  // Concatenating along a spatial axis (or mixing ranks) has no single field.
  if (spatial.some((x) => x.f.size.length !== outDims.length || !sameDims(spatialDims(x.shape, df), outDims))) {
    return { field: null };
  }
  const field: ReceptiveField = { size: [], stride: [], padding: [] };
  for (let i = 0; i < outDims.length; i++) {
    const best = spatial.reduce((a, b) => (b.f.size[i] > a.f.size[i] ? b : a)).f;
    field.size.push(best.size[i]);
    field.stride.push(best.stride[i]);
    field.padding.push(best.padding[i]);
  }
  const [first, ...rest] = spatial;
  const reasons = rest.flatMap((x) => {
    const r = disagreement(first.f, x.f);
    return spatial.length > 2 ? r.map((s) => `${s} (${first.name} vs ${x.name})`) : r;
  });
  if (reasons.length === 0) return { field };
  return { field, misaligned: { layer: node.name, inputs: spatial.map((x) => x.name), reason: reasons.join('; ') } };
}

/** Receptive field of every layer's output, the model's final one, and misaligned merges. */
export function receptiveFields(graph: LayerGraph): FieldAnalysis {
  const perLayer = new Map<string, Field>();
  const misaligned: MisalignedMerge[] = [];
  // Layers at or after global pooling, tracked apart from the fields: when the input size
  // is not fixed a global field is unknown (null) yet must still not count as spatial.
  const afterGlobal = new Set<string>();
  let final: Field = null;
  for (const node of graph.nodes) {
    const inputs = node.inbound.map((name) => perLayer.get(name) ?? null);
    let field: Field;
    // A stand-in for a layer dnarch cannot see into (Lambda, custom classes): unknown geometry.
    if (node.opaque !== undefined) field = null;
    else if (node.inbound.length === 0) field = inputField(node);
    else if (MERGES.has(ruleOf(node))) {
      const m = mergeField(node, inputs);
      field = m.field;
      if (m.misaligned) misaligned.push(m.misaligned);
    } else if (inputs.length > 1) field = null;
    else field = singleInputField(graph, node, inputs[0]);
    perLayer.set(node.name, field);
    if (GLOBAL.has(ruleOf(node)) || (node.inbound.length > 0 && node.inbound.every((n) => afterGlobal.has(n)))) {
      afterGlobal.add(node.name);
    } else if (spatialRank(node.outputShapes[0]) > 0) {
      // A spatial layer whose field is unknown still counts: better no answer than a stale one.
      final = field;
    }
  }
  return { perLayer, final, misaligned };
}
