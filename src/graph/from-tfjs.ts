import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { layerOrder } from './layer-order.js';
import type { LayerGraph, LayerNode, Shape, WeightInfo } from './types.js';

type TfLayer = LayersModel['layers'][number];

/** Normalises tfjs' `Shape | Shape[]` to a list of shapes. */
function shapeList(s: unknown): Shape[] {
  if (!Array.isArray(s) || s.length === 0) return [];
  return Array.isArray(s[0]) ? (s as Shape[]) : [s as Shape];
}

function weightsOf(layer: TfLayer): WeightInfo[] {
  const trainable = new Set(layer.trainableWeights.map((w) => w.name));
  return layer.weights.map((w) => ({
    name: w.name,
    shape: [...w.shape] as number[],
    dtype: w.dtype,
    trainable: trainable.has(w.name),
  }));
}

function nodeOf(layer: TfLayer, block: string[]): LayerNode {
  // A layer applied once inside this model has exactly one inbound node; InputLayers have
  // one with no inbound layers.
  const call = layer.inboundNodes[0];
  return {
    name: layer.name,
    className: layer.getClassName(),
    config: layer.getConfig() as Record<string, unknown>,
    inputShapes: call ? shapeList(call.inputShapes) : [],
    outputShapes: call ? shapeList(call.outputShapes) : shapeList(layer.outputShape),
    weights: weightsOf(layer),
    inbound: call ? call.inboundLayers.map((l) => l.name) : [],
    block,
  };
}

function toGraph(
  name: string,
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  layers: TfLayer[],
  blocks?: Map<string, string[]>,
): LayerGraph {
  return {
    name,
    // From the tensors, not inputLayers/outputLayers: a tfjs Sequential keeps those empty.
    inputs: inputs.map((t) => t.sourceLayer.name),
    outputs: outputs.map((t) => t.sourceLayer.name),
    nodes: layers.map((l) => nodeOf(l, blocks?.get(l.name) ?? [])),
  };
}

/**
 * Walks a built tfjs LayersModel into a plain LayerGraph. `model.layers` is already in
 * topological order (tfjs sorts a functional model's layers by depth, as Keras does).
 */
export function graphFromTfjs(model: LayersModel, blocks?: Map<string, string[]>): LayerGraph {
  return toGraph(model.name, model.inputs, model.outputs, model.layers, blocks);
}

/**
 * The same LayerGraph as `graphFromTfjs(tfl.model({ inputs, outputs, name }))`, from the
 * symbolic tensors of layers already applied, without building the LayersModel: tfjs'
 * model constructor is quadratic in the layer count, this is linear (see layer-order.ts).
 */
export function graphFromSymbolic(
  inputs: SymbolicTensor[],
  outputs: SymbolicTensor[],
  name: string,
  blocks?: Map<string, string[]>,
): LayerGraph {
  return toGraph(name, inputs, outputs, layerOrder(inputs, outputs), blocks);
}
