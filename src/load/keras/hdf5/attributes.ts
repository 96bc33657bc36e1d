import { v2Records } from './btree-v2.js';
import { parseDataspace } from './dataspace.js';
import { parseDatatype } from './datatype.js';
import { Hdf5Error, hex } from './errors.js';
import { FractalHeap } from './fractal-heap.js';
import type { GlobalHeap } from './global-heap.js';
import { H5_LIMITS } from './limits.js';
import { MSG, type ObjectHeader, SHARED, messageOf, messagesOf } from './object-header.js';
import { Cursor, Source, UNDEFINED, bounded, cString } from './source.js';
import { type H5Value, decodeValue } from './values.js';

/** Parses an attribute message (version 1, 2 or 3) and decodes its value. */
export async function parseAttribute(data: Uint8Array, at: number, heap: GlobalHeap, what: string): Promise<[string, H5Value]> {
  const c = new Cursor(data, `an attribute of ${what}`, at);
  const version = c.u8();
  if (version < 1 || version > 3) throw new Hdf5Error(`malformed: an attribute of ${what} at ${hex(at)} has version ${version}`);
  const flags = c.u8(); // reserved in version 1
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version === 3) c.u8(); // name character set
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const name = cString(c.bytes(nameSize));
  c.skip(pad(nameSize) - nameSize);
  const typeBytes = c.bytes(typeSize);
  c.skip(pad(typeSize) - typeSize);
  const spaceBytes = c.bytes(spaceSize);
  c.skip(pad(spaceSize) - spaceSize);
  const label = `attribute "${name}" of ${what}`;
  if (version > 1 && flags & 0x03) return [name, null]; // shared datatype or dataspace
  const type = parseDatatype(new Cursor(typeBytes, label, at));
  const space = parseDataspace(new Cursor(spaceBytes, label, at));
  return [name, await decodeValue(type, space, c.bytes(c.remaining), heap, label)];
}

/** Every attribute of an object: attribute messages in its header, then dense storage (attribute info -> fractal heap). */
export async function readAttributes(src: Source, header: ObjectHeader, heap: GlobalHeap, what: string): Promise<Map<string, H5Value>> {
  const attrs = new Map<string, H5Value>();
  const add = ([name, value]: [string, H5Value]): void => {
    attrs.set(name, value);
    bounded(attrs.size, H5_LIMITS.entries, `${what} (attributes)`);
  };
  for (const m of messagesOf(header, MSG.attribute)) {
    if (m.flags & SHARED) throw new Hdf5Error(`unsupported: an attribute of ${what} at ${hex(m.at)} is a shared message (stored in the file's shared message table)`);
    add(await parseAttribute(m.data, m.at, heap, what));
  }
  const info = messageOf(header, MSG.attributeInfo);
  if (info) {
    const c = new Cursor(info.data, `the attribute info of ${what}`, info.at);
    c.skip(1); // version
    const flags = c.u8();
    if (flags & 0x01) c.skip(2); // maximum creation index
    const heapAddr = c.addr();
    const names = c.addr();
    if (heapAddr !== UNDEFINED && names !== UNDEFINED) {
      const fheap = await FractalHeap.open(src, heapAddr, `the attributes of ${what}`);
      for (const record of await v2Records(src, names, `the attributes of ${what}`)) {
        // Type 8 record: heap ID (8 bytes), message flags, creation order, name hash.
        if (record.length < 17) throw new Hdf5Error(`malformed: the attribute name index of ${what} has ${record.length}-byte records`);
        if (record[8] & SHARED) throw new Hdf5Error(`unsupported: an attribute of ${what} is a shared message (stored in the file's shared message table)`);
        add(await parseAttribute(await fheap.get(record.subarray(0, 8)), heapAddr, heap, what));
      }
    }
  }
  return attrs;
}
