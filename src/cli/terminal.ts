/** What the terminal can show: colour, and progress on stderr. Decided here, once. */

import { printableLine } from '../errors.js';

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if ('NO_COLOR' in process.env && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Progress only for a person watching: stderr is a terminal, not CI, not machine output. */
export function showProgress(format: string): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && format !== 'json';
}

/** A one-line status on stderr, cleared when the work is done. */
export async function withStatus<T>(enabled: boolean, label: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  process.stderr.write(`${label}…`);
  try {
    return await work();
  } finally {
    process.stderr.write('\r\x1b[2K');
  }
}

/** A note a person should not miss, as one line on stderr (over a status line, when one is drawn). */
export function stderrNote(text: string): void {
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}dnarch: note: ${printableLine(text)}\n`);
}
