/** Number formatting shared by the renderers. */

const SI = [
  { f: 1e12, s: 'T' },
  { f: 1e9, s: 'G' },
  { f: 1e6, s: 'M' },
  { f: 1e3, s: 'k' },
];

/** 3868158464 -> "3.87G"; small numbers as they are. */
export function si(n: number, digits = 3): string {
  if (n === 0) return '0';
  for (const { f, s } of SI) if (Math.abs(n) >= f) return `${Number((n / f).toPrecision(digits))}${s}`;
  return String(Number(n.toPrecision(digits)));
}

/** 3 significant digits, never in exponent form, '-' for no value: 267.3 -> "267", 0.04912 -> "0.0491". */
export const sig3 = (x: number | null): string => (x === null ? '-' : Number(x.toPrecision(3)).toString());

/** A fraction as a percentage with one decimal, '-' for no value: 0.8377 -> "83.8%". */
export const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);

/** Milliseconds with 3 significant digits, never in exponent form. */
export const msText = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

/** 25636712 -> "25,636,712". */
export const grouped = (n: number): string => n.toLocaleString('en-US');

/** Bytes in MiB with two decimals. */
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

const KIB = 2 ** 10;
const MIB = 2 ** 20;
const GIB = 2 ** 30;

/**
 * A size in bytes, in the one unit family every report uses: binary (IEC), powers of 1024.
 * Below 1 KiB in bytes, then KiB with one decimal, MiB and GiB with two:
 * 512 -> "512 B", 20992 -> "20.5 KiB", 102546848 -> "97.80 MiB", 1.5 * 2^30 -> "1.50 GiB".
 */
export function bytes(b: number): string {
  const a = Math.abs(b);
  if (a < KIB) return `${Math.round(b)} B`;
  // Rounded first, so 1048575 reads "1.00 MiB" rather than "1024.0 KiB".
  if (Number((a / KIB).toFixed(1)) < 1024) return `${(b / KIB).toFixed(1)} KiB`;
  if (Number((a / MIB).toFixed(2)) < 1024) return `${(b / MIB).toFixed(2)} MiB`;
  return `${(b / GIB).toFixed(2)} GiB`;
}

type OneShape = (number | null)[] | null;

/**
 * [null, 7, 7, 2048] -> "7x7x2048" (batch axis dropped); whole shapes (op-level graphs)
 * keep every dimension: [1, 2048, 7, 7] -> "1x2048x7x7"; several outputs joined by ", ";
 * "?" for an unknown dimension, or a shape whose rank is unknown.
 */
export function shapeText(shape: OneShape | OneShape[], whole = false): string {
  const one = (s: OneShape) => (s === null ? '?' : (whole ? s : s.slice(1)).map((d) => (d == null ? '?' : d)).join('x') || 'scalar');
  if (shape === null) return '?';
  return shape.some((x) => Array.isArray(x)) ? (shape as OneShape[]).map(one).join(', ') : one(shape as (number | null)[]);
}

/** One number per axis, or "AxB" when the axes differ: [7, 7] -> "7", [1, 7] -> "1x7". */
export const perAxis = (v: number[]): string => (v.every((x) => x === v[0]) ? String(v[0]) : v.join('x'));

/** A receptive field in a cell: its size, "all" once global, "?" when unknown. */
export function fieldText(rf: { size: number[]; global?: boolean } | null): string {
  if (!rf) return '?';
  return rf.global ? 'all' : perAxis(rf.size);
}

/** "3.86 GMACs" for a network's worth of work, "87.7k MACs" for small models. */
export const gmacs = (macs: number): string =>
  macs >= 1e8 ? `${Number((macs / 1e9).toPrecision(3))} GMACs` : `${si(macs)} MACs`;
