import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { walkCalls } from '../../graph/layer-order.js';
import { OPAQUE_CLASS_NAME } from '../../load/tfjs/opaque-layer.js';
import { attr, OnnxGraph, type Shape, type Value } from './graph.js';
import { exportError, isContainer, type Layer } from './layer-call.js';
import { DataType, encodeModel, type ValueInfoMsg } from '../../load/onnx/proto.js';
import type { NodeLayer } from '../../load/onnx/node-layers.js';
import { ONNX_MAPPERS } from './registry.js';
import { foldZeroPads } from './fold-pads.js';

export interface ExportOnnxOptions {
  /** Written to ModelProto.producer_version. */
  producerVersion?: string;
}

/** ONNX IR 8 and opset 17: what onnxruntime 1.14+ and most converters read. */
export const IR_VERSION = 8;
export const OPSET = 17;

/**
 * Serialises a tfjs LayersModel (with its current weights) as an ONNX ModelProto
 * (ir_version 8, opset 17). Inputs and outputs keep tfjs' NHWC layout and names, with a
 * dynamic batch dimension named 'batch', float32: the same Float32Array feeds tfjs and
 * onnxruntime. Inside, spatial ops run in NCHW (see graph.ts: Layout).
 * Throws BAD_INPUT naming the first layer that has no ONNX mapping.
 */
export function exportOnnx(model: LayersModel, opts: ExportOnnxOptions = {}): Uint8Array {
  return exportOnnxWithLayers(model, opts).bytes;
}

/** The export and, for each node written, the layer it computes (nodes are named after layers). */
export function exportOnnxWithLayers(model: LayersModel, opts: ExportOnnxOptions = {}): { bytes: Uint8Array; nodeLayers: NodeLayer[] } {
  const g = new OnnxGraph();
  const inputNames = model.inputs.map((t, i) => g.unique(model.inputNames[i] ?? t.name));
  const outputNames = model.outputs.map((t, i) => g.unique(model.outputNames[i] ?? t.name));
  const inputs: Value[] = model.inputs.map((t, i) => ({ name: inputNames[i], shape: t.shape, layout: 'natural' }));
  const outputs = evaluate(g, model, inputs, '');
  outputs.forEach((v, i) => bindOutput(g, v, outputNames[i], outputs));
  foldZeroPads(g, outputNames);
  const stored = new Map(g.initializers.map((t) => [t.name, t.rawData?.byteLength ?? (t.int64Data?.length ?? 0) * 8]));
  const nodeLayers = g.nodes.map((n) => ({
    name: n.name, op: n.opType, inputs: n.input, outputs: n.output, layer: g.layerOfNode.get(n),
    ...(g.absorbed.has(n) ? { also: g.absorbed.get(n) } : {}),
    weightBytes: n.input.reduce((s, i) => s + (stored.get(i) ?? 0), 0),
  }));
  const bytes = encodeModel({
    irVersion: IR_VERSION,
    producerName: 'dnarch',
    producerVersion: opts.producerVersion ?? '',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: model.inputs.map((t, i) => valueInfo(inputNames[i], t.shape)),
      output: model.outputs.map((t, i) => valueInfo(outputNames[i], t.shape)),
    },
  });
  return { bytes, nodeLayers };
}

/**
 * Makes the graph output `name` hold `v` in tfjs' order: the node computing it is renamed
 * when nothing else reads its value, else a Transpose (NCHW values) or an Identity.
 */
function bindOutput(g: OnnxGraph, v: Value, name: string, outputs: Value[]): void {
  const natural = v.layout === 'natural' ? v.name : v.other;
  if (natural === undefined) {
    g.node('Transpose', [v.name], [attr.ints('perm', [0, 2, 3, 1])], '', name);
    return;
  }
  const producer = g.producer(natural);
  const read = g.nodes.some((n) => n.input.includes(natural)) || outputs.filter((o) => o.name === natural || o.other === natural).length > 1;
  if (producer && !read) {
    producer.output[0] = name;
    producer.name = name;
  } else {
    g.node('Identity', [natural], [], '', name);
  }
}

/** A float32 tensor's declaration; the batch axis is 'batch', other unknown axes get their own name. */
function valueInfo(name: string, shape: Shape): ValueInfoMsg {
  const dim = shape.map((d, i) => (i === 0 ? { dimParam: 'batch' } : d == null ? { dimParam: `${name}_dim${i}` } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}

/**
 * Writes the calls of `model` in topological order, its inputs bound to `inputs`; returns
 * its outputs. A nested model is walked the same way with its call's inputs, so its
 * layers are written once per call.
 */
function evaluate(g: OnnxGraph, model: LayersModel, inputs: Value[], prefix: string): Value[] {
  const values = new Map<number, Value>();
  model.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  const valueOf = (t: SymbolicTensor, layer: Layer): Value => {
    const v = values.get(t.id);
    if (!v) throw exportError(layer, `its input ${t.name} is not computed by the model`);
    return v;
  };
  for (const node of walkCalls(model.outputs).postOrder) {
    const layer = node.outboundLayer;
    if (node.inboundLayers.length === 0) continue; // an InputLayer: bound above
    const callIndex = layer.inboundNodes.indexOf(node);
    const base = `${prefix}${layer.name}${callIndex > 0 ? `@${callIndex}` : ''}`;
    const ins = node.inputTensors.map((t) => valueOf(t, layer));
    const outs = isContainer(layer) ? evaluate(g, layer, ins, `${base}/`) : mapLayer(g, layer, ins, node.outputTensors.map((t) => t.shape), base);
    node.outputTensors.forEach((t, i) => values.set(t.id, outs[i]));
  }
  return model.outputs.map((t) => valueOf(t, t.sourceLayer));
}

function mapLayer(g: OnnxGraph, layer: Layer, inputs: Value[], outputShapes: Shape[], base: string): Value[] {
  const registered = (layer.constructor as { className?: string }).className;
  const className = layer.getClassName();
  const mapper = registered === OPAQUE_CLASS_NAME || !Object.hasOwn(ONNX_MAPPERS, className) ? undefined : ONNX_MAPPERS[className];
  if (!mapper) throw exportError(layer, `no ONNX mapping for ${className}`);
  g.layer = base;
  const outs = mapper(g, { layer, config: layer.getConfig() as Record<string, unknown>, inputs, outputShapes, base });
  g.layer = undefined;
  if (outs.length !== outputShapes.length) throw exportError(layer, `mapped to ${outs.length} outputs, tfjs has ${outputShapes.length}`);
  return outs;
}
