import type { Dataspace } from './dataspace.js';
import { type H5Type, halfToNumber } from './datatype.js';
import { Hdf5Error, count } from './errors.js';
import type { GlobalHeap } from './global-heap.js';
import { H5_LIMITS } from './limits.js';
import { Budget, Cursor, UNDEFINED, decodeUtf8 } from './source.js';

/** An attribute's value; null for a type this reader does not decode. */
export type H5Value = string | number | bigint | (string | number | bigint)[] | null;

type Element = string | number | bigint;

function fixedString(b: Uint8Array, pad: number): string {
  let end = b.length;
  if (pad === 0) {
    const nul = b.indexOf(0);
    if (nul >= 0) end = nul;
  } else {
    const filler = pad === 2 ? 0x20 : 0;
    while (end > 0 && (b[end - 1] === filler || b[end - 1] === 0)) end--;
  }
  return decodeUtf8(b.subarray(0, end));
}

/**
 * Decodes the elements of an attribute value: `data` holds space.count elements of
 * type.size bytes (checked here against its length before anything is decoded).
 */
export async function decodeValue(type: H5Type, space: Dataspace, data: Uint8Array, heap: GlobalHeap, what: string): Promise<H5Value> {
  if (type.cls === 'other' || space.kind === 'null') return null;
  const n = space.count;
  if (n * type.size > data.length) {
    throw new Hdf5Error(`malformed: ${what} declares ${count(n)} elements of ${count(type.size)} bytes but holds ${count(data.length)} bytes`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: Element[] = [];
  let stringBytes = 0;
  const budget = type.cls === 'vstring' ? new Budget(heap.src, what) : undefined;
  for (let i = 0; i < n; i++) {
    const at = i * type.size;
    switch (type.cls) {
      case 'int': {
        const le = !type.bigEndian;
        if (type.size === 1) out.push(type.signed ? view.getInt8(at) : view.getUint8(at));
        else if (type.size === 2) out.push(type.signed ? view.getInt16(at, le) : view.getUint16(at, le));
        else if (type.size === 4) out.push(type.signed ? view.getInt32(at, le) : view.getUint32(at, le));
        else {
          const v = type.signed ? view.getBigInt64(at, le) : view.getBigUint64(at, le);
          out.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        }
        break;
      }
      case 'float': {
        const le = !type.bigEndian;
        out.push(type.size === 2 ? halfToNumber(view.getUint16(at, le)) : type.size === 4 ? view.getFloat32(at, le) : view.getFloat64(at, le));
        break;
      }
      case 'string':
        out.push(fixedString(data.subarray(at, at + type.size), type.pad));
        stringBytes += type.size;
        break;
      case 'vstring': {
        const c = new Cursor(data.subarray(at, at + type.size), what);
        const len = c.u32();
        const addr = c.addr();
        const index = c.u32();
        stringBytes += len;
        if (stringBytes > H5_LIMITS.attributeStrings) {
          throw new Hdf5Error(`malformed: ${what}: its strings add up to more than ${count(H5_LIMITS.attributeStrings)} bytes`);
        }
        if (len === 0 || addr === UNDEFINED || addr === 0) {
          out.push('');
          break;
        }
        const obj = await heap.object(addr, index, budget as Budget);
        if (len > obj.length) throw new Hdf5Error(`malformed: ${what}: a string of ${count(len)} bytes in a heap object of ${count(obj.length)}`);
        out.push(decodeUtf8(obj.subarray(0, len)));
        break;
      }
    }
  }
  return space.kind === 'scalar' ? out[0] : out;
}
