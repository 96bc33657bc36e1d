import { InvalidArgumentError } from 'commander';
import { ENGINE_NAMES, isEngineName, type EngineName } from '../engines/engine.js';

/** Commander argument parsers: each throws InvalidArgumentError, which the CLI turns into exit 2. */

export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return Number(value);
}

export function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a whole number of 0 or more');
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

/** 'auto', 'all', or a comma-separated list of engine names. */
export function parseEngines(value: string): 'auto' | 'all' | EngineName[] {
  const v = value.trim();
  if (v === 'auto' || v === 'all') return v;
  const names = v.split(',').map((s) => s.trim());
  const bad = names.find((n) => !isEngineName(n));
  if (bad !== undefined) throw new InvalidArgumentError(`unknown engine "${bad}": expected auto, all, or some of ${ENGINE_NAMES.join(', ')}`);
  return [...new Set(names as EngineName[])];
}

/** One engine name. */
export function parseEngine(value: string): EngineName {
  if (!isEngineName(value)) throw new InvalidArgumentError(`unknown engine "${value}": expected one of ${ENGINE_NAMES.join(', ')}`);
  return value;
}

/** "1,8,32": batch sizes of 1 or more. */
export function parseBatches(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) throw new InvalidArgumentError('expected batch sizes of 1 or more, e.g. 1,8,32');
  return [...new Set(parts.map(Number))];
}

export function parseSeconds(value: string): number {
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s <= 0) throw new InvalidArgumentError('expected a number of seconds above 0, e.g. 5 or 0.5');
  return s;
}

export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a whole number of 0 or more');
  return Number(value);
}

/** Largest dimension accepted on the command line: far beyond any real tensor, still exact arithmetic. */
const MAX_DIM = 2 ** 31;

/** "name=1x3x224x224" or "1x3x224x224" (the model's only input); the name is everything before the last "=". */
export function parseInputShape(value: string): { name?: string; dims: number[] } {
  const eq = value.lastIndexOf('=');
  const name = eq >= 0 ? value.slice(0, eq) : undefined;
  const text = (eq >= 0 ? value.slice(eq + 1) : value).trim();
  if (name === '') throw new InvalidArgumentError('expected NAME=DIMS, e.g. images=1x3x640x640 (the name before "=" is empty)');
  const parts = text.split(/[xX,]/).map((p) => p.trim());
  if (text === '' || parts.some((p) => !/^\d+$/.test(p))) throw new InvalidArgumentError('expected dimensions such as 1x3x224x224, optionally after NAME=');
  const dims = parts.map(Number);
  if (dims.some((d) => d < 1 || d > MAX_DIM)) throw new InvalidArgumentError(`dimensions must be from 1 to ${MAX_DIM}`);
  if (dims.length > 64) throw new InvalidArgumentError('at most 64 dimensions');
  return name === undefined ? { dims } : { name, dims };
}

/** Commander's collector for a repeatable --input-shape. */
export const collectInputShape = (value: string, previous: { name?: string; dims: number[] }[] = []) => [...previous, parseInputShape(value)];
