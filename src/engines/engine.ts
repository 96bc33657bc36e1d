import { DnarchError } from '../errors.js';
import type { NodeLayer } from '../load/onnx/node-layers.js';
import type { GraphFileModel } from './graph-model.js';
import type { OrtTrace } from './ort-trace.js';
import type { RunnableModel } from './runnable-model.js';

/** The engines dnarch can time, fastest first (ResNet50 batch 1 on a 2-core machine: ~18 ms, -, ~250 ms, ~6 s). */
export const ENGINE_NAMES = ['onnxruntime', 'tfjs-node', 'wasm', 'cpu'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export const isEngineName = (s: string): s is EngineName => (ENGINE_NAMES as readonly string[]).includes(s);

/**
 * One input of a model: its shape without the batch axis (NHWC, as tfjs has it). An ONNX
 * input whose first dimension is fixed in the file has no batch axis: `shape` is then the
 * whole shape, used as it is at batch 1.
 */
export interface InputSpec {
  name: string;
  shape: number[];
  /** False for an input whose shape is whole (no batch axis to add). Default true. */
  batchAxis?: boolean;
  /** For a whole shape: the dimension each batch size replaces (an ONNX input's open batch). */
  batchIndex?: number;
  /** ONNX element type of the input (default FLOAT). */
  elemType?: number;
  /** TensorFlow.js graph models: the input's dtype (default float32; uint8 is fed as tfjs' int32 with values 0-255). */
  dtype?: 'float32' | 'int32' | 'uint8' | 'bool';
}

/** An ONNX file run as it is, on onnxruntime: the inputs are the file's, sized for bench. */
export interface OnnxFileModel {
  kind: 'onnx-file';
  name: string;
  file: string;
  inputs: InputSpec[];
  /** The file's nodes and the layers they became (maps ONNX Runtime's profile back to rows). */
  nodeLayers?: NodeLayer[];
}

/** What an engine is asked to load: a tfjs model (zoo or layers file), an ONNX file, or a TensorFlow.js graph model. */
export type EngineModel = RunnableModel | OnnxFileModel | GraphFileModel;

export const isOnnxFile = (m: EngineModel): m is OnnxFileModel => (m as Partial<OnnxFileModel>).kind === 'onnx-file';
export const isGraphFile = (m: EngineModel): m is GraphFileModel => (m as Partial<GraphFileModel>).kind === 'tfjs-graph';

/** Why onnxruntime does not run a TensorFlow.js graph model. */
export const graphOnOnnxruntime = (name: string): string =>
  `${name} is a TensorFlow.js graph model: it runs on the tfjs engines (tfjs-node, wasm, cpu), not on onnxruntime (dnarch converts layers models to ONNX, not TensorFlow graphs)`;

/** The shape of one batch of an input. */
export function batchShape(s: InputSpec, batch: number): number[] {
  if (s.batchIndex !== undefined) return s.shape.map((d, i) => (i === s.batchIndex ? batch : d));
  return s.batchAxis === false ? s.shape : [batch, ...s.shape];
}

/**
 * The inputs of one batch, created once, outside any timed region. `run()` is the whole
 * timed path: the forward pass and the download of every output, so a run is only over
 * when the numbers are in JavaScript memory.
 */
export interface PreparedBatch {
  readonly batch: number;
  run(): Promise<Float32Array[]>;
  dispose(): void;
}

export interface EngineSession {
  readonly engine: EngineName;
  readonly version: string;
  /** Threads the engine computes with; undefined when it is the engine's own default. */
  readonly threads?: number;
  /** Said to the user alongside the numbers (single-threaded, ignored --threads, ...). */
  readonly note?: string;
  readonly inputs: readonly InputSpec[];
  /** `fill(i, shape)` gives input i's values (default: deterministic values in [0, 1)). */
  prepare(batch: number, fill?: InputFill): Promise<PreparedBatch>;
  /**
   * onnxruntime only: `warmup` then `runs` batches in a session of its own with ONNX
   * Runtime's profiler on (the timed session stays unprofiled); the trace, and the graph's
   * nodes with the layers they compute.
   */
  profileKernels?(batch: number, opts: { runs: number; warmup: number }): Promise<{ trace: OrtTrace; nodeLayers: NodeLayer[] }>;
  dispose(): Promise<void>;
}

export type InputFill = (index: number, shape: readonly number[]) => Float32Array;

export interface EngineOptions {
  /** Intra-op threads; engines that cannot honour it say so in their note. */
  threads?: number;
}

export interface Engine {
  readonly name: EngineName;
  load(model: EngineModel, opts?: EngineOptions): Promise<EngineSession>;
}

/** Inputs of a tfjs model, without the batch axis; unknown dimensions are refused (we must make data). */
export function inputSpecs(model: EngineModel): InputSpec[] {
  if (isOnnxFile(model) || isGraphFile(model)) return model.inputs;
  return model.model.inputs.map((t, i) => {
    const shape = t.shape.slice(1);
    if (shape.some((d) => d == null)) {
      throw new DnarchError(
        'BAD_INPUT',
        `${model.name}: input ${i} (${t.name}) has an unknown dimension [${t.shape.map((d) => d ?? '?').join(', ')}]: inference needs a fixed input size (give --input-size or --input-shape)`,
      );
    }
    return { name: t.name, shape: shape as number[] };
  });
}

/**
 * Deterministic input values in [0, 1) (a 32-bit LCG), the same for every engine, so
 * outputs can be compared and no engine is timed on zeros it might shortcut.
 */
export const defaultFill: InputFill = (index, shape) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = (0x9e3779b9 ^ (index + 1)) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
};
