import { constants, writeFileSync, type Stats } from 'node:fs';
import { access, lstat, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DnarchError, fsReason } from '../errors.js';
import { fileKind, tempBeside } from '../load/safe-path.js';

export interface StagedFile {
  commit(): Promise<void>;
  abort(): Promise<void>;
}

const ioError = (option: string, file: string, why: string): DnarchError => new DnarchError('IO', `cannot write ${option} ${file}: ${why}`);

/** Paths that name one of the process's open descriptors: written to it, never replaced. */
function descriptorOf(file: string): number | undefined {
  if (file === '/dev/stdout') return 1;
  if (file === '/dev/stderr') return 2;
  const m = /^\/(?:dev\/fd|proc\/self\/fd)\/(\d{1,9})$/.exec(file);
  return m ? Number(m[1]) : undefined;
}

/**
 * Where --out's text goes:
 * - `replace`: a regular file (or a new name) at `path`, written atomically (a temporary file
 *   beside it, then a rename). A symlink to a regular file is followed: the file it points at
 *   is replaced and the link kept.
 * - `stream`: written straight into `path` (opened for appending, never created or renamed):
 *   a character device (a terminal, /dev/null) or a FIFO.
 * - `fd`: one of the process's own descriptors (/dev/stdout, /dev/stderr, /dev/fd/N,
 *   /proc/self/fd/N), written to as it is, whatever it is open on (a pipe, a socket, a file).
 * Anything else (a directory, a block device, a socket, a dangling symlink) is refused.
 */
type OutTarget = { kind: 'replace'; path: string } | { kind: 'stream'; path: string } | { kind: 'fd'; fd: number };

async function outTarget(file: string, option: string): Promise<OutTarget> {
  if (file === '') throw new DnarchError('BAD_OPTION', `${option} needs a path`);
  const fd = descriptorOf(file);
  if (fd !== undefined) return { kind: 'fd', fd };
  let link: Stats;
  try {
    link = await lstat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A new name, or a path through a file: the directory check and the write name the problem.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'replace', path: file };
    throw ioError(option, file, fsReason(e));
  }
  if (link.isFile()) return { kind: 'replace', path: file };
  let s = link;
  if (link.isSymbolicLink()) {
    try {
      s = await stat(file);
    } catch (e) {
      throw ioError(option, file, `a symlink to nothing that can be written (${fsReason(e)})`);
    }
    if (s.isFile()) return { kind: 'replace', path: await realpath(file) };
  }
  if (s.isCharacterDevice() || s.isFIFO()) return { kind: 'stream', path: file };
  throw ioError(option, file, `${link.isSymbolicLink() ? 'a symlink to ' : ''}${fileKind(s)}; ${option} writes a regular file, a character device or a FIFO`);
}

/**
 * `data` in a temporary file beside `file`; `commit` renames it into place, `abort` removes
 * it. Failures are IO errors naming `option` (e.g. "--out"), and leave nothing behind. Only
 * a regular file (or a new name) is replaced: a device, FIFO, directory or other special
 * file in the way is refused, so the rename never puts a file where a device was.
 */
export async function stageFile(file: string, data: string | Uint8Array, option: string): Promise<StagedFile> {
  const target = await outTarget(file, option);
  if (target.kind !== 'replace') throw ioError(option, file, `not a regular file; ${option} writes regular files only`);
  return stageAt(target, file, data, option);
}

/** stageFile for a target outTarget already found to be a regular file or a new name. */
async function stageAt(target: { path: string }, file: string, data: string | Uint8Array, option: string): Promise<StagedFile> {
  const tmp = tempBeside(target.path);
  // Removing what may never have been written: a path through a file (ENOTDIR) must not hide the first error.
  const abort = () => rm(tmp, { force: true }).catch(() => undefined);
  const fail = async (e: unknown): Promise<never> => {
    await abort();
    throw ioError(option, file, fsReason(e));
  };
  try {
    await writeFile(tmp, data, { flag: 'wx' });
  } catch (e) {
    await fail(e);
  }
  return {
    abort,
    async commit() {
      // Checked again at the last moment: something may have appeared at the path meanwhile.
      const now = await outTarget(file, option).catch(async (e: unknown) => {
        await abort();
        throw e;
      });
      if (now.kind !== 'replace' || now.path !== target.path) {
        await abort();
        throw ioError(option, file, 'it changed while dnarch worked (now not a regular file)');
      }
      try {
        await rename(tmp, target.path);
      } catch (e) {
        await fail(e);
      }
    },
  };
}

/**
 * Writes `text` to `file`: atomically (a temporary file beside it, then a rename) for a
 * regular file or a new name, so a reader never sees half a report and a failure leaves
 * nothing behind; straight into a character device or FIFO (see outTarget).
 */
export async function writeAtomic(file: string, text: string, option = '--out'): Promise<void> {
  const target = await outTarget(file, option);
  if (target.kind === 'replace') return (await stageAt(target, file, text, option)).commit();
  try {
    if (target.kind === 'stream') await writeFile(target.path, text, { flag: 'a' });
    else if (target.fd === 1 || target.fd === 2) await writeStream(target.fd === 1 ? process.stdout : process.stderr, text);
    else writeFileSync(target.fd, text);
  } catch (e) {
    throw ioError(option, file, fsReason(e));
  }
}

const writeStream = (stream: NodeJS.WriteStream, text: string): Promise<void> =>
  new Promise((resolve, reject) => stream.write(text, (e) => (e ? reject(e) : resolve())));

/** Fails early, before any work, when --out cannot be written where it points. */
export async function checkOutDir(file: string | undefined): Promise<void> {
  if (file === undefined) return;
  const target = await outTarget(file, '--out');
  if (target.kind !== 'replace') return;
  const dir = dirname(target.path);
  try {
    await access(dir, constants.W_OK);
  } catch (e) {
    throw ioError('--out', file, `its directory ${dir}: ${fsReason(e)}`);
  }
  if (!(await stat(dir)).isDirectory()) throw new DnarchError('IO', `cannot write --out ${file}: ${dir} is not a directory`);
}

/** Prints to stdout, or writes --out. */
export async function emit(text: string, out?: string): Promise<void> {
  if (out !== undefined) await writeAtomic(out, text);
  else process.stdout.write(text);
}
