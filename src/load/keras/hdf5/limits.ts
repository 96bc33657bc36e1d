/**
 * Bounds on what an HDF5 file may make the reader do, checked before the allocation or the
 * loop they bound. Keras files are far below each: a VGG16 .h5 has under 200 objects, its
 * largest dataset is 411 MB and its object headers are a few KiB.
 */
export const H5_LIMITS = Object.freeze({
  /** Group nesting below the root. */
  depth: 64,
  /** Bytes of one object header chunk, or of one heap or B-tree node read whole. */
  metadataBlock: 64 * 2 ** 20,
  /** Continuation chunks of one object header. */
  headerChunks: 4096,
  /** Messages of one object header, all chunks together. */
  headerMessages: 100_000,
  /** Links of one group and attributes of one object. */
  entries: 1_000_000,
  /** Nodes visited in one B-tree. */
  btreeNodes: 1_000_000,
  /** Bytes of one global heap collection (a 60 MB model_config fits). */
  globalHeap: 256 * 2 ** 20,
  /** Bytes of the strings of one attribute value, all elements together. */
  attributeStrings: 256 * 2 ** 20,
  /** Bytes of one dataset as read (VGG16's largest weight is 411 MB). */
  datasetBytes: 2 ** 30,
  /** Dimensions of a dataspace (HDF5's own bound). */
  rank: 32,
});
