import { Option, type Command } from 'commander';
import type { FileOptions } from '../load/formats.js';
import type { ModelOptions } from '../zoo/options.js';
import { collectInputShape, parseAlpha, parseInputSize, parsePositiveInt } from './parse.js';

/** The options that shape a zoo architecture, shared by every command that builds one. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--input-size <size>', 'input size, e.g. 224 or 160x192 (default: the model\'s own; model files: the height and width they leave open)', parseInputSize)
    .option('--classes <n>', 'number of classes of the top layer', parsePositiveInt)
    .option('--no-top', 'leave out the classifier (Keras include_top=False)')
    .addOption(new Option('--pooling <kind>', 'pooling at the end when --no-top').choices(['avg', 'max', 'none']))
    .option('--alpha <a>', 'MobileNet width multiplier: 0.25, 0.5, 0.75 or 1.0', parseAlpha);
}

export interface ModelFlags {
  inputSize?: [number, number];
  classes?: number;
  top: boolean;
  pooling?: 'avg' | 'max' | 'none';
  alpha?: number;
}

export function modelOptions(f: ModelFlags): ModelOptions {
  return { inputSize: f.inputSize, classes: f.classes, includeTop: f.top ? undefined : false, pooling: f.pooling, alpha: f.alpha };
}

/** The open dimensions of an ONNX file: --input-shape (repeatable), and --batch unless the command has its own. */
export function addFileOptions(cmd: Command, opts: { batch: boolean } = { batch: true }): Command {
  cmd.option(
    '--input-shape <shape>',
    'model files: the size of an input with open dimensions, ONNX with every dimension (NAME=1x3x224x224), layers models without the batch (NAME=224x224x3); repeatable; no NAME for a model with one input',
    collectInputShape,
  );
  cmd.option('--weights <file.h5>', 'the weights of a topology file (to_json, model.json, .keras or .h5) from a Keras .h5 (save_weights or a full save), checked against it by layer names and shapes');
  if (opts.batch) cmd.option('--batch <n>', 'ONNX files: the value of a symbolic batch dimension (default 1)', parsePositiveInt);
  return cmd;
}

export interface FileFlags {
  inputShape?: { name?: string; dims: number[] }[];
  batch?: number;
  weights?: string;
}

export function fileOptions(f: FileFlags, withBatch = true): FileOptions {
  return { inputShapes: f.inputShape, batch: withBatch ? f.batch : undefined, ...(f.weights !== undefined ? { weights: f.weights } : {}) };
}
