import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../../errors.js';
import type { OnnxGraph, Shape, Value } from './graph.js';

export type Layer = SymbolicTensor['sourceLayer'];

/** A nested model used as a layer (Functional or Sequential): it has layers, inputs and outputs. */
export const isContainer = (layer: Layer): layer is Layer & LayersModel =>
  Array.isArray((layer as unknown as { layers?: unknown }).layers) && 'outputs' in layer && 'inputs' in layer;

/** One call of a layer, as a mapping function sees it. */
export interface LayerCall {
  layer: Layer;
  /** tfjs' config of the layer (camelCase keys). */
  config: Record<string, unknown>;
  inputs: Value[];
  /** tfjs' output shapes of this call. */
  outputShapes: Shape[];
  /** Base for the names of the values this call makes (the layer name, made unique per call). */
  base: string;
}

/** Maps one layer call to ONNX nodes; returns its outputs, one per tfjs output. */
export type OnnxMapper = (g: OnnxGraph, call: LayerCall) => Value[];

/** A weight of the layer by its role (the variable name's last segment), with its values. */
export function weight(layer: Layer, role: string): { data: Float32Array; shape: number[] } | undefined {
  const v = layer.weights.find((w) => w.originalName.split('/').pop() === role);
  if (!v) return undefined;
  return { data: v.read().dataSync() as Float32Array, shape: v.shape as number[] };
}

export function requireWeight(layer: Layer, role: string): { data: Float32Array; shape: number[] } {
  const w = weight(layer, role);
  if (!w) throw exportError(layer, `it has no "${role}" weight`);
  return w;
}

/** One line naming the layer, its class, and why it cannot be exported. */
export function exportError(layer: Layer, why: string): DnarchError {
  return new DnarchError('BAD_INPUT', `cannot export layer "${layer.name}" (${layer.getClassName()}) to ONNX: ${why}`);
}

/** Spatial layers run in NCHW from channels-last tensors; channels-first models are not mapped. */
export function requireChannelsLast(call: LayerCall): void {
  if (call.config.dataFormat === 'channelsFirst') throw exportError(call.layer, 'only channelsLast data is supported');
}

/** The call's single input and output shape, for one-in one-out layers. */
export const single = (call: LayerCall): [Value, Shape] => [call.inputs[0], call.outputShapes[0]];

/** A value in `layout` with tfjs' shape. */
export const value = (name: string, shape: Shape, layout: Value['layout']): Value => ({ name, shape, layout });

/** A [a, b] pair from a config that holds a number or a pair. */
export function pair(v: unknown, what: string, layer: Layer): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  throw exportError(layer, `unexpected ${what} ${JSON.stringify(v)}`);
}
