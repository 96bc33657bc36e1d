import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import type { EngineSession } from '../../src/engines/engine.js';
import { OnnxruntimeEngine } from '../../src/engines/onnxruntime-engine.js';
import type { RunnableModel } from '../../src/engines/runnable-model.js';
import { seedWeights } from '../../src/engines/seed-weights.js';
import { TfjsEngine } from '../../src/engines/tfjs-engine.js';

/** A small CNN with the layer kinds the zoo uses most: conv, BN, depthwise, residual add, pooling, dense. */
function tinyModel(): tf.LayersModel {
  const x = tf.input({ shape: [12, 12, 3], name: 'image' });
  let y = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', name: 'c1' }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ name: 'bn1' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.reLU({ name: 'r1' }).apply(y) as tf.SymbolicTensor;
  const d = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', name: 'dw' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.add({ name: 'add' }).apply([y, d]) as tf.SymbolicTensor;
  y = tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.dense({ units: 5, activation: 'softmax', name: 'fc' }).apply(y) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: y, name: 'tiny' });
}

describe('engines compute the same outputs', () => {
  let rm: RunnableModel;
  const outputs = new Map<string, Float32Array>();
  const BATCH = 3;

  beforeAll(async () => {
    await ensureAnalysisBackend();
    const model = tinyModel();
    seedWeights(model, 7);
    rm = { name: 'tiny', model, weights: 'seeded', dispose: () => model.dispose() };
    for (const engine of [new TfjsEngine('cpu'), new TfjsEngine('wasm'), new OnnxruntimeEngine()]) {
      const s: EngineSession = await engine.load(rm);
      const p = await s.prepare(BATCH);
      const [out] = await p.run();
      outputs.set(engine.name, out);
      p.dispose();
      await s.dispose();
    }
  }, 60_000);

  afterAll(() => rm?.dispose());

  it('every engine gives batch x classes outputs that are probabilities', () => {
    for (const [name, out] of outputs) {
      expect(out.length, name).toBe(BATCH * 5);
      for (let b = 0; b < BATCH; b++) {
        const row = Array.from(out.subarray(b * 5, b * 5 + 5));
        expect(row.reduce((a, v) => a + v, 0), name).toBeCloseTo(1, 5); // softmax rows sum to 1
      }
    }
  });

  it('wasm and onnxruntime agree with the cpu backend within float32 tolerance', () => {
    const ref = outputs.get('cpu')!;
    for (const name of ['wasm', 'onnxruntime']) {
      const out = outputs.get(name)!;
      for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i] - ref[i]), `${name}[${i}]`).toBeLessThan(1e-4);
    }
  });

  it('the inputs differ per image, so the outputs do too (no engine is timed on zeros)', () => {
    const ref = outputs.get('cpu')!;
    expect(Array.from(ref.subarray(0, 5))).not.toEqual(Array.from(ref.subarray(5, 10)));
  });

  it('restores the analysis backend after a session', () => {
    expect(tf.getBackend()).toBe('cpu');
  });
});

describe('tfjs-node glue (injected importer: the native package is absent here)', () => {
  it('imports @tensorflow/tfjs-node and sets TF_NUM_INTRAOP_THREADS before the first import', async () => {
    const saved = process.env.TF_NUM_INTRAOP_THREADS;
    delete process.env.TF_NUM_INTRAOP_THREADS;
    const seen: { spec: string; env?: string }[] = [];
    const engine = new TfjsEngine('tensorflow', async (spec) => {
      seen.push({ spec, env: process.env.TF_NUM_INTRAOP_THREADS });
    });
    const model = tinyModel();
    // No 'tensorflow' backend is registered here, so load stops at setBackend: it never claims to run.
    await expect(engine.load({ name: 'tiny', model, weights: 'seeded', dispose: () => undefined }, { threads: 2 })).rejects.toThrow();
    expect(seen).toEqual([{ spec: '@tensorflow/tfjs-node', env: '2' }]);
    expect(engine.name).toBe('tfjs-node');
    model.dispose();
    if (saved === undefined) delete process.env.TF_NUM_INTRAOP_THREADS;
    else process.env.TF_NUM_INTRAOP_THREADS = saved;
  });
});
