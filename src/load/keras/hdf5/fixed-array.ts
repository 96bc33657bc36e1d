import { Hdf5Error, count, hex } from './errors.js';
import { H5_LIMITS } from './limits.js';
import { Cursor, Source, bounded } from './source.js';

/** One chunk as a chunk index lists it. */
export interface ChunkEntry {
  addr: number;
  /** Bytes stored (after filters); -1 when unfiltered (the chunk's full size). */
  size: number;
  mask: number;
}

/**
 * The chunks of a fixed array chunk index ("FAHD" header, "FADB" data block, paged when it
 * holds more than 2^pageBits entries): what HDF5 1.10+ writes with libver='latest' for a
 * chunked dataset of fixed shape. Entries are the chunks in row-major order of the chunk grid.
 */
export async function fixedArrayChunks(src: Source, addr: number, what: string): Promise<ChunkEntry[]> {
  const h = new Cursor(await src.read(addr, 28, `the chunk index of ${what}`), `the chunk index of ${what}`, addr);
  h.signature('FAHD');
  const version = h.u8();
  const client = h.u8();
  const entrySize = h.u8();
  const pageBits = h.u8();
  const n = bounded(h.u64('an entry count'), H5_LIMITS.btreeNodes, `the chunk index of ${what} (chunks)`);
  const block = h.addr();
  const sizeLength = entrySize - 12;
  if (version !== 0 || client > 1 || (client === 0 && entrySize !== 8) || (client === 1 && (sizeLength < 1 || sizeLength > 8)) || pageBits > 32) {
    throw new Hdf5Error(`malformed: the chunk index of ${what} at ${hex(addr)} has version ${version}, client ${client}, ${entrySize}-byte entries and ${pageBits} page bits`);
  }
  const perPage = 2 ** pageBits;
  const pages = n > perPage ? Math.ceil(n / perPage) : 0;
  const prefix = 4 + 1 + 1 + 8 + (pages > 0 ? Math.ceil(pages / 8) + 4 : 0);
  const total = prefix + n * entrySize + pages * 4;
  const c = new Cursor(await src.read(block, total, `the chunk index of ${what}`), `the chunk index of ${what}`, block);
  c.signature('FADB');
  c.skip(prefix - 4);
  const out: ChunkEntry[] = [];
  for (let i = 0; i < n; i++) {
    if (pages > 0 && i > 0 && i % perPage === 0) c.skip(4); // the previous page's checksum
    const chunk = c.addr();
    if (client === 0) out.push({ addr: chunk, size: -1, mask: 0 });
    else out.push({ addr: chunk, size: c.uint(sizeLength, 'a chunk size'), mask: c.u32() });
  }
  if (out.length !== n) throw new Hdf5Error(`malformed: the chunk index of ${what} lists ${count(out.length)} of its ${count(n)} chunks`);
  return out;
}
