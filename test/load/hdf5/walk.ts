/** Test helpers for the HDF5 reader: read everything a file holds, and write mutated copies. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { H5Group } from '../../../src/load/keras/hdf5/index.js';
import { openHdf5 } from '../../../src/load/keras/hdf5/index.js';
import { mulberry32 } from '../../../src/engines/seed-weights.js';

export const FIXTURES = new URL('../../../fixtures/hdf5/', import.meta.url);

/** Opens the file and reads every attribute, link and dataset (at most `maxObjects` objects): returns how many objects were read. */
export async function readEverything(file: string, maxObjects = 5000): Promise<number> {
  const h = await openHdf5(file);
  let objects = 0;
  try {
    const walk = async (g: H5Group): Promise<void> => {
      await g.attrs();
      for (const key of await g.keys()) {
        if (++objects > maxObjects) return;
        const child = await g.get(key);
        if (!child) continue;
        if (child.kind === 'group') await walk(child);
        else {
          await child.attrs();
          if (/^(u?int|float)/.test(child.dtype)) await child.read();
        }
      }
    };
    await walk(h.root);
  } finally {
    await h.close();
  }
  return objects;
}

/** A scratch directory for mutated files, removed by the returned function. */
export function scratch(): { path: (name: string, bytes: Uint8Array) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dnarch-h5-'));
  return {
    path: (name, bytes) => {
      const p = join(dir, name);
      writeFileSync(p, bytes);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A small seeded PRNG (mulberry32, as seeded weights use): the same mutations on every run. */
export const prng = (seed: number): (() => number) => mulberry32(seed);
