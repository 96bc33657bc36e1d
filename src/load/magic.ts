/** The first bytes that say what a file is: shared by format detection and the readers. */

/** True when the bytes start like a zip archive (a local file header or an empty archive). */
export function isZipMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with HDF5's signature. */
export const isHdf5Magic = (head: Uint8Array): boolean => head.length >= 8 && HDF5_MAGIC.every((b, i) => head[i] === b);

/** The bytes as text, one character per byte, without a leading UTF-8 byte-order mark. */
const latin1 = (head: Uint8Array): string => new TextDecoder('latin1').decode(head).replace(/^\u00ef\u00bb\u00bf/, '');

/** A Git LFS pointer: what a clone without git-lfs holds in place of the file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md). */
export const isGitLfsPointer = (head: Uint8Array): boolean => latin1(head).startsWith('version https://git-lfs.github.com/spec/');

/** An HTML page (a download that returned a web page: a login, a 404, a "confirm download" page). */
export const isHtml = (head: Uint8Array): boolean => /^\s*(<!doctype\s+html|<html|<head|<body|<!--)/i.test(latin1(head));

/** Nothing but NUL bytes (a preallocated file a download or copy never filled). */
export const isAllNul = (head: Uint8Array): boolean => head.length > 0 && head.every((b) => b === 0);

/**
 * What a file is when its bytes say it is no model at all: a one-line description to follow
 * the file's name ("model.json is a Git LFS pointer ..."), or undefined.
 */
export function notAModelContent(head: Uint8Array): string | undefined {
  if (isGitLfsPointer(head)) return 'is a Git LFS pointer (the real file was never downloaded: run git lfs pull)';
  if (isHtml(head)) return 'is an HTML page, not a model (a download that returned a web page?)';
  if (isAllNul(head)) return 'begins with nothing but NUL bytes (a file that was never written: download or copy it again)';
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
