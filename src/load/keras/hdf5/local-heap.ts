import { Hdf5Error, hex } from './errors.js';
import { Cursor, Source, metadataSize } from './source.js';

/** A local heap ("HEAP"): the names of an old-style group's links. */
export async function readLocalHeap(src: Source, addr: number, what: string): Promise<Uint8Array> {
  const c = new Cursor(await src.read(addr, 32, `the local heap of ${what}`), `the local heap of ${what}`, addr);
  c.signature('HEAP');
  const version = c.u8();
  if (version !== 0) throw new Hdf5Error(`malformed: the local heap of ${what} at ${hex(addr)} has version ${version}`);
  c.skip(3);
  const size = metadataSize(c.u64(), `the local heap of ${what}`);
  c.u64(); // free list head
  const data = c.addr();
  return src.read(data, size, `the local heap data of ${what}`);
}

/** The NUL-terminated name at `offset` of a local heap. */
export function heapName(heap: Uint8Array, offset: number, what: string): Uint8Array {
  if (offset >= heap.length) throw new Hdf5Error(`malformed: a link name of ${what} at local heap offset ${offset} lies past the heap's ${heap.length} bytes`);
  const end = heap.indexOf(0, offset);
  if (end < 0) throw new Hdf5Error(`malformed: a link name of ${what} at local heap offset ${offset} is not NUL-terminated`);
  return heap.subarray(offset, end);
}
