import { v1Leaves } from './btree-v1.js';
import { type Dataspace, parseDataspace } from './dataspace.js';
import { type H5Type, halfToNumber, parseDatatype } from './datatype.js';
import { Hdf5Error, count, hex } from './errors.js';
import { type Filter, parseFilters, unfilter } from './filters.js';
import { type ChunkEntry, fixedArrayChunks } from './fixed-array.js';
import { H5_LIMITS } from './limits.js';
import { MSG, type Message, type ObjectHeader, SHARED, messageOf } from './object-header.js';
import { Cursor, Source, UNDEFINED, bounded } from './source.js';

export type H5Array = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

/** Where a dataset's elements are. */
type Layout =
  | { kind: 'compact'; data: Uint8Array }
  | { kind: 'contiguous'; addr: number; size: number }
  | { kind: 'chunked-btree'; btree: number; chunk: number[] }
  | { kind: 'single-chunk'; addr: number; size: number; mask: number; chunk: number[] }
  | { kind: 'implicit'; addr: number; chunk: number[] }
  | { kind: 'fixed-array'; addr: number; chunk: number[] };

export interface DatasetInfo {
  space: Dataspace;
  type: H5Type;
  layout: Layout;
  filters: Filter[];
}

const INDEX_NAMES = ['', 'single chunk', 'implicit', 'fixed array', 'extensible array', 'version 2 B-tree'];

function required(header: ObjectHeader, type: number, name: string, what: string): Message {
  const m = messageOf(header, type);
  if (!m) throw new Hdf5Error(`malformed: the dataset ${what} has no ${name} message`);
  if (m.flags & SHARED) throw new Hdf5Error(`unsupported: the ${name} of dataset ${what} is a shared message (a committed datatype or the shared message table)`);
  return m;
}

function parseLayout(m: Message, rank: number, what: string): Layout {
  const c = new Cursor(m.data, `the layout of ${what}`, m.at);
  const version = c.u8();
  if (version === 1 || version === 2) {
    const dims = c.u8();
    const cls = c.u8();
    c.skip(5);
    const addr = cls === 0 ? UNDEFINED : c.addr();
    const chunk: number[] = [];
    for (let i = 0; i < dims; i++) chunk.push(c.u32());
    if (cls === 0) return { kind: 'compact', data: c.bytes(c.u32()) };
    if (cls === 1) return { kind: 'contiguous', addr, size: -1 };
    // Chunked: the last of the dimensions is the element size.
    return { kind: 'chunked-btree', btree: addr, chunk: chunk.slice(0, rank) };
  }
  if (version !== 3 && version !== 4) throw new Hdf5Error(`malformed: the layout of ${what} at ${hex(m.at)} has version ${version}`);
  const cls = c.u8();
  if (cls === 0) return { kind: 'compact', data: c.bytes(c.u16()) };
  if (cls === 1) return { kind: 'contiguous', addr: c.addr(), size: c.u64() };
  if (cls === 3) throw new Hdf5Error(`unsupported: ${what} is a virtual dataset`);
  if (cls !== 2) throw new Hdf5Error(`malformed: the layout of ${what} at ${hex(m.at)} has class ${cls}`);
  if (version === 3) {
    const dims = c.u8();
    if (dims !== rank + 1) throw new Hdf5Error(`malformed: the layout of ${what} has ${dims} chunk dimensions for a rank-${rank} dataspace`);
    const btree = c.addr();
    const chunk: number[] = [];
    for (let i = 0; i < dims; i++) chunk.push(c.u32());
    return { kind: 'chunked-btree', btree, chunk: chunk.slice(0, rank) };
  }
  const flags = c.u8();
  const dims = c.u8();
  const encoded = c.u8();
  if (dims !== rank + 1 || encoded < 1 || encoded > 8) throw new Hdf5Error(`malformed: the layout of ${what} has ${dims} chunk dimensions of ${encoded} bytes for a rank-${rank} dataspace`);
  const chunk: number[] = [];
  for (let i = 0; i < dims; i++) chunk.push(c.uint(encoded, 'a chunk dimension'));
  const index = c.u8();
  if (index === 1) {
    let size = -1;
    let mask = 0;
    if (flags & 0x02) {
      size = c.u64();
      mask = c.u32();
    }
    return { kind: 'single-chunk', addr: c.addr(), size, mask, chunk: chunk.slice(0, rank) };
  }
  if (index === 2) return { kind: 'implicit', addr: c.addr(), chunk: chunk.slice(0, rank) };
  if (index === 3) {
    c.u8(); // page bits (also in the index's header)
    return { kind: 'fixed-array', addr: c.addr(), chunk: chunk.slice(0, rank) };
  }
  throw new Hdf5Error(`unsupported: ${what} indexes its chunks with a ${INDEX_NAMES[index] ?? `type ${index}`} index (this reader reads version 1 B-tree, single-chunk, implicit and fixed array indexes: what h5py writes for datasets of fixed shape)`);
}

export function parseDataset(header: ObjectHeader, what: string): DatasetInfo {
  const space = parseDataspace(new Cursor(required(header, MSG.dataspace, 'dataspace', what).data, `the dataspace of ${what}`));
  const type = parseDatatype(new Cursor(required(header, MSG.datatype, 'datatype', what).data, `the datatype of ${what}`));
  const layout = parseLayout(required(header, MSG.layout, 'layout', what), space.shape.length, what);
  const pipeline = messageOf(header, MSG.filters);
  const filters = pipeline ? parseFilters(pipeline.data, pipeline.at, what) : [];
  if (messageOf(header, MSG.externalFiles)) throw new Hdf5Error(`unsupported: ${what} keeps its data in external files`);
  return { space, type, layout, filters };
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swap(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) b.subarray(i, i + size).reverse();
}

/** The elements as a typed array (float16 widened to float32). */
function typed(b: Uint8Array, type: H5Type, what: string): H5Array {
  if (type.cls !== 'int' && type.cls !== 'float') throw new Hdf5Error(`unsupported: ${what} holds ${type.cls === 'other' ? type.name : 'string'} elements, not numbers`);
  if (type.bigEndian === littleEndianHost) swap(b, type.size);
  const buf = b.buffer as ArrayBuffer;
  const n = b.length / type.size;
  if (type.cls === 'float') {
    if (type.size === 4) return new Float32Array(buf, b.byteOffset, n);
    if (type.size === 8) return new Float64Array(buf, b.byteOffset, n);
    const half = new Uint16Array(buf, b.byteOffset, n);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = halfToNumber(half[i]);
    return out;
  }
  switch (type.size) {
    case 1:
      return type.signed ? new Int8Array(buf, b.byteOffset, n) : new Uint8Array(buf, b.byteOffset, n);
    case 2:
      return type.signed ? new Int16Array(buf, b.byteOffset, n) : new Uint16Array(buf, b.byteOffset, n);
    case 4:
      return type.signed ? new Int32Array(buf, b.byteOffset, n) : new Uint32Array(buf, b.byteOffset, n);
    default:
      return type.signed ? new BigInt64Array(buf, b.byteOffset, n) : new BigUint64Array(buf, b.byteOffset, n);
  }
}

/** Copies one chunk (its elements in row-major order) into the dataset at `offset`, clipped at the dataset's edges. */
function scatter(out: Uint8Array, shape: number[], chunkBytes: Uint8Array, chunk: number[], offset: number[], size: number): void {
  const rank = shape.length;
  if (rank === 0) {
    out.set(chunkBytes.subarray(0, size));
    return;
  }
  const last = rank - 1;
  const run = Math.min(chunk[last], shape[last] - offset[last]) * size;
  const index = new Array<number>(rank).fill(0); // position within the chunk, last dimension always 0
  for (;;) {
    let inside = true;
    for (let d = 0; d < last; d++) if (offset[d] + index[d] >= shape[d]) inside = false;
    if (inside) {
      let src = 0;
      let dst = 0;
      for (let d = 0; d < rank; d++) {
        src = src * chunk[d] + index[d];
        dst = dst * shape[d] + offset[d] + index[d];
      }
      out.set(chunkBytes.subarray(src * size, src * size + run), dst * size);
    }
    let d = last - 1;
    while (d >= 0 && ++index[d] >= chunk[d]) index[d--] = 0;
    if (d < 0) return;
  }
}

/** Reads every element of a dataset: nothing is read before the sizes are checked. */
export async function readDataset(src: Source, info: DatasetInfo, what: string): Promise<H5Array> {
  const { space, type, layout, filters } = info;
  if (type.cls !== 'int' && type.cls !== 'float') return typed(new Uint8Array(0), type, what);
  const size = type.size;
  const total = bounded(space.count * size, H5_LIMITS.datasetBytes, `${what} (bytes)`);
  let out: Uint8Array = new Uint8Array(0);
  const shape = space.kind === 'scalar' ? [] : space.shape;
  switch (layout.kind) {
    case 'compact':
      out = new Uint8Array(total);
      if (layout.data.length < total) throw new Hdf5Error(`malformed: ${what} holds ${count(layout.data.length)} bytes for ${count(space.count)} elements of ${size}`);
      out.set(layout.data.subarray(0, total));
      break;
    case 'contiguous':
      if (layout.addr !== UNDEFINED && total > 0) {
        if (layout.size >= 0 && layout.size < total) throw new Hdf5Error(`malformed: ${what} stores ${count(layout.size)} bytes for ${count(space.count)} elements of ${size}`);
        out = await src.readFresh(layout.addr, total, what); // a buffer of its own: no copy of a large weight
      } else {
        out = new Uint8Array(total);
      }
      break;
    default: {
      const chunk = layout.chunk;
      if (chunk.length !== shape.length || chunk.some((d) => d < 1)) throw new Hdf5Error(`malformed: ${what} has chunks of [${chunk.join(', ')}] for shape [${shape.join(', ')}]`);
      const chunkBytes = bounded(chunk.reduce((a, b) => a * b, size), H5_LIMITS.datasetBytes, `the chunks of ${what} (bytes)`);
      const placed = new Set<string>(); // each chunk once: a chunk index listing one chunk many times is refused
      const place = async (addr: number, stored: number, mask: number, offset: number[]): Promise<void> => {
        for (let d = 0; d < shape.length; d++) {
          if (offset[d] % chunk[d] !== 0 || offset[d] >= shape[d]) throw new Hdf5Error(`malformed: ${what} has a chunk at [${offset.join(', ')}], outside its shape [${shape.join(', ')}] or off its chunk grid`);
        }
        const key = offset.join(',');
        if (placed.has(key)) throw new Hdf5Error(`malformed: ${what} lists its chunk at [${offset.join(', ')}] twice`);
        placed.add(key);
        const raw = await src.read(addr, stored, `a chunk of ${what}`);
        const data = filters.length ? unfilter(raw, filters, mask, size, chunkBytes, what) : raw;
        if (data.length !== chunkBytes) throw new Hdf5Error(`malformed: a chunk of ${what} at ${hex(addr)} holds ${count(data.length)} bytes, not ${count(chunkBytes)}`);
        scatter(out, shape, data, chunk, offset, size);
      };
      out = new Uint8Array(total);
      if (total === 0) break;
      if (layout.kind === 'single-chunk') {
        if (layout.addr !== UNDEFINED) await place(layout.addr, layout.size >= 0 ? layout.size : chunkBytes, layout.mask, shape.map(() => 0));
      } else if (layout.kind === 'implicit' || layout.kind === 'fixed-array') {
        if (layout.kind === 'implicit' && filters.length) throw new Hdf5Error(`malformed: ${what} has an implicit chunk index with filters`);
        if (layout.addr !== UNDEFINED) {
          const grid = shape.map((s, d) => Math.ceil(s / chunk[d]));
          const n = bounded(grid.reduce((a, b) => a * b, 1), H5_LIMITS.btreeNodes, `${what} (chunks)`);
          let entries: ChunkEntry[];
          if (layout.kind === 'fixed-array') {
            entries = await fixedArrayChunks(src, layout.addr, what);
            if (entries.length !== n) throw new Hdf5Error(`malformed: the chunk index of ${what} lists ${count(entries.length)} chunks, its shape needs ${count(n)}`);
          } else {
            src.check(layout.addr, n * chunkBytes, what);
            entries = Array.from({ length: n }, (_, i) => ({ addr: layout.addr + i * chunkBytes, size: -1, mask: 0 }));
          }
          for (let i = 0; i < n; i++) {
            const offset: number[] = [];
            let rest = i;
            for (let d = shape.length - 1; d >= 0; d--) {
              offset[d] = (rest % grid[d]) * chunk[d];
              rest = Math.floor(rest / grid[d]);
            }
            const e = entries[i];
            if (e.addr !== UNDEFINED) await place(e.addr, e.size >= 0 ? e.size : chunkBytes, e.mask, offset);
          }
        }
      } else if (layout.btree !== UNDEFINED) {
        const keySize = 8 + 8 * (shape.length + 1);
        for (const leaf of await v1Leaves(src, layout.btree, 1, keySize, what)) {
          const k = new Cursor(leaf.key, `a chunk key of ${what}`);
          const stored = k.u32();
          const mask = k.u32();
          const offset: number[] = [];
          for (let d = 0; d < shape.length; d++) offset.push(k.u64('a chunk offset'));
          await place(leaf.child, stored, mask, offset);
        }
      }
    }
  }
  return typed(out, type, what);
}
