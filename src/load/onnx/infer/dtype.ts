/**
 * Element types as folding needs them: which are integers, and how a computed number is
 * stored back in a type (float32 rounding, integer wrap-around, booleans as 0/1).
 */
import { ElemType } from '../ir.js';

const INT_BITS = new Map<number, { bits: number; signed: boolean }>([
  [ElemType.INT8, { bits: 8, signed: true }],
  [ElemType.UINT8, { bits: 8, signed: false }],
  [ElemType.INT16, { bits: 16, signed: true }],
  [ElemType.UINT16, { bits: 16, signed: false }],
  [ElemType.INT32, { bits: 32, signed: true }],
  [ElemType.UINT32, { bits: 32, signed: false }],
  [ElemType.INT64, { bits: 64, signed: true }],
  [ElemType.UINT64, { bits: 64, signed: false }],
  [ElemType.INT4, { bits: 4, signed: true }],
  [ElemType.UINT4, { bits: 4, signed: false }],
]);

export const isIntType = (dt: number): boolean => INT_BITS.has(dt);
export { isFloatType } from '../tensor-data.js';

/**
 * A computed number as the type stores it, or undefined when the result is not a value of
 * the type (an integer division by zero, NaN cast to an integer): then nothing is folded.
 * Types whose rounding is not modelled here (float16, float8) keep the double.
 */
export const storeAs = (dt: number, x: number): number | undefined => {
  if (dt === ElemType.BOOL) return Number.isNaN(x) ? 1 : x !== 0 ? 1 : 0;
  if (dt === ElemType.FLOAT) return Math.fround(x);
  const int = INT_BITS.get(dt);
  if (int === undefined) return x;
  if (!Number.isFinite(x)) return undefined;
  // `+ 0` turns -0 into 0: integers have no negative zero.
  const t = Math.trunc(x) + 0;
  // int64 values beyond 2^53 are already approximate as numbers; wrapping them would only add noise.
  if (int.bits === 64) return int.signed || t >= 0 ? t : undefined;
  const span = 2 ** int.bits;
  const min = int.signed ? -(span / 2) : 0;
  if (t >= min && t < min + span) return t;
  if (!Number.isSafeInteger(t)) return undefined;
  const r = Number(int.signed ? BigInt.asIntN(int.bits, BigInt(t)) : BigInt.asUintN(int.bits, BigInt(t)));
  return r;
};

/** Values stored as `dt`, or undefined when one of them cannot be. */
export const storeAllAs = (dt: number, xs: number[]): number[] | undefined => {
  const out = new Array<number>(xs.length);
  for (let i = 0; i < xs.length; i++) {
    const v = storeAs(dt, xs[i]);
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return out;
};

/** Cast semantics: float to integer truncates, anything to BOOL is x != 0. No values for strings. */
export const castAll = (from: number, to: number, xs: number[]): number[] | undefined => {
  if (from === ElemType.STRING || to === ElemType.STRING) return undefined;
  return storeAllAs(to, xs);
};
