import { open } from 'node:fs/promises';
import { readAttributes } from './attributes.js';
import { type DatasetInfo, type H5Array, parseDataset, readDataset } from './dataset.js';
import { dtypeName } from './datatype.js';
import { Hdf5Error, asHdf5Error, hex } from './errors.js';
import { GlobalHeap } from './global-heap.js';
import { H5_LIMITS } from './limits.js';
import { type Link, readLinks } from './links.js';
import { MSG, type ObjectHeader, messageOf, readObjectHeader } from './object-header.js';
import { Source } from './source.js';
import { readSuperblock } from './superblock.js';
import type { H5Value } from './values.js';

export type { H5Array } from './dataset.js';
export type { H5Value } from './values.js';
export { Hdf5Error } from './errors.js';

export interface H5Dataset {
  kind: 'dataset';
  path: string;
  shape: number[];
  /** 'float16' | 'float32' | 'float64' | 'int8'...'int64' | 'uint8'...'uint64' | 'string' | the HDF5 class name of anything else. */
  dtype: string;
  attrs(): Promise<Map<string, H5Value>>;
  /** Every element, little-endian decoded (float16 widened to a Float32Array). Refused for non-numeric types. */
  read(): Promise<H5Array>;
}

export interface H5Group {
  kind: 'group';
  path: string;
  attrs(): Promise<Map<string, H5Value>>;
  /** Link names, sorted. */
  keys(): Promise<string[]>;
  /** The object a link names ("a" or a path "a/b/c" below this group); undefined when there is no such link or it leads to a committed datatype. */
  get(name: string): Promise<H5Group | H5Dataset | undefined>;
}

export interface H5File {
  root: H5Group;
  /** Bytes read from the file so far (metadata blocks and dataset bytes). */
  readonly bytesRead: number;
  close(): Promise<void>;
}

/** Runs reader work, turning anything that escaped its checks into an Hdf5Error. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw asHdf5Error(e);
  }
}

interface Context {
  src: Source;
  heap: GlobalHeap;
}

const childPath = (parent: string, name: string): string => (parent === '/' ? `/${name}` : `${parent}/${name}`);

async function openObject(ctx: Context, addr: number, path: string, depth: number): Promise<Group | Dataset | undefined> {
  if (depth > H5_LIMITS.depth) throw new Hdf5Error(`malformed: groups nested deeper than ${H5_LIMITS.depth} levels (at ${path.length > 80 ? `${path.slice(0, 40)}...${path.slice(-30)}` : path})`);
  const header = await readObjectHeader(ctx.src, addr, path);
  if (messageOf(header, MSG.layout)) return new Dataset(ctx, path, header);
  if (messageOf(header, MSG.symbolTable) || messageOf(header, MSG.linkInfo) || messageOf(header, MSG.link) || messageOf(header, MSG.groupInfo)) {
    return new Group(ctx, path, header, depth);
  }
  if (messageOf(header, MSG.datatype)) return undefined; // a committed datatype
  if (depth === 0) return new Group(ctx, path, header, depth); // an empty root
  throw new Hdf5Error(`malformed: the object ${path} at ${hex(addr)} is neither a group nor a dataset`);
}

class Group implements H5Group {
  readonly kind = 'group';
  private links?: Promise<Map<string, Link>>;

  constructor(
    private readonly ctx: Context,
    readonly path: string,
    private readonly header: ObjectHeader,
    private readonly depth: number,
  ) {}

  attrs(): Promise<Map<string, H5Value>> {
    return guarded(() => readAttributes(this.ctx.src, this.header, this.ctx.heap, this.path));
  }

  private linkMap(): Promise<Map<string, Link>> {
    this.links ??= guarded(() => readLinks(this.ctx.src, this.header, this.path));
    return this.links;
  }

  keys(): Promise<string[]> {
    return guarded(async () => [...(await this.linkMap()).keys()].sort());
  }

  get(name: string): Promise<H5Group | H5Dataset | undefined> {
    return guarded(async () => {
      const [first, ...rest] = name.split('/').filter((p) => p !== '');
      if (first === undefined) return this;
      const link = (await this.linkMap()).get(first);
      if (!link) return undefined;
      const path = childPath(this.path, first);
      if (link.kind === 'soft') throw new Hdf5Error(`unsupported: ${path} is a soft link to "${link.target.slice(0, 200)}"; this reader follows hard links only`);
      if (link.kind === 'external') throw new Hdf5Error(`unsupported: ${path} is an external link (to another file)`);
      const child = await openObject(this.ctx, link.addr, path, this.depth + 1);
      if (rest.length === 0 || child === undefined) return child;
      if (child.kind !== 'group') return undefined;
      return child.get(rest.join('/'));
    });
  }
}

class Dataset implements H5Dataset {
  readonly kind = 'dataset';
  readonly shape: number[];
  readonly dtype: string;
  private readonly info: DatasetInfo;

  constructor(
    private readonly ctx: Context,
    readonly path: string,
    private readonly header: ObjectHeader,
  ) {
    this.info = parseDataset(header, path);
    this.shape = this.info.space.shape;
    this.dtype = dtypeName(this.info.type);
  }

  attrs(): Promise<Map<string, H5Value>> {
    return guarded(() => readAttributes(this.ctx.src, this.header, this.ctx.heap, this.path));
  }

  read(): Promise<H5Array> {
    return guarded(() => readDataset(this.ctx.src, this.info, this.path));
  }
}

/**
 * Opens an HDF5 file for reading by position: only the superblock and the root group's
 * object header are read here; everything else when asked for.
 */
export async function openHdf5(file: string): Promise<H5File> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw new Hdf5Error(`cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const size = (await handle.stat()).size;
    const src = new Source(handle, size);
    const ctx: Context = { src, heap: new GlobalHeap(src) };
    const root = await guarded(async () => {
      const sb = await readSuperblock(src);
      const obj = await openObject(ctx, sb.root, '/', 0);
      if (!obj || obj.kind !== 'group') throw new Hdf5Error(`malformed: the root object at ${hex(sb.root)} is not a group`);
      return obj;
    });
    const h = handle;
    let closed: Promise<void> | undefined;
    return {
      root,
      get bytesRead() {
        return src.bytesRead;
      },
      close: () => (closed ??= h.close()),
    };
  } catch (e) {
    await handle.close();
    throw asHdf5Error(e);
  }
}
