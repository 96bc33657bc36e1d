import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DnarchError } from '../errors.js';

/**
 * Writes `text` to `file` atomically: a temporary file beside it, then a rename, so a
 * reader never sees half a report and a failure leaves nothing behind.
 */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new DnarchError('IO', `cannot write --out ${file}: ${reason}`);
  }
}

/** Fails early, before any work, when --out cannot be written where it points. */
export async function checkOutDir(file: string | undefined): Promise<void> {
  if (!file) return;
  try {
    await access(dirname(file), constants.W_OK);
  } catch (e) {
    throw new DnarchError('IO', `cannot write --out ${file}: ${(e as NodeJS.ErrnoException).code ?? 'directory not writable'}`);
  }
}

/** Prints to stdout, or writes --out. */
export async function emit(text: string, out?: string): Promise<void> {
  if (out) await writeAtomic(out, text);
  else process.stdout.write(text);
}
