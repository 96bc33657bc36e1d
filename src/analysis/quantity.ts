/**
 * Human-written quantities for budgets: "25.6M" parameters, "3.9G" MACs, "120MB" of weights,
 * "50" ms. Counts take SI suffixes (k = 10^3, M = 10^6, G = 10^9, T = 10^12). Sizes take SI
 * byte units (kB = KB = 10^3 B, MB = 10^6 B, GB = 10^9 B) or binary ones (KiB = 2^10 B,
 * MiB = 2^20 B, GiB = 2^30 B); a bare number of bytes-budget is in MB, as its option name says.
 *
 * Parsers throw a plain Error whose message is the reason only; callers add the option or
 * JSON path it belongs to.
 */

export type QuantityKind = 'count' | 'bytes' | 'ms';

// Maps: a unit comes from the command line or a budget file ("4constructor" is no unit).
const COUNT_SUFFIX: ReadonlyMap<string, number> = new Map(Object.entries({ '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 }));

// Keys are lower-cased, except that "MB" vs "Mb" is not a distinction people keep: bits are not offered.
const BYTE_UNIT: ReadonlyMap<string, number> = new Map(Object.entries({
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
}));

const TIME_UNIT: ReadonlyMap<string, number> = new Map(Object.entries({ '': 1, ms: 1, s: 1000 }));

/** "1.2e9", "25.6", "25,600,000" (commas only as thousands separators), never signed. */
const NUMBER = /^(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)\s*(.*)$/;

function splitNumber(text: string): { n: number; unit: string } {
  const s = text.trim();
  if (s === '') throw new Error('empty value');
  if (/^[-−]/.test(s)) throw new Error(`"${text}" is negative; a budget is 0 or more`);
  const m = NUMBER.exec(s);
  if (!m) throw new Error(`"${text}" is not a number`);
  const n = Number(m[1].replace(/,/g, ''));
  if (!Number.isFinite(n)) throw new Error(`"${text}" is not a finite number`);
  return { n, unit: m[2] };
}

const looksLikeBytes = (unit: string): boolean => /^[kKMGT]?i?B$/i.test(unit) && /b$/i.test(unit);

function parseCount(text: string): number {
  const { n, unit } = splitNumber(text);
  const f = COUNT_SUFFIX.get(unit);
  if (f !== undefined) return n * f;
  if (looksLikeBytes(unit)) throw new Error(`"${text}" is a size in bytes; this budget is a count such as 25.6M or 3.9G`);
  if (/^(ms|s)$/.test(unit)) throw new Error(`"${text}" is a time; this budget is a count such as 25.6M or 3.9G`);
  throw new Error(`unknown suffix "${unit}" in "${text}"; use k, M, G or T (powers of 1000)`);
}

function parseBytes(text: string): number {
  const { n, unit } = splitNumber(text);
  if (unit === '') return n * 1e6;
  const f = BYTE_UNIT.get(unit.toLowerCase());
  if (f !== undefined) return n * f;
  if (COUNT_SUFFIX.has(unit)) throw new Error(`"${text}" has no byte unit; write e.g. ${n}${unit === 'k' || unit === 'K' ? 'kB' : `${unit}B`} (SI) or ${n}${unit.toUpperCase()}iB (binary)`);
  throw new Error(`unknown unit "${unit}" in "${text}"; use B, kB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024)`);
}

function parseMs(text: string): number {
  const { n, unit } = splitNumber(text);
  const f = TIME_UNIT.get(unit);
  if (f !== undefined) return n * f;
  throw new Error(`unknown unit "${unit}" in "${text}"; a latency is in ms (or s)`);
}

/** Parses a budget value written by a person, as a number in base units (count, bytes, ms). */
export function parseQuantity(text: string, kind: QuantityKind): number {
  switch (kind) {
    case 'count':
      return parseCount(text);
    case 'bytes':
      return parseBytes(text);
    case 'ms':
      return parseMs(text);
  }
}

/**
 * A value from a budget file: a string as on the command line, or a plain JSON number in the
 * option's own unit (a count, MB for bytes budgets, ms for latency).
 */
export function quantityFromJson(value: number | string, kind: QuantityKind): number {
  if (typeof value === 'string') return parseQuantity(value, kind);
  if (!Number.isFinite(value)) throw new Error('not a finite number');
  if (value < 0) throw new Error(`${value} is negative; a budget is 0 or more`);
  return kind === 'bytes' ? value * 1e6 : value;
}
