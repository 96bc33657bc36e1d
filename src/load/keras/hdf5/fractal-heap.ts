import { v2Records } from './btree-v2.js';
import { Hdf5Error, count, hex } from './errors.js';
import { Cursor, Source, UNDEFINED } from './source.js';

const isPowerOfTwo = (n: number): boolean => n > 0 && Number.isSafeInteger(n) && 2 ** Math.round(Math.log2(n)) === n;

/**
 * A fractal heap ("FRHP"), where dense link and attribute storage keep their messages:
 * objects found by heap ID (managed objects through the root direct or indirect block,
 * tiny objects inside the ID, huge objects through their B-tree). Heaps with I/O filters
 * are refused.
 */
export class FractalHeap {
  private hugeRecords?: Uint8Array[];

  private constructor(
    private readonly src: Source,
    private readonly addr: number,
    private readonly what: string,
    private readonly p: {
      idLength: number;
      filtered: boolean;
      maxManaged: number;
      hugeBtree: number;
      width: number;
      startBlock: number;
      maxDirect: number;
      heapBits: number;
      root: number;
      rootRows: number;
    },
  ) {}

  static async open(src: Source, addr: number, what: string): Promise<FractalHeap> {
    const c = new Cursor(await src.read(addr, 146, `the fractal heap of ${what}`), `the fractal heap of ${what}`, addr);
    c.signature('FRHP');
    const version = c.u8();
    if (version !== 0) throw new Hdf5Error(`malformed: the fractal heap of ${what} at ${hex(addr)} has version ${version}`);
    const idLength = c.u16();
    const filterLength = c.u16();
    c.u8(); // flags
    const maxManaged = c.u32();
    c.u64(); // next huge object ID
    const hugeBtree = c.addr();
    c.u64(); // free space in managed blocks
    c.addr(); // free-space manager
    c.skip(8 * 8); // managed space, allocated, iterator offset, object counts and sizes
    const width = c.u16();
    const startBlock = c.u64();
    const maxDirect = c.u64();
    const heapBits = c.u16();
    c.u16(); // starting rows of the root indirect block
    const root = c.addr();
    const rootRows = c.u16();
    if (!isPowerOfTwo(width) || width > 65536 || !isPowerOfTwo(startBlock) || !isPowerOfTwo(maxDirect) || maxDirect < startBlock || heapBits < 1 || heapBits > 53 || idLength < 1 || idLength > 4096) {
      throw new Hdf5Error(`malformed: the fractal heap of ${what} at ${hex(addr)} has table width ${width}, blocks of ${count(startBlock)} to ${count(maxDirect)} bytes, ${heapBits}-bit offsets and ${idLength}-byte IDs`);
    }
    if (rootRows > 64) throw new Hdf5Error(`malformed: the fractal heap of ${what} at ${hex(addr)} has a root block of ${rootRows} rows`);
    return new FractalHeap(src, addr, what, { idLength, filtered: filterLength > 0, maxManaged, hugeBtree, width, startBlock, maxDirect, heapBits, root, rootRows });
  }

  /** The object a heap ID names. */
  async get(id: Uint8Array): Promise<Uint8Array> {
    const p = this.p;
    const c = new Cursor(id, `a heap ID in ${this.what}`);
    const flags = c.u8();
    if (flags >> 6 !== 0) throw new Hdf5Error(`malformed: a heap ID in ${this.what} has version ${flags >> 6}`);
    const type = (flags >> 4) & 0x03;
    if (type === 2) {
      // Tiny: the object is inside the ID.
      const len = p.idLength <= 18 ? (flags & 0x0f) + 1 : ((flags & 0x0f) << 8) + c.u8() + 1;
      return c.bytes(len);
    }
    if (p.filtered) throw new Hdf5Error(`unsupported: the fractal heap of ${this.what} at ${hex(this.addr)} has I/O filters`);
    if (type === 0) {
      const offset = c.uint(Math.ceil(p.heapBits / 8), 'a heap offset');
      const lenSize = Math.min(Math.floor((Math.log2(p.maxDirect) + 7) / 8), Math.floor(Math.floor(Math.log2(Math.max(p.maxManaged, 1))) / 8) + 1);
      const len = c.uint(lenSize, 'an object length');
      if (len > p.maxManaged) throw new Hdf5Error(`malformed: an object in the fractal heap of ${this.what} declares ${count(len)} bytes, more than its ${count(p.maxManaged)}-byte maximum`);
      return this.managed(offset, len);
    }
    if (type === 1) return this.huge(c);
    throw new Hdf5Error(`malformed: a heap ID in ${this.what} has type ${type}`);
  }

  private async managed(offset: number, len: number): Promise<Uint8Array> {
    const p = this.p;
    const what = `an object in the fractal heap of ${this.what}`;
    if (p.root === UNDEFINED) throw new Hdf5Error(`malformed: ${what}: the heap has no root block`);
    if (p.rootRows === 0) {
      if (offset + len > p.startBlock) throw new Hdf5Error(`malformed: ${what} at heap offset ${count(offset)} lies past its ${count(p.startBlock)}-byte root block`);
      return this.src.read(p.root + offset, len, what);
    }
    const offSize = Math.ceil(p.heapBits / 8);
    const maxDirectRows = Math.log2(p.maxDirect) - Math.log2(p.startBlock) + 2;
    const firstRowBits = Math.log2(p.startBlock) + Math.log2(p.width);
    let block = p.root;
    let rows = p.rootRows;
    let off = offset;
    for (let depth = 0; depth < 64; depth++) {
      let start = 0;
      let row = -1;
      let col = 0;
      let size = 0;
      for (let r = 0; r < rows; r++) {
        size = r === 0 ? p.startBlock : p.startBlock * 2 ** (r - 1);
        if (off < start + size * p.width) {
          row = r;
          col = Math.floor((off - start) / size);
          break;
        }
        start += size * p.width;
      }
      if (row < 0) throw new Hdf5Error(`malformed: ${what} at heap offset ${count(offset)} lies past the heap's blocks`);
      const inner = off - start - col * size;
      const directEntries = Math.min(rows, maxDirectRows) * p.width;
      const entry = row < maxDirectRows ? row * p.width + col : directEntries + (row - maxDirectRows) * p.width + col;
      const head = 5 + 8 + offSize;
      const c = new Cursor(await this.src.read(block, head + (entry + 1) * 8, `an indirect block of the fractal heap of ${this.what}`), `an indirect block of the fractal heap of ${this.what}`, block);
      c.signature('FHIB');
      c.pos = head + entry * 8;
      const child = c.addr();
      if (child === UNDEFINED) throw new Hdf5Error(`malformed: ${what} at heap offset ${count(offset)} is in a block never allocated`);
      if (row < maxDirectRows) {
        if (inner + len > size) throw new Hdf5Error(`malformed: ${what} at heap offset ${count(offset)} runs past its ${count(size)}-byte block`);
        const sig = await this.src.read(child, 4, `a direct block of the fractal heap of ${this.what}`);
        new Cursor(sig, `a direct block of the fractal heap of ${this.what}`, child).signature('FHDB');
        return this.src.read(child + inner, len, what);
      }
      block = child;
      rows = Math.log2(size) - firstRowBits + 1;
      off = inner;
    }
    throw new Hdf5Error(`malformed: ${what}: indirect blocks nested more than 64 deep`);
  }

  private async huge(c: Cursor): Promise<Uint8Array> {
    const what = `a huge object in the fractal heap of ${this.what}`;
    if (this.p.idLength >= 1 + 8 + 8) {
      // Directly accessed: address and length in the ID.
      const addr = c.addr();
      const len = c.u64();
      return this.src.readFresh(addr, len, what);
    }
    const key = c.uint(Math.min(8, this.p.idLength - 1), 'a huge object ID');
    if (this.p.hugeBtree === UNDEFINED) throw new Hdf5Error(`malformed: ${what}: the heap has no huge-object B-tree`);
    this.hugeRecords ??= await v2Records(this.src, this.p.hugeBtree, `the huge objects of ${this.what}`);
    for (const r of this.hugeRecords) {
      const rc = new Cursor(r, `the huge objects of ${this.what}`);
      const addr = rc.addr();
      const len = rc.u64();
      if (rc.uint(8, 'a huge object ID') === key) return this.src.readFresh(addr, len, what);
    }
    throw new Hdf5Error(`malformed: ${what}: ID ${key} is not in the heap's huge-object B-tree`);
  }
}
