/**
 * readKerasArchive: Keras 3 `.keras` archives (zip: metadata.json, config.json, model.weights.h5).
 *
 * Fixture fixtures/models/keras3/model.keras, made by scripts/make-keras-fixture.mts (which
 * these tests also import, to rebuild it and to write other HDF5 files): the Keras 3.10
 * layout of Input 32x32x3 -> Conv2D 8 3x3 valid -> BatchNormalization -> ReLU ->
 * GlobalAveragePooling2D -> Dense 10. Its config.json is fixtures/models/keras3/config.json
 * (hand-written), its weights file holds, under layers/<snake_case class name>/vars/<i>:
 *   conv2d: kernel [3,3,3,8] = ((i % 17) - 8) / 64, bias [8] = (((i + 1) % 17) - 8) / 64
 *   batch_normalization: gamma 1, beta 0, moving_mean (((i + 3) % 17) - 8) / 64, moving_variance 0.5
 *   dense: kernel [8,10] = (((i + 5) % 17) - 8) / 64, bias 0
 * so 224 + 32 + 90 = 346 parameters. Hostile archives are fflate zips patched byte by byte.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isZipMagic,
  kerasSnakeCase,
  kerasWeightPaths,
  readKerasArchive,
  readKerasArchiveBytes,
  readKerasWeightsH5,
  type KerasArchiveOptions,
} from '../../src/load/keras/archive.js';
import {
  buildFixtureArchive,
  dataset,
  FIXTURE_ARCHIVE,
  fixtureWeights,
  group,
  writeHdf5,
  type H5Dataset,
  type H5Group,
} from '../../scripts/make-keras-fixture.mts';
import { rejection } from './rejection.js';

const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/models/keras3/', import.meta.url));
const REAL = fileURLToPath(new URL('../../../shared/real-models/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'dnarch-keras-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const te = new TextEncoder();
const ramp = (n: number, offset: number) => Array.from({ length: n }, (_, i) => (((i + offset) % 17) - 8) / 64);

/** A zip of the given entries; stored unless deflate is asked for. */
function zip(files: Record<string, string | Uint8Array>, level: 0 | 6 = 0): Uint8Array {
  const z: Zippable = {};
  for (const [name, v] of Object.entries(files)) z[name] = [typeof v === 'string' ? te.encode(v) : v, { level }];
  return zipSync(z);
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
/** Offset of the central-directory record of `name`. */
function central(b: Uint8Array, name: string): number {
  const v = view(b);
  let eocd = b.length - 22;
  while (v.getUint32(eocd, true) !== 0x06054b50) eocd--;
  let p = v.getUint32(eocd + 16, true);
  for (let i = 0; i < v.getUint16(eocd + 10, true); i++) {
    const n = v.getUint16(p + 28, true);
    if (new TextDecoder().decode(b.subarray(p + 46, p + 46 + n)) === name) return p;
    p += 46 + n + v.getUint16(p + 30, true) + v.getUint16(p + 32, true);
  }
  throw new Error(`no entry ${name}`);
}
const local = (b: Uint8Array, name: string) => view(b).getUint32(central(b, name) + 42, true);
/** Declares another uncompressed size for an entry, in both its headers. */
function declare(b: Uint8Array, name: string, size: number): Uint8Array {
  view(b).setUint32(central(b, name) + 24, size, true);
  view(b).setUint32(local(b, name) + 22, size, true);
  return b;
}
const eocdOf = (b: Uint8Array) => {
  let e = b.length - 22;
  while (view(b).getUint32(e, true) !== 0x06054b50) e--;
  return e;
};

/**
 * A ZIP64 archive of stored entries, as zip tools write past 4 GiB: every size and offset
 * saturated (0xFFFFFFFF) in the headers, the real values in ZIP64 extra fields, and a ZIP64
 * end record found through its locator.
 */
function zip64(files: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const records: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const n = te.encode(name);
    const lh = new Uint8Array(30 + n.length + 20);
    const l = view(lh);
    l.setUint32(0, 0x04034b50, true);
    l.setUint16(4, 45, true);
    l.setUint32(14, crc32(data), true);
    l.setUint32(18, 0xffffffff, true);
    l.setUint32(22, 0xffffffff, true);
    l.setUint16(26, n.length, true);
    l.setUint16(28, 20, true);
    lh.set(n, 30);
    l.setUint16(30 + n.length, 1, true);
    l.setUint16(32 + n.length, 16, true);
    l.setBigUint64(34 + n.length, BigInt(data.length), true);
    l.setBigUint64(42 + n.length, BigInt(data.length), true);
    const cd = new Uint8Array(46 + n.length + 28);
    const c = view(cd);
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 45, true);
    c.setUint16(6, 45, true);
    c.setUint32(16, crc32(data), true);
    c.setUint32(20, 0xffffffff, true);
    c.setUint32(24, 0xffffffff, true);
    c.setUint16(28, n.length, true);
    c.setUint16(30, 28, true);
    c.setUint32(42, 0xffffffff, true);
    cd.set(n, 46);
    c.setUint16(46 + n.length, 1, true);
    c.setUint16(48 + n.length, 24, true);
    c.setBigUint64(50 + n.length, BigInt(data.length), true);
    c.setBigUint64(58 + n.length, BigInt(data.length), true);
    c.setBigUint64(66 + n.length, BigInt(offset), true);
    parts.push(lh, data);
    records.push(cd);
    offset += lh.length + data.length;
  }
  const cdSize = records.reduce((s, r) => s + r.length, 0);
  const end = new Uint8Array(56 + 20 + 22);
  const e = view(end);
  e.setUint32(0, 0x06064b50, true);
  e.setBigUint64(4, 44n, true);
  e.setBigUint64(24, BigInt(records.length), true);
  e.setBigUint64(32, BigInt(records.length), true);
  e.setBigUint64(40, BigInt(cdSize), true);
  e.setBigUint64(48, BigInt(offset), true);
  e.setUint32(56, 0x07064b50, true);
  e.setBigUint64(64, BigInt(offset + cdSize), true);
  e.setUint32(72, 1, true);
  e.setUint32(76, 0x06054b50, true);
  e.setUint16(84, 0xffff, true);
  e.setUint16(86, 0xffff, true);
  e.setUint32(88, 0xffffffff, true);
  e.setUint32(92, 0xffffffff, true);
  return new Uint8Array(Buffer.concat([...parts, ...records, end]));
}


/** Rejects, naming the file and the entry, without allocating what the archive declares. */
async function refused(bytes: Uint8Array, where: string, why: RegExp, opts?: KerasArchiveOptions): Promise<string> {
  const before = process.memoryUsage().arrayBuffers;
  const msg = await rejection(readKerasArchiveBytes('evil.keras', bytes, opts));
  expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  expect(msg.startsWith(`evil.keras: ${where}: `)).toBe(true);
  expect(msg).toMatch(why);
  return msg;
}

const minimalConfig = JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [] } });

// ---------------------------------------------------------------------------------------------

describe('the fixture archive', () => {
  it('is what scripts/make-keras-fixture.mts makes (byte for byte)', () => {
    expect(Buffer.from(buildFixtureArchive()).equals(readFileSync(FIXTURE_ARCHIVE))).toBe(true);
  });

  it('gives back config.json, metadata.json and the entry list', async () => {
    const a = await readKerasArchive(FIXTURE_ARCHIVE, { weights: false });
    expect(a.file).toBe(FIXTURE_ARCHIVE);
    expect(a.config).toEqual(JSON.parse(readFileSync(join(FIXTURE_DIR, 'config.json'), 'utf8')));
    const config = a.config as { module: string; class_name: string; config: { layers: { class_name: string; name: string }[]; input_layers: unknown } };
    expect([config.module, config.class_name]).toEqual(['keras.src.models.functional', 'Functional']);
    expect(config.config.layers.map((l) => `${l.class_name}:${l.name}`)).toEqual([
      'InputLayer:input_layer',
      'Conv2D:conv2d',
      'BatchNormalization:batch_normalization',
      'ReLU:re_lu',
      'GlobalAveragePooling2D:global_average_pooling2d',
      'Dense:dense',
    ]);
    expect(config.config.input_layers).toEqual(['input_layer', 0, 0]);
    expect(a.metadata).toEqual({ keras_version: '3.10.0', date_saved: '2025-06-01@12:00:00' });
    expect(a.kerasVersion).toBe('3.10.0');
    expect(a.entries.map((e) => [e.name, e.method])).toEqual([
      ['metadata.json', 0],
      ['config.json', 0],
      ['model.weights.h5', 0],
    ]);
    expect(a.weights).toBeUndefined();
    expect(a.weightsNote).toBeUndefined();
  });

  it('reads the variables: layers/<class>/vars/<i>, in order, with shapes and values', async () => {
    const a = await readKerasArchive(FIXTURE_ARCHIVE);
    expect(a.weightsNote).toBeUndefined();
    const w = a.weights!;
    expect([...w.keys()].sort()).toEqual(['layers/batch_normalization', 'layers/conv2d', 'layers/dense']);
    const shapes = (p: string) => w.get(p)!.vars.map((v) => [v.name, v.dtype, v.shape]);
    expect(shapes('layers/conv2d')).toEqual([
      ['0', '<f4', [3, 3, 3, 8]],
      ['1', '<f4', [8]],
    ]);
    expect(shapes('layers/batch_normalization')).toEqual(['0', '1', '2', '3'].map((n) => [n, '<f4', [8]]));
    expect(shapes('layers/dense')).toEqual([
      ['0', '<f4', [8, 10]],
      ['1', '<f4', [10]],
    ]);
    const params = [...w.values()].flatMap((g) => g.vars).reduce((s, v) => s + v.data.length, 0);
    expect(params).toBe(3 * 3 * 3 * 8 + 8 + 4 * 8 + 8 * 10 + 10); // 346
    const data = (p: string, i: number) => Array.from(w.get(p)!.vars[i].data);
    expect(data('layers/conv2d', 0)).toEqual(ramp(216, 0));
    expect(data('layers/conv2d', 1)).toEqual(ramp(8, 1));
    expect(data('layers/batch_normalization', 0)).toEqual(Array(8).fill(1));
    expect(data('layers/batch_normalization', 2)).toEqual(ramp(8, 3));
    expect(data('layers/batch_normalization', 3)).toEqual(Array(8).fill(0.5));
    expect(data('layers/dense', 0)).toEqual(ramp(80, 5));
    for (const [path, g] of w) expect(g.layerName).toBe(path.split('/').pop());
  });

  it('kerasWeightPaths names the same groups from config.json alone', async () => {
    const a = await readKerasArchive(FIXTURE_ARCHIVE);
    const paths = kerasWeightPaths(a.config);
    expect(paths.map((p) => [p.path, p.layer, p.className])).toEqual([
      ['layers/input_layer', 'input_layer', 'InputLayer'],
      ['layers/conv2d', 'conv2d', 'Conv2D'],
      ['layers/batch_normalization', 'batch_normalization', 'BatchNormalization'],
      ['layers/re_lu', 're_lu', 'ReLU'],
      ['layers/global_average_pooling2d', 'global_average_pooling2d', 'GlobalAveragePooling2D'],
      ['layers/dense', 'dense', 'Dense'],
    ]);
    for (const [path, g] of a.weights!) expect(paths.find((p) => p.path === path)?.layer).toBe(g.layerName);
  });

  it('reads the same from bytes in memory', async () => {
    const a = await readKerasArchiveBytes('m.keras', new Uint8Array(readFileSync(FIXTURE_ARCHIVE)));
    expect(a.file).toBe('m.keras');
    expect(a.weights?.size).toBe(3);
  });

  it('reads the same from a ZIP64 archive', async () => {
    const entries = unzipSync(new Uint8Array(readFileSync(FIXTURE_ARCHIVE)));
    const a = await readKerasArchiveBytes('m64.keras', zip64(entries));
    expect(a.entries.map((e) => [e.name, e.size])).toEqual(Object.entries(entries).map(([n, d]) => [n, d.length]));
    expect(a.config).toEqual(JSON.parse(readFileSync(join(FIXTURE_DIR, 'config.json'), 'utf8')));
    expect([...a.weights!.keys()].sort()).toEqual(['layers/batch_normalization', 'layers/conv2d', 'layers/dense']);
  });

  it('isZipMagic tells a zip from HDF5 and JSON', () => {
    expect(isZipMagic(readFileSync(FIXTURE_ARCHIVE).subarray(0, 4))).toBe(true);
    expect(isZipMagic(zip({}))).toBe(true); // empty archive: end record only
    expect(isZipMagic(writeHdf5(group()))).toBe(false);
    expect(isZipMagic(te.encode('{"format"'))).toBe(false);
  });
});

describe('topology only', () => {
  const config = readFileSync(join(FIXTURE_DIR, 'config.json'));

  it.each([
    ['model.weights.h5 is not HDF5', { 'model.weights.h5': 'PK\u0003\u0004 not hdf5 at all' }, /^topology only: model\.weights\.h5: not an HDF5 file/],
    ['model.weights.h5 is cut short', { 'model.weights.h5': writeHdf5(fixtureWeights()).subarray(0, 150) }, /^topology only: model\.weights\.h5: jsfive cannot read it \(/],
    ['no weights file', {}, /^topology only: the archive has no model\.weights\.h5$/],
    ['NumPy weights', { 'model.weights.npz': 'x' }, /^topology only: the weights are in model\.weights\.npz/],
    ['sharded weights', { 'model.weights.json': '{}', 'model_00000.weights.h5': 'x' }, /^topology only: the weights are sharded/],
  ])('%s: the config comes back, with a one-line note', async (_, extra, note) => {
    const a = await readKerasArchiveBytes('t.keras', zip({ 'metadata.json': '{"keras_version": "3.5.0"}', 'config.json': config, ...extra }));
    expect(a.kerasVersion).toBe('3.5.0');
    expect((a.config as { class_name: string }).class_name).toBe('Functional');
    expect(a.weights).toBeUndefined();
    expect(a.weightsNote).toMatch(note);
    expect(a.weightsNote).not.toContain('\n');
  });

  it('weights: false never looks at the weights file', async () => {
    const a = await readKerasArchiveBytes('t.keras', zip({ 'config.json': config, 'model.weights.h5': 'garbage' }), { weights: false });
    expect(a.weights).toBeUndefined();
    expect(a.weightsNote).toBeUndefined();
    expect(a.metadata).toBeUndefined();
  });
});

describe('walking a Keras weights file (HDF5 written by writeHdf5, read by jsfive)', () => {
  const vars = (name: string, ...arrays: H5Dataset[]): H5Group => group(arrays.map((d, i) => [String(i), d]), { name });
  const layer = (name: string, ...arrays: H5Dataset[]): H5Group => group([['vars', vars(name, ...arrays)]]);
  const read = async (root: H5Group) => readKerasWeightsH5('w.h5', writeHdf5(root));

  it('nested models: layers/functional/layers/<class>/vars; optimizer and metrics are skipped', async () => {
    const base = group([
      [
        'layers',
        group([
          ['input_layer', layer('input_1')],
          ['conv2d', layer('Conv1', dataset([1, 1, 3, 2], [1, 2, 3, 4, 5, 6]))],
        ]),
      ],
      ['vars', vars('mobilenet')],
    ]);
    const root = group([
      [
        'layers',
        group([
          ['functional', base],
          ['dense', layer('head', dataset([2, 1], [7, 8]), dataset([1], [9]))],
        ]),
      ],
      ['optimizer', group([['vars', vars('adam', dataset([1], [100]), dataset([2, 1], [0, 0]))]])],
      ['_loss_tracker', group([['vars', vars('loss', dataset([1], [0]))]])],
      ['vars', vars('model')],
    ]);
    const { weights, weightsNote } = await read(root);
    expect(weightsNote).toBeUndefined();
    expect([...weights!.keys()].sort()).toEqual(['layers/dense', 'layers/functional/layers/conv2d']);
    expect(weights!.get('layers/functional/layers/conv2d')!.layerName).toBe('Conv1');
    expect(Array.from(weights!.get('layers/functional/layers/conv2d')!.vars[0].data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(weights!.get('layers/dense')!.vars.map((v) => Array.from(v.data))).toEqual([[7, 8], [9]]);
  });

  it('orders variables numerically (0, 1, ..., 10, 11), across several symbol-table nodes', async () => {
    const many = Array.from({ length: 12 }, (_, i) => dataset([1], [i]));
    const layers = group(Array.from({ length: 20 }, (_, i): [string, H5Group] => [`dense_${i}`, layer(`d${i}`, dataset([1], [i]))]));
    layers.children.set('big', layer('big', ...many));
    const { weights } = await read(group([['layers', layers]]));
    expect(weights!.size).toBe(21);
    expect(weights!.get('layers/big')!.vars.map((v) => v.name)).toEqual(many.map((_, i) => String(i)));
    expect(weights!.get('layers/big')!.vars.map((v) => v.data[0])).toEqual(many.map((_, i) => i));
    expect(weights!.get('layers/dense_17')!.layerName).toBe('d17');
  });

  it('a group linked twice, or a link back to an ancestor, is walked once', async () => {
    const shared = layer('shared', dataset([2], [1, 2]));
    const layers = group([
      ['a', shared],
      ['b', shared],
    ]);
    const root = group([['layers', layers]]);
    layers.children.set('loop', root); // layers/loop -> /
    const { weights, weightsNote } = await read(root);
    expect(weightsNote).toBeUndefined();
    expect([...weights!.keys()]).toEqual(['layers/a']);
  });

  it('an unsupported type (a bfloat16-like opaque dataset) gives topology only', async () => {
    const odd: H5Dataset = { ...dataset([2], [0, 0]), type: 'opaque' };
    const { weights, weightsNote } = await read(group([['layers', group([['dense', layer('dense', odd)]])]]));
    expect(weights).toBeUndefined();
    expect(weightsNote).toMatch(/^topology only: w\.h5: jsfive cannot read it \(Opaque datatype class not supported\.\)/);
  });

  it('a dataset declaring more than the file holds is refused before jsfive reads it', async () => {
    const liar: H5Dataset = { ...dataset([4], [1, 2, 3, 4]), declaredShape: [50_000_000] };
    const { weights, weightsNote } = await read(group([['layers', group([['dense', layer('dense', liar)]])]]));
    expect(weights).toBeUndefined();
    expect(weightsNote).toMatch(/^topology only: w\.h5: layers\/dense\/vars\/0: the datasets declare more bytes than the \d+-byte file holds/);
  });

  it('never throws on corrupted files: weights or a one-line note', async () => {
    const good = writeHdf5(fixtureWeights());
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outcomes = new Set<string>();
    for (let k = 0; k < 150; k++) {
      const bad = good.slice();
      for (let j = 0; j < 3; j++) bad[Math.floor(rnd() * 4096)] = Math.floor(rnd() * 256);
      const r = await readKerasWeightsH5('w.h5', bad);
      expect(r.weights !== undefined || /^topology only: w\.h5: [^\n]+$/.test(r.weightsNote ?? '')).toBe(true);
      outcomes.add(r.weights ? 'weights' : 'note');
    }
    expect(outcomes).toEqual(new Set(['weights', 'note']));
  });
});

describe('hostile or broken archives: one-line BAD_INPUT naming the file and the entry', () => {
  it('not a zip', async () => {
    await refused(te.encode('{"format": "layers-model"}'), 'not a zip archive (no end-of-central-directory record)', /Keras 3 \.keras file is a zip/);
    await refused(new Uint8Array(0), 'not a zip archive (no end-of-central-directory record)', /./);
    // Told by content what they are, not "not a zip" or "not valid JSON" with their bytes quoted.
    const cut = await rejection(readKerasArchiveBytes('evil.keras', readFileSync(FIXTURE_ARCHIVE).subarray(0, 9000)));
    expect(cut).toBe('evil.keras is a .keras archive that is corrupt or truncated (it starts as a zip but has no end-of-central-directory record: download or copy it again)');
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 4096\n';
    expect(await rejection(readKerasArchiveBytes('evil.keras', te.encode(pointer)))).toBe('evil.keras is a Git LFS pointer (the real file was never downloaded: run git lfs pull)');
    expect(await rejection(readKerasArchiveBytes('evil.keras', new Uint8Array(4096)))).toBe('evil.keras begins with nothing but NUL bytes (a file that was never written: download or copy it again)');
    await refused(zip({ 'config.json': pointer }), 'config.json', /^evil\.keras: config\.json: is a Git LFS pointer \(the real file was never downloaded: run git lfs pull\), not JSON$/);
    const quoted = await refused(zip({ 'config.json': '{"class_name": secret}' }), 'config.json', /not valid JSON: Unexpected token 's'$/);
    expect(quoted).not.toContain('secret');
  });

  it('an HDF5 file (a legacy Keras .h5 model) is named as such', async () => {
    const msg = await rejection(readKerasArchiveBytes('old.keras', writeHdf5(fixtureWeights())));
    expect(msg).toMatch(/^old\.keras: this is an HDF5 file \(a legacy Keras \.h5 model\?\), not a zip archive/);
  });

  it('no config.json', async () => {
    await refused(zip({ 'metadata.json': '{}', 'model.weights.h5': 'x' }), 'config.json', /^evil\.keras: config\.json: missing \(it holds metadata\.json, model\.weights\.h5\)/);
    await refused(zip({}), 'config.json', /missing \(the archive is empty\)/);
  });

  it('config.json or metadata.json not JSON, not UTF-8, not an object', async () => {
    await refused(zip({ 'config.json': '{"class_name": "Functional",' }), 'config.json', /not valid JSON: /);
    await refused(zip({ 'config.json': new Uint8Array([0x7b, 0xff, 0x7d]) }), 'config.json', /not valid UTF-8$/);
    await refused(zip({ 'config.json': '[1, 2]' }), 'config.json', /expected a JSON object \(a serialised Keras model\), got an array$/);
    await refused(zip({ 'config.json': minimalConfig, 'metadata.json': 'keras 3' }), 'metadata.json', /not valid JSON: /);
  });

  it('an entry declaring a huge uncompressed size (patched headers)', async () => {
    const msg = await refused(declare(zip({ 'config.json': minimalConfig }, 6), 'config.json', 0xfffffff0), 'config.json', /declares 4294967280 bytes uncompressed, over the 67108864-byte limit for config\.json$/);
    expect(msg).toBeTruthy();
    await refused(
      declare(zip({ 'config.json': minimalConfig, 'model.weights.h5': 'x'.repeat(100) }, 6), 'model.weights.h5', 0xfffffff0),
      'model.weights.h5',
      /declares 4294967280 bytes uncompressed, over the 2147483648-byte limit for model\.weights\.h5$/,
    );
    await refused(declare(zip({ 'config.json': minimalConfig, 'metadata.json': '{}' }, 6), 'metadata.json', 2 ** 21), 'metadata.json', /over the 1048576-byte limit for metadata\.json$/);
  });

  it('the same from a file on disk, read in place', async () => {
    const file = join(tmp, 'huge.keras');
    writeFileSync(file, declare(zip({ 'config.json': minimalConfig }, 6), 'config.json', 0xfffffff0));
    const msg = await rejection(readKerasArchive(file));
    expect(msg).toBe(`${file}: config.json: declares 4294967280 bytes uncompressed, over the 67108864-byte limit for config.json`);
  });

  it('too many entries', async () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`assets/${i}`, 'x']));
    await refused(zip({ 'config.json': minimalConfig, ...files }), 'central directory', /^evil\.keras: central directory: lists 7 entries, more than the 5 allowed$/, { limits: { entries: 5 } });
    const b = zip({ 'config.json': minimalConfig });
    view(b).setUint16(eocdOf(b) + 8, 60000, true);
    view(b).setUint16(eocdOf(b) + 10, 60000, true);
    await refused(b, 'central directory', /lists 60000 entries, more than the 10000 allowed$/);
  });

  it.each([['../evil'], ['assets/../../evil'], ['/etc/passwd'], ['C:\\Windows\\evil'], ['..\\evil']])('entry name %s', async (name) => {
    const msg = await refused(zip({ 'config.json': minimalConfig, [name]: 'x' }), JSON.stringify(name).slice(1, -1), /(climbs out of the archive with '\.\.'|absolute entry name) \(nothing is extracted/);
    expect(msg).toContain('refusing a hostile archive');
  });

  it('declared total over the cap', async () => {
    // Each under the 2 GiB cap for one entry; with config.json's bytes, over 4 GiB together.
    const b = zip({ 'config.json': minimalConfig, 'a.bin': 'a', 'b.bin': 'b' });
    for (const n of ['a.bin', 'b.bin']) {
      declare(b, n, 0x7fffffff);
      view(b).setUint32(central(b, n) + 20, 0x7fffffff, true); // stored: compressed = uncompressed
    }
    await refused(b, 'b.bin', new RegExp(`brings the declared uncompressed total to ${minimalConfig.length + 2 * 0x7fffffff} bytes, over the 4294967296-byte limit for an archive$`));
    await refused(zip({ 'config.json': minimalConfig, 'a.bin': 'x'.repeat(600), 'b.bin': 'x'.repeat(600) }), 'b.bin', /over the 1000-byte limit/, { limits: { totalBytes: 1000 } });
  });

  it('compression ratio over the cap', async () => {
    await refused(declare(zip({ 'config.json': minimalConfig, 'assets/blob': 'x' }, 6), 'assets/blob', 100 * 2 ** 20), 'assets/blob', /declares 104857600 bytes from \d+ compressed, a ratio over 200:1 \(a zip bomb\?\)$/);
  });

  it('inflating more, or less, than declared', async () => {
    const big = JSON.stringify({ class_name: 'Functional', config: { layers: [], pad: 'x'.repeat(5000) } });
    await refused(declare(zip({ 'config.json': big }, 6), 'config.json', 100), 'config.json', /inflates to more than the 100 bytes it declares \(a zip bomb\?\)$/);
    await refused(declare(zip({ 'config.json': big }, 6), 'config.json', big.length + 10), 'config.json', new RegExp(`inflates to ${big.length} bytes, not the ${big.length + 10} it declares$`));
  });

  it('corruption: CRC, deflate data, stored sizes', async () => {
    const crc = zip({ 'config.json': minimalConfig });
    crc[local(crc, 'config.json') + 30 + 'config.json'.length + 2] ^= 1;
    await refused(crc, 'config.json', /CRC-32 mismatch: the archive is corrupt$/);
    const deflated = zip({ 'config.json': minimalConfig }, 6);
    deflated.fill(0xff, local(deflated, 'config.json') + 30 + 11, local(deflated, 'config.json') + 30 + 11 + 4);
    await refused(deflated, 'config.json', /corrupt deflate data \(|inflates to/);
    await refused(declare(zip({ 'config.json': minimalConfig }), 'config.json', 10), 'config.json', /stored \(uncompressed\) entry declares 10 bytes but occupies \d+$/);
  });

  it('overlapping, duplicated, encrypted, or oddly compressed entries', async () => {
    const overlap = zip({ 'config.json': minimalConfig, 'b.txt': 'hello' });
    view(overlap).setUint32(central(overlap, 'b.txt') + 42, 0, true);
    await refused(overlap, 'b.txt', /overlaps entry config\.json \(overlapping entries are a zip-bomb technique\)$/);

    const dup = zip({ 'config.json': minimalConfig, 'configXjson': minimalConfig });
    dup.set(te.encode('config.json'), central(dup, 'configXjson') + 46);
    await refused(dup, 'config.json', /the entry appears twice in the archive$/);

    const enc = zip({ 'config.json': minimalConfig });
    view(enc).setUint16(central(enc, 'config.json') + 8, 1, true);
    await refused(enc, 'config.json', /encrypted entries are not supported$/);

    const lzma = zip({ 'config.json': minimalConfig });
    view(lzma).setUint16(central(lzma, 'config.json') + 10, 14, true);
    await refused(lzma, 'config.json', /compression method 14 \(LZMA\) is not supported/);

    const moved = zip({ 'config.json': minimalConfig });
    view(moved).setUint32(central(moved, 'config.json') + 42, 100_000, true);
    await refused(moved, 'config.json', /its data lies outside the archive/);
  });

  it('sizes that lie: the local header against the central directory, and both against the data', async () => {
    const weights = 'x'.repeat(100);
    // The central directory says 50 bytes, the local header (and the data) 100.
    const cdLies = zip({ 'config.json': minimalConfig, 'model.weights.h5': weights });
    view(cdLies).setUint32(central(cdLies, 'model.weights.h5') + 20, 50, true);
    view(cdLies).setUint32(central(cdLies, 'model.weights.h5') + 24, 50, true);
    await refused(cdLies, 'model.weights.h5', /the local header and the central directory disagree \(compressed size 100 vs 50, size 100 vs 50\): the archive is corrupt or forged$/);
    // Both headers say 50, the data is 100 bytes: found without reading the data (weights: false).
    const bothLie = declare(zip({ 'config.json': minimalConfig, 'model.weights.h5': weights }), 'model.weights.h5', 50);
    view(bothLie).setUint32(central(bothLie, 'model.weights.h5') + 20, 50, true);
    view(bothLie).setUint32(local(bothLie, 'model.weights.h5') + 18, 50, true);
    await refused(bothLie, 'model.weights.h5', /its data does not end where the next entry starts \(50 bytes more than the 50 declared\): the declared size is wrong$/, { weights: false });
    // The CRC-32 of the local header differs.
    const crc = zip({ 'config.json': minimalConfig, 'model.weights.h5': weights });
    view(crc).setUint32(local(crc, 'model.weights.h5') + 14, 1234, true);
    await refused(crc, 'model.weights.h5', /disagree \(CRC-32 1234 vs \d+\)/);
  });

  it('entry counts that lie: a ZIP64 record past the limit, records that disagree, a directory longer than its count', async () => {
    const entries = { 'config.json': te.encode(minimalConfig), 'metadata.json': te.encode('{}') };
    // The end record is not saturated (2 entries), the ZIP64 record its locator points at says 20,000.
    const over = zip64(entries);
    const z64 = over.length - 98;
    const eocd = over.length - 22;
    view(over).setUint16(eocd + 8, 2, true);
    view(over).setUint16(eocd + 10, 2, true);
    view(over).setBigUint64(z64 + 24, 20_000n, true);
    view(over).setBigUint64(z64 + 32, 20_000n, true);
    await refused(over, 'ZIP64 end of central directory', /lists 20000 entries, more than the 10000 allowed$/);
    const disagree = zip64(entries);
    view(disagree).setUint16(disagree.length - 22 + 8, 1, true);
    view(disagree).setUint16(disagree.length - 22 + 10, 1, true);
    await refused(disagree, 'end of central directory', /the ZIP64 record and the end record disagree on the central directory \(count: 2 vs 1\)$/);
    const short = zip({ 'config.json': minimalConfig, 'metadata.json': '{}' });
    view(short).setUint16(eocdOf(short) + 8, 1, true);
    view(short).setUint16(eocdOf(short) + 10, 1, true);
    await refused(short, 'central directory', /holds \d+ bytes more than its 1 entries \(the entry count is wrong\)$/);
    const disks = zip({ 'config.json': minimalConfig });
    view(disks).setUint16(eocdOf(disks) + 8, 7, true);
    await refused(disks, 'end of central directory', /says 7 entries on this disk but 1 in all$/);
  });

  it('an entry name longer than 128 bytes', async () => {
    await refused(zip({ 'config.json': minimalConfig, ['a'.repeat(200)]: 'x' }), `${'a'.repeat(40)}...`, /entry name of 200 bytes, longer than the 128 a \.keras archive needs: refusing a hostile archive$/);
    const ok = await readKerasArchiveBytes('ok.keras', zip({ 'config.json': minimalConfig, [`assets/${'a'.repeat(121)}`]: 'x' }));
    expect(ok.entries.map((e) => e.name.length)).toEqual([11, 128]);
  });

  it('files that are not archives at all', async () => {
    expect(await rejection(readKerasArchive(join(tmp, 'absent.keras')))).toBe(`cannot read ${join(tmp, 'absent.keras')}: ENOENT`);
    expect(await rejection(readKerasArchive(tmp))).toBe(`${tmp} is not a regular file`);
    // A FIFO is refused without waiting for a writer (opening it plainly would block forever).
    const fifo = join(tmp, 'fifo.keras');
    execFileSync('mkfifo', [fifo]);
    expect(await rejection(readKerasArchive(fifo))).toBe(`${fifo} is not a regular file`);
    expect(await rejection(readKerasArchive(FIXTURE_ARCHIVE, { limits: { archiveBytes: 1000 } }))).toMatch(/: the archive is \d+ bytes, over the 1000-byte limit for a \.keras archive$/);
  });
});

describe('kerasWeightPaths and kerasSnakeCase (Keras 3 saving_lib naming)', () => {
  it('snake_case as keras.src.utils.naming.to_snake_case', () => {
    expect(
      ['Conv2D', 'BatchNormalization', 'ReLU', 'GlobalAveragePooling2D', 'InputLayer', 'DepthwiseConv2D', 'Conv2DTranspose', 'PReLU', 'LSTM', 'Functional'].map(kerasSnakeCase),
    ).toEqual(['conv2d', 'batch_normalization', 're_lu', 'global_average_pooling2d', 'input_layer', 'depthwise_conv2d', 'conv2d_transpose', 'p_re_lu', 'lstm', 'functional']);
  });

  it('counters per model; a Sequential skips its InputLayer; nested models recurse; keras.ops are not layers', () => {
    const L = (class_name: string, name: string, extra: object = {}) => ({ module: 'keras.layers', class_name, config: { name }, ...extra });
    const inner = { class_name: 'Sequential', config: { name: 'block', layers: [L('InputLayer', 'in2'), L('Dense', 'd1'), L('Dense', 'd2')] } };
    const config = {
      class_name: 'Functional',
      config: {
        name: 'm',
        layers: [L('InputLayer', 'a'), L('InputLayer', 'b'), L('Dense', 'x'), { module: 'keras.src.ops.numpy', class_name: 'Add', config: { name: 'add' } }, inner, L('Dense', 'y')],
      },
    };
    expect(kerasWeightPaths(config).map((p) => `${p.path} ${p.layer}`)).toEqual([
      'layers/input_layer a',
      'layers/input_layer_1 b',
      'layers/dense x',
      'layers/sequential block',
      'layers/sequential/layers/dense block/d1',
      'layers/sequential/layers/dense_1 block/d2',
      'layers/dense_1 y',
    ]);
    expect(kerasWeightPaths(null)).toEqual([]);
    expect(kerasWeightPaths({ class_name: 'MyModel', config: {} })).toEqual([]);
  });
});

// Third-party files (../shared/real-models beside the checkout): Keras 3 topologies, as the
// tfjs converter kept them, and their weight manifests (which name the layers).
const KERAS3_REAL = ['Azerif__fruits-image-classification__tfjs_model__model.json', 'SandiaExe__Autoencoder__web_model__model.json'];

describe.skipIf(!existsSync(join(REAL, 'SOURCES.tsv')))('real Keras 3 topologies (../shared/real-models)', () => {
  const load = (f: string) => JSON.parse(readFileSync(join(REAL, f), 'utf8')) as { modelTopology: { model_config: unknown }; weightsManifest: { weights: { name: string }[] }[] };

  it.each(KERAS3_REAL.map((f) => [f]))('%s: one weights-file path per layer, and one per layer the manifest names', (f) => {
    const m = load(f);
    const paths = kerasWeightPaths(m.modelTopology.model_config);
    expect(new Set(paths.map((p) => p.path)).size).toBe(paths.length);
    const manifestLayers = new Set(m.weightsManifest.flatMap((g) => g.weights.map((w) => w.name.split('/').slice(0, -1).join('/'))));
    for (const l of manifestLayers) expect(paths.filter((p) => p.layer === l || p.layer.endsWith(`/${l}`)), l).toHaveLength(1);
  });

  it('MobileNetV2 inside a Sequential: the Keras names, by class and position', () => {
    const byLayer = new Map(kerasWeightPaths(load(KERAS3_REAL[0]).modelTopology.model_config).map((p) => [p.layer, p.path]));
    expect(byLayer.get('mobilenetv2_1.00_224')).toBe('layers/functional');
    expect(byLayer.get('mobilenetv2_1.00_224/Conv1')).toBe('layers/functional/layers/conv2d');
    expect(byLayer.get('mobilenetv2_1.00_224/bn_Conv1')).toBe('layers/functional/layers/batch_normalization');
    expect(byLayer.get('mobilenetv2_1.00_224/expanded_conv_depthwise')).toBe('layers/functional/layers/depthwise_conv2d');
    // 35 Conv2D: Conv1, 16 expansions, 17 projections, Conv_1
    expect(byLayer.get('mobilenetv2_1.00_224/Conv_1')).toBe('layers/functional/layers/conv2d_34');
    expect(byLayer.get('conv2d_1')).toBe('layers/conv2d');
    expect(byLayer.get('output_softmax')).toBe('layers/dense_1');
  });

  it('nested Sequentials: the encoder and decoder', () => {
    const byLayer = new Map(kerasWeightPaths(load(KERAS3_REAL[1]).modelTopology.model_config).map((p) => [p.layer, p.path]));
    expect(byLayer.get('sequential_7/conv2d_13')).toBe('layers/sequential/layers/conv2d');
    expect(byLayer.get('sequential_8/conv2d_transpose_6')).toBe('layers/sequential_1/layers/conv2d_transpose_1');
    expect(byLayer.get('sequential_8/conv2d_16')).toBe('layers/sequential_1/layers/conv2d');
    expect([...byLayer.keys()].some((l) => l.includes('input_layer'))).toBe(false);
  });
});
