import { expect } from 'vitest';
import { DnarchError } from '../../src/errors.js';

/**
 * The one-line BAD_INPUT message that `work` (a promise, or a function to call) rejects
 * with; when `file` is given, the message must name it first.
 */
export async function rejection(work: Promise<unknown> | (() => unknown), file?: string): Promise<string> {
  let e: unknown;
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err) {
    e = err;
  }
  expect(e).toBeInstanceOf(DnarchError);
  expect((e as DnarchError).code).toBe('BAD_INPUT');
  const msg = (e as DnarchError).message;
  expect(msg).not.toContain('\n');
  if (file) expect(msg.startsWith(`${file}: `)).toBe(true);
  return msg;
}
