// Writes the weight fixtures: fixtures/models/shards/ (a float32 Dense 2->3 whose single
// weight group is split into two shards in the middle of the kernel) and
// fixtures/models/quantized/ (Dense 2->4 relu, Dense 4->2: a uint8-quantized kernel, a float16
// bias holding 1.5, 65504, a subnormal and +Infinity, a uint16-quantized kernel and a
// float32 bias, in two groups). Every byte is written here, little-endian; the quantization
// parameters are hand-picked (min -1, scale 2/255; min -0.5, scale 1/65535), not the
// converter's nudged ones. test/load/weights.test.ts states the decoded values.
// Run: npx tsx scripts/make-weight-fixtures.mts
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ensureAnalysisBackend } from '../src/engines/analysis-backend.js';
await ensureAnalysisBackend();

const f32 = (xs: number[]) => {
  const b = Buffer.alloc(4 * xs.length);
  xs.forEach((x, i) => b.writeFloatLE(x, 4 * i));
  return b;
};
const u16 = (xs: number[]) => {
  const b = Buffer.alloc(2 * xs.length);
  xs.forEach((x, i) => b.writeUInt16LE(x, 2 * i));
  return b;
};

function topology(name: string, layers: tfl.layers.Layer[]) {
  const m = tfl.sequential({ name, layers });
  return m.toJSON(null, false);
}

function write(dir: string, modelTopology: unknown, weightsManifest: unknown, files: Record<string, Buffer>) {
  mkdirSync(dir, { recursive: true });
  const json = { format: 'layers-model', generatedBy: 'dnarch fixture (scripts/make-weight-fixtures.mts)', convertedBy: null, modelTopology, weightsManifest };
  writeFileSync(`${dir}/model.json`, JSON.stringify(json, null, 1) + '\n');
  for (const [name, bytes] of Object.entries(files)) writeFileSync(`${dir}/${name}`, bytes);
}

const z = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

// shards: kernel [[0.5, -1, 2], [3.25, -0.125, 100]], bias [0.1, -0.2, 0.3]: 36 bytes, cut at byte 20.
{
  const all = Buffer.concat([f32([0.5, -1, 2, 3.25, -0.125, 100]), f32([0.1, -0.2, 0.3])]);
  write(
    'fixtures/models/shards',
    topology('shards', [tfl.layers.dense({ name: 'dense', units: 3, inputShape: [2], ...z })]),
    [
      {
        paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
        weights: [
          { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' },
          { name: 'dense/bias', shape: [3], dtype: 'float32' },
        ],
      },
    ],
    { 'group1-shard1of2.bin': all.subarray(0, 20), 'group1-shard2of2.bin': all.subarray(20) },
  );
}

// quantized: group 1 = dense_1/kernel uint8 [2,4] (8 bytes) + dense_1/bias float16 [4] (8 bytes);
// group 2 = dense_2/kernel uint16 [4,2] (16 bytes) + dense_2/bias float32 [2] (8 bytes).
{
  const q8 = [0, 1, 127, 128, 254, 255, 64, 191];
  const half = [0x3e00 /* 1.5 */, 0x7bff /* 65504 */, 0x0001 /* 2^-24, subnormal */, 0x7c00 /* +Infinity */];
  const q16 = [0, 1, 32767, 32768, 65534, 65535, 12345, 54321];
  write(
    'fixtures/models/quantized',
    topology('quantized', [
      tfl.layers.dense({ name: 'dense_1', units: 4, inputShape: [2], activation: 'relu', ...z }),
      tfl.layers.dense({ name: 'dense_2', units: 2, ...z }),
    ]),
    [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'dense_1/kernel', shape: [2, 4], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 2 / 255, original_dtype: 'float32' } },
          { name: 'dense_1/bias', shape: [4], dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } },
        ],
      },
      {
        paths: ['group2-shard1of1.bin'],
        weights: [
          { name: 'dense_2/kernel', shape: [4, 2], dtype: 'float32', quantization: { dtype: 'uint16', min: -0.5, scale: 1 / 65535, original_dtype: 'float32' } },
          { name: 'dense_2/bias', shape: [2], dtype: 'float32' },
        ],
      },
    ],
    {
      'group1-shard1of1.bin': Buffer.concat([Buffer.from(q8), u16(half)]),
      'group2-shard1of1.bin': Buffer.concat([u16(q16), f32([0.25, -3.5])]),
    },
  );
}
