/**
 * Numerical equivalence of the ONNX export on the whole zoo: every model, with seeded
 * weights, runs in tfjs and, exported, in onnxruntime on the same NHWC input.
 *
 * Criterion: max |tfjs - onnx| <= 1e-4 * max(1, max |tfjs|) over the output. The outputs
 * are softmax probabilities, so this is 1e-4 absolute; with 10 classes they are of order
 * 0.1. The test also asserts that the output is informative: not saturated (max < 0.99),
 * where a wrong graph could agree on a one-hot output, and not flat (max - min > 1e-2,
 * 100x the tolerance), where it could agree on a uniform one.
 *
 * Reference: tfjs' wasm backend (XNNPACK), an implementation independent of onnxruntime
 * (MLAS) and about 3x faster here than the cpu backend on the deep ResNets; the per-layer
 * tests (onnx-layers.test.ts) use the cpu backend. Sizes: each model's smallest input
 * (32x32 or its minimum), 10 classes, batch 1, so the file stays near 2 minutes on a busy
 * 2-core machine.
 */
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/api.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { seedWeights } from '../../src/engines/seed-weights.js';
import { ZOO } from '../../src/zoo/registry.js';
import { compareWithOrt, inputsFor } from './onnx-harness.js';

const TOLERANCE = 1e-4;
const rows: string[] = [];

beforeAll(async () => {
  await ensureAnalysisBackend(); // built once; buildModel does not switch back
  await tfc.setBackend('wasm');
});

afterAll(() => {
  console.log(`model | input | max abs diff | output scale (max) | spread (max - min)\n${rows.join('\n')}`);
});

describe('tfjs and onnxruntime agree on every zoo model', () => {
  it('covers the 24 models of the zoo', () => {
    expect(ZOO).toHaveLength(24);
  });

  for (const entry of ZOO) {
    it(entry.name, async () => {
      const size = Math.max(32, entry.minInputSize);
      const built = await buildModel(entry.name, { inputSize: size, classes: 10 });
      try {
        seedWeights(built.model, 1);
        // EfficientNet rescales pixels by 1/255 inside the model, as Keras' does: feed pixels.
        const hi = built.model.layers.some((l) => l.getClassName() === 'Rescaling' && l.getConfig().scale === 1 / 255) ? 255 : 1;
        const c = await compareWithOrt(built.model, inputsFor(built.model, 1, 2024, 0, hi));
        const spread = c.scale - Math.min(...c.tfjs[0]);
        rows.push(`${entry.name} | ${size} | ${c.maxAbsDiff.toExponential(2)} | ${c.scale.toFixed(4)} | ${spread.toFixed(4)}`);
        expect(c.shapes).toEqual([[1, 10]]);
        expect(c.scale).toBeLessThan(0.99);
        expect(spread).toBeGreaterThan(100 * TOLERANCE);
        expect(c.maxAbsDiff).toBeLessThanOrEqual(TOLERANCE * Math.max(1, c.scale));
      } finally {
        built.dispose();
      }
    });
  }
});
