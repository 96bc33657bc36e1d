import { InvalidArgumentError } from 'commander';

/** Commander argument parsers: each throws InvalidArgumentError, which the CLI turns into exit 2. */

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return Number(value);
}

/** "224" or "160x192" (height x width). */
export function parseInputSize(value: string): [number, number] {
  const m = /^\s*(\d+)\s*(?:[xX,]\s*(\d+))?\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected a size such as 224 or 160x192');
  const h = Number(m[1]);
  const w = Number(m[2] ?? m[1]);
  if (h < 1 || w < 1) throw new InvalidArgumentError('sizes must be 1 or more');
  return [h, w];
}

export function parseAlpha(value: string): number {
  const a = Number(value);
  if (value.trim() === '' || !Number.isFinite(a) || a <= 0) throw new InvalidArgumentError('expected a positive number such as 0.5');
  return a;
}
