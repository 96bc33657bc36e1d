import { Hdf5Error, count, hex } from './errors.js';
import { H5_LIMITS } from './limits.js';
import { Budget, Cursor, Source, UNDEFINED, bounded, metadataSize } from './source.js';

/** Bytes needed to encode n (H5VM_limit_enc_size). */
const encSize = (n: number): number => Math.floor(Math.floor(Math.log2(Math.max(n, 1))) / 8) + 1;

/** Signature, version, type and checksum of every node. */
const NODE_PREFIX = 10;

/**
 * Every record of a version 2 B-tree ("BTHD" header, "BTIN" and "BTLF" nodes), in key order.
 * Used for the name indexes of dense link and attribute storage and for huge heap objects.
 */
export async function v2Records(src: Source, addr: number, what: string): Promise<Uint8Array[]> {
  const h = new Cursor(await src.read(addr, 38, `the B-tree header of ${what}`), `the B-tree header of ${what}`, addr);
  h.signature('BTHD');
  const version = h.u8();
  if (version !== 0) throw new Hdf5Error(`malformed: the B-tree header of ${what} at ${hex(addr)} has version ${version}`);
  h.u8(); // type
  const nodeSize = metadataSize(h.u32(), `the B-tree nodes of ${what}`);
  const recordSize = h.u16();
  const depth = h.u16();
  h.skip(2); // split and merge percent
  const root = h.addr();
  const rootRecords = h.u16();
  const total = bounded(h.u64(), H5_LIMITS.entries, `the B-tree of ${what} (records)`);
  if (recordSize === 0 || nodeSize < NODE_PREFIX + recordSize || depth > 32) {
    throw new Hdf5Error(`malformed: the B-tree header of ${what} at ${hex(addr)} has nodes of ${count(nodeSize)} bytes, records of ${recordSize} and depth ${depth}`);
  }
  if (root === UNDEFINED || total === 0) return [];

  // Record counts per level, and how many bytes each child pointer's counts take (H5B2__hdr_init).
  const maxRecords: number[] = [Math.floor((nodeSize - NODE_PREFIX) / recordSize)];
  const cumulative: number[] = [maxRecords[0]];
  const cumulativeSize: number[] = [0];
  const recordCountSize = encSize(maxRecords[0]);
  for (let d = 1; d <= depth; d++) {
    const pointer = 8 + recordCountSize + (d > 1 ? cumulativeSize[d - 1] : 0);
    const max = Math.floor((nodeSize - (NODE_PREFIX + pointer)) / (recordSize + pointer));
    if (max < 1) throw new Hdf5Error(`malformed: the B-tree of ${what} at ${hex(addr)} cannot hold records at depth ${d} in ${count(nodeSize)}-byte nodes`);
    maxRecords.push(max);
    cumulative.push(Math.min(Number.MAX_SAFE_INTEGER, (max + 1) * cumulative[d - 1] + max));
    cumulativeSize.push(encSize(cumulative[d]));
  }

  const out: Uint8Array[] = [];
  const seen = new Set<number>();
  const budget = new Budget(src, `the B-tree of ${what}`);
  const visit = async (node: number, level: number, records: number): Promise<void> => {
    if (seen.has(node)) throw new Hdf5Error(`malformed: the B-tree of ${what} visits its node at ${hex(node)} twice: a cycle`);
    seen.add(node);
    bounded(seen.size, H5_LIMITS.btreeNodes, `the B-tree of ${what} (nodes)`);
    if (records > maxRecords[level]) throw new Hdf5Error(`malformed: a B-tree node of ${what} at ${hex(node)} declares ${count(records)} records, at most ${maxRecords[level]} fit`);
    budget.spend(nodeSize);
    const c = new Cursor(await src.read(node, nodeSize, `a B-tree node of ${what}`), `a B-tree node of ${what}`, node);
    c.signature(level === 0 ? 'BTLF' : 'BTIN');
    c.skip(2); // version, type
    const mine: Uint8Array[] = [];
    for (let i = 0; i < records; i++) mine.push(c.bytes(recordSize));
    if (level === 0) {
      for (const r of mine) out.push(r);
    } else {
      const children: [number, number][] = [];
      for (let i = 0; i <= records; i++) {
        const child = c.addr();
        const n = c.uint(recordCountSize, 'a record count');
        if (level > 1) c.uint(cumulativeSize[level - 1], 'a record count');
        children.push([child, n]);
      }
      for (let i = 0; i <= records; i++) {
        await visit(children[i][0], level - 1, children[i][1]);
        if (i < records) out.push(mine[i]);
      }
    }
    bounded(out.length, H5_LIMITS.entries, `the B-tree of ${what} (records)`);
  };
  await visit(root, depth, rootRecords);
  return out;
}
