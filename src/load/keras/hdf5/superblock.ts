import { Hdf5Error, count, hex } from './errors.js';
import { Cursor, Source, UNDEFINED } from './source.js';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Superblock {
  version: number;
  /** Object header address of the root group (relative to the base address). */
  root: number;
}

/**
 * Finds the superblock (at 0, 512, 1024, 2048... as HDF5 allows a user block before it),
 * sets the source's base address and returns the root group's address. Versions 0 to 3 with
 * 8-byte offsets and lengths, what h5py writes.
 */
export async function readSuperblock(src: Source): Promise<Superblock> {
  let at = -1;
  for (let pos = 0; pos + 8 <= src.size; pos = pos === 0 ? 512 : pos * 2) {
    const sig = await src.read(pos, 8, 'the superblock signature');
    if (SIGNATURE.every((b, i) => sig[i] === b)) {
      at = pos;
      break;
    }
  }
  if (at < 0) throw new Hdf5Error(`not an HDF5 file: no HDF5 signature at offset 0, 512, 1024 or any power of two up to its ${count(src.size)} bytes`);
  const head = await src.read(at, Math.min(src.size - at, 128), 'the superblock');
  const c = new Cursor(head, 'the superblock', at);
  c.skip(8);
  const version = head.length > 8 ? c.u8() : 0;
  const length = version === 0 ? 96 : version === 1 ? 100 : 48;
  if (version <= 3 && at + length > src.size) throw new Hdf5Error(`truncated: the file ends inside its superblock (${count(src.size)} bytes)`);
  let offsets: number;
  let lengths: number;
  if (version === 0 || version === 1) {
    c.skip(3); // free-space, root symbol table and reserved versions
    c.skip(1); // shared header message format version
    offsets = c.u8();
    lengths = c.u8();
  } else if (version === 2 || version === 3) {
    offsets = c.u8();
    lengths = c.u8();
  } else {
    throw new Hdf5Error(`unsupported: superblock version ${version} at ${hex(at)} (this reader reads versions 0 to 3)`);
  }
  if (offsets !== 8 || lengths !== 8) {
    throw new Hdf5Error(`unsupported: the file uses ${offsets}-byte addresses and ${lengths}-byte lengths; this reader reads 8-byte ones (what h5py writes)`);
  }
  let eof: number;
  let root: number;
  if (version <= 1) {
    c.skip(1); // reserved
    c.skip(4); // group leaf and internal node K
    c.skip(4); // file consistency flags
    if (version === 1) c.skip(4); // indexed storage internal node K, reserved
    c.addr(); // base address: see below
    c.addr(); // free-space info
    eof = c.addr();
    c.addr(); // driver information block
    c.addr(); // root symbol table entry: link name offset
    root = c.addr();
  } else {
    c.skip(1); // flags
    c.addr(); // base address: see below
    c.addr(); // superblock extension
    eof = c.addr();
    root = c.addr();
  }
  // As HDF5 checks it: the stored end of file against the file's size (not offset by the base address).
  if (eof !== UNDEFINED && eof > src.size) {
    throw new Hdf5Error(`truncated: the superblock says the file ends at ${count(eof)} bytes, it has ${count(src.size)}`);
  }
  if (root === UNDEFINED) throw new Hdf5Error('malformed: the superblock has no root group address');
  // As HDF5 does: addresses are relative to where the superblock is, whatever base address it stores.
  src.base = at;
  return { version, root };
}
