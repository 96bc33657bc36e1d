import { Hdf5Error, hex } from './errors.js';
import { H5_LIMITS } from './limits.js';
import { Budget, Cursor, Source, bounded, metadataSize } from './source.js';

/** Message types this reader uses. */
export const MSG = Object.freeze({
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  fillValueOld: 0x04,
  fillValue: 0x05,
  link: 0x06,
  externalFiles: 0x07,
  layout: 0x08,
  groupInfo: 0x0a,
  filters: 0x0b,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
  attributeInfo: 0x15,
});

/** Flag bit of a message stored once in the file's shared message table or another header. */
export const SHARED = 0x02;

export interface Message {
  type: number;
  flags: number;
  data: Uint8Array;
  /** File address of the message's data, for error messages. */
  at: number;
}

export interface ObjectHeader {
  addr: number;
  version: 1 | 2;
  messages: Message[];
}

interface Chunk {
  addr: number;
  len: number;
}

/**
 * Reads an object header (version 1, or version 2 with its "OHDR" signature) and every
 * continuation chunk it points to ("OCHK" blocks in version 2), each chunk once.
 * Checksums are not verified.
 */
export async function readObjectHeader(src: Source, addr: number, what: string): Promise<ObjectHeader> {
  const first = await src.read(addr, 16, `the object header of ${what}`);
  const messages: Message[] = [];
  const pending: Chunk[] = [];
  const seen = new Set<number>([addr]);
  const budget = new Budget(src, `the object header of ${what}`);
  let version: 1 | 2;
  const parse = (buf: Uint8Array, at: number): void => {
    const c = new Cursor(buf, `the object header of ${what}`, at);
    const head = version === 1 ? 8 : flags & 0x04 ? 6 : 4;
    while (c.remaining >= head) {
      const type = version === 1 ? c.u16() : c.u8();
      const size = c.u16();
      const mflags = c.u8();
      if (version === 1) c.skip(3);
      else if (flags & 0x04) c.skip(2); // creation order
      const dataAt = at + c.pos;
      const data = c.bytes(size);
      if (version === 1) c.align(8);
      bounded(messages.length + 1, H5_LIMITS.headerMessages, `the object header of ${what} (messages)`);
      if (type === MSG.continuation) {
        const m = new Cursor(data, `a continuation message of ${what}`, dataAt);
        const next = { addr: m.addr(), len: m.u64() };
        if (seen.has(next.addr)) throw new Hdf5Error(`malformed: the object header of ${what} continues into a chunk it already read (${hex(next.addr)}): a loop`);
        seen.add(next.addr);
        bounded(seen.size, H5_LIMITS.headerChunks, `the object header of ${what} (continuation chunks)`);
        pending.push(next);
      } else if (type !== 0) {
        messages.push({ type, flags: mflags, data, at: dataAt });
      }
    }
  };
  let flags = 0;
  if (first.length >= 4 && first[0] === 0x4f && first[1] === 0x48 && first[2] === 0x44 && first[3] === 0x52) {
    // "OHDR": version 2
    version = 2;
    const c = new Cursor(await src.read(addr, Math.min(34, src.size - src.base - addr), `the object header of ${what}`), `the object header of ${what}`, addr);
    c.skip(4);
    const v = c.u8();
    if (v !== 2) throw new Hdf5Error(`malformed: the object header of ${what} at ${hex(addr)} has version ${v} after its OHDR signature`);
    flags = c.u8();
    if (flags & 0x20) c.skip(16); // access, modification, change and birth times
    if (flags & 0x10) c.skip(4); // attribute phase change values
    const size = metadataSize(c.uint(1 << (flags & 0x03)), `the object header of ${what}`);
    const start = addr + c.pos;
    parse(await src.read(start, size, `the object header of ${what}`), start);
  } else {
    version = 1;
    const c = new Cursor(first, `the object header of ${what}`, addr);
    const v = c.u8();
    if (v !== 1) throw new Hdf5Error(`malformed: the object header of ${what} at ${hex(addr)} has version ${v} (expected 1, or an OHDR signature)`);
    c.skip(1); // reserved
    c.u16(); // number of messages: bounded by the chunks' sizes instead
    c.u32(); // reference count
    const size = metadataSize(c.u32(), `the object header of ${what}`);
    parse(await src.read(addr + 16, size, `the object header of ${what}`), addr + 16);
  }
  while (pending.length > 0) {
    const chunk = pending.shift() as Chunk;
    const len = metadataSize(chunk.len, `a continuation chunk of ${what}`);
    budget.spend(len);
    const buf = await src.read(chunk.addr, len, `a continuation chunk of ${what}`);
    if (version === 2) {
      const c = new Cursor(buf, `a continuation chunk of ${what}`, chunk.addr);
      c.signature('OCHK');
      if (buf.length < 8) throw new Hdf5Error(`malformed: the continuation chunk of ${what} at ${hex(chunk.addr)} is ${buf.length} bytes`);
      parse(buf.subarray(4, buf.length - 4), chunk.addr + 4);
    } else {
      parse(buf, chunk.addr);
    }
  }
  return { addr, version, messages };
}

export const messagesOf = (h: ObjectHeader, type: number): Message[] => h.messages.filter((m) => m.type === type);
export const messageOf = (h: ObjectHeader, type: number): Message | undefined => h.messages.find((m) => m.type === type);
