/**
 * The HDF5 reader against files h5py wrote (scripts/make-hdf5-fixtures.py) and h5py's own
 * reading of them, recorded beside each file (<name>.json): every group's sorted keys and
 * attributes, every dataset's shape, dtype and values.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Hdf5Error, type H5Value, openHdf5 } from '../../../src/load/keras/hdf5/index.js';
import { FIXTURES } from './walk.js';

interface Expected {
  groups: Record<string, { keys: string[]; attrs: Record<string, unknown> }>;
  datasets: Record<string, { shape: number[]; dtype: string; values: unknown[]; attrs: Record<string, unknown> }>;
}

const file = (name: string): string => fileURLToPath(new URL(name, FIXTURES));
const expected = (name: string): Expected => JSON.parse(readFileSync(file(`${name}.json`), 'utf8'));

/** Our values in the JSON form the script writes (an int64 beyond 2^53 as {"bigint": "..."}). */
const asJson = (v: H5Value | number | bigint): unknown =>
  typeof v === 'bigint' ? (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : { bigint: v.toString() }) : Array.isArray(v) ? v.map(asJson) : v;

const attrsJson = (m: Map<string, H5Value>): Record<string, unknown> => Object.fromEntries([...m].map(([k, v]) => [k, asJson(v)]));

const depth = (path: string): number => path.split('/').filter(Boolean).length;

describe('HDF5 reader: files written by h5py, read as h5py reads them', () => {
  const names = ['old-style', 'latest', 'superblock-v1', 'superblock-v2', 'user-block', 'track-order', 'continued-root'];
  for (const name of names) {
    it(`${name}.h5: every group's keys and attributes, every dataset's shape, dtype and values`, async () => {
      const want = expected(name);
      const h = await openHdf5(file(`${name}.h5`));
      try {
        for (const [path, g] of Object.entries(want.groups)) {
          const group = await h.root.get(path);
          expect(group?.kind, path).toBe('group');
          if (group?.kind !== 'group') continue;
          expect(await group.keys(), path).toEqual(g.keys);
          expect(attrsJson(await group.attrs()), path).toEqual(g.attrs);
        }
        for (const [path, d] of Object.entries(want.datasets)) {
          const ds = await h.root.get(path);
          expect(ds?.kind, path).toBe('dataset');
          if (ds?.kind !== 'dataset') continue;
          expect([ds.shape, ds.dtype], path).toEqual([d.shape, d.dtype]);
          expect(Array.from(await ds.read() as ArrayLike<number | bigint>, asJson), path).toEqual(d.values);
          expect(attrsJson(await ds.attrs()), path).toEqual(d.attrs);
        }
      } finally {
        await h.close();
      }
    });
  }

  it('covers what the fixtures were made for', () => {
    const latest = expected('latest');
    expect(latest.groups['/many_links'].keys.length).toBeGreaterThan(8); // dense links
    expect(Object.keys(latest.groups['/many_attrs'].attrs).length).toBeGreaterThan(8); // dense attributes
    expect((latest.groups['/many_attrs'].attrs.layer_names as string[]).length * 11).toBeGreaterThan(65536); // a huge heap object
    expect(latest.datasets['/data/paged_chunk_index'].values.length).toBeGreaterThan(1024); // a paged chunk index
    expect(expected('old-style').groups['/many_links'].keys.length).toBeGreaterThan(8); // several symbol table nodes
  });

  it('deep.h5: groups are read down to 64 levels, and one more level is one Hdf5Error', async () => {
    const want = expected('deep');
    const h = await openHdf5(file('deep.h5'));
    try {
      const paths = Object.keys(want.groups).filter((p) => p !== '/');
      expect(Math.max(...paths.map(depth))).toBe(100);
      for (const path of paths) {
        if (depth(path) <= 64) expect((await h.root.get(path))?.kind, path).toBe('group');
        else await expect(h.root.get(path), path).rejects.toThrow(/^malformed: groups nested deeper than 64 levels \(at \/d\/d\/d[/d.]*\)$/);
        if (depth(path) > 64) await expect(h.root.get(path)).rejects.toBeInstanceOf(Hdf5Error);
      }
    } finally {
      await h.close();
    }
  });

  it('get() walks a path, and says undefined for a missing link', async () => {
    const h = await openHdf5(file('old-style.h5'));
    try {
      const kernel = await h.root.get('model_weights/dense_1/dense_1/kernel:0');
      expect(kernel?.kind === 'dataset' ? kernel.shape : undefined).toEqual([6, 5]);
      expect(kernel?.path).toBe('/model_weights/dense_1/dense_1/kernel:0');
      expect(await h.root.get('model_weights/nothing')).toBeUndefined();
      expect(await h.root.get('constructor')).toBeUndefined();
      expect(await h.root.get('__proto__')).toBeUndefined();
      const attrs = await h.root.attrs();
      expect([attrs.get('__proto__'), attrs.get('constructor'), attrs.get('toString')]).toEqual(['names a reader must keep in a Map', 1, undefined]);
      const g = await h.root.get('toString');
      expect(g?.kind).toBe('group');
      expect((await g?.attrs())?.get('hasOwnProperty')).toBe('x');
    } finally {
      await h.close();
    }
  });
});
