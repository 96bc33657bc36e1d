import type { FileHandle } from 'node:fs/promises';
import { Hdf5Error, count, hex } from './errors.js';
import { H5_LIMITS } from './limits.js';

/** The "undefined address" of HDF5 (all bits set), as the cursor returns it. */
export const UNDEFINED = -1;

const BLOCK = 4096;
const CACHE_BLOCKS = 1024;
/** Reads longer than this go straight to the file, past the block cache. */
const DIRECT = 2 * BLOCK;

/**
 * The file, read by position only: small reads through a cache of 4 KiB blocks, large ones
 * directly. Addresses are relative to the superblock's base address. Every read is checked
 * against the file size first and counted in bytesRead.
 */
export class Source {
  bytesRead = 0;
  base = 0;
  private readonly blocks = new Map<number, Uint8Array>();

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Throws unless [addr, addr + len) lies in the file. `what` names the structure ("the object header"). */
  check(addr: number, len: number, what: string): number {
    if (addr === UNDEFINED) throw new Hdf5Error(`malformed: ${what} has an undefined address`);
    const pos = this.base + addr;
    if (!Number.isSafeInteger(len) || len < 0) throw new Hdf5Error(`malformed: ${what} at ${hex(addr)} declares ${len} bytes`);
    if (!Number.isSafeInteger(pos) || pos < 0 || pos + len > this.size) {
      throw new Hdf5Error(`truncated: ${what} at ${hex(addr)} (${count(len)} bytes) lies past the end of the file (${count(this.size)} bytes)`);
    }
    return pos;
  }

  /** `len` bytes at `addr`; the result may share memory with the cache: do not modify it. */
  async read(addr: number, len: number, what: string): Promise<Uint8Array> {
    const pos = this.check(addr, len, what);
    if (len > DIRECT) return this.readRaw(pos, len);
    const first = Math.floor(pos / BLOCK);
    const last = Math.floor((pos + len - 1) / BLOCK);
    if (len === 0) return new Uint8Array(0);
    if (first === last) {
      const block = await this.block(first);
      return block.subarray(pos - first * BLOCK, pos - first * BLOCK + len);
    }
    const out = new Uint8Array(len);
    for (let b = first; b <= last; b++) {
      const block = await this.block(b);
      const from = Math.max(pos, b * BLOCK);
      const to = Math.min(pos + len, b * BLOCK + block.length);
      out.set(block.subarray(from - b * BLOCK, to - b * BLOCK), from - pos);
    }
    return out;
  }

  /** A fresh copy of `len` bytes at `addr`, read past the cache (dataset bytes). */
  async readFresh(addr: number, len: number, what: string): Promise<Uint8Array> {
    return this.readRaw(this.check(addr, len, what), len);
  }

  private async block(index: number): Promise<Uint8Array> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit); // most recent last
      return hit;
    }
    const start = index * BLOCK;
    const block = await this.readRaw(start, Math.min(BLOCK, this.size - start));
    if (this.blocks.size >= CACHE_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
    this.blocks.set(index, block);
    return block;
  }

  private async readRaw(pos: number, len: number): Promise<Uint8Array> {
    const out = new Uint8Array(len);
    let done = 0;
    while (done < len) {
      const { bytesRead } = await this.handle.read(out, done, len - done, pos + done);
      if (bytesRead === 0) throw new Hdf5Error(`truncated: the file ended at ${count(pos + done)} bytes while being read (it shrank?)`);
      done += bytesRead;
      this.bytesRead += bytesRead;
    }
    return out;
  }
}

/** Checks a size read from the file against a limit before anything is allocated for it. */
export function bounded(n: number, limit: number, what: string): number {
  if (!(n <= limit)) throw new Hdf5Error(`malformed: ${what} declares ${count(n)}, beyond this reader's limit of ${count(limit)}`);
  return n;
}

export const metadataSize = (n: number, what: string): number => bounded(n, H5_LIMITS.metadataBlock, `${what} (bytes)`);

/** Little-endian reads over a buffer, each checked against its end. `at` is the file address of buf[0]. */
export class Cursor {
  pos = 0;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    readonly what: string,
    readonly at = 0,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  need(n: number): void {
    if (!(n >= 0 && n <= this.remaining)) {
      throw new Hdf5Error(`malformed: ${this.what} at ${hex(this.at)} ends early (${count(n)} more bytes needed at byte ${this.pos} of ${this.buf.length})`);
    }
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** Skips to the next multiple of `n` from the start of the buffer (v1 padding), never past its end. */
  align(n: number): void {
    this.pos = Math.min(this.buf.length, Math.ceil(this.pos / n) * n);
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An unsigned little-endian integer of n bytes (0..8); above 2^53 it is an error. */
  uint(n: number, what = 'a size'): number {
    this.need(n);
    let v = 0;
    let allOnes = n > 0;
    for (let i = n - 1; i >= 0; i--) {
      const b = this.buf[this.pos + i];
      if (b !== 0xff) allOnes = false;
      v = v * 256 + b;
    }
    this.pos += n;
    if (allOnes && n === 8) return UNDEFINED;
    if (!Number.isSafeInteger(v)) throw new Hdf5Error(`malformed: ${this.what} at ${hex(this.at)} has ${what} beyond 2^53`);
    return v;
  }

  /** An 8-byte length. */
  u64(what?: string): number {
    const v = this.uint(8, what);
    if (v === UNDEFINED) throw new Hdf5Error(`malformed: ${this.what} at ${hex(this.at)} has ${what ?? 'a size'} of 2^64 - 1`);
    return v;
  }

  /** An 8-byte address, UNDEFINED when all bits are set. */
  addr(): number {
    return this.uint(8, 'an address');
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  signature(sig: string): void {
    const got = this.bytes(sig.length);
    for (let i = 0; i < sig.length; i++) {
      if (got[i] !== sig.charCodeAt(i)) {
        throw new Hdf5Error(`malformed: ${this.what} at ${hex(this.at)} lacks its "${sig}" signature`);
      }
    }
  }
}

const utf8 = new TextDecoder('utf-8');
export const decodeUtf8 = (b: Uint8Array): string => utf8.decode(b);

/** A name stored with its terminating NUL (or NUL padding): the bytes before the first NUL. */
export function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return utf8.decode(end < 0 ? b : b.subarray(0, end));
}

/**
 * Bytes one walk (a B-tree, an object header's chunks, a group's heaps) may read: twice the
 * file plus 1 MiB. Distinct nodes of a sound file never add up to more; overlapping ones
 * (every few bytes a node signature) would, and are refused instead of read for hours.
 */
export class Budget {
  private left: number;

  constructor(
    src: Source,
    private readonly what: string,
  ) {
    this.left = 2 * src.size + 2 ** 20;
  }

  spend(n: number): void {
    this.left -= n;
    if (this.left < 0) throw new Hdf5Error(`malformed: reading ${this.what} takes more than twice the file's bytes (overlapping or repeated structures)`);
  }
}
