import { ElemType } from './ir.js';

/**
 * Bytes per element of each TensorProto data type as raw_data stores it (little-endian);
 * 0.5 for the 4-bit types, packed two to a byte; undefined for types with no fixed size
 * (strings) or that dnarch does not read.
 */
const ELEMENT_BYTES = new Map<number, number>([
  [ElemType.FLOAT, 4], [ElemType.UINT8, 1], [ElemType.INT8, 1], [ElemType.UINT16, 2], [ElemType.INT16, 2],
  [ElemType.INT32, 4], [ElemType.INT64, 8], [ElemType.BOOL, 1], [ElemType.FLOAT16, 2], [ElemType.DOUBLE, 8],
  [ElemType.UINT32, 4], [ElemType.UINT64, 8], [ElemType.COMPLEX64, 8], [ElemType.COMPLEX128, 16],
  [ElemType.BFLOAT16, 2], [ElemType.FLOAT8E4M3FN, 1], [ElemType.FLOAT8E4M3FNUZ, 1], [ElemType.FLOAT8E5M2, 1],
  [ElemType.FLOAT8E5M2FNUZ, 1], [ElemType.UINT4, 0.5], [ElemType.INT4, 0.5],
]);

export const elementBytes = (dataType: number): number | undefined => ELEMENT_BYTES.get(dataType);

/** Bytes that `size` elements take in raw_data; undefined for types without a fixed size. */
export function rawByteLength(dataType: number, size: number): number | undefined {
  const b = ELEMENT_BYTES.get(dataType);
  return b === undefined ? undefined : Math.ceil(size * b);
}

const NAMES = new Map<number, string>(Object.entries(ElemType).map(([k, v]) => [v, k]));

/** 'FLOAT', 'INT64', ... for messages; the number itself when unknown. */
export const elemTypeName = (t: number): string => NAMES.get(t) ?? `type ${t}`;

/** The floating-point types: their initializers can be weights. */
export const isFloatType = (t: number): boolean =>
  t === ElemType.FLOAT || t === ElemType.FLOAT16 || t === ElemType.DOUBLE || t === ElemType.BFLOAT16 ||
  (t >= ElemType.FLOAT8E4M3FN && t <= ElemType.FLOAT8E5M2FNUZ);

/** IEEE 754 half precision bits to a number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bfloatToNumber = (b: number): number => new Float32Array(new Uint32Array([b << 16]).buffer)[0];

/** Reads `size` elements of `dataType` from little-endian raw bytes; undefined for types not read as numbers. */
export function readRaw(bytes: Uint8Array, dataType: number, size: number): number[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(size);
  const each = (width: number, get: (offset: number) => number): number[] => {
    for (let i = 0; i < size; i++) out[i] = get(i * width);
    return out;
  };
  switch (dataType) {
    case ElemType.FLOAT: return each(4, (o) => view.getFloat32(o, true));
    case ElemType.DOUBLE: return each(8, (o) => view.getFloat64(o, true));
    case ElemType.FLOAT16: return each(2, (o) => halfToNumber(view.getUint16(o, true)));
    case ElemType.BFLOAT16: return each(2, (o) => bfloatToNumber(view.getUint16(o, true)));
    case ElemType.INT8: return each(1, (o) => view.getInt8(o));
    case ElemType.UINT8: return each(1, (o) => view.getUint8(o));
    case ElemType.BOOL: return each(1, (o) => (view.getUint8(o) ? 1 : 0));
    case ElemType.INT16: return each(2, (o) => view.getInt16(o, true));
    case ElemType.UINT16: return each(2, (o) => view.getUint16(o, true));
    case ElemType.INT32: return each(4, (o) => view.getInt32(o, true));
    case ElemType.UINT32: return each(4, (o) => view.getUint32(o, true));
    case ElemType.INT64: return each(8, (o) => Number(view.getBigInt64(o, true)));
    case ElemType.UINT64: return each(8, (o) => Number(view.getBigUint64(o, true)));
    case ElemType.INT4:
    case ElemType.UINT4: {
      for (let i = 0; i < size; i++) {
        const nibble = (bytes[i >> 1] >> ((i & 1) * 4)) & 0xf;
        out[i] = dataType === ElemType.INT4 && nibble > 7 ? nibble - 16 : nibble;
      }
      return out;
    }
    default:
      return undefined;
  }
}

/**
 * The typed-field form of a tensor (float_data, int32_data, int64_data, double_data,
 * uint64_data), as numbers; int32_data carries the bit patterns of the 16- and 8-bit types.
 */
export function readTyped(fields: { floatData?: number[]; int32Data?: number[]; int64Data?: number[]; doubleData?: number[]; uint64Data?: number[] }, dataType: number, size: number): number[] | undefined {
  const take = (xs: number[] | undefined): number[] | undefined => (xs && xs.length >= size ? xs.slice(0, size) : undefined);
  switch (dataType) {
    case ElemType.FLOAT: return take(fields.floatData);
    case ElemType.DOUBLE: return take(fields.doubleData);
    case ElemType.INT64: return take(fields.int64Data);
    case ElemType.UINT32:
    case ElemType.UINT64: return take(fields.uint64Data);
    case ElemType.INT32:
    case ElemType.INT16:
    case ElemType.INT8:
    case ElemType.UINT16:
    case ElemType.UINT8: return take(fields.int32Data);
    case ElemType.BOOL: return take(fields.int32Data)?.map((v) => (v ? 1 : 0));
    case ElemType.FLOAT16: return take(fields.int32Data)?.map(halfToNumber);
    case ElemType.BFLOAT16: return take(fields.int32Data)?.map(bfloatToNumber);
    default: return undefined;
  }
}

/** How many elements a typed field holds for this data type (to check it against the dims). */
export function typedLength(fields: { floatData?: unknown[]; int32Data?: unknown[]; int64Data?: unknown[]; doubleData?: unknown[]; uint64Data?: unknown[]; stringData?: unknown[] }, dataType: number): number {
  const lengths = [fields.floatData, fields.int32Data, fields.int64Data, fields.doubleData, fields.uint64Data, fields.stringData].map((f) => f?.length ?? 0);
  // COMPLEX64 stores two floats an element, COMPLEX128 two doubles; 4-bit types pack two an int32.
  const total = lengths.reduce((a, b) => a + b, 0);
  if (dataType === ElemType.COMPLEX64 || dataType === ElemType.COMPLEX128) return total / 2;
  if (dataType === ElemType.INT4 || dataType === ElemType.UINT4) return total * 2;
  return total;
}
