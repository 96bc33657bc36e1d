import { open } from 'node:fs/promises';
import { DnarchError } from '../errors.js';
import type { FileOptions, ModelFormat, OpenedModel, Sniff } from './format.js';
import { KERAS_ARCHIVE_FORMAT, KERAS_H5_FORMAT, KERAS_JSON_FORMAT } from './keras/format.js';
import { isAllNul, isGitLfsPointer, isGzip, isHtml, isPlainText, isTfSavedModel, isXml, jsonSyntaxReason, notAModelFileContent } from './magic.js';
import { ONNX_FORMAT } from './onnx/format.js';
import { TFJS_GRAPH_FORMAT, TFJS_LAYERS_FORMAT } from './tfjs/format.js';
import { jsonBeyondLimits, jsonLimitMessage } from './limits.js';
import { resolveModelPath } from './paths.js';
import { readCapped, regularFileSize } from './safe-path.js';

/**
 * The model formats dnarch reads, in detection order, each a `match` on the file's content
 * (never its extension) and an `open` that gives the same LayerGraph. Formats dnarch
 * recognises but does not read, and files that are no model at all (a Git LFS pointer, an
 * HTML page saved under a model's name), get one line saying what they are.
 *
 * Frontends are imported when a file needs them: the ONNX path never loads TensorFlow.js.
 */

/** Larger JSON topologies are refused before they are read: real ones are kilobytes to a few megabytes. */
export const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

const HEAD_BYTES = 512;

const ascii = (head: Uint8Array): string => new TextDecoder('latin1').decode(head);

const firstChar = (head: Uint8Array): string => ascii(head).replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '').trimStart()[0] ?? '';

const refuse = (message: (s: Sniff) => string) => async (s: Sniff): Promise<never> => {
  throw new DnarchError('BAD_INPUT', message(s));
};

/** A file that is no model at all, told what it is (magic.ts). */
const otherFile = (name: string, test: (head: Uint8Array) => boolean): ModelFormat => ({
  name,
  match: (s) => test(s.head),
  open: refuse((s) => `${s.file} ${notAModelFileContent(s.head)}`),
});

/** Files that are no model: a Git LFS pointer, a web page or a server's XML error, never-written NULs. */
const NO_MODEL_BINARY = [otherFile('git-lfs-pointer', isGitLfsPointer), otherFile('html', isHtml), otherFile('xml', isXml), otherFile('nul-bytes', isAllNul)];

/** JSON that is neither a layers model nor a Keras topology (a package.json, a tfjs weights_manifest.json). */
const OTHER_JSON: ModelFormat = {
  name: 'json',
  match: (s) => firstChar(s.head) === '{' || firstChar(s.head) === '[',
  open: refuse(
    (s) =>
      `${s.file} is not a layers model or Keras model JSON: expected "modelTopology" (a tfjs model.json) or "class_name" and "config" (Keras to_json)`,
  ),
};

/** Compressed or plain text files: last, as a JSON file is text too. */
const NO_MODEL_TEXT = [otherFile('gzip', isGzip), otherFile('text', isPlainText)];

/** A TensorFlow SavedModel: a model dnarch reads once converted. Before ONNX, which its first bytes would pass for. */
const TF_SAVED_MODEL: ModelFormat = {
  name: 'tf-saved-model',
  match: (s) => isTfSavedModel(s.head),
  open: refuse(
    (s) =>
      `${s.file} is a TensorFlow SavedModel: convert its directory to ONNX (python -m tf2onnx.convert --saved-model DIR --output model.onnx) ` +
      'or to a TensorFlow.js graph model (tensorflowjs_converter --input_format=tf_saved_model DIR web_model)',
  ),
};

/** The formats in detection order. */
export const FORMATS: readonly ModelFormat[] = [
  KERAS_ARCHIVE_FORMAT,
  KERAS_H5_FORMAT,
  TF_SAVED_MODEL,
  ONNX_FORMAT,
  ...NO_MODEL_BINARY,
  TFJS_GRAPH_FORMAT,
  TFJS_LAYERS_FORMAT,
  KERAS_JSON_FORMAT,
  OTHER_JSON,
  ...NO_MODEL_TEXT,
];

/** The entries of FORMATS that are files of another kind, not models. */
const NOT_MODELS: ReadonlySet<ModelFormat> = new Set([...NO_MODEL_BINARY, OTHER_JSON, ...NO_MODEL_TEXT]);

/**
 * True when a file's content is a model of some format (whether dnarch reads it or refuses it
 * with what it is); false for other files and for files that cannot be read or parsed, which
 * a directory holds beside its model (package.json, metadata.json, a weights_manifest.json).
 */
export async function isModelFile(file: string): Promise<boolean> {
  try {
    const { format, sniff: s } = await detectFormat(file);
    return format !== undefined && !NOT_MODELS.has(format) && (format.holdsModel === undefined || (await format.holdsModel(s)));
  } catch {
    return false;
  }
}

async function sniff(file: string): Promise<Sniff> {
  const size = await regularFileSize(file);
  const handle = await open(file, 'r');
  let head: Uint8Array;
  try {
    const buf = new Uint8Array(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  let parsed: Promise<unknown> | undefined;
  const json = () =>
    (parsed ??= readCapped(file, MAX_MODEL_JSON_BYTES).then((b) => {
      const text = b.toString('utf8');
      const beyond = jsonBeyondLimits(text);
      if (beyond) throw new DnarchError('BAD_INPUT', jsonLimitMessage(file, beyond));
      try {
        return JSON.parse(text) as unknown;
      } catch (e) {
        throw new DnarchError('BAD_INPUT', `${file} is not valid JSON: ${jsonSyntaxReason(e)}`);
      }
    }));
  return { file, head, size, json };
}

export type { FileOptions, OpenedModel } from './format.js';

/** The format of a model file (after a directory is resolved to its model), by content. */
export async function detectFormat(file: string): Promise<{ name: string; sniff: Sniff; format?: ModelFormat }> {
  const s = await sniff(file);
  if (s.size === 0) throw new DnarchError('BAD_INPUT', `${file} is empty`);
  let format: ModelFormat | undefined;
  for (const f of FORMATS) {
    if (await f.match(s)) {
      format = f;
      break;
    }
  }
  return { name: format?.name ?? 'unknown', sniff: s, format };
}

/** What a file that no format matches is told. */
export const notAModel = (file: string): DnarchError =>
  new DnarchError('BAD_INPUT', `${file} is not a model file dnarch reads: not ONNX, JSON (tfjs model.json, Keras to_json), a .keras archive or HDF5`);

/** Opens a model file (or a directory holding one) with the frontend its content calls for. */
export async function openModelFile(arg: string, opts: FileOptions = {}): Promise<OpenedModel> {
  const resolved = await resolveModelPath(arg);
  const { sniff: s, format } = await detectFormat(resolved.file);
  if (!format) throw notAModel(resolved.file);
  // A file that is no model is told what it is before any option is weighed against its format.
  if (NOT_MODELS.has(format)) await format.open(s, opts);
  if (format.name !== 'onnx' && format.name !== 'tfjs-graph' && !opts.lenient && opts.batch !== undefined) {
    throw new DnarchError('BAD_OPTION', `--batch sets the open batch dimension of ONNX files; ${resolved.file} is ${['tfjs-layers', 'keras-json'].includes(format.name) ? 'a JSON model' : `a ${format.name} file`}, analysed per sample`);
  }
  const opened = await format.open(s, opts);
  if (resolved.note) opened.notes.unshift(resolved.note);
  if (opts.weights !== undefined) await (await import('./keras/h5/weights-only.js')).checkWeightsFor(opened, format.name, opts);
  return opened;
}
