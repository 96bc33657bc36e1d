import type { LayerGraph } from '../graph/types.js';
import type { OnnxOptions, OpenedOnnx } from './onnx/open.js';

/**
 * What every model format is: a `match` on the file's content (never its extension) and an
 * `open` that gives the same LayerGraph, listed in the registry (formats.ts) in detection
 * order. Each format's pair lives in its own folder (keras/, tfjs/, onnx/).
 */

export type FileOptions = OnnxOptions & {
  /** --weights: a Keras .h5 whose weights go with a topology file (checked against it by names and shapes). */
  weights?: string;
};

export interface OpenedModel {
  file: string;
  graph: LayerGraph;
  format: { name: string; details: Record<string, string> };
  notes: string[];
  /** How the numbers were obtained, for the report. */
  engine: { analysis: string; note: string };
  paramsByDtype?: Record<string, number>;
  constants?: OpenedOnnx['constants'];
  /** Set for ONNX files: what bench needs to run the file as it is. */
  onnx?: OpenedOnnx;
}

/** What detection knows of a file: its first bytes, its size, and (for JSON) its parsed content. */
export interface Sniff {
  file: string;
  head: Uint8Array;
  size: number;
  /** The file parsed as JSON, read on first call (only for files that start like JSON). */
  json(): Promise<unknown>;
}

export interface ModelFormat {
  name: string;
  match(s: Sniff): boolean | Promise<boolean>;
  open(s: Sniff, opts: FileOptions): Promise<OpenedModel>;
  /**
   * False for a file of this format that holds no model (a weights-only .h5 from
   * save_weights): a directory's model is then looked for among its other files. Without
   * it, every file the format matches counts as a model.
   */
  holdsModel?(s: Sniff): boolean | Promise<boolean>;
}
