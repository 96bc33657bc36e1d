import { Hdf5Error, count, hex } from './errors.js';
import { H5_LIMITS } from './limits.js';
import { Budget, Cursor, Source, bounded } from './source.js';

/** One global heap collection ("GCOL"): its objects by index. */
type Collection = Map<number, Uint8Array>;

const CACHE_BYTES = 64 * 2 ** 20;

/**
 * The global heap collections of a file (where variable-length strings live), read on
 * first use and kept while they add up to under 64 MiB.
 */
export class GlobalHeap {
  private readonly collections = new Map<number, Collection>();
  private cached = 0;

  constructor(readonly src: Source) {}

  /** The object `index` of the collection at `addr`; a collection read from the file is charged to `budget`. */
  async object(addr: number, index: number, budget: Budget): Promise<Uint8Array> {
    const collection = this.collections.get(addr) ?? (await this.load(addr, budget));
    const obj = collection.get(index);
    if (!obj) throw new Hdf5Error(`malformed: the global heap collection at ${hex(addr)} has no object ${index}`);
    return obj;
  }

  private async load(addr: number, budget: Budget): Promise<Collection> {
    const head = new Cursor(await this.src.read(addr, 16, 'a global heap collection'), 'a global heap collection', addr);
    head.signature('GCOL');
    const version = head.u8();
    if (version !== 1) throw new Hdf5Error(`malformed: the global heap collection at ${hex(addr)} has version ${version}`);
    head.skip(3);
    const size = bounded(head.u64(), H5_LIMITS.globalHeap, `the global heap collection at ${hex(addr)} (bytes)`);
    if (size < 16) throw new Hdf5Error(`malformed: the global heap collection at ${hex(addr)} declares ${count(size)} bytes`);
    budget.spend(size);
    const buf = size > 65536 ? await this.src.readFresh(addr, size, 'a global heap collection') : await this.src.read(addr, size, 'a global heap collection');
    const c = new Cursor(buf, 'a global heap collection', addr);
    c.skip(16);
    const objects: Collection = new Map();
    while (c.remaining >= 16) {
      const index = c.u16();
      c.skip(6); // reference count, reserved
      const len = c.u64('an object size');
      if (index === 0) break; // free space: the rest of the collection
      if (len > c.remaining) {
        throw new Hdf5Error(`malformed: object ${index} of the global heap collection at ${hex(addr)} declares ${count(len)} bytes, the collection has ${count(c.remaining)} left`);
      }
      objects.set(index, c.bytes(len));
      c.align(8);
    }
    if (this.cached + size > CACHE_BYTES) {
      this.collections.clear();
      this.cached = 0;
    }
    this.collections.set(addr, objects);
    this.cached += size;
    return objects;
  }
}
