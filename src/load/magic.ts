/** The first bytes that say what a file is: shared by format detection and the readers. */

/** True when the bytes start like a zip archive (a local file header or an empty archive). */
export function isZipMagic(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with HDF5's signature. */
export const isHdf5Magic = (head: Uint8Array): boolean => head.length >= 8 && HDF5_MAGIC.every((b, i) => head[i] === b);
