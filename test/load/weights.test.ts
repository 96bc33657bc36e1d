/**
 * loadWeights and summarizeManifest. Fixtures (written byte by byte by
 * scripts/make-weight-fixtures.mts):
 *  - fixtures/models/shards: Dense 2->3, kernel [[0.5, -1, 2], [3.25, -0.125, 100]] and
 *    bias [0.1, -0.2, 0.3], float32, one group of 36 bytes split at byte 20 (inside the
 *    kernel) into group1-shard1of2.bin (20 bytes) and group1-shard2of2.bin (16 bytes);
 *  - fixtures/models/quantized: dense_1/kernel [2,4] uint8 q = 0 1 127 128 254 255 64 191
 *    with min -1, scale 2/255; dense_1/bias [4] float16 1.5, 65504, 2^-24 (subnormal),
 *    +Infinity (group 1, 16 bytes); dense_2/kernel [4,2] uint16 q = 0 1 32767 32768 65534
 *    65535 12345 54321 with min -0.5, scale 1/65535; dense_2/bias [2] float32 0.25, -3.5
 *    (group 2, 24 bytes).
 * Decoded values are also compared with tfjs-core's own decodeWeights. Error cases run on
 * copies in fresh temporary directories.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tfc from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { loadModelFile } from '../../src/load/tfjs/model-file.js';
import { float16ToNumber, loadWeights, summarizeManifest, type Weight } from '../../src/load/tfjs/weights.js';
import { rejection } from './rejection.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REAL = fileURLToPath(new URL('../../../shared/real-models/', import.meta.url));
const SHARDS = join(ROOT, 'fixtures/models/shards/model.json');
const QUANTIZED = join(ROOT, 'fixtures/models/quantized/model.json');

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'dnarch-weights-'));
  temps.push(d);
  return d;
};

const manifestOf = (modelJson: string): unknown => JSON.parse(readFileSync(modelJson, 'utf8')).weightsManifest;

/** A copy of a fixture directory; returns the copy's model.json. */
function copyFixture(modelJson: string): string {
  const d = join(tempDir(), 'model');
  cpSync(join(modelJson, '..'), d, { recursive: true });
  return join(d, 'model.json');
}

/** A model directory with the given manifest and files; returns its model.json path. */
function makeModel(manifest: unknown, files: Record<string, Uint8Array | number[]> = {}): string {
  const d = join(tempDir(), 'model');
  mkdirSync(d);
  const file = join(d, 'model.json');
  writeFileSync(file, JSON.stringify({ format: 'layers-model', weightsManifest: manifest }));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(d, name), Uint8Array.from(bytes));
  return file;
}


const f32 = (xs: number[]): number[] => xs.map(Math.fround);
const values = (w: Weight | undefined): number[] => [...(w?.values ?? [])];

describe('decoding the fixtures', () => {
  it('float32 weights split across two shards in the middle of the kernel', async () => {
    const w = await loadWeights(SHARDS, manifestOf(SHARDS));
    expect([...w.keys()]).toEqual(['dense/kernel', 'dense/bias']);
    expect(w.get('dense/kernel')).toMatchObject({ shape: [2, 3], dtype: 'float32' });
    expect(w.get('dense/kernel')?.values).toBeInstanceOf(Float32Array);
    expect(values(w.get('dense/kernel'))).toEqual([0.5, -1, 2, 3.25, -0.125, 100]);
    expect(values(w.get('dense/bias'))).toEqual(f32([0.1, -0.2, 0.3]));
  });

  it('uint8 and uint16 affine quantization, float16 and float32, in two groups', async () => {
    const w = await loadWeights(QUANTIZED, manifestOf(QUANTIZED));
    expect([...w.keys()]).toEqual(['dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
    for (const x of w.values()) {
      expect(x.dtype).toBe('float32');
      expect(x.values).toBeInstanceOf(Float32Array);
    }
    // value = q * scale + min (tfjs-converter quantization.py; tfjs-core decodeWeights)
    const q8 = [0, 1, 127, 128, 254, 255, 64, 191];
    expect(w.get('dense_1/kernel')?.shape).toEqual([2, 4]);
    expect(values(w.get('dense_1/kernel'))).toEqual(f32(q8.map((q) => q * (2 / 255) - 1)));
    expect(values(w.get('dense_1/kernel'))[0]).toBe(-1);
    expect(values(w.get('dense_1/kernel'))[5]).toBeCloseTo(1, 6);
    expect(values(w.get('dense_1/bias'))).toEqual([1.5, 65504, 2 ** -24, Infinity]);
    const q16 = [0, 1, 32767, 32768, 65534, 65535, 12345, 54321];
    expect(w.get('dense_2/kernel')?.shape).toEqual([4, 2]);
    expect(values(w.get('dense_2/kernel'))).toEqual(f32(q16.map((q) => q * (1 / 65535) - 0.5)));
    expect(values(w.get('dense_2/bias'))).toEqual([0.25, -3.5]);
  });

  it('the fixtures are loadable layers-models whose weights match the manifests', async () => {
    for (const file of [SHARDS, QUANTIZED]) {
      const model = await loadModelFile(file);
      const weights = await loadWeights(file, manifestOf(file));
      expect(model.weights.map((v) => [v.originalName, v.shape])).toEqual([...weights].map(([n, w]) => [n, w.shape]));
    }
  });

  it('agrees bit for bit with tfjs-core decodeWeights', async () => {
    await ensureAnalysisBackend();
    for (const file of [SHARDS, QUANTIZED]) {
      const manifest = manifestOf(file) as { paths: string[]; weights: tfc.io.WeightsManifestEntry[] }[];
      const ours = await loadWeights(file, manifest);
      for (const group of manifest) {
        const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(file, '..', p))));
        const theirs = tfc.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), group.weights);
        for (const spec of group.weights) {
          const t = theirs[spec.name];
          expect(ours.get(spec.name)?.shape).toEqual(t.shape);
          expect(values(ours.get(spec.name))).toEqual([...t.dataSync()]);
          t.dispose();
        }
      }
    }
  });
});

describe('float16', () => {
  it.each([
    [0x0000, 0],
    [0x8000, -0],
    [0x0001, 2 ** -24], // smallest subnormal
    [0x0200, 2 ** -15], // subnormal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0400, 2 ** -14], // smallest normal
    [0x3c00, 1],
    [0x3e00, 1.5],
    [0xc000, -2],
    [0x3555, 0.333251953125],
    [0x7bff, 65504], // largest finite
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ])('0x%s', (bits, expected) => {
    expect(Object.is(float16ToNumber(bits), expected)).toBe(true);
  });

  it('NaN for every non-zero mantissa with the exponent all ones', () => {
    for (const bits of [0x7c01, 0x7e00, 0x7fff, 0xfc01, 0xfe00, 0xffff]) expect(float16ToNumber(bits)).toBeNaN();
  });

  it('all 65536 halves decode as tfjs-core decodes them', async () => {
    await ensureAnalysisBackend();
    const bytes = new Uint8Array(2 * 65536);
    for (let h = 0; h < 65536; h++) [bytes[2 * h], bytes[2 * h + 1]] = [h & 0xff, h >> 8];
    const spec = { name: 'all', shape: [65536], dtype: 'float32' as const, quantization: { dtype: 'float16' as const } };
    const file = makeModel([{ paths: ['all.bin'], weights: [spec] }], { 'all.bin': bytes });
    const ours = (await loadWeights(file, manifestOf(file))).get('all')!.values;
    const t = tfc.io.decodeWeights(bytes.buffer, [spec]).all;
    const theirs = t.dataSync();
    t.dispose();
    for (let h = 0; h < 65536; h++) {
      if (Number.isNaN(theirs[h])) expect(ours[h]).toBeNaN();
      else if (!Object.is(ours[h], theirs[h])) expect([h, ours[h]]).toEqual([h, theirs[h]]);
    }
  });
});

describe('int32 and alignment', () => {
  it('int32 stays int32; uint8-quantized int32 rounds (tfjs: Math.round(q * scale + min)); float32 after uint8 bytes needs no alignment', async () => {
    const ints = Buffer.alloc(12);
    [7, -1, 2147483647].forEach((v, i) => ints.writeInt32LE(v, 4 * i));
    const f = Buffer.alloc(4);
    f.writeFloatLE(-2.5);
    const file = makeModel(
      [
        {
          paths: ['g1.bin'],
          weights: [
            { name: 'ints', shape: [3], dtype: 'int32' },
            { name: 'q-ints', shape: [3], dtype: 'int32', quantization: { dtype: 'uint8', min: -10, scale: 0.4 } },
            { name: 'after-odd-offset', shape: [1], dtype: 'float32' },
            { name: 'scalar', shape: [], dtype: 'float32' },
            { name: 'empty', shape: [0, 5], dtype: 'float32' },
          ],
        },
      ],
      { 'g1.bin': [...ints, 0, 1, 26, ...f, ...f] },
    );
    const w = await loadWeights(file, manifestOf(file));
    expect(w.get('ints')).toMatchObject({ dtype: 'int32', shape: [3] });
    expect(w.get('ints')?.values).toBeInstanceOf(Int32Array);
    expect(values(w.get('ints'))).toEqual([7, -1, 2147483647]);
    expect(w.get('q-ints')?.values).toBeInstanceOf(Int32Array);
    expect(values(w.get('q-ints'))).toEqual([-10, Math.round(1 * 0.4 - 10), Math.round(26 * 0.4 - 10)]);
    expect(values(w.get('after-odd-offset'))).toEqual([-2.5]);
    expect(w.get('scalar')).toMatchObject({ shape: [], dtype: 'float32' });
    expect(values(w.get('scalar'))).toEqual([-2.5]);
    expect(w.get('empty')?.values.length).toBe(0);
  });

  it('a weight named __proto__ is an ordinary Map key and pollutes nothing', async () => {
    const file = makeModel([{ paths: ['g.bin'], weights: [{ name: '__proto__', shape: [1], dtype: 'int32' }] }], { 'g.bin': [5, 0, 0, 0] });
    const w = await loadWeights(file, manifestOf(file));
    expect(values(w.get('__proto__'))).toEqual([5]);
    expect(({} as Record<string, unknown>).shape).toBeUndefined();
  });
});

describe('summarizeManifest', () => {
  it('counts parameters and stored bytes by dtype without reading shards', () => {
    expect(summarizeManifest(manifestOf(SHARDS))).toEqual({
      groups: 1,
      weights: 2,
      params: 9,
      bytesByDtype: { float32: 36 },
      bytes: 36,
      decodedBytes: 36,
    });
    expect(summarizeManifest(manifestOf(QUANTIZED))).toEqual({
      groups: 2,
      weights: 4,
      params: 22,
      bytesByDtype: { uint8: 8, float16: 8, uint16: 16, float32: 8 },
      bytes: 40,
      decodedBytes: 88,
    });
  });

  it('handles 10^12 elements as a number, without allocating', () => {
    const s = summarizeManifest([{ paths: [], weights: [{ name: 'huge', shape: [1e6, 1e6], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } }] }]);
    expect(s).toMatchObject({ params: 1e12, bytes: 1e12, decodedBytes: 4e12, bytesByDtype: { uint8: 1e12 } });
  });
});

describe('shard files that do not match the manifest', () => {
  it('a truncated last shard: which group, how short, which file, which weight', async () => {
    const file = copyFixture(SHARDS);
    truncateSync(join(file, '..', 'group1-shard2of2.bin'), 12);
    expect(await rejection(loadWeights(file, manifestOf(file)), file)).toBe(
      `${file}: weightsManifest[0]: its 2 files (32 bytes) are 4 bytes short of the 36 its weights need: ` +
        `"group1-shard2of2.bin" looks truncated, and weight "dense/bias" (bytes 24-36 of the group) is cut off`,
    );
  });

  it('a truncated shard in the middle is named, from the converter\'s layout (equal shards, the last no larger)', async () => {
    const file = copyFixture(SHARDS);
    const d = join(file, '..');
    const all = Buffer.concat(['group1-shard1of2.bin', 'group1-shard2of2.bin'].map((p) => readFileSync(join(d, p))));
    // Re-shard the 36 bytes as 8, 8, 8, 8, 4, then cut the second shard to 5 bytes.
    const paths = [0, 1, 2, 3, 4].map((i) => `group1-shard${i + 1}of5.bin`);
    paths.forEach((p, i) => writeFileSync(join(d, p), all.subarray(8 * i, 8 * i + 8)));
    truncateSync(join(d, paths[1]), 5);
    const manifest = manifestOf(file) as { paths: string[] }[];
    manifest[0].paths = paths;
    expect(await rejection(loadWeights(file, manifest), file)).toBe(
      `${file}: weightsManifest[0]: its 5 files (33 bytes) are 3 bytes short of the 36 its weights need: "group1-shard2of5.bin" looks truncated`,
    );
  });

  it('extra bytes after the last weight', async () => {
    const file = copyFixture(SHARDS);
    appendFileSync(join(file, '..', 'group1-shard2of2.bin'), Buffer.from([1, 2, 3]));
    expect(await rejection(loadWeights(file, manifestOf(file)), file)).toBe(
      `${file}: weightsManifest[0]: its 2 files (39 bytes) hold 3 bytes more than the 36 its weights need: "group1-shard2of2.bin" is too long`,
    );
  });

  it('a missing shard file', async () => {
    const file = copyFixture(SHARDS);
    rmSync(join(file, '..', 'group1-shard1of2.bin'));
    expect(await rejection(loadWeights(file, manifestOf(file)), file)).toMatch(
      /: weightsManifest\[0\]\.paths\[0\]: "group1-shard1of2\.bin": no such file \(ENOENT\) in /,
    );
  });

  it('a group that names no file but has weights', async () => {
    const file = makeModel([{ paths: [], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }]);
    expect(await rejection(loadWeights(file, manifestOf(file)), file)).toMatch(/weightsManifest\[0\]: names no file, but its weights need 8 bytes$/);
  });

  it('a second group is checked before the first is read', async () => {
    const file = copyFixture(QUANTIZED);
    rmSync(join(file, '..', 'group2-shard1of1.bin'));
    expect(await rejection(loadWeights(file, manifestOf(file)), file)).toMatch(/weightsManifest\[1\]\.paths\[0\]: "group2-shard1of1\.bin": no such file/);
  });
});

describe('shard paths that leave the model directory or name no regular file', () => {
  /** The shards fixture with its first path replaced. */
  function withFirstPath(p: string, prepare?: (dir: string) => void): { file: string; manifest: unknown } {
    const file = copyFixture(SHARDS);
    prepare?.(join(file, '..'));
    const manifest = manifestOf(file) as { paths: string[] }[];
    manifest[0].paths[0] = p;
    return { file, manifest };
  }

  it.each([
    ['../group1-shard1of2.bin', /paths\[0\]: "\.\.\/group1-shard1of2\.bin": has a "\.\." segment/],
    ['sub/../../x.bin', /has a "\.\." segment/],
    ['/etc/passwd', /paths\[0\]: "\/etc\/passwd": is an absolute path/],
    ['C:\\w.bin', /is an absolute path/],
    ['http://example.com/group1-shard1of2.bin', /is a URL \(http:\)/],
    ['file:///etc/passwd', /is a URL \(file:\)/],
    ['w\0.bin', /NUL byte/],
  ])('%j', async (p, why) => {
    const { file, manifest } = withFirstPath(p);
    expect(await rejection(loadWeights(file, manifest), file)).toMatch(why);
  });

  it('a symbolic link escaping the directory', async () => {
    const { file, manifest } = withFirstPath('group1-shard1of2.bin', (d) => {
      const outside = join(d, '..', 'outside.bin');
      writeFileSync(outside, readFileSync(join(d, 'group1-shard1of2.bin'))); // right length: only the link is wrong
      rmSync(join(d, 'group1-shard1of2.bin'));
      symlinkSync(outside, join(d, 'group1-shard1of2.bin'));
    });
    expect(await rejection(loadWeights(file, manifest), file)).toMatch(
      /weightsManifest\[0\]\.paths\[0\]: "group1-shard1of2\.bin": resolves through a symbolic link to .*outside\.bin, outside the model's directory/,
    );
  });

  it('a symbolic link inside the directory is followed', async () => {
    const { file, manifest } = withFirstPath('link.bin', (d) => symlinkSync('group1-shard1of2.bin', join(d, 'link.bin')));
    expect(values((await loadWeights(file, manifest)).get('dense/kernel'))).toEqual([0.5, -1, 2, 3.25, -0.125, 100]);
  });

  it('a directory instead of a file', async () => {
    const { file, manifest } = withFirstPath('dir.bin', (d) => mkdirSync(join(d, 'dir.bin')));
    expect(await rejection(loadWeights(file, manifest), file)).toMatch(/paths\[0\]: .*dir\.bin: is a directory, not a regular file$/);
  });

  it('a FIFO instead of a file, refused without blocking', async () => {
    const { file, manifest } = withFirstPath('fifo.bin', (d) => execFileSync('mkfifo', [join(d, 'fifo.bin')]));
    expect(await rejection(loadWeights(file, manifest), file)).toMatch(/paths\[0\]: .*fifo\.bin: is a FIFO \(named pipe\), not a regular file$/);
  }, 5000);
});

describe('manifests refused before anything is read', () => {
  const file = join(tempDir(), 'empty', 'model.json'); // its directory does not even exist
  const one = (w: Record<string, unknown>) => [{ paths: ['x.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32', ...w }] }];

  it('10^12 elements: over the 2 GiB default cap, at once', async () => {
    const msg = await rejection(loadWeights(file, [{ paths: ['x.bin'], weights: [{ name: 'huge', shape: [1e6, 1e6], dtype: 'float32' }] }]), file);
    expect(msg).toBe(
      `${file}: weightsManifest: 1000000000000 weight values (4000000000000 bytes in the shards, 4000000000000 decoded) exceed the 2147483648-byte limit for weights`,
    );
  });

  it('the cap counts decoded bytes (uint8 decodes to 4 bytes a value) and can be set', async () => {
    const m = one({ shape: [100], quantization: { dtype: 'uint8', min: 0, scale: 1 } });
    expect(await rejection(loadWeights(file, m, { maxTotalBytes: 399 }), file)).toMatch(/100 bytes in the shards, 400 decoded\) exceed the 399-byte limit/);
    // At 400 the cap passes and the (absent) shard is what fails.
    expect(await rejection(loadWeights(file, m, { maxTotalBytes: 400 }), file)).toMatch(/no such file/);
  });

  it.each([
    ['no manifest at all', undefined, /: has no weightsManifest: the file holds a topology only, no weights$/],
    ['not an array', { paths: [] }, /: weightsManifest: Invalid input: expected array, received object$/],
    ['a group without paths', [{ weights: [] }], /: weightsManifest\[0\]\.paths: Invalid input: expected array/],
    ['a path that is not a string', [{ paths: [3], weights: [] }], /: weightsManifest\[0\]\.paths\[0\]: Invalid input: expected string/],
    ['a weight without a name', [{ paths: [], weights: [{ shape: [1], dtype: 'float32' }] }], /weightsManifest\[0\]\.weights\[0\]\.name: Invalid input/],
    ['a negative dimension', one({ shape: [2, -3] }), /weightsManifest\[0\]\.weights\[0\]\.shape\[1\]: -3 is not a non-negative integer dimension$/],
    ['a fractional dimension', one({ shape: [2.5] }), /shape\[0\]: 2\.5 is not a non-negative integer dimension$/],
    ['a dimension beyond 2^53', one({ shape: [2 ** 60] }), /shape\[0\]: 1152921504606847000 is not a non-negative integer dimension$/],
    ['a product beyond 2^53', one({ shape: [2 ** 30, 2 ** 30, 2 ** 30] }), /weights\[0\]\.shape: \[1073741824,1073741824,1073741824\] has more than 2\^53 elements$/],
    ['a shape that is not an array', one({ shape: 5 }), /weights\[0\]\.shape: Invalid input: expected array/],
    ['dtype bool', one({ dtype: 'bool' }), /weights\[0\]\.dtype: "bool" is not a weight dtype dnarch reads \(float32, int32\)$/],
    ['dtype string', one({ dtype: 'string' }), /"string" is not a weight dtype/],
    ['dtype float16 (the converter writes float32 + quantization float16)', one({ dtype: 'float16' }), /"float16" is not a weight dtype/],
    ['quantization int8', one({ quantization: { dtype: 'int8', min: 0, scale: 1 } }), /weights\[0\]\.quantization\.dtype: "int8" is not a quantization dtype \(uint8, uint16, float16\)$/],
    ['uint8 without scale', one({ quantization: { dtype: 'uint8', min: 0 } }), /weights\[0\]\.quantization: uint8 quantization needs both min and scale$/],
    ['uint16 without min', one({ quantization: { dtype: 'uint16', scale: 1 } }), /uint16 quantization needs both min and scale$/],
    ['a non-numeric scale', one({ quantization: { dtype: 'uint8', min: 0, scale: '1' } }), /weights\[0\]\.quantization\.scale: Invalid input: expected number/],
    ['float16 quantization of int32', one({ dtype: 'int32', quantization: { dtype: 'float16' } }), /quantization\.dtype: float16 quantization is for float32 weights, not int32$/],
    [
      'a duplicate weight name',
      [{ paths: [], weights: [{ name: 'w', shape: [0], dtype: 'float32' }] }, { paths: [], weights: [{ name: 'w', shape: [0], dtype: 'int32' }] }],
      /weightsManifest\[1\]\.weights\[0\]\.name: "w" is also the name of weightsManifest\[0\]\.weights\[0\]$/,
    ],
  ])('%s', async (_, manifest, why) => {
    expect(await rejection(loadWeights(file, manifest), file)).toMatch(why);
    expect(await rejection(() => summarizeManifest(manifest, file), file)).toMatch(why);
  });
});

// Third-party files (../shared/real-models beside the checkout): manifests only, no shards.
const realRows = existsSync(join(REAL, 'SOURCES.tsv'))
  ? readFileSync(join(REAL, 'SOURCES.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'))
      .map(([file, , , , format, , , , weightParams]) => ({ file, format, weightParams }))
  : [];

describe.skipIf(realRows.length === 0)('real third-party models (../shared/real-models)', () => {
  const withManifest = realRows.filter((r) => manifestOf(join(REAL, r.file)) !== undefined);

  it('every file with a weightsManifest is covered, and every layers-model has one', () => {
    expect(withManifest.length).toBe(15);
    for (const r of realRows.filter((r) => r.format === 'layers-model')) expect(r.weightParams).not.toBe('');
  });

  it.each(withManifest.map((r) => [r.file, r] as const))('%s: summarizeManifest params = SOURCES.tsv weight_params', (_, r) => {
    const file = join(REAL, r.file);
    const s = summarizeManifest(manifestOf(file), file);
    if (r.format === 'layers-model') expect(s.params).toBe(Number(r.weightParams));
    expect(s.bytes).toBe(4 * s.params); // all unquantized float32 / int32
    expect(Object.keys(s.bytesByDtype).every((d) => d === 'float32' || d === 'int32')).toBe(true);
  });

  it.each(withManifest.map((r) => [r.file] as const))('%s: loadWeights validates the manifest, then names the first absent shard', async (name) => {
    const file = join(REAL, name);
    const manifest = manifestOf(file) as { paths: string[] }[];
    const first = manifest.find((g) => g.paths.length > 0)!.paths[0];
    const msg = await rejection(loadWeights(file, manifest), file);
    expect(msg).toContain(`paths[0]: ${JSON.stringify(first)}: no such file (ENOENT)`);
    expect(readdirSync(REAL)).not.toContain(first);
  });
});

if (realRows.length === 0) {
  describe('real third-party models', () => {
    it.skip(`skipped: ${REAL} is absent (SOURCES.tsv not found)`, () => undefined);
  });
}
