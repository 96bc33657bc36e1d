import { Hdf5Error, hex } from './errors.js';
import { H5_LIMITS } from './limits.js';
import { Budget, Cursor, Source, bounded } from './source.js';

/** A leaf entry of a version 1 B-tree: the key before the child, and the child's address. */
export interface V1Entry {
  key: Uint8Array;
  child: number;
}

/**
 * Every leaf entry of a version 1 B-tree ("TREE" nodes) of the given node type (0: group
 * nodes pointing to symbol table nodes, 1: raw data chunks), left to right. Each node is
 * read once (a cycle is an error) and levels must go down by one.
 */
export async function v1Leaves(src: Source, root: number, nodeType: 0 | 1, keySize: number, what: string): Promise<V1Entry[]> {
  const out: V1Entry[] = [];
  const seen = new Set<number>();
  const budget = new Budget(src, `the B-tree of ${what}`);
  const visit = async (addr: number, expectLevel: number | undefined): Promise<void> => {
    if (seen.has(addr)) throw new Hdf5Error(`malformed: the B-tree of ${what} visits its node at ${hex(addr)} twice: a cycle`);
    seen.add(addr);
    bounded(seen.size, H5_LIMITS.btreeNodes, `the B-tree of ${what} (nodes)`);
    const head = new Cursor(await src.read(addr, 24, `a B-tree node of ${what}`), `a B-tree node of ${what}`, addr);
    head.signature('TREE');
    const type = head.u8();
    const level = head.u8();
    const entries = head.u16();
    if (type !== nodeType) throw new Hdf5Error(`malformed: the B-tree node of ${what} at ${hex(addr)} has node type ${type}, expected ${nodeType}`);
    if (expectLevel !== undefined && level !== expectLevel) {
      throw new Hdf5Error(`malformed: the B-tree node of ${what} at ${hex(addr)} is at level ${level}, expected ${expectLevel}`);
    }
    budget.spend(24 + entries * (keySize + 8) + keySize);
    const body = new Cursor(await src.read(addr + 24, entries * (keySize + 8) + keySize, `a B-tree node of ${what}`), `a B-tree node of ${what}`, addr + 24);
    const children: V1Entry[] = [];
    for (let i = 0; i < entries; i++) {
      const key = body.bytes(keySize);
      children.push({ key, child: body.addr() });
    }
    for (const entry of children) {
      if (level === 0) {
        out.push(entry);
        bounded(out.length, H5_LIMITS.entries, `the B-tree of ${what} (entries)`);
      } else {
        await visit(entry.child, level - 1);
      }
    }
  };
  await visit(root, undefined);
  return out;
}
