/**
 * Hostile HDF5 input: truncated files, flipped bits, overwritten fields, and crafted lies
 * (sizes, counts, addresses, loops). Every case is a valid reading or one Hdf5Error of one
 * line; never another exception (an error from a structure the reader forgot to check says
 * "unchecked structure", and fails here too).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Hdf5Error, openHdf5 } from '../../../src/load/keras/hdf5/index.js';
import { FIXTURES, prng, readEverything, scratch } from './walk.js';

const bytesOf = (name: string): Uint8Array => new Uint8Array(readFileSync(fileURLToPath(new URL(name, FIXTURES))));
const files = scratch();
afterAll(() => files.remove());

/** 'ok' or the Hdf5Error's message; anything else fails the test. */
async function outcome(path: string): Promise<string> {
  try {
    await readEverything(path);
    return 'ok';
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(Hdf5Error);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    expect(message).not.toContain('unchecked structure');
    return message;
  }
}

const u16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;
const u64 = (b: Uint8Array, at: number): number => u32(b, at) + u32(b, at + 4) * 2 ** 32;
function put64(b: Uint8Array, at: number, v: number): void {
  for (let i = 0; i < 8; i++) b[at + i] = Math.floor(v / 2 ** (8 * i)) % 256;
}
function find(b: Uint8Array, text: string, from = 0): number {
  return Buffer.from(b.buffer, b.byteOffset, b.length).indexOf(text, from, 'latin1');
}

/** The version 1 attribute message named `name` (its start, and where its dataspace and data begin). */
function v1Attribute(b: Uint8Array, name: string): { at: number; type: number; space: number; data: number } {
  for (let p = find(b, `${name}\0`); p >= 0; p = find(b, `${name}\0`, p + 1)) {
    const at = p - 8;
    if (b[at] !== 1 || u16(b, at + 2) !== name.length + 1) continue;
    const pad = (n: number): number => Math.ceil(n / 8) * 8;
    const type = p + pad(name.length + 1);
    const space = type + pad(u16(b, at + 4));
    return { at, type, space, data: space + pad(u16(b, at + 6)) };
  }
  throw new Error(`no attribute ${name}`);
}

/** Expects one Hdf5Error matching `pattern` when the mutated bytes are read whole. */
async function refused(name: string, bytes: Uint8Array, pattern: RegExp): Promise<void> {
  expect(await outcome(files.path(name, bytes))).toMatch(pattern);
}

describe('HDF5 reader: hostile files', () => {
  const fixtures = ['old-style.h5', 'latest.h5', 'continued-root.h5', 'track-order.h5'];

  it('reads the unmutated fixtures', async () => {
    for (const f of fixtures) expect(await outcome(fileURLToPath(new URL(f, FIXTURES)))).toBe('ok');
  });

  for (const f of fixtures) {
    // latest.h5 has 120 groups and 1,122 chunks: each reading takes 50 ms, so fewer mutants of it.
    const mutants = f === 'latest.h5' ? 150 : 400;
    it(`${f} truncated at 40 offsets: one Hdf5Error each`, async () => {
      const b = bytesOf(f);
      const cuts = [0, 1, 8, 9, 20, 47, 96, 100, 200, 511, 512, 1000, 2048, 4096];
      for (let i = 1; cuts.length < 40; i++) cuts.push(Math.floor((b.length * i) / 27));
      for (const cut of cuts.filter((c) => c < b.length)) {
        const message = await outcome(files.path(`cut-${cut}-${f}`, b.subarray(0, cut)));
        // The superblock records the end of file: every cut is seen at once.
        expect(message, `cut at ${cut}`).toMatch(/^(truncated|not an HDF5 file)/);
      }
    });

    it(`${f} with ${mutants} random mutations (bit flips, 0xff bytes, 2^40 in 8-byte fields): a reading or one Hdf5Error each`, async () => {
      const original = bytesOf(f);
      const random = prng(0x5eed + f.length);
      const seen = new Map<string, number>();
      for (let i = 0; i < mutants; i++) {
        const b = original.slice();
        const kind = i % 4;
        // Half the mutations land in the first 4 KiB, where the superblock and the first headers are.
        const at = Math.floor(random() * (i % 2 ? b.length : Math.min(b.length, 4096)));
        if (kind === 0) b[at] ^= 1 << Math.floor(random() * 8);
        else if (kind === 1) b[at] = 0xff;
        else if (kind === 2) put64(b, at - (at % 8), 2 ** 40);
        else for (let j = 0; j < 4 && at + j < b.length; j++) b[at + j] = Math.floor(random() * 256);
        const message = await outcome(files.path(`mutant-${f}`, b));
        const head = message.split(':')[0];
        seen.set(head, (seen.get(head) ?? 0) + 1);
      }
      expect([...seen.keys()].every((k) => ['ok', 'malformed', 'truncated', 'unsupported', 'not an HDF5 file'].includes(k)), JSON.stringify([...seen])).toBe(true);
    });
  }

  it('refuses addresses and lengths other than 8 bytes, and unknown superblock versions', async () => {
    const b = bytesOf('old-style.h5');
    b[13] = 4; // size of offsets, superblock version 0
    await refused('offsets.h5', b, /^unsupported: the file uses 4-byte addresses and 8-byte lengths/);
    const c = bytesOf('old-style.h5');
    c[8] = 7;
    await refused('version.h5', c, /^unsupported: superblock version 7/);
    await refused('empty.h5', new Uint8Array(0), /^not an HDF5 file/);
    await refused('text.h5', new TextEncoder().encode('<html>Not found</html>'.repeat(100)), /^not an HDF5 file/);
  });

  it('an attribute whose dataspace declares 10^9 elements', async () => {
    const b = bytesOf('old-style.h5');
    const a = v1Attribute(b, 'ints');
    expect(u64(b, a.space + 8)).toBe(5);
    put64(b, a.space + 8, 1e9);
    await refused('elements.h5', b, /^malformed: attribute "ints" of \/ declares 1,000,000,000 elements of 4 bytes but holds 24 bytes$/);
  });

  it('an attribute whose datatype declares 4 GiB elements', async () => {
    const b = bytesOf('old-style.h5');
    const a = v1Attribute(b, 'fixed_str');
    expect(u32(b, a.type + 4)).toBe(8);
    b.set([0xf0, 0xff, 0xff, 0xff], a.type + 4);
    await refused('typesize.h5', b, /^malformed: attribute "fixed_str" of \/ declares 1 elements of 4,294,967,280 bytes but holds 8 bytes$/);
  });

  it('a variable-length string longer than its heap object, and a 2^40-byte global heap', async () => {
    const b = bytesOf('old-style.h5');
    const a = v1Attribute(b, 'vlen_str');
    b.set([0x00, 0x87, 0x93, 0x03], a.data); // length 60,000,000
    await refused('vlen.h5', b, /^malformed: attribute "vlen_str" of \/: a string of 60,000,000 bytes in a heap object of 54$/);
    const c = bytesOf('old-style.h5');
    put64(c, find(c, 'GCOL') + 8, 2 ** 40);
    await refused('gcol.h5', c, /^malformed: the global heap collection at 0x[0-9a-f]+ \(bytes\) declares 1,099,511,627,776, beyond this reader's limit/);
  });

  it('a local heap declaring 2^40 bytes, and one pointing past the end of the file', async () => {
    const b = bytesOf('old-style.h5');
    const heap = find(b, 'HEAP');
    const data = u64(b, heap + 24);
    put64(b, heap + 8, 2 ** 40);
    await refused('heap-size.h5', b, /^malformed: the local heap of \/ \(bytes\) declares 1,099,511,627,776, beyond this reader's limit/);
    const c = bytesOf('old-style.h5');
    expect(data).toBeLessThan(c.length);
    put64(c, heap + 24, c.length - 8);
    await refused('heap-addr.h5', c, /^truncated: the local heap data of \/ at 0x[0-9a-f]+ \(\d+ bytes\) lies past the end of the file \([\d,]+ bytes\)$/);
  });

  it('an object header continuing into itself', async () => {
    const b = bytesOf('continued-root.h5');
    const root = u64(b, 64); // superblock version 0: the root symbol table entry's object header address
    expect(b[root]).toBe(1);
    let m = root + 16;
    while (u16(b, m) !== 0x10) m += 8 + u16(b, m + 2);
    put64(b, m + 8, root + 16);
    await refused('loop.h5', b, /^malformed: the object header of \/ continues into a chunk it already read \(0x[0-9a-f]+\): a loop$/);
  });

  it('a B-tree node that is its own child', async () => {
    const b = bytesOf('old-style.h5');
    // The group node with the most children: many_links' (20 links in 4 symbol table nodes).
    let node = -1;
    for (let p = find(b, 'TREE'); p >= 0; p = find(b, 'TREE', p + 1)) {
      if (b[p + 4] === 0 && (node < 0 || u16(b, p + 6) > u16(b, node + 6))) node = p;
    }
    expect(u16(b, node + 6)).toBe(4);
    b[node + 5] = 1; // level 1
    put64(b, node + 24 + 8, node); // first child: itself
    await refused('cycle.h5', b, /^malformed: the B-tree of \/many_links visits its node at 0x[0-9a-f]+ twice: a cycle$/);
  });

  it('a dataset declaring 2^40 elements is refused before anything is allocated', async () => {
    const b = bytesOf('old-style.h5');
    // The dataspace of /data/unwritten: version 1, rank 2, [4, 3].
    const pattern = Buffer.from([4, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
    let at = Buffer.from(b).indexOf(pattern);
    while (at >= 0 && !(b[at - 8] === 1 && b[at - 7] === 2)) at = Buffer.from(b).indexOf(pattern, at + 1);
    at -= 8;
    expect(at).toBeGreaterThan(0);
    put64(b, at + 8, 2 ** 20);
    put64(b, at + 16, 2 ** 20);
    const h = await openHdf5(files.path('huge-dataset.h5', b));
    try {
      const d = await h.root.get('data/unwritten');
      expect(d?.kind === 'dataset' ? d.shape : undefined).toEqual([2 ** 20, 2 ** 20]);
      await expect(d?.kind === 'dataset' ? d.read() : undefined).rejects.toThrow(/^malformed: \/data\/unwritten \(bytes\) declares 4,398,046,511,104, beyond this reader's limit of 1,073,741,824$/);
    } finally {
      await h.close();
    }
  });

  it('a chunk index pointing past the end of the file', async () => {
    const b = bytesOf('latest.h5');
    const fa = find(b, 'FADB');
    put64(b, fa + 14, b.length + 4096); // the first chunk's address
    await refused('chunk.h5', b, /^truncated: a chunk of \/data\/\w+ at 0x[0-9a-f]+ \(\d+ bytes\) lies past the end of the file/);
  });
});
