/**
 * A directory given as the model (src/load/paths.ts resolveModelPath): its one model is found
 * by content and the choice is named in a note; two models (a model.json beside a model.h5
 * among them) are one line listing both; hidden files and JSON that is no model (package.json,
 * Keras' metadata.json, a tfjs weights_manifest.json) are no candidates.
 *
 * Expected params: tiny-cnn.onnx = 3*3*3*8 + 8 + 3*3*8 + 8 + 8*16 + 16 + 16*10 + 10;
 * keras2-sequential.json = 3*3*1*8 + 8 + 13*13*8*10 + 10.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, expectUsageError, okJson, TIMEOUT } from '../cli/run.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ONNX = join(ROOT, 'fixtures/onnx/tiny-cnn.onnx');
const ONNX_PARAMS = 3 * 3 * 3 * 8 + 8 + (3 * 3 * 8 + 8) + (8 * 16 + 16) + (16 * 10 + 10);
const LAYERS = join(ROOT, 'fixtures/models/keras2-sequential.json');
const LAYERS_PARAMS = 3 * 3 * 1 * 8 + 8 + (13 * 13 * 8 * 10 + 10);
const HDF5 = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0]);
/** A full Keras .h5 save and a save_weights one (scripts/make-h5-hostile.py). */
const FULL_H5 = join(ROOT, 'fixtures/h5-hostile/valid.h5');
const WEIGHTS_H5 = join(ROOT, 'fixtures/h5-hostile/weights-only.h5');
const LFS = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 1234567\n';

/** Files that sit beside a model and are none. */
const NOT_MODELS: Record<string, string> = {
  'package.json': '{"name": "demo", "version": "1.0.0", "dependencies": {"@tensorflow/tfjs": "^4.10.0"}}',
  'metadata.json': '{"keras_version": "3.5.0", "date_saved": "2024-09-01@12:00:00"}',
  'weights_manifest.json': '[{"paths": ["group1-shard1of1.bin"], "weights": [{"name": "dense/kernel", "shape": [2, 3], "dtype": "float32"}]}]',
  'labels.json': '["cat", "dog"]',
  'broken.json': '{"not json',
  'group1-shard1of1.bin': '\u0000\u0001\u0002',
  'README.md': '# my model\n',
};

const root = mkdtempSync(join(tmpdir(), 'dnarch-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
/** A fresh directory holding `files`: a path to copy, or the bytes to write. */
function directory(files: Record<string, string | Uint8Array | { copy: string }>): string {
  const dir = join(root, `d${dirs++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'object' && 'copy' in content) copyFileSync(content.copy, join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface Report {
  model: { format: { name: string } };
  totals: { params: { total: number } };
  notes?: string[];
}

describe('a directory finds its one model and names the choice', () => {
  it('its model.json, beside files that are no model and a hidden model', () => {
    const dir = directory({ 'model.json': { copy: LAYERS }, ...NOT_MODELS, '.old.onnx': { copy: ONNX }, '.model.h5': HDF5 });
    const r = okJson<Report>(['summarize', dir]);
    expect(r.totals.params.total).toBe(LAYERS_PARAMS);
    expect(r.notes?.[0]).toBe(`${dir} is a directory: read its model.json`);
  }, TIMEOUT);

  it('its model.json, beside a save_weights .h5 (no model): the note says how to use its weights', () => {
    const dir = directory({ 'model.json': { copy: LAYERS }, 'model.h5': { copy: WEIGHTS_H5 } });
    const r = okJson<Report>(['summarize', dir]);
    expect(r.totals.params.total).toBe(LAYERS_PARAMS);
    expect(r.notes?.[0]).toBe(`${dir} is a directory: read its model.json; model.h5 beside it is no full model (weights only?): add --weights ${join(dir, 'model.h5')} to use its weights`);
  }, TIMEOUT);

  it("its one .onnx, beside files that are no model and macOS's AppleDouble ._net.onnx", () => {
    const dir = directory({ 'net.onnx': { copy: ONNX }, '._net.onnx': new Uint8Array([0, 5, 22, 7, 0, 2, 0, 0]), ...NOT_MODELS });
    const r = okJson<Report>(['summarize', dir]);
    expect(r.totals.params.total).toBe(ONNX_PARAMS);
    expect(r.notes?.[0]).toBe(`${dir} is a directory: read net.onnx, its only model file`);
  }, TIMEOUT);

  it('a model JSON under another name', () => {
    const dir = directory({ 'my-model.json': { copy: LAYERS }, 'package.json': NOT_MODELS['package.json'] });
    const r = okJson<Report>(['summarize', dir]);
    expect(r.totals.params.total).toBe(LAYERS_PARAMS);
    expect(r.notes?.[0]).toBe(`${dir} is a directory: read my-model.json, its only model file`);
  }, TIMEOUT);

  it('a model.onnx beside a model.json that is a Git LFS pointer: the .onnx is the only model', () => {
    const dir = directory({ 'model.json': LFS, 'model.onnx': { copy: ONNX } });
    const r = okJson<Report>(['summarize', dir]);
    expect(r.model.format.name).toBe('onnx');
    expect(r.notes?.[0]).toBe(`${dir} is a directory: read model.onnx, its only model file`);
  }, TIMEOUT);
});

describe('two models: one line listing them', () => {
  it('a model.json beside a model.h5 (no silent preference for model.json)', () => {
    const dir = directory({ 'model.json': { copy: LAYERS }, 'model.h5': { copy: FULL_H5 }, ...NOT_MODELS });
    const line = expectUsageError(dnarch(['summarize', dir]), [`${dir} holds several model files (model.h5, model.json): name the one to read`]);
    expect(line).not.toMatch(/package\.json|metadata\.json|weights_manifest/);
  }, TIMEOUT);

  it('two .onnx files and a .keras one', () => {
    const dir = directory({ 'a.onnx': { copy: ONNX }, 'b.onnx': { copy: ONNX }, 'c.keras': { copy: join(ROOT, 'fixtures/models/keras3/model.keras') } });
    expectUsageError(dnarch(['summarize', dir]), ['holds several model files (a.onnx, b.onnx, c.keras)']);
  }, TIMEOUT);
});

describe('no model in the directory', () => {
  it('a model.json that is a Git LFS pointer: its reader says so', () => {
    const dir = directory({ 'model.json': LFS, 'package.json': NOT_MODELS['package.json'] });
    expectUsageError(dnarch(['summarize', dir]), [`${join(dir, 'model.json')} is a Git LFS pointer`]);
  }, TIMEOUT);

  it('the only file named as a model is an HTML page: its reader says so', () => {
    const dir = directory({ 'model.onnx': '<!DOCTYPE html><html><body>Sign in</body></html>', 'labels.json': NOT_MODELS['labels.json'] });
    expectUsageError(dnarch(['summarize', dir]), [`${join(dir, 'model.onnx')} is an HTML page`]);
  }, TIMEOUT);

  it('a TensorFlow SavedModel directory: its saved_model.pb says how to convert it', () => {
    const savedModel = new Uint8Array([0x08, 0x01, 0x12, 0x07, 0x0a, 0x05, 0x22, 0x03, 0x61, 0x62, 0x63]);
    const dir = directory({ 'saved_model.pb': savedModel, 'fingerprint.pb': '\u0008\u0001', 'keras_metadata.pb': '' });
    expectUsageError(dnarch(['summarize', dir]), [`${join(dir, 'saved_model.pb')} is a TensorFlow SavedModel: convert its directory`]);
  }, TIMEOUT);

  it('only files that are no model, or hidden ones', () => {
    const dir = directory({ ...NOT_MODELS, '.model.onnx': { copy: ONNX } });
    expectUsageError(dnarch(['summarize', dir]), [`${dir} is a directory without a model file`]);
  }, TIMEOUT);
});
