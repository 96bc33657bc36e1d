import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunnableModel } from '../../src/engines/runnable-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'dnarch-runnable-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadRunnableModel', () => {
  it("a tfjs model.json with shards runs with the file's own weights", async () => {
    const rm = await loadRunnableModel('fixtures/models/shards/model.json');
    try {
      expect(rm.weights).toBe('file');
      expect(rm.note).toBeUndefined();
      // The two shards, concatenated, are dense/kernel [2,3] then dense/bias [3], float32 little-endian.
      const bytes = Buffer.concat(['group1-shard1of2.bin', 'group1-shard2of2.bin'].map((f) => readFileSync(`fixtures/models/shards/${f}`)));
      const expected = Array.from({ length: 9 }, (_, i) => bytes.readFloatLE(4 * i));
      const [kernel, bias] = rm.model.getLayer('dense').getWeights();
      expect([...kernel.dataSync(), ...bias.dataSync()]).toEqual(expected);
    } finally {
      rm.dispose();
    }
  });

  it('a file without weights (Keras to_json) gets seeded weights, and says so', async () => {
    const rm = await loadRunnableModel('fixtures/models/shared-layer.json');
    try {
      expect(rm.weights).toBe('seeded');
      expect(rm.note).toBe('the file has no weights: seeded random weights');
      const nonzero = rm.model.weights.some((w) => w.read().dataSync().some((v) => v !== 0));
      expect(nonzero).toBe(true);
    } finally {
      rm.dispose();
    }
  });

  it('a missing shard is BAD_INPUT naming the file', async () => {
    const dir = join(tmp, 'missing');
    cpSync('fixtures/models/shards', dir, { recursive: true });
    rmSync(join(dir, 'group1-shard2of2.bin'));
    await expect(loadRunnableModel(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('group1-shard2of2.bin') });
  });

  it('a model.json copied without any of its shards runs with seeded weights, and says which files are missing', async () => {
    const dir = join(tmp, 'no-shards');
    mkdirSync(dir);
    cpSync('fixtures/models/shards/model.json', join(dir, 'model.json'));
    const rm = await loadRunnableModel(join(dir, 'model.json'));
    try {
      expect(rm.weights).toBe('seeded');
      expect(rm.substituted).toBe(true);
      expect(rm.note).toBe(`its weight shards are missing (group1-shard1of2.bin, group1-shard2of2.bin: not in ${dir}): seeded random weights stand in for them`);
      // dense/kernel [2,3] and dense/bias [3], as the manifest declares them
      expect(rm.model.getLayer('dense').getWeights().map((w) => w.shape)).toEqual([[2, 3], [3]]);
      expect(rm.model.weights.some((w) => w.read().dataSync().some((v) => v !== 0))).toBe(true);
    } finally {
      rm.dispose();
    }
    // export asks first: it would write weights that are not the model's
    await expect(loadRunnableModel(join(dir, 'model.json'), { unusableWeights: 'refuse' })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/its weight shards are missing .*not the model's; add --seeded-weights/),
    });
  });

  it('a model too large to seed is refused by arithmetic before a weight is filled: 40000 x 50000 + 50000 parameters', async () => {
    const params = 40000 * 50000 + 50000;
    const gib = ((params * 4) / 2 ** 30).toFixed(2);
    const file = join(tmp, 'huge.json');
    const layers = [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 40000], dtype: 'float32', name: 'x' }, name: 'x', inbound_nodes: [] },
      { class_name: 'Dense', config: { name: 'big', units: 50000 }, name: 'big', inbound_nodes: [[['x', 0, 0, {}]]] },
    ];
    writeFileSync(file, JSON.stringify({ class_name: 'Functional', config: { name: 'huge', layers, input_layers: [['x', 0, 0]], output_layers: [['big', 0, 0]] } }));
    await expect(loadRunnableModel(file)).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: `${file}: ${params.toLocaleString('en-US')} parameters need ${gib} GiB of float32 weights to run, more than the limit of 2.00 GiB: too large to seed for bench or export`,
    });
  });

  it('a short shard is BAD_INPUT naming the file', async () => {
    const dir = join(tmp, 'short');
    cpSync('fixtures/models/shards', dir, { recursive: true });
    cpSync(join(dir, 'group1-shard1of2.bin'), join(dir, 'group1-shard2of2.bin')); // 20 bytes where 16 belong: wrong length
    const shard = readFileSync(join(dir, 'group1-shard1of2.bin')).subarray(0, 8);
    await import('node:fs').then((fs) => fs.writeFileSync(join(dir, 'group1-shard2of2.bin'), shard));
    await expect(loadRunnableModel(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('shard') });
  });

  it('a model with a stand-in (custom / Lambda) layer cannot run: BAD_INPUT naming the layer', async () => {
    await expect(loadRunnableModel('fixtures/models/custom-layer.json')).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/layer "my_attention" \(MyAttention\) cannot run/),
    });
  });

  it('zoo options are refused for a file', async () => {
    await expect(loadRunnableModel('fixtures/models/shards/model.json', { model: { inputSize: [32, 32] } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it('a Keras 3 .keras archive runs with its own weights (variables mapped by layer, in order)', async () => {
    const rm = await loadRunnableModel('fixtures/models/keras3/model.keras');
    try {
      expect(rm.weights).toBe('file');
      expect(rm.note).toBeUndefined();
    } finally {
      rm.dispose();
    }
  });

  it('zoo models: the same seed gives the same weights', async () => {
    const opts = { model: { inputSize: [32, 32] as [number, number], alpha: 0.25 }, seed: 3 };
    const a = await loadRunnableModel('mobilenet', opts);
    const b = await loadRunnableModel('mobilenet', opts);
    try {
      expect(a.weights).toBe('seeded');
      expect(a.model.weights[0].read().dataSync()).toEqual(b.model.weights[0].read().dataSync());
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
