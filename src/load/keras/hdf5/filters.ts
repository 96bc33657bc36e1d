import { inflateSync } from 'node:zlib';
import { Hdf5Error, count, hex } from './errors.js';
import { Cursor, cString } from './source.js';

export interface Filter {
  id: number;
  name: string;
  values: number[];
}

const KNOWN: Record<number, string> = { 1: 'deflate', 2: 'shuffle', 3: 'fletcher32', 4: 'szip', 5: 'nbit', 6: 'scaleoffset', 32000: 'lzf', 32001: 'blosc', 32004: 'lz4', 32008: 'bitshuffle', 32015: 'zstd' };
const SUPPORTED = new Set([1, 2, 3]);

/** Parses a filter pipeline message (version 1 or 2); filters this reader cannot undo are refused here. */
export function parseFilters(data: Uint8Array, at: number, what: string): Filter[] {
  const c = new Cursor(data, `the filter pipeline of ${what}`, at);
  const version = c.u8();
  const n = c.u8();
  if (version === 1) c.skip(6);
  else if (version !== 2) throw new Hdf5Error(`malformed: the filter pipeline of ${what} at ${hex(at)} has version ${version}`);
  const filters: Filter[] = [];
  for (let i = 0; i < n; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    c.u16(); // flags
    const nValues = c.u16();
    let name = Object.hasOwn(KNOWN, id) ? KNOWN[id] : '';
    if (nameLength > 0) {
      const bytes = c.bytes(nameLength);
      if (!name) name = cString(bytes);
      if (version === 1) c.skip((8 - (nameLength % 8)) % 8);
    }
    const values: number[] = [];
    for (let j = 0; j < nValues; j++) values.push(c.u32());
    if (version === 1 && nValues % 2 === 1) c.skip(4);
    if (!SUPPORTED.has(id)) {
      throw new Hdf5Error(`unsupported: ${what} is compressed with the ${name || 'unnamed'} filter (id ${id}); this reader undoes deflate, shuffle and fletcher32`);
    }
    filters.push({ id, name: name || `filter ${id}`, values });
  }
  return filters;
}

function unshuffle(b: Uint8Array, size: number): Uint8Array {
  if (size <= 1) return b;
  const n = Math.floor(b.length / size);
  const out = new Uint8Array(b.length);
  for (let j = 0; j < size; j++) {
    const from = j * n;
    for (let i = 0; i < n; i++) out[i * size + j] = b[from + i];
  }
  out.set(b.subarray(n * size), n * size);
  return out;
}

/**
 * Undoes a chunk's filters (last applied first), skipping those its filter mask names.
 * `expected` bounds what deflate may produce: a chunk never holds more.
 */
export function unfilter(chunk: Uint8Array, filters: Filter[], mask: number, elementSize: number, expected: number, what: string): Uint8Array {
  let b = chunk;
  for (let i = filters.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const f = filters[i];
    if (f.id === 1) {
      try {
        b = inflateSync(b, { maxOutputLength: Math.max(expected, 1) });
      } catch (e) {
        throw new Hdf5Error(`malformed: a chunk of ${what} does not inflate (${(e as Error).message.split('\n')[0]}; it should hold ${count(expected)} bytes)`);
      }
    } else if (f.id === 2) {
      b = unshuffle(b, f.values[0] ?? elementSize);
    } else if (f.id === 3) {
      if (b.length < 4) throw new Hdf5Error(`malformed: a chunk of ${what} is too short for its fletcher32 checksum`);
      b = b.subarray(0, b.length - 4);
    }
  }
  return b;
}
