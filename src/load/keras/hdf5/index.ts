/**
 * A reader of HDF5 files as h5py and Keras write them, by positional reads: opening reads
 * the superblock and the root group's header; attributes, links and datasets are read when
 * asked for, so a model's root attributes cost a few KiB plus their own bytes, never the
 * weights. H5File.bytesRead counts what was read.
 *
 * Reads: superblock versions 0-3 (8-byte addresses and lengths), a user block before it;
 * object headers v1 and v2 with continuation chunks; old-style groups (symbol table: v1
 * B-tree, symbol table nodes, local heap) and new-style ones (link messages, or dense
 * storage: fractal heap and v2 B-tree name index); attribute messages v1-v3 and dense
 * attribute storage (managed, tiny and huge heap objects); fixed-point (1/2/4/8 bytes, either
 * byte order), IEEE floating point (16/32/64), fixed-length and variable-length strings
 * (global heap), scalar and simple dataspaces; datasets with compact, contiguous and chunked
 * layouts (layout messages v1-v4; chunk indexes: v1 B-tree, single chunk, implicit, fixed
 * array), deflate, shuffle and fletcher32 (not verified) filters, unwritten data as zeros.
 *
 * Refuses, with one Hdf5Error line: other address or length sizes; shared messages for a
 * dataset's datatype or dataspace and for attributes (committed datatypes, the shared message
 * table); extensible array and v2 B-tree chunk indexes (datasets with unlimited dimensions
 * under libver='latest'); virtual datasets, external storage, other filters (szip, lzf,
 * blosc...); fractal heaps with I/O filters; following soft and external links. Attribute
 * values of other types (compound, enum, array, reference, opaque, bitfield, time, vlen
 * sequences) read as null. Every size, count and address is checked against the file size
 * and the bounds of limits.ts before anything is allocated or read.
 */
export { Hdf5Error, openHdf5 } from './file.js';
export type { H5Array, H5Dataset, H5File, H5Group, H5Value } from './file.js';
