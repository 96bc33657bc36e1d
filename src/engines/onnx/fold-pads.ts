/**
 * A zero Pad before a Conv, folded into the Conv's pads (always exact: a Conv pads with
 * zeros), and before a MaxPool where that is exact. Keras writes ZeroPadding2D +
 * MaxPooling2D 'valid' (ResNet's pool1); ONNX Runtime keeps such a Pad (pool.ts keeps it
 * from its wrong fusion), which costs a pass over the tensor and breaks its NCHWc chain
 * with two layout reorders around it (~3% of ResNet50 here). MaxPool pads with -inf, Keras
 * with 0: the same maximum when the values are >= 0 (the Pad reads a Relu, or a Clip from a
 * minimum >= 0, maybe through a Transpose) and every window still holds a real cell (each
 * pad at most kernel - 1). Anything else is left as it is.
 */
import { AttrType, DataType, type NodeMsg, type TensorMsg } from '../../load/onnx/proto.js';
import { readRaw } from '../../load/onnx/tensor-data.js';
import type { OnnxGraph } from './graph.js';

/** The value of a float32 scalar initializer (g.scalar's); undefined for anything else. */
const floatOf = (t: TensorMsg | undefined): number | undefined =>
  t?.rawData && t.dataType === DataType.FLOAT && t.rawData.byteLength === 4 ? readRaw(t.rawData, DataType.FLOAT, 1)?.[0] : undefined;

/** Ops whose outputs are some of their (first) input's values. */
const MOVES = new Set(['Transpose', 'Identity', 'Reshape', 'Flatten', 'MaxPool']);

export function foldZeroPads(g: OnnxGraph, graphOutputs: readonly string[]): void {
  const init = new Map(g.initializers.map((t) => [t.name, t]));
  const producer = new Map<string, NodeMsg>();
  const readers = new Map<string, number>();
  for (const n of g.nodes) {
    for (const o of n.output) producer.set(o, n);
    for (const i of n.input) readers.set(i, (readers.get(i) ?? 0) + 1);
  }
  /** Values >= 0: a Relu's, a Clip's from a minimum >= 0, through ops that only move or pick values. */
  const nonNegative = (v: string, depth = 0): boolean => {
    const p = producer.get(v);
    if (!p || depth > 16) return false;
    if (p.opType === 'Relu') return true;
    if (p.opType === 'Clip') return (floatOf(init.get(p.input[1])) ?? -1) >= 0;
    if (MOVES.has(p.opType)) return nonNegative(p.input[0], depth + 1);
    return false;
  };
  const removed = new Set<NodeMsg>();
  for (const pool of g.nodes) {
    if (pool.opType !== 'MaxPool' && pool.opType !== 'Conv') continue;
    const pad = producer.get(pool.input[0]);
    if (pad?.opType !== 'Pad' || readers.get(pad.output[0]) !== 1 || graphOutputs.includes(pad.output[0])) continue;
    const mode = pad.attribute.find((a) => a.name === 'mode');
    if (mode?.s && new TextDecoder().decode(mode.s) !== 'constant') continue;
    if (pad.input[2] !== undefined && floatOf(init.get(pad.input[2])) !== 0) continue;
    const p = init.get(pad.input[1])?.int64Data;
    const kernel = pool.attribute.find((a) => a.name === 'kernel_shape')?.ints;
    const pads = pool.attribute.find((a) => a.name === 'pads');
    if (!p || p.length !== 8 || !kernel || kernel.length !== 2 || !pads?.ints || pads.ints.length !== 4) continue;
    // NCHW pads [n, c, t, l, n, c, b, r]: only the spatial axes may be padded.
    if (p[0] !== 0 || p[1] !== 0 || p[4] !== 0 || p[5] !== 0) continue;
    const merged = [pads.ints[0] + p[2], pads.ints[1] + p[3], pads.ints[2] + p[6], pads.ints[3] + p[7]];
    if (pool.opType === 'MaxPool' && (merged.some((m, i) => m > kernel[i % 2] - 1) || !nonNegative(pad.input[0]))) continue;
    pool.input[0] = pad.input[0];
    pool.attribute = pool.attribute.map((a) => (a.name === 'pads' ? { name: 'pads', type: AttrType.INTS, ints: merged } : a));
    g.absorb(pool, pad);
    removed.add(pad);
  }
  if (removed.size === 0) return;
  const kept = g.nodes.filter((n) => !removed.has(n));
  g.nodes.splice(0, g.nodes.length, ...kept);
  const used = new Set(g.nodes.flatMap((n) => n.input));
  const initializers = g.initializers.filter((t) => used.has(t.name));
  g.initializers.splice(0, g.initializers.length, ...initializers);
}
