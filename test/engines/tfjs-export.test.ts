/**
 * tfjs layers-model export. Each export is read back by readers that share no code with the
 * writer: dnarch's weight loader (src/load/tfjs/weights.ts), tfjs' own loadLayersModel (through
 * a file-reading IOHandler written here) and dnarch's model-file loader + analysis.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, buildModel } from '../../src/api.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { loadRunnableModel } from '../../src/engines/runnable-model.js';
import { exportTfjs, patchTopology, SHARD_BYTES, writeDirectoryAtomic } from '../../src/engines/tfjs-export.js';
import { isDnarchError } from '../../src/errors.js';
import { loadWeights } from '../../src/load/tfjs/weights.js';

const work = mkdtempSync(join(tmpdir(), 'dnarch-tfjs-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(work, `out${++n}`);

const modelJson = (dir: string) => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));

/** Every weight by name, read back with dnarch's loader from the exported files. */
async function exportedWeights(dir: string): Promise<Map<string, { shape: number[]; values: Float32Array | Int32Array }>> {
  return loadWeights(join(dir, 'model.json'), modelJson(dir).weightsManifest);
}

/** A tfjs IOHandler that reads a layers-model directory from disk: what tfjs-node's file:// does. */
function fileLoader(dir: string): tfc.io.IOHandler {
  return {
    load: async () => {
      const json = modelJson(dir);
      const group = json.weightsManifest[0];
      const bytes = Buffer.concat(group.paths.map((p: string) => readFileSync(join(dir, p))));
      return {
        modelTopology: json.modelTopology,
        weightSpecs: group.weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      };
    },
  };
}

/** Sets every weight to a pattern unique to its position, so a swapped or shifted weight shows. */
function fillPattern(model: tfl.LayersModel): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  const tensors = model.weights.map((w, k) => {
    const size = w.shape.reduce((a, b) => a * b, 1);
    const v = Float32Array.from({ length: size }, (_, i) => ((i % 97) - 48) / 64 + k / 1024);
    values.set(w.originalName, v);
    return tfc.tensor(v, w.shape);
  });
  model.setWeights(tensors);
  tfc.dispose(tensors);
  return values;
}

describe('tfjs export of a zoo model', () => {
  it('round-trips MobileNet (alpha 0.25, 32x32): same analysis, same weights, 4 MiB shards', async () => {
    const options = { alpha: 0.25, inputSize: [32, 32] as [number, number] };
    const built = await buildModel('mobilenet', options);
    const dir = fresh();
    try {
      const set = fillPattern(built.model);
      const params = built.model.countParams();
      const out = await exportTfjs(built.model, dir);

      // float32 weights back to back: 4 bytes per parameter, cut every 4 MiB.
      expect(out.weightBytes).toBe(4 * params);
      const shards = Math.ceil((4 * params) / SHARD_BYTES);
      expect(readdirSync(dir).sort()).toEqual(
        ['model.json', ...Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`)].sort(),
      );
      const json = modelJson(dir);
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual(Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`));
      for (const p of json.weightsManifest[0].paths.slice(0, -1)) expect(readFileSync(join(dir, p)).byteLength).toBe(SHARD_BYTES);

      // Keras' spelling of keepdims, which dnarch's loader (and Keras) read; tfjs writes keep_dims.
      const pool = json.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'GlobalAveragePooling2D');
      expect(pool.config.keepdims).toBe(true);
      expect(pool.config).not.toHaveProperty('keep_dims');
      expect(out.notes.join(' ')).toMatch(/keepdims/);

      const back = await exportedWeights(dir);
      expect([...back.keys()].sort()).toEqual([...set.keys()].sort());
      for (const [name, v] of set) expect(back.get(name)!.values, name).toEqual(v);

      const [zoo, file] = await Promise.all([analyze('mobilenet', options), analyze(join(dir, 'model.json'))]);
      expect(file.totals.params).toEqual(zoo.totals.params);
      expect(file.totals.macs).toBe(zoo.totals.macs);
      expect(file.totals.layers).toBe(zoo.totals.layers);
      expect(file.complete).toBe(true);
    } finally {
      built.dispose();
    }
  });

  it('loads back into stock tfjs with the same weights and the same predictions (ResNet-110)', async () => {
    const built = await buildModel('resnet110');
    const dir = fresh();
    const input = tfc.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 7);
    try {
      fillPattern(built.model);
      await exportTfjs(built.model, dir);
      const loaded = await tfl.loadLayersModel(fileLoader(dir));
      try {
        expect(loaded.weights.map((w) => w.originalName)).toEqual(built.model.weights.map((w) => w.originalName));
        const [a, b] = [built.model.predict(input) as tfc.Tensor, loaded.predict(input) as tfc.Tensor];
        expect(b.shape).toEqual([1, 10]);
        expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
        tfc.dispose([a, b]);
      } finally {
        loaded.dispose();
      }
    } finally {
      input.dispose();
      built.dispose();
    }
  }, 60_000);
});

describe('tfjs export of a model file', () => {
  it('writes the file\'s own weights (fixtures/models/shards: Dense 2->3, values in the fixture)', async () => {
    const runnable = await loadRunnableModel('fixtures/models/shards/model.json');
    const dir = fresh();
    try {
      expect(runnable.weights).toBe('file');
      const out = await exportTfjs(runnable.model, dir);
      expect(out.files).toEqual([
        { name: 'model.json', bytes: readFileSync(join(dir, 'model.json')).byteLength },
        { name: 'group1-shard1of1.bin', bytes: 36 },
      ]);
      const back = await exportedWeights(dir);
      expect(Array.from(back.get('dense/kernel')!.values)).toEqual([0.5, -1, 2, 3.25, -0.125, 100]);
      expect(back.get('dense/kernel')!.shape).toEqual([2, 3]);
      expect(Array.from(back.get('dense/bias')!.values)).toEqual([0.1, -0.2, 0.3].map(Math.fround));
    } finally {
      runnable.dispose();
    }
  });

  it('splits the weights at the shard size, across weight boundaries, as the converter does', async () => {
    const runnable = await loadRunnableModel('fixtures/models/shards/model.json');
    const dir = fresh();
    try {
      // 36 bytes in shards of 16: 16 + 16 + 4, the kernel cut after its 4th value.
      await exportTfjs(runnable.model, dir, { shardBytes: 16 });
      expect(modelJson(dir).weightsManifest[0].paths).toEqual(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin']);
      expect(['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'].map((p) => readFileSync(join(dir, p)).byteLength)).toEqual([16, 16, 4]);
      const back = await exportedWeights(dir);
      expect(Array.from(back.get('dense/kernel')!.values)).toEqual([0.5, -1, 2, 3.25, -0.125, 100]);
    } finally {
      runnable.dispose();
    }
  });
});

describe('nested models', () => {
  it('round-trips a model inside a model through stock tfjs, predictions equal', async () => {
    await ensureAnalysisBackend();
    const inner = tfl.sequential({
      name: 'inner',
      layers: [tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, name: 'inner_conv' }), tfl.layers.flatten({ name: 'inner_flat' })],
    });
    const input = tfl.input({ shape: [6, 6, 2], name: 'image' });
    const out = tfl.layers.dense({ units: 4, name: 'head' }).apply(inner.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out, name: 'outer' });
    const x = tfc.randomUniform([2, 6, 6, 2], 0, 1, 'float32', 3);
    const dir = fresh();
    try {
      fillPattern(model);
      await exportTfjs(model, dir);
      const loaded = await tfl.loadLayersModel(fileLoader(dir));
      const [a, b] = [model.predict(x) as tfc.Tensor, loaded.predict(x) as tfc.Tensor];
      expect(b.shape).toEqual([2, 4]);
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      tfc.dispose([a, b]);
      loaded.dispose();
    } finally {
      x.dispose();
      model.dispose();
    }
  });
});

describe('topology fixes', () => {
  it('restores the depth_multiplier tfjs drops from SeparableConv2D, so stock tfjs loads the right shapes', async () => {
    await ensureAnalysisBackend();
    const input = tfl.input({ shape: [8, 8, 3] });
    const sep = tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, name: 'sep' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: sep });
    const dir = fresh();
    try {
      await exportTfjs(model, dir);
      const layer = modelJson(dir).modelTopology.config.layers.find((l: { name: string }) => l.name === 'sep');
      expect(layer.config.depth_multiplier).toBe(2);
      const loaded = await tfl.loadLayersModel(fileLoader(dir));
      // depthwise kernel 3x3x3x2, pointwise 1x1x(3*2)x4, bias 4
      expect(loaded.weights.map((w) => w.shape)).toEqual([[3, 3, 3, 2], [1, 1, 6, 4], [4]]);
      loaded.dispose();
    } finally {
      model.dispose();
    }
  });

  it('names grouped Conv2D layers in a note and keeps groups in the config', () => {
    const topology = {
      class_name: 'Functional',
      config: {
        layers: [
          { class_name: 'Conv2D', config: { name: 'conv2', groups: 2, filters: 256 } },
          { class_name: 'Conv2D', config: { name: 'conv1', groups: 1, filters: 96 } },
          { class_name: 'LocalResponseNormalization', config: { name: 'norm1' } },
        ],
      },
    };
    const notes = patchTopology(topology, new Map());
    expect(topology.config.layers[0].config.groups).toBe(2);
    expect(notes.find((x) => x.includes('grouped Conv2D'))).toMatch(/conv2 \(groups=2\)/);
    expect(notes.join(' ')).not.toMatch(/conv1/);
    expect(notes.join(' ')).toMatch(/LocalResponseNormalization/);
  });
});

describe('atomic directory writes', () => {
  const files = [
    { name: 'model.json', data: '{}\n' },
    { name: 'group1-shard1of1.bin', data: new Uint8Array([1, 2, 3]) },
  ];
  const siblings = (dir: string) => readdirSync(join(dir, '..')).filter((f) => f.startsWith('.'));

  it('refuses a non-empty directory without force, leaving it as it was', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const err = await writeDirectoryAtomic(dir, files).catch((e) => e);
    expect(isDnarchError(err) && err.code).toBe('IO');
    expect(err.message).toMatch(/exists and is not empty.*--force/);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    expect(siblings(dir)).toEqual([]);
  });

  it('replaces a non-empty directory with force, and an empty one without', async () => {
    const dir = fresh();
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    await writeDirectoryAtomic(dir, files, { force: true });
    expect(readdirSync(dir).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    const empty = fresh();
    mkdirSync(empty);
    await writeDirectoryAtomic(empty, files);
    expect(readFileSync(join(empty, 'group1-shard1of1.bin'))).toEqual(Buffer.from([1, 2, 3]));
    expect(siblings(dir)).toEqual([]);
  });

  it('leaves nothing behind when a file cannot be written', async () => {
    const dir = fresh();
    const err = await writeDirectoryAtomic(dir, [...files, { name: 'no/such/subdir.bin', data: 'x' }]).catch((e) => e);
    expect(isDnarchError(err) && err.code).toBe('IO');
    expect(existsSync(dir)).toBe(false);
    expect(siblings(dir)).toEqual([]);
  });
});
