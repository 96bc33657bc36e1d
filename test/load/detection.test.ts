/**
 * Formats are told by content, never by extension (src/load/formats.ts, magic.ts): a model
 * under another format's name is read by its own reader, and a file that is no model (a Git
 * LFS pointer, a web page, a storage server's XML error, gzip, plain text) gets one line
 * saying what it is, exit 2, whatever its name.
 *
 * Expected params are closed forms: tiny-cnn.onnx = conv 3x3 3->8 (3*3*3*8 + 8) + depthwise
 * 3x3 on 8 (3*3*8 + 8) + 1x1 8->16 (8*16 + 16) + Gemm 16->10 (16*10 + 10); keras2-sequential
 * = Conv2D 3x3 1->8 (3*3*1*8 + 8) + Dense 13*13*8 -> 10; keras3/model.keras = Conv2D 3x3 3->8
 * (3*3*3*8 + 8) + BatchNormalization on 8 (4*8) + Dense 8->10 (8*10 + 10).
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat } from '../../src/load/formats.js';
import { dnarch, expectUsageError, okJson, TIMEOUT } from '../cli/run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TINY_ONNX = join(ROOT, 'fixtures/onnx/tiny-cnn.onnx');
const TINY_ONNX_PARAMS = 3 * 3 * 3 * 8 + 8 + (3 * 3 * 8 + 8) + (8 * 16 + 16) + (16 * 10 + 10);
const KERAS2_JSON = join(ROOT, 'fixtures/models/keras2-sequential.json');
const KERAS2_PARAMS = 3 * 3 * 1 * 8 + 8 + (13 * 13 * 8 * 10 + 10);
/** custom-layer.json (a Keras to_json()): Conv2D 3x3 3->4, Conv2D 1x1 4->6, Dense 2->3 (its custom and Lambda layers have none). */
const CUSTOM_PARAMS = 3 * 3 * 3 * 4 + 4 + (1 * 1 * 4 * 6 + 6) + (2 * 3 + 3);
const KERAS_ARCHIVE = join(ROOT, 'fixtures/models/keras3/model.keras');
const KERAS_ARCHIVE_PARAMS = 3 * 3 * 3 * 8 + 8 + 4 * 8 + (8 * 10 + 10);

const dir = mkdtempSync(join(tmpdir(), 'dnarch-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const copy = (from: string, name: string): string => {
  const file = join(dir, name);
  copyFileSync(from, file);
  return file;
};
const write = (name: string, bytes: string | Uint8Array): string => {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
};

interface Report {
  model: { format: { name: string } };
  totals: { params: { total: number } };
}

describe('a model under another format\'s name is read by its own reader', () => {
  it.each([
    ['an ONNX file named model.json', TINY_ONNX, 'model.json', 'onnx', TINY_ONNX_PARAMS],
    ['a tfjs model.json named model.onnx', KERAS2_JSON, 'model.onnx', 'tfjs-layers', KERAS2_PARAMS],
    ['a Keras to_json() file named model.h5', join(ROOT, 'fixtures/models/custom-layer.json'), 'model.h5', 'keras-json', CUSTOM_PARAMS],
    ['a .keras zip named model.h5', KERAS_ARCHIVE, 'model.h5', 'keras', KERAS_ARCHIVE_PARAMS],
    ['a .keras zip named model.hdf5', KERAS_ARCHIVE, 'model.hdf5', 'keras', KERAS_ARCHIVE_PARAMS],
  ])('%s', (_what, from, name, format, params) => {
    const file = copy(from, `${format}-as-${name}`);
    const r = okJson<Report>(['summarize', file]);
    expect(r.model.format.name).toBe(format);
    expect(r.totals.params.total).toBe(params);
  }, TIMEOUT);

  it('HDF5 is HDF5 under .hdf5, .h5, .json or no extension', async () => {
    const hdf5 = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0]);
    const names = await Promise.all(['weights.hdf5', 'model.h5', 'model.json', 'model'].map(async (n) => (await detectFormat(write(`hdf5-${n}`, hdf5))).name));
    // The same reader for each, and the one the HDF5 signature selects, not the zip or JSON readers.
    expect(new Set(names).size).toBe(1);
    expect(names[0]).not.toMatch(/json|keras$|onnx|tfjs/);
    expect(names[0]).toMatch(/hdf5|h5/);
  });
});

/**
 * The start of a saved_model.pb: saved_model_schema_version = 1 (field 1, varint), a MetaGraphDef
 * (field 2, 12 bytes) opening with its meta_info_def (field 1, 10 bytes) holding tags: "serve".
 */
const SAVED_MODEL = new Uint8Array([0x08, 0x01, 0x12, 0x0c, 0x0a, 0x0a, 0x22, 0x05, ...new TextEncoder().encode('serve'), 0x12, 0x01, 0x32, 0x00]);

const LFS = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1234567\n';

describe('a file that is no model: one line saying what it is, exit 2', () => {
  const cases: [string, string, string | Uint8Array, string][] = [
    ['a Git LFS pointer', 'model.h5', LFS, 'is a Git LFS pointer'],
    ['a Git LFS pointer', 'model.onnx', LFS, 'is a Git LFS pointer'],
    ['a Git LFS pointer', 'model.json', LFS, 'is a Git LFS pointer'],
    ['a Git LFS pointer', 'model.keras', LFS, 'is a Git LFS pointer'],
    ['an HTML error page', 'model.json', '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n', 'is an HTML page'],
    ['an HTML page after a byte-order mark and blank lines', 'model.onnx', '\uFEFF\n\n  <html lang="en"><body>Sign in</body></html>', 'is an HTML page'],
    ['an S3 XML error', 'model.json', '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>', 'is an XML document'],
    ['GitHub raw\'s answer for a missing file', 'model.json', '404: Not Found', 'is plain text'],
    ['GitHub raw\'s answer for a missing file', 'model.h5', '404: Not Found', 'is plain text'],
    ['a Keras YAML topology', 'model.json', 'backend: tensorflow\nclass_name: Sequential\nconfig:\n  layers:\n  - class_name: Dense\n', 'is a Keras YAML topology'],
    ['a gzip-compressed model.json', 'model.json', new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0xab, 0xae, 5, 0]), 'is gzip-compressed'],
    ['a TensorFlow SavedModel (which would otherwise pass for ONNX)', 'saved_model.pb', SAVED_MODEL, 'is a TensorFlow SavedModel: convert'],
    ['a TensorFlow SavedModel', 'model.onnx', SAVED_MODEL, 'is a TensorFlow SavedModel: convert'],
  ];
  it.each(cases)('%s named %s', (_what, name, bytes, says) => {
    const file = write(`${cases.findIndex((c) => c[1] === name && c[2] === bytes)}-${name}`, bytes);
    const line = expectUsageError(dnarch(['summarize', file]), [says]);
    expect(line.startsWith(`dnarch: ${file} `)).toBe(true);
  }, TIMEOUT);

  it('is told what it is before an option is weighed against its format (--batch is for ONNX files)', () => {
    const file = write('batch-model.json', '404: Not Found');
    expectUsageError(dnarch(['summarize', file, '--batch', '2']), [`${file} is plain text`]);
  }, TIMEOUT);
});
