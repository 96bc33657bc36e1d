/**
 * The HDF5 reader on the Keras .h5 files of ../shared/real-models/h5 (beside the checkout):
 * the root attributes equal h5py's reading (fixtures/hdf5/real-h5py.json, written by
 * scripts/make-hdf5-fixtures.py), the datasets' element counts add up to SOURCES.tsv's
 * params (counted by whoever collected the files), and reading the root attributes reads
 * a small part of the file. Skipped, saying so, when the directory is absent.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type H5Group, openHdf5 } from '../../../src/load/keras/hdf5/index.js';
import { FIXTURES } from './walk.js';

const DIR = fileURLToPath(new URL('../../../../shared/real-models/h5/', import.meta.url));
const present = existsSync(join(DIR, 'SOURCES.tsv'));

interface H5pyReading {
  attr_keys: string[];
  keras_version?: string;
  backend?: string;
  model_config_200?: string;
  model_config_length?: number;
  layer_names?: string[];
  /** Every dataset: shape, numpy dtype string, sum of its elements (float64). */
  datasets: Record<string, [number[], string, number]>;
}

const h5py: Record<string, H5pyReading> = JSON.parse(readFileSync(fileURLToPath(new URL('real-h5py.json', FIXTURES)), 'utf8'));

function sources(): { file: string; kind: string; params: number }[] {
  const [header, ...rows] = readFileSync(join(DIR, 'SOURCES.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  return rows.map((row) => {
    const cell = new Map(row.split('\t').map((v, i) => [cols[i], v]));
    return { file: cell.get('file') ?? '', kind: cell.get('kind') ?? '', params: Number(cell.get('params')) };
  });
}

async function elementCount(g: H5Group): Promise<number> {
  let n = 0;
  for (const key of await g.keys()) {
    const child = await g.get(key);
    if (child?.kind === 'group') n += await elementCount(child);
    else if (child) n += (await child.read()).length;
  }
  return n;
}

describe.skipIf(!present)(`HDF5 reader on real Keras .h5 files${present ? '' : ' (skipped: ../shared/real-models is absent)'}`, () => {
  const all = present ? sources() : [];

  it('has h5py\'s reading of every file', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(h5py).sort()).toEqual(all.map((s) => s.file).sort());
  });

  for (const s of all) {
    it(`${s.file}: root attributes as h5py reads them; only metadata read for them`, async () => {
      const want = h5py[s.file];
      const size = statSync(join(DIR, s.file)).size;
      const h = await openHdf5(join(DIR, s.file));
      try {
        const attrs = await h.root.attrs();
        const read = h.bytesRead;
        expect([...attrs.keys()].sort()).toEqual(want.attr_keys);
        expect(attrs.get('keras_version')).toBe(want.keras_version);
        expect(attrs.get('backend')).toBe(want.backend);
        const config = attrs.get('model_config');
        if (want.model_config_200 !== undefined) {
          expect(typeof config).toBe('string');
          expect((config as string).slice(0, 200)).toBe(want.model_config_200);
          expect((config as string).length).toBe(want.model_config_length);
        } else {
          expect(config).toBeUndefined();
          expect(attrs.get('layer_names')).toEqual(want.layer_names);
        }
        // The attributes are a few KiB to 85 KB of JSON; the files are 0.27 to 3.2 MB of weights.
        // What is read is the attributes' own bytes plus a few 4 KiB blocks of headers and heaps.
        expect(read).toBeLessThan(size * 0.1);
        const text = [...attrs.values()].flat().reduce((n: number, v) => n + (typeof v === 'string' ? v.length : 8), 0);
        expect(read).toBeLessThan(text + 64 * 1024);
      } finally {
        await h.close();
      }
    });

    it(`${s.file}: every dataset's shape and the sum of its elements as h5py reads them`, async () => {
      const h = await openHdf5(join(DIR, s.file));
      try {
        const got: Record<string, [number[], string, number]> = {};
        const walk = async (g: H5Group): Promise<void> => {
          for (const key of await g.keys()) {
            const child = await g.get(key);
            if (child?.kind === 'group') await walk(child);
            else if (child) {
              let sum = 0;
              for (const v of await child.read()) sum += Number(v);
              got[child.path] = [child.shape, child.dtype, sum];
            }
          }
        };
        await walk(h.root);
        const want = h5py[s.file].datasets;
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        const numpyDtype = new Map([['<f4', 'float32'], ['<f8', 'float64'], ['<i8', 'int64'], ['<i4', 'int32']]);
        for (const [path, [shape, dtype, sum]] of Object.entries(want)) {
          expect([got[path][0], got[path][1]], path).toEqual([shape, numpyDtype.get(dtype)]);
          expect(Math.abs(got[path][2] - sum), path).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(sum)) + 1e-6);
        }
      } finally {
        await h.close();
      }
    });

    it(`${s.file}: the datasets hold SOURCES.tsv's ${s.params} parameters`, async () => {
      const h = await openHdf5(join(DIR, s.file));
      try {
        const weights = s.kind === 'weights-only' ? h.root : await h.root.get('model_weights');
        expect(weights?.kind).toBe('group');
        expect(await elementCount(weights as H5Group)).toBe(s.params);
      } finally {
        await h.close();
      }
    });
  }
});
