/**
 * `dnarch export`, spawned as a user runs it. The ONNX file is run by onnxruntime-node, the
 * tfjs directory read back by `dnarch summarize`; the parameter count is checked against the
 * ResNet paper's figure (Table 6: 1.7M for ResNet-110).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportResultSchema } from '../../src/engines/export-types.js';
import { otherReference } from '../reference.js';
import { dnarch, expectUsageError, ok, okJson, TIMEOUT } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'dnarch-export-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = (name = 'out'): string => join(work, `${name}${++n}`);
const listing = (): string[] => readdirSync(work).sort();

describe('dnarch export --tfjs', () => {
  it('writes a zoo model with seeded weights that summarize reads back with the same counts', () => {
    const dir = fresh('r110');
    const r = ExportResultSchema.parse(okJson(['export', 'resnet110', '--tfjs', dir]));
    expect(r).toMatchObject({ schemaVersion: 1, model: 'resnet110', source: 'zoo', weights: { kind: 'seeded', seed: 1 } });
    expect(r.onnx).toBeUndefined();
    const ref = otherReference('resnet110').params.approx!;
    expect(Math.abs(r.params - ref) / ref).toBeLessThan(0.03);
    expect(readdirSync(dir).sort()).toEqual(r.tfjs!.files.map((f) => f.name).sort());
    for (const f of r.tfjs!.files) expect(readFileSync(join(dir, f.name)).byteLength).toBe(f.bytes);
    expect(r.tfjs!.weightBytes).toBe(4 * r.params);

    const back = okJson(['summarize', dir]);
    const zoo = okJson(['summarize', 'resnet110']);
    expect(back.totals.params).toEqual(zoo.totals.params);
    expect(back.totals.params.total).toBe(r.params);
    expect(back.totals.macs).toBe(zoo.totals.macs);
  }, TIMEOUT);

  it('AlexNet 2012 (grouped conv, LRN, adaptive pooling) reads back complete in a fresh process', () => {
    const dir = fresh('alexnet2012');
    const size = ['--input-size', '67', '--classes', '10'];
    ok(['export', 'alexnet2012', ...size, '--tfjs', dir]);
    const back = okJson(['summarize', dir]);
    const zoo = okJson(['summarize', 'alexnet2012', ...size]);
    expect(back.unsupported).toEqual([]);
    expect(back.complete).toBe(true);
    expect(back.totals.params).toEqual(zoo.totals.params);
    expect(back.totals.macs).toBe(zoo.totals.macs);
  }, TIMEOUT);

  it('says where the weights come from, and the same seed gives the same bytes', () => {
    const [a, b, c] = [fresh('seed'), fresh('seed'), fresh('seed')];
    const text = ok(['export', 'mobilenet', '--alpha', '0.25', '--input-size', '32', '--tfjs', a]);
    expect(text).toContain('weights: seeded random (seed 1)');
    expect(text).toContain(a);
    expect(text).toMatch(/note: .*keepdims/);
    ok(['export', 'mobilenet', '--alpha', '0.25', '--input-size', '32', '--tfjs', b, '--seed', '1']);
    ok(['export', 'mobilenet', '--alpha', '0.25', '--input-size', '32', '--tfjs', c, '--seed', '2']);
    const shard = (d: string) => readFileSync(join(d, 'group1-shard1of1.bin'));
    expect(shard(b).equals(shard(a))).toBe(true);
    expect(shard(c).equals(shard(a))).toBe(false);
  }, TIMEOUT);

  it('keeps a model file\'s own weights', () => {
    const dir = fresh('file');
    const text = ok(['export', 'fixtures/models/shards/model.json', '--tfjs', dir]);
    expect(text).toContain('weights: from the model file');
    // Dense 2->3 of the fixture: kernel [[0.5, -1, 2], [3.25, -0.125, 100]], bias [0.1, -0.2, 0.3].
    const bytes = readFileSync(join(dir, 'group1-shard1of1.bin'));
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(Array.from(values)).toEqual([0.5, -1, 2, 3.25, -0.125, 100, 0.1, -0.2, 0.3].map(Math.fround));
  }, TIMEOUT);
});

describe('dnarch export --onnx', () => {
  it('writes an ONNX file that onnxruntime runs, with one score per class', async () => {
    const file = `${fresh('r110')}.onnx`;
    const r = ExportResultSchema.parse(okJson(['export', 'resnet110', '--onnx', file]));
    expect(r.onnx!.bytes).toBe(readFileSync(file).byteLength);
    expect(r.onnx!.nodes).toBeGreaterThan(0);
    // ResNet-110: 109 convolutions (1 stem + 54 blocks x 2) and one Dense.
    expect(r.onnx!.opTypes.Conv).toBe(109);
    const session = await ort.InferenceSession.create(file);
    try {
      const input = new ort.Tensor('float32', new Float32Array(32 * 32 * 3).fill(0.5), [1, 32, 32, 3]);
      const out = await session.run({ [session.inputNames[0]]: input });
      const scores = out[session.outputNames[0]];
      expect(scores.dims).toEqual([1, 10]);
      expect(Array.from(scores.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await session.release();
    }
  }, TIMEOUT);

  it('writes both formats in one run, and prints the opset', () => {
    const file = `${fresh('both')}.onnx`;
    const dir = fresh('both');
    const text = ok(['export', 'resnet110', '--onnx', file, '--tfjs', dir]);
    expect(text).toMatch(/onnx .*opset \d+/);
    expect(text).toMatch(/tfjs .*model\.json \+ \d+ weight shard/);
    expect(existsSync(file) && existsSync(join(dir, 'model.json'))).toBe(true);
  }, TIMEOUT);
});

describe('dnarch export: refusals write nothing', () => {
  it('needs --onnx or --tfjs', () => {
    const before = listing();
    expectUsageError(dnarch(['export', 'resnet110']), ['--onnx', '--tfjs']);
    expect(listing()).toEqual(before);
  });

  it('rejects a bad --seed and zoo options on a model file', () => {
    expectUsageError(dnarch(['export', 'resnet110', '--tfjs', fresh(), '--seed', 'one']), ['--seed']);
    expectUsageError(dnarch(['export', 'fixtures/models/shards/model.json', '--tfjs', fresh(), '--classes', '5']), ['--classes']);
    expectUsageError(dnarch(['export', 'resnet11', '--tfjs', fresh()]), ['resnet11']);
  }, TIMEOUT);

  it('refuses paths it cannot write, before building anything', () => {
    const before = listing();
    expectUsageError(dnarch(['export', 'resnet110', '--onnx', join(work, 'missing', 'x.onnx')]), ['--onnx', 'missing']);
    expectUsageError(dnarch(['export', 'resnet110', '--tfjs', join(work, 'missing', 'dir')]), ['--tfjs', 'missing']);
    expect(listing()).toEqual(before);
  }, TIMEOUT);

  it('refuses an existing non-empty --tfjs directory or --onnx file unless --force', () => {
    const dir = fresh('full');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const file = `${fresh('old')}.onnx`;
    writeFileSync(file, 'old');
    const before = listing();
    expectUsageError(dnarch(['export', 'resnet110', '--tfjs', dir]), [dir, '--force']);
    expectUsageError(dnarch(['export', 'resnet110', '--onnx', file]), [file, '--force']);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(listing()).toEqual(before);
    ok(['export', 'fixtures/models/shards/model.json', '--tfjs', dir, '--force']);
    expect(readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
  }, TIMEOUT);

  it('names the layer a model cannot run, and writes nothing', () => {
    const dir = fresh('custom');
    const file = `${fresh('custom')}.onnx`;
    const before = listing();
    expectUsageError(dnarch(['export', 'fixtures/models/custom-layer.json', '--tfjs', dir, '--onnx', file]), ['my_attention', 'MyAttention']);
    expect(listing()).toEqual(before);
  }, TIMEOUT);

  it('names the layer ONNX export does not map, and writes neither format', () => {
    // A Keras to_json() file without weights: tfjs runs Conv2DTranspose, the ONNX exporter has no mapping for it.
    const model = join(work, 'upsample.json');
    const layers = [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 4, 2], dtype: 'float32', name: 'in' } },
      { class_name: 'Conv2DTranspose', config: { name: 'upsample', filters: 3, kernel_size: [2, 2], strides: [2, 2], padding: 'valid' } },
    ];
    writeFileSync(model, JSON.stringify({ class_name: 'Sequential', config: { name: 'up', layers }, keras_version: '2.15.0' }));
    const dir = fresh('up');
    const file = `${fresh('up')}.onnx`;
    const before = listing();
    expectUsageError(dnarch(['export', model, '--tfjs', dir, '--onnx', file]), ['upsample', 'Conv2DTranspose', 'ONNX']);
    expect(listing()).toEqual(before);

    // The tfjs format alone has no such limit; the weightless file gets seeded weights and says so.
    const r = ExportResultSchema.parse(okJson(['export', model, '--tfjs', dir, '--seed', '3']));
    expect(r.weights).toEqual({ kind: 'seeded', seed: 3 });
    // kernel 2x2x3x2 (Conv2DTranspose keeps filters before input channels) + bias 3
    expect(r.params).toBe(2 * 2 * 3 * 2 + 3);
    expect(r.notes.join(' ')).toMatch(/no weights/);
  }, TIMEOUT);
});
