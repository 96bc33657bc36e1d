import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DnarchError } from '../errors.js';

/**
 * Safe access to files named inside a model file (weight shards): a model.json comes from
 * anywhere, so the names it gives must not reach outside the model's directory, and what
 * they name must be a regular file of bounded size. Every failure is a one-line
 * DnarchError('BAD_INPUT') naming the path and the reason.
 */

const show = (p: string): string => JSON.stringify(p.length > 200 ? `${p.slice(0, 200)}...` : p);

const bad = (relative: string, why: string): DnarchError =>
  new DnarchError('BAD_INPUT', `${show(relative)}: ${why}`);

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory, not a regular file',
  ENAMETOOLONG: 'name too long',
};
const errnoText = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code ? `${ERRNO[code] ?? 'cannot be read'} (${code})` : String((e as Error)?.message ?? e);
};

/** True when `child` is `parent` itself or lies below it (both absolute, normalised). */
function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  if (rel === '') return true;
  if (path.isAbsolute(rel)) return false; // another drive on Windows
  return rel.split(path.sep)[0] !== '..';
}

/**
 * Resolves `relative` (a path written in a model file) against `dir` (the model's
 * directory) and returns the real path of the existing file it names. Rejected: empty
 * names, NUL bytes, URLs and scheme-like names (`http:`, `file:`, `data:`), absolute paths
 * (POSIX, drive letters, UNC), any `..` segment (whether or not it would stay inside), and
 * names whose real path (symbolic links followed) is not strictly inside realpath(dir).
 * The target must exist: a missing file is reported here, as "no such file".
 */
export async function resolveInside(dir: string, relative: string): Promise<string> {
  const real = await resolveInsideIfPresent(dir, relative, { missing: 'throw' });
  return real as string;
}

/**
 * As resolveInside, but a name whose file does not exist is not an error: undefined
 * (ONNX external data is checked for escapes, yet analysis does not need the file).
 */
export async function resolveInsideIfPresent(dir: string, relative: string, opts: { missing: 'throw' | 'undefined' } = { missing: 'undefined' }): Promise<string | undefined> {
  if (typeof relative !== 'string') throw bad(String(relative), 'is not a path (expected a string)');
  if (relative === '') throw bad(relative, 'is an empty path');
  if (relative.includes('\0')) throw bad(relative, 'contains a NUL byte');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(relative);
  if (scheme && scheme[1].length > 1) {
    throw bad(relative, `is a URL (${scheme[1]}:): weight files must be paths relative to the model file`);
  }
  if (scheme || path.posix.isAbsolute(relative) || path.win32.isAbsolute(relative)) {
    throw bad(relative, 'is an absolute path: weight files must be paths relative to the model file');
  }
  if (relative.split(/[\\/]/).includes('..')) {
    throw bad(relative, `has a ".." segment: weight files must stay inside the model's directory ${dir}`);
  }
  const lexical = path.resolve(dir, relative);
  if (!within(path.resolve(dir), lexical) || lexical === path.resolve(dir)) {
    throw bad(relative, `does not name a file inside the model's directory ${dir}`);
  }
  let realDir: string;
  try {
    realDir = await realpath(dir);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `${show(dir)}: the model's directory ${errnoText(e)}`);
  }
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (e) {
    if (opts.missing === 'undefined' && (e as NodeJS.ErrnoException)?.code === 'ENOENT') return undefined;
    throw bad(relative, `${errnoText(e)} in ${dir}`);
  }
  if (!within(realDir, real) || real === realDir) {
    throw bad(relative, `resolves through a symbolic link to ${real}, outside the model's directory ${realDir}`);
  }
  return real;
}

/** What a file that is not a regular one is, for a refusal ("a directory", "a FIFO (named pipe)"). */
export function fileKind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

// O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it is then refused).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

async function openRegular(file: string) {
  let handle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `${file}: ${errnoText(e)}`);
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw new DnarchError('BAD_INPUT', `${file}: is ${fileKind(s)}, not a regular file`);
    return { handle, size: s.size };
  } catch (e) {
    await handle.close();
    if (e instanceof DnarchError) throw e;
    throw new DnarchError('BAD_INPUT', `${file}: ${errnoText(e)}`);
  }
}

/** The size of a regular file; directories, FIFOs, devices and sockets are refused without reading. */
export async function regularFileSize(file: string): Promise<number> {
  const { handle, size } = await openRegular(file);
  await handle.close();
  return size;
}

/**
 * Reads a regular file whole, refusing (before reading a byte) anything that is not a
 * regular file and any file larger than `maxBytes`. At most `maxBytes` bytes are ever read,
 * even if the file grows meanwhile; a file that shrinks meanwhile gives fewer bytes.
 */
export async function readCapped(file: string, maxBytes: number): Promise<Buffer> {
  if (!(maxBytes >= 0)) throw new RangeError(`readCapped: maxBytes must be >= 0, got ${maxBytes}`);
  const { handle, size } = await openRegular(file);
  try {
    if (size > maxBytes) {
      throw new DnarchError('BAD_INPUT', `${file}: is ${size} bytes, more than the ${maxBytes}-byte limit`);
    }
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await handle.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === size ? buf : buf.subarray(0, got);
  } catch (e) {
    if (e instanceof DnarchError) throw e;
    throw new DnarchError('BAD_INPUT', `${file}: ${errnoText(e)}`);
  } finally {
    await handle.close();
  }
}

/** Longest file name (bytes) most file systems take; the temporary name stays under it. */
const NAME_MAX = 255;

/** A temporary name beside `file`, short enough to be created wherever `file` could be. */
export function tempBeside(file: string): string {
  const suffix = `.${randomBytes(6).toString('hex')}.tmp`;
  let stem = `.${path.basename(file)}`;
  while (Buffer.byteLength(stem + suffix) > NAME_MAX) stem = stem.slice(0, -1);
  return path.join(path.dirname(file), stem + suffix);
}
