import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/api.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { seedWeights } from '../../src/engines/seed-weights.js';
import { Normalization } from '../../src/zoo/normalization-layer.js';

beforeAll(() => ensureAnalysisBackend());

/** A small model with every weight role the zoo has, nested model included. */
function small(): tfl.LayersModel {
  const inner = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3 }), tfl.layers.batchNormalization({})] });
  const input = tfl.input({ shape: [6, 6, 3] });
  let x = new Normalization({ axis: -1 }).apply(input) as SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 8, kernelSize: 3 }).apply(x) as SymbolicTensor;
  x = tfl.layers.batchNormalization({}).apply(x) as SymbolicTensor;
  x = tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2 }).apply(x) as SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as SymbolicTensor;
  return tfl.model({ inputs: input, outputs: inner.apply(x) as SymbolicTensor });
}

const values = (model: tfl.LayersModel): Float32Array[] => model.weights.map((w) => Float32Array.from(w.read().dataSync() as Float32Array));
const byRole = (model: tfl.LayersModel, role: string): Float32Array[] =>
  model.weights.filter((w) => w.originalName.endsWith(`/${role}`)).map((w) => w.read().dataSync() as Float32Array);

describe('seedWeights', () => {
  it('gives bit-identical weights for the same seed, on two separately built models', () => {
    const [a, b] = [small(), small()];
    seedWeights(a, 42);
    seedWeights(b, 42);
    const [va, vb] = [values(a), values(b)];
    expect(va.length).toBe(a.weights.length);
    va.forEach((v, i) => expect(Buffer.from(v.buffer).equals(Buffer.from(vb[i].buffer))).toBe(true));
  });

  it('gives different weights for different seeds, and fills every float weight (nested ones too)', () => {
    const [a, b] = [small(), small()];
    seedWeights(a, 1);
    seedWeights(b, 2);
    const [va, vb] = [values(a), values(b)];
    a.weights.forEach((w, i) => {
      if (w.dtype !== 'float32') return;
      expect(va[i].some((x) => x !== 0), w.name).toBe(true);
      expect(va[i].some((x, k) => x !== vb[i][k]), w.name).toBe(true);
    });
  });

  it('keeps BatchNormalization and Normalization statistics sane: variances and gammas in [0.5, 1.5] or ImageNet-like', () => {
    const model = small();
    seedWeights(model, 3);
    for (const role of ['moving_variance', 'gamma']) {
      for (const v of byRole(model, role)) for (const x of v) expect(x >= 0.5 && x <= 1.5, `${role} ${x}`).toBe(true);
    }
    for (const v of byRole(model, 'moving_mean')) for (const x of v) expect(Math.abs(x)).toBeLessThanOrEqual(0.1);
    const [variance] = byRole(model, 'variance');
    for (const x of variance) expect(x > 0).toBe(true);
  });

  it('draws a conv kernel from He uniform: |w| <= sqrt(6 / fan_in), with the matching variance', () => {
    const input = tfl.input({ shape: [8, 8, 16] });
    const model = tfl.model({ inputs: input, outputs: tfl.layers.conv2d({ filters: 64, kernelSize: 3 }).apply(input) as SymbolicTensor });
    seedWeights(model, 9);
    const [kernel] = byRole(model, 'kernel');
    const fanIn = 3 * 3 * 16;
    const limit = Math.sqrt(6 / fanIn);
    let sq = 0;
    for (const x of kernel) {
      expect(Math.abs(x)).toBeLessThanOrEqual(limit);
      sq += x * x;
    }
    // Variance of uniform(-l, l) is l^2 / 3 = 2 / fan_in; 9,216 draws put the estimate within 5%.
    expect(sq / kernel.length / (2 / fanIn)).toBeGreaterThan(0.95);
    expect(sq / kernel.length / (2 / fanIn)).toBeLessThan(1.05);
  });

  it('keeps a 110-layer CIFAR ResNet finite and informative (softmax not saturated)', async () => {
    const built = await buildModel('resnet110');
    try {
      seedWeights(built.model, 1);
      const x = tfc.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3);
      const y = built.model.predict(x) as tfc.Tensor;
      const p = y.dataSync() as Float32Array;
      expect(p.every(Number.isFinite)).toBe(true);
      for (const row of [p.slice(0, 10), p.slice(10, 20)]) {
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        expect(Math.max(...row)).toBeLessThan(0.99);
      }
      tfc.dispose([x, y]);
    } finally {
      built.dispose();
    }
  });
});
