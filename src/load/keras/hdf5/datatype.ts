import { Hdf5Error } from './errors.js';
import { Cursor } from './source.js';

/** A datatype as far as this reader decodes it; everything else is 'other' (decoded as null). */
export type H5Type =
  | { cls: 'int'; size: 1 | 2 | 4 | 8; signed: boolean; bigEndian: boolean }
  | { cls: 'float'; size: 2 | 4 | 8; bigEndian: boolean }
  /** Fixed-length string; pad: 0 null-terminated, 1 null-padded, 2 space-padded. */
  | { cls: 'string'; size: number; pad: number }
  | { cls: 'vstring'; size: number }
  | { cls: 'other'; size: number; name: string };

const CLASS_NAMES = ['fixed-point', 'floating-point', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enum', 'variable-length', 'array'];
/** IEEE binary16/32/64 by size in bytes: mantissa size. */
const IEEE_MANTISSA = new Map([[2, 10], [4, 23], [8, 52]]);

/** Parses a datatype message (or the datatype inside an attribute message). */
export function parseDatatype(c: Cursor): H5Type {
  const classAndVersion = c.u8();
  const cls = classAndVersion & 0x0f;
  const version = classAndVersion >> 4;
  const bits = c.u8() | (c.u8() << 8) | (c.u8() << 16);
  const size = c.u32();
  const name = CLASS_NAMES[cls] ?? `class ${cls}`;
  if (version < 1 || version > 5) throw new Hdf5Error(`malformed: ${c.what} at 0x${c.at.toString(16)} has a datatype of version ${version}`);
  if (size === 0) throw new Hdf5Error(`malformed: ${c.what} at 0x${c.at.toString(16)} has a ${name} datatype of 0 bytes`);
  if (cls === 0) {
    c.skip(4); // bit offset, precision
    if (size === 1 || size === 2 || size === 4 || size === 8) return { cls: 'int', size, signed: (bits & 0x08) !== 0, bigEndian: (bits & 0x01) !== 0 };
  } else if (cls === 1) {
    const offset = c.u16();
    const precision = c.u16();
    c.skip(2); // exponent location and size
    const mantissaLocation = c.u8();
    const mantissaSize = c.u8();
    const vax = (bits & 0x40) !== 0;
    if (!vax && offset === 0 && precision === size * 8 && mantissaLocation === 0 && mantissaSize === IEEE_MANTISSA.get(size)) {
      return { cls: 'float', size: size as 2 | 4 | 8, bigEndian: (bits & 0x01) !== 0 };
    }
  } else if (cls === 3) {
    return { cls: 'string', size, pad: bits & 0x0f };
  } else if (cls === 9) {
    if ((bits & 0x0f) === 1) return { cls: 'vstring', size };
    return { cls: 'other', size, name: 'variable-length sequence' };
  }
  return { cls: 'other', size, name };
}

/** The dtype name of the public API: 'float32', 'int64', 'uint8', 'string', or the class name. */
export function dtypeName(t: H5Type): string {
  switch (t.cls) {
    case 'int':
      return `${t.signed ? 'int' : 'uint'}${t.size * 8}`;
    case 'float':
      return `float${t.size * 8}`;
    case 'string':
    case 'vstring':
      return 'string';
    default:
      return t.name;
  }
}

/** IEEE half precision to a JS number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
