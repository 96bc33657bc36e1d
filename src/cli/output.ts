import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DnarchError, fsReason } from '../errors.js';

export interface StagedFile {
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * `data` in a temporary file beside `file`; `commit` renames it into place, `abort` removes
 * it. Failures are IO errors naming `option` (e.g. "--out"), and leave nothing behind.
 */
export async function stageFile(file: string, data: string | Uint8Array, option: string): Promise<StagedFile> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  // Removing what may never have been written: a path through a file (ENOTDIR) must not hide the first error.
  const abort = () => rm(tmp, { force: true }).catch(() => undefined);
  const fail = async (e: unknown): Promise<never> => {
    await abort();
    throw new DnarchError('IO', `cannot write ${option} ${file}: ${fsReason(e)}`);
  };
  try {
    await writeFile(tmp, data, { flag: 'wx' });
  } catch (e) {
    await fail(e);
  }
  return {
    abort,
    async commit() {
      try {
        await rename(tmp, file);
      } catch (e) {
        await fail(e);
      }
    },
  };
}

/**
 * Writes `text` to `file` atomically: a temporary file beside it, then a rename, so a
 * reader never sees half a report and a failure leaves nothing behind.
 */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await (await stageFile(file, text, '--out')).commit();
}

/** Fails early, before any work, when --out cannot be written where it points. */
export async function checkOutDir(file: string | undefined): Promise<void> {
  if (!file) return;
  const dir = dirname(file);
  try {
    await access(dir, constants.W_OK);
  } catch (e) {
    throw new DnarchError('IO', `cannot write --out ${file}: its directory ${dir}: ${fsReason(e)}`);
  }
  if (!(await stat(dir)).isDirectory()) throw new DnarchError('IO', `cannot write --out ${file}: ${dir} is not a directory`);
}

/** Prints to stdout, or writes --out. */
export async function emit(text: string, out?: string): Promise<void> {
  if (out) await writeAtomic(out, text);
  else process.stdout.write(text);
}
