import { DnarchError } from '../../../errors.js';
import { readCapped } from '../../safe-path.js';

/**
 * The HDF5 API the .h5 reader is written against (the only file of src/load/keras/h5/ that
 * knows how HDF5 is read). TEMPORARY ADAPTER: implemented here with jsfive, which reads the
 * whole file into memory; it is to be replaced at merge by src/load/keras/hdf5/ (positional
 * reads, same types), so everything else imports these names from this file only.
 */

export type H5Value = string | number | bigint | (string | number | bigint)[] | null;

export interface H5Dataset {
  kind: 'dataset';
  path: string;
  shape: number[];
  dtype: string;
  attrs(): Promise<Map<string, H5Value>>;
  read(): Promise<Float32Array | Int32Array | Float64Array | Uint8Array>;
}

export interface H5Group {
  kind: 'group';
  path: string;
  attrs(): Promise<Map<string, H5Value>>;
  keys(): Promise<string[]>;
  get(name: string): Promise<H5Group | H5Dataset | undefined>;
}

export interface H5File {
  root: H5Group;
  close(): Promise<void>;
}

export class Hdf5Error extends Error {}

// ---------------------------------------------------------------------------------------
// jsfive (it ships no types): the parts used here.

interface JsObject {
  readonly name: string;
  readonly attrs: Record<string, unknown>;
}
interface JsGroup extends JsObject {
  readonly keys: string[];
  get(path: string): JsGroup | JsDataset | null;
}
interface JsDataset extends JsObject {
  readonly shape: unknown;
  readonly dtype: unknown;
  readonly value: unknown;
}
interface Jsfive {
  File: new (buffer: ArrayBuffer, filename?: string) => JsGroup;
  Dataset: abstract new (...args: never[]) => JsDataset;
}

let jsfive: Promise<Jsfive> | undefined;
const loadJsfive = (): Promise<Jsfive> => (jsfive ??= import('jsfive' as string) as Promise<Jsfive>);

/** The adapter reads the whole file: bounded. */
const MAX_FILE_BYTES = 2 ** 31 - 1;

/** jsfive warns on the console about attribute types it cannot decode; core code never prints. */
function quietly<T>(work: () => T): T {
  const saved = { log: console.log, warn: console.warn };
  console.log = console.warn = () => undefined;
  try {
    return work();
  } catch (e) {
    if (e instanceof Hdf5Error || e instanceof DnarchError) throw e;
    const reason = String((e as Error)?.message ?? e).split('\n')[0].replace(/^thing is not a function$/, 'a consistency check failed');
    throw new Hdf5Error(`jsfive cannot read it (${reason})`);
  } finally {
    Object.assign(console, saved);
  }
}

/** h5py writes fixed-length strings NUL-padded. */
const unpad = (s: string): string => s.replace(/\0+$/, '');

function toValue(v: unknown): H5Value {
  if (typeof v === 'string') return unpad(v);
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const items = Array.from(v as ArrayLike<unknown>).flat(8);
    return items.filter((x): x is string | number | bigint => ['string', 'number', 'bigint'].includes(typeof x)).map((x) => (typeof x === 'string' ? unpad(x) : x));
  }
  return null;
}

function attrMap(o: JsObject): Map<string, H5Value> {
  const raw = quietly(() => o.attrs);
  const out = new Map<string, H5Value>();
  for (const k of Object.keys(raw ?? {})) out.set(k, toValue(raw[k]));
  return out;
}

const DTYPE = /^[<>=|]?([fiub])(\d+)$/;

function wrapDataset(h: Jsfive, d: JsDataset, path: string): H5Dataset {
  const shape = quietly(() => d.shape);
  const dtype = quietly(() => d.dtype);
  return {
    kind: 'dataset',
    path,
    shape: Array.isArray(shape) ? (shape as number[]) : [],
    dtype: typeof dtype === 'string' ? dtype : JSON.stringify(dtype),
    attrs: async () => attrMap(d),
    read: async () => {
      const m = typeof dtype === 'string' ? DTYPE.exec(dtype) : null;
      if (!m) throw new Hdf5Error(`${path}: HDF5 type ${JSON.stringify(dtype)} is not supported`);
      const value = quietly(() => d.value);
      if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw new Hdf5Error(`${path}: unreadable data`);
      const values = value as ArrayLike<number>;
      if (m[1] === 'f') return m[2] === '8' ? Float64Array.from(values) : Float32Array.from(values);
      if (m[1] === 'b' || (m[1] === 'u' && m[2] === '1')) return Uint8Array.from(values);
      return Int32Array.from(values, Number);
    },
  };
}

function wrapGroup(h: Jsfive, g: JsGroup, path: string): H5Group {
  return {
    kind: 'group',
    path,
    attrs: async () => attrMap(g),
    keys: async () => [...quietly(() => g.keys)],
    get: async (name) => {
      if (!quietly(() => g.keys).includes(name)) return undefined;
      const child = quietly(() => g.get(name));
      const at = path === '/' ? `/${name}` : `${path}/${name}`;
      if (child === null || child === undefined) return undefined;
      return child instanceof h.Dataset ? wrapDataset(h, child as JsDataset, at) : wrapGroup(h, child as JsGroup, at);
    },
  };
}

export async function openHdf5(file: string): Promise<H5File> {
  const h = await loadJsfive();
  const bytes = await readCapped(file, MAX_FILE_BYTES);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const root = quietly(() => new h.File(buffer, file));
  return { root: wrapGroup(h, root, '/'), close: async () => undefined };
}
