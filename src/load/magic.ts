import { open } from 'node:fs/promises';
/** The first bytes that say what a file is: shared by format detection and the readers. */

/** True when the bytes start like a zip archive (a local file header or an empty archive). */
export function isZipMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with HDF5's signature. */
export const isHdf5Magic = (head: Uint8Array): boolean => head.length >= 8 && HDF5_MAGIC.every((b, i) => head[i] === b);

/** Past a user block, HDF5's signature is at 512, 1024, 2048, ... bytes; dnarch looks up to 1 MiB. */
const USER_BLOCK_OFFSETS = Array.from({ length: 12 }, (_, k) => 512 * 2 ** k);

/** True when the file has HDF5's signature after a user block (h5py's userblock_size). */
export async function hasHdf5AfterUserBlock(file: string, size: number): Promise<boolean> {
  const offsets = USER_BLOCK_OFFSETS.filter((o) => o + 8 <= size);
  if (offsets.length === 0) return false;
  const handle = await open(file, 'r');
  try {
    const sig = new Uint8Array(8);
    for (const at of offsets) {
      const { bytesRead } = await handle.read(sig, 0, 8, at);
      if (bytesRead === 8 && isHdf5Magic(sig)) return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}

/** The bytes as text, one character per byte, without a leading UTF-8 byte-order mark. */
const latin1 = (head: Uint8Array): string => new TextDecoder('latin1').decode(head).replace(/^\u00ef\u00bb\u00bf/, '');

/** A Git LFS pointer: what a clone without git-lfs holds in place of the file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md). */
export const isGitLfsPointer = (head: Uint8Array): boolean => latin1(head).startsWith('version https://git-lfs.github.com/spec/');

/** An HTML page (a download that returned a web page: a login, a 404, a "confirm download" page). */
export const isHtml = (head: Uint8Array): boolean => /^\s*(<!doctype\s+html|<html|<head|<body|<!--)/i.test(latin1(head));

/** Nothing but NUL bytes (a preallocated file a download or copy never filled). */
export const isAllNul = (head: Uint8Array): boolean => head.length > 0 && head.every((b) => b === 0);

/** An XML document: what S3, Google Cloud Storage and Azure send back for a denied or missing object. */
export const isXml = (head: Uint8Array): boolean => /^\s*<\?xml[\s?]/i.test(latin1(head));

/** gzip's signature (RFC 1952): a model.json.gz or .h5.gz saved under the inner file's name. */
export const isGzip = (head: Uint8Array): boolean => head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b && head[2] === 8;

/**
 * A TensorFlow SavedModel's saved_model.pb: saved_model_schema_version 1 (field 1), then a
 * MetaGraphDef (field 2) whose first field is its meta_info_def (field 1, bytes). An ONNX file
 * that started so would have ir_version 1 and a producer_name beginning with a newline.
 */
export function isTfSavedModel(head: Uint8Array): boolean {
  if (head.length < 5 || head[0] !== 0x08 || head[1] !== 0x01 || head[2] !== 0x12) return false;
  let pos = 3;
  while (pos < head.length && pos < 13 && head[pos] & 0x80) pos++; // the MetaGraphDef's length
  return head[pos + 1] === 0x0a;
}

/**
 * Text that is no JSON: every byte of the head printable ASCII, tab, CR or LF, or part of
 * UTF-8 text (raw.githubusercontent.com answers a missing file with "404: Not Found"). No
 * binary format dnarch reads starts so: ONNX begins with a field tag below 0x20, zip and HDF5
 * with their signatures. Only for model files: a tiny weight shard may be all printable.
 */
export function isPlainText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  const text = new TextDecoder('latin1').decode(head).replace(/^\u00ef\u00bb\u00bf/, '');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return false;
  return head.every((b) => b === 9 || b === 10 || b === 13 || (b >= 0x20 && b !== 0x7f));
}

/** A Keras YAML topology (model.to_yaml(), Keras 1 and 2 up to 2.5): keys of a model config at the start of a line. */
const isKerasYaml = (head: Uint8Array): boolean => /^(class_name|config|keras_version|backend): /m.test(latin1(head));

/**
 * What a file is when its bytes say it is no model at all: a one-line description to follow
 * the file's name ("model.json is a Git LFS pointer ..."), or undefined.
 */
export function notAModelContent(head: Uint8Array): string | undefined {
  if (isGitLfsPointer(head)) return 'is a Git LFS pointer (the real file was never downloaded: run git lfs pull)';
  if (isHtml(head)) return 'is an HTML page, not a model (a download that returned a web page?)';
  if (isAllNul(head)) return 'begins with nothing but NUL bytes (a file that was never written: download or copy it again)';
  if (isXml(head)) return 'is an XML document, not a model (a storage server\'s error, such as AccessDenied or NoSuchKey?)';
  return undefined;
}

/**
 * As notAModelContent, for a file given as a model (not a weight shard): also gzip and
 * plain text, which a shard's bytes could start like.
 */
export function notAModelFileContent(head: Uint8Array): string | undefined {
  const known = notAModelContent(head);
  if (known) return known;
  if (isGzip(head)) return 'is gzip-compressed: decompress it (gunzip) and give the file inside';
  if (isPlainText(head) && isKerasYaml(head)) return 'is a Keras YAML topology (model.to_yaml()): dnarch reads its JSON form, model.to_json()';
  if (isPlainText(head)) return 'is plain text, not a model (a download that returned an error message?)';
  return undefined;
}

/**
 * JSON.parse's reason without the excerpt of the text V8 quotes ("Unexpected token 'v',
 * "version ht"... is not valid JSON"): a file's content is not repeated in a message.
 */
export function jsonSyntaxReason(e: unknown): string {
  const text = String((e as Error)?.message ?? e).split('\n')[0];
  return text.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '').replace(/ is not valid JSON$/, '').slice(0, 200);
}
