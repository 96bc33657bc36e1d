import type { LayersModel } from '@tensorflow/tfjs-layers';

export interface ExportOnnxOptions {
  /** Written to ModelProto.producer_version. */
  producerVersion?: string;
}

/**
 * Serialises a tfjs LayersModel (with its current weights) as an ONNX ModelProto
 * (ir_version 8, opset 17). Inputs and outputs keep tfjs' NHWC layout and names, with a
 * dynamic batch dimension named 'batch', float32.
 */
export function exportOnnx(model: LayersModel, opts: ExportOnnxOptions = {}): Uint8Array {
  void model;
  void opts;
  throw new Error('exportOnnx: not implemented yet');
}
