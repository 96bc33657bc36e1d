import { open } from 'node:fs/promises';
import type { LayerGraph } from '../graph/types.js';
import { DnarchError } from '../errors.js';
import type { OnnxOptions, OpenedOnnx } from './onnx/open.js';
import { isAllNul, isGitLfsPointer, isHdf5Magic, isHtml, isZipMagic, jsonSyntaxReason, notAModelContent } from './magic.js';
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

export type FileOptions = OnnxOptions;

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

interface Sniff {
  file: string;
  head: Uint8Array;
  size: number;
  /** The file parsed as JSON, read on first call (only for files that start like JSON). */
  json(): Promise<unknown>;
}

interface ModelFormat {
  name: string;
  match(s: Sniff): boolean;
  open(s: Sniff, opts: FileOptions): Promise<OpenedModel>;
}

const HEAD_BYTES = 512;

const ascii = (head: Uint8Array): string => new TextDecoder('latin1').decode(head);

/** ModelProto's top-level fields: field number -> wire type (0 varint, 2 length-delimited). */
const MODEL_FIELDS = new Map<number, number>([[1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2]]);

/**
 * True when the first bytes parse as ModelProto fields: known field numbers with their wire
 * types and an ir_version between 1 and 100. JSON, HDF5, zip, HTML and text all fail on
 * their first byte. A length past the end of the file after a valid first field is a
 * truncated ONNX file, for the ONNX reader to say so.
 */
export function looksLikeOnnx(head: Uint8Array, size: number): boolean {
  let pos = 0;
  const varint = (): number | undefined => {
    let v = 0;
    for (let shift = 0; shift < 63; shift += 7) {
      if (pos >= head.length) return undefined;
      const b = head[pos++];
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    return undefined;
  };
  let fields = 0;
  while (pos < head.length && fields < 4) {
    const tag = varint();
    if (tag === undefined) return fields > 0;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (MODEL_FIELDS.get(field) !== wire) return false;
    const value = varint();
    if (value === undefined) return fields > 0;
    if (field === 1 && (value < 1 || value > 100)) return false;
    if (wire === 2) {
      if (pos + value > size) return fields > 0;
      pos += value;
    }
    fields++;
  }
  return fields > 0;
}

const firstChar = (head: Uint8Array): string => ascii(head).replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, '').trimStart()[0] ?? '';

const refuse = (message: (s: Sniff) => string) => async (s: Sniff): Promise<never> => {
  throw new DnarchError('BAD_INPUT', message(s));
};

async function openOnnxFormat(s: Sniff, opts: FileOptions): Promise<OpenedModel> {
  const { openOnnx } = await import('./onnx/open.js');
  const o = await openOnnx(s.file, opts);
  return {
    file: s.file,
    graph: o.graph,
    format: { name: 'onnx', details: o.details },
    notes: o.notes,
    engine: { analysis: 'dnarch ONNX shape inference', note: 'no weights are read: shapes are inferred from the graph, sizes from the file' },
    paramsByDtype: o.paramsByDtype,
    constants: o.constants,
    onnx: o,
  };
}

async function openLayersFormat(s: Sniff, name: string, opts: FileOptions): Promise<OpenedModel> {
  const { layersGraph } = await import('./layers-file.js');
  const notes: string[] = [];
  return {
    file: s.file,
    graph: await layersGraph(s.file, opts, notes),
    format: { name, details: {} },
    notes,
    engine: { analysis: 'tfjs cpu', note: 'shape inference only: no weights are computed or read' },
  };
}

/** A JSON file: a tfjs layers-model or a Keras to_json() topology; a graph model is named as such. */
async function openJson(s: Sniff, opts: FileOptions): Promise<OpenedModel> {
  const json = await s.json();
  const obj = json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  const topology = obj?.modelTopology as Record<string, unknown> | undefined;
  if (topology && typeof topology === 'object' && Array.isArray(topology.node)) {
    throw new DnarchError(
      'BAD_INPUT',
      `${s.file} is a TensorFlow.js graph model (a converted TensorFlow graph, no layers): dnarch reads layers models, Keras JSON, .keras archives and ONNX files`,
    );
  }
  if (obj && ['modelTopology', 'class_name', 'model_config'].some((k) => Object.hasOwn(obj, k))) {
    return openLayersFormat(s, Object.hasOwn(obj, 'modelTopology') ? 'tfjs-layers' : 'keras-json', opts);
  }
  throw new DnarchError(
    'BAD_INPUT',
    `${s.file} is not a layers model or Keras model JSON: expected "modelTopology" (a tfjs model.json) or "class_name" and "config" (Keras to_json)`,
  );
}

/** The formats in detection order. */
export const FORMATS: readonly ModelFormat[] = [
  { name: 'keras', match: (s) => isZipMagic(s.head), open: (s, opts) => openLayersFormat(s, 'keras', opts) },
  {
    name: 'hdf5',
    match: (s) => isHdf5Magic(s.head),
    open: refuse(
      (s) =>
        `${s.file} is an HDF5 file (a Keras 2 .h5 model or weights): dnarch reads .keras archives, model.json, Keras to_json() files and ONNX; ` +
        'save with model.save("model.keras") or convert with tensorflowjs_converter',
    ),
  },
  { name: 'onnx', match: (s) => looksLikeOnnx(s.head, s.size), open: openOnnxFormat },
  // Files that are no model at all, each told what it is (magic.ts).
  { name: 'git-lfs-pointer', match: (s) => isGitLfsPointer(s.head), open: refuse((s) => `${s.file} ${notAModelContent(s.head)}`) },
  { name: 'html', match: (s) => isHtml(s.head), open: refuse((s) => `${s.file} ${notAModelContent(s.head)}`) },
  { name: 'nul-bytes', match: (s) => isAllNul(s.head), open: refuse((s) => `${s.file} ${notAModelContent(s.head)}`) },
  { name: 'json', match: (s) => firstChar(s.head) === '{' || firstChar(s.head) === '[', open: (s, opts) => openJson(s, opts) },
];

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

/** The format of a model file (after a directory is resolved to its model), by content. */
export async function detectFormat(file: string): Promise<{ name: string; sniff: Sniff; format?: ModelFormat }> {
  const s = await sniff(file);
  if (s.size === 0) throw new DnarchError('BAD_INPUT', `${file} is empty`);
  const format = FORMATS.find((f) => f.match(s));
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
  if (format.name !== 'onnx' && !opts.lenient && opts.batch !== undefined) {
    throw new DnarchError('BAD_OPTION', `--batch sets the open batch dimension of ONNX files; ${resolved.file} is ${format.name === 'json' ? 'a JSON model' : `a ${format.name} file`}, analysed per sample`);
  }
  const opened = await format.open(s, opts);
  if (resolved.note) opened.notes.unshift(resolved.note);
  return opened;
}
