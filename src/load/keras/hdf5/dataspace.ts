import { Hdf5Error, hex } from './errors.js';
import { H5_LIMITS } from './limits.js';
import { Cursor } from './source.js';

export interface Dataspace {
  kind: 'scalar' | 'simple' | 'null';
  shape: number[];
  /** Number of elements: 1 for a scalar, 0 for a null dataspace. */
  count: number;
}

/** Parses a dataspace message, version 1 or 2. */
export function parseDataspace(c: Cursor): Dataspace {
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  let kind: Dataspace['kind'];
  if (version === 1) {
    c.skip(5);
    kind = rank === 0 ? 'scalar' : 'simple';
  } else if (version === 2) {
    const type = c.u8();
    if (type > 2) throw new Hdf5Error(`malformed: ${c.what} at ${hex(c.at)} has dataspace type ${type}`);
    kind = type === 0 ? 'scalar' : type === 1 ? 'simple' : 'null';
  } else {
    throw new Hdf5Error(`malformed: ${c.what} at ${hex(c.at)} has a dataspace of version ${version}`);
  }
  if (rank > H5_LIMITS.rank) throw new Hdf5Error(`malformed: ${c.what} at ${hex(c.at)} has a dataspace of ${rank} dimensions (HDF5 allows ${H5_LIMITS.rank})`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(c.u64('a dimension'));
  if (flags & 0x01) c.skip(8 * rank); // maximum dimensions
  if (kind === 'null') return { kind, shape: [], count: 0 };
  if (kind === 'scalar') return { kind, shape: [], count: 1 };
  let n = 1;
  for (const d of shape) n *= d;
  if (!Number.isSafeInteger(n)) throw new Hdf5Error(`malformed: ${c.what} at ${hex(c.at)} has a dataspace of more than 2^53 elements ([${shape.join(', ')}])`);
  return { kind, shape, count: n };
}
