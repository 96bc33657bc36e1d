/** A reader of HDF5 files (what h5py and Keras write) that reads by position, never the whole file. */
export { Hdf5Error, openHdf5 } from './file.js';
export type { H5Array, H5Dataset, H5File, H5Group, H5Value } from './file.js';
