/** Every failure of the HDF5 reader: one line saying what is wrong and where. */
export class Hdf5Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Hdf5Error';
  }
}

/** A file address as the messages write it. */
export const hex = (n: number): string => `0x${n.toString(16)}`;

/** A byte count with thousands separators. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** Thrown when a structure the reader did not bound-check still went wrong: caught at the API boundary. */
export function asHdf5Error(e: unknown): Hdf5Error {
  if (e instanceof Hdf5Error) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return new Hdf5Error(`cannot read the file: ${code}`);
  const message = e instanceof Error ? e.message : String(e);
  return new Hdf5Error(`unreadable: ${message.split('\n')[0]} (an unchecked structure)`);
}
