/** Stable error codes. The CLI maps them to exit statuses (see src/cli/main.ts). */
export type ErrorCode =
  | 'UNKNOWN_MODEL'
  | 'BAD_OPTION'
  | 'BAD_INPUT'
  | 'CHECK_FAILED'
  | 'IO';

/** The one error type dnarch throws on purpose. Its message is a single line meant for a person. */
export class DnarchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DnarchError';
    this.code = code;
  }
}

export const isDnarchError = (e: unknown): e is DnarchError => e instanceof DnarchError;

/** What the common file-system error codes mean, in words a user reads. */
const ERRNO_TEXT = new Map<string, string>([
  ['ENOENT', 'no such file or directory'],
  ['ENOTDIR', 'a part of the path is not a directory'],
  ['EISDIR', 'is a directory'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['EEXIST', 'already exists'],
  ['ENAMETOOLONG', 'name too long'],
  ['ELOOP', 'too many levels of symbolic links'],
  ['ENOSPC', 'no space left on the device'],
  ['EROFS', 'read-only file system'],
  ['EMFILE', 'too many open files'],
  ['EBUSY', 'busy'],
  ['EXDEV', 'on another file system'],
]);

/**
 * Why a file operation failed, in words and with its code ("no such file or directory
 * (ENOENT)"), else its message. The caller's message names the path: "cannot read X: ...".
 */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string') {
    const text = ERRNO_TEXT.get(code);
    return text ? `${text} (${code})` : code;
  }
  return String((e as Error)?.message ?? e);
}

/** Longest error line printed: a message quoting a huge list or name is cut, not flooded. */
const MAX_LINE = 2000;

/**
 * Characters that would change how a line reads on a terminal: C0 controls (a newline, an
 * escape sequence), DEL, C1 controls, the Unicode line and paragraph separators, and the
 * bidirectional marks, embeddings, overrides and isolates (which reorder what follows).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
const NAMED = new Map([['\n', '\\n'], ['\r', '\\r'], ['\t', '\\t']]);

/** Text from a file (a name, a class, a message quoting them) with those characters escaped as \n, \u001b, \u202e. */
export const printable = (text: string): string =>
  text.replace(UNPRINTABLE, (c) => NAMED.get(c) ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A copy of a value with every string made printable (names from a file may hold newlines, escapes, bidi overrides). */
export function printableStrings<T>(v: T): T {
  if (typeof v === 'string') return printable(v) as T;
  if (Array.isArray(v)) return v.map(printableStrings) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, printableStrings(x)])) as T;
  return v;
}

/**
 * A message as one printable line: control characters (a newline or an escape sequence in
 * a name from a file) are escaped, and an overlong message is cut. The CLI prints every
 * error through this, whatever quoted what.
 */
export function printableLine(message: string): string {
  const escaped = printable(message);
  return escaped.length > MAX_LINE ? `${escaped.slice(0, MAX_LINE)}... (${escaped.length - MAX_LINE} more characters)` : escaped;
}
