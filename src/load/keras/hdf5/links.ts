import { v1Leaves } from './btree-v1.js';
import { v2Records } from './btree-v2.js';
import { Hdf5Error, hex } from './errors.js';
import { FractalHeap } from './fractal-heap.js';
import { H5_LIMITS } from './limits.js';
import { heapName, readLocalHeap } from './local-heap.js';
import { MSG, type ObjectHeader, messageOf, messagesOf } from './object-header.js';
import { Cursor, Source, UNDEFINED, bounded, decodeUtf8 } from './source.js';

/** Where a link leads: an object header (hard link), a path (soft link) or another file. */
export type Link = { kind: 'hard'; addr: number } | { kind: 'soft'; target: string } | { kind: 'external' };

/** Parses a link message (new-style groups, compact or in a fractal heap). */
export function parseLink(data: Uint8Array, at: number, what: string): [string, Link] {
  const c = new Cursor(data, `a link of ${what}`, at);
  const version = c.u8();
  if (version !== 1) throw new Hdf5Error(`malformed: a link of ${what} at ${hex(at)} has version ${version}`);
  const flags = c.u8();
  const type = flags & 0x08 ? c.u8() : 0;
  if (flags & 0x04) c.skip(8); // creation order
  if (flags & 0x10) c.u8(); // name character set: ASCII or UTF-8, decoded alike
  const nameLength = c.uint(1 << (flags & 0x03), 'a name length');
  const name = decodeUtf8(c.bytes(nameLength));
  if (type === 0) return [name, { kind: 'hard', addr: c.addr() }];
  if (type === 1) return [name, { kind: 'soft', target: decodeUtf8(c.bytes(c.u16())) }];
  return [name, { kind: 'external' }];
}

/**
 * The links of a group: old-style (symbol table: v1 B-tree of symbol table nodes, names in
 * a local heap) or new-style (link messages in the header, or dense: a fractal heap indexed
 * by a v2 B-tree of names).
 */
export async function readLinks(src: Source, header: ObjectHeader, what: string): Promise<Map<string, Link>> {
  const links = new Map<string, Link>();
  const add = (name: string, link: Link): void => {
    links.set(name, link);
    bounded(links.size, H5_LIMITS.entries, `the group ${what} (links)`);
  };
  const table = messageOf(header, MSG.symbolTable);
  if (table) {
    const c = new Cursor(table.data, `the symbol table of ${what}`, table.at);
    const btree = c.addr();
    const heap = await readLocalHeap(src, c.addr(), what);
    for (const leaf of await v1Leaves(src, btree, 0, 8, what)) {
      const node = new Cursor(await src.read(leaf.child, 8, `a symbol table node of ${what}`), `a symbol table node of ${what}`, leaf.child);
      node.signature('SNOD');
      node.skip(2); // version, reserved
      const n = node.u16();
      const entries = new Cursor(await src.read(leaf.child + 8, n * 40, `a symbol table node of ${what}`), `a symbol table node of ${what}`, leaf.child + 8);
      for (let i = 0; i < n; i++) {
        const nameOffset = entries.uint(8, 'a name offset');
        const addr = entries.addr();
        const cache = entries.u32();
        entries.skip(4);
        const scratch = entries.bytes(16);
        const name = decodeUtf8(heapName(heap, nameOffset, what));
        if (cache === 2) {
          const target = new Cursor(scratch, `a soft link of ${what}`).u32();
          add(name, { kind: 'soft', target: decodeUtf8(heapName(heap, target, what)) });
        } else {
          add(name, { kind: 'hard', addr });
        }
      }
    }
    return links;
  }
  for (const m of messagesOf(header, MSG.link)) add(...parseLink(m.data, m.at, what));
  const info = messageOf(header, MSG.linkInfo);
  if (info) {
    const c = new Cursor(info.data, `the link info of ${what}`, info.at);
    c.skip(1); // version
    const flags = c.u8();
    if (flags & 0x01) c.skip(8); // maximum creation index
    const heapAddr = c.addr();
    const names = c.addr();
    if (heapAddr !== UNDEFINED && names !== UNDEFINED) {
      const heap = await FractalHeap.open(src, heapAddr, what);
      for (const record of await v2Records(src, names, `the links of ${what}`)) {
        // Type 5 record: name hash (4 bytes), heap ID.
        const obj = await heap.get(record.subarray(4));
        add(...parseLink(obj, heapAddr, what));
      }
    }
  }
  return links;
}
