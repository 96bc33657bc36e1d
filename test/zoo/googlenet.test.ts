import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { ceilModePadding, googlenet } from '../../src/zoo/googlenet.js';
import { otherReference } from '../reference.js';
import { analyse, DEFAULTS } from './build.js';

const REFERENCE = fileURLToPath(new URL('../../../shared/reference/keras-applications.json', import.meta.url));
const json = JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
  workedExamples: { inceptionBottleneck: { reductionMacsParts: number[] } };
};
const ref = otherReference('googlenet');

/** PyTorch's pooling output size with ceil_mode=True and no padding (aten pooling_output_shape). */
function torchCeilPool(n: number, k: number, s: number): number {
  let out = Math.floor((n - k + s - 1) / s) + 1;
  if ((out - 1) * s >= n) out -= 1;
  return out;
}

/** Spatial sizes after torchvision's conv1 (7x7/2, pad 3) and maxpool1..4 (3, 3, 3, 2; stride 2, ceil mode). */
function torchvisionSizes(n: number): number[] {
  const conv1 = Math.floor((n + 2 * 3 - 7) / 2) + 1;
  const p1 = torchCeilPool(conv1, 3, 2);
  const p2 = torchCeilPool(p1, 3, 2);
  const p3 = torchCeilPool(p2, 3, 2);
  const p4 = torchCeilPool(p3, 2, 2);
  return [conv1, p1, p2, p3, p4];
}

/** Output channels of each BasicConv2d: stem, then per module 1x1, 3x3red, 3x3, 5x5red, 5x5, pool proj. */
const MODULES = [
  [64, 96, 128, 16, 32, 32], [128, 128, 192, 32, 96, 64],
  [192, 96, 208, 16, 48, 64], [160, 112, 224, 24, 64, 64], [128, 128, 256, 24, 64, 64],
  [112, 144, 288, 32, 64, 64], [256, 160, 320, 32, 128, 128],
  [256, 160, 320, 32, 128, 128], [384, 192, 384, 48, 128, 128],
];

beforeAll(() => ensureAnalysisBackend());

describe('googlenet (torchvision, 224)', () => {
  let r: ModelReport;
  beforeAll(() => {
    r = analyse(googlenet);
  });

  it('has the published parameters as torchvision counts them (BN running statistics are buffers there)', () => {
    expect(r.totals.params.trainable).toBe(ref.params.total);
    // Keras counts BN's moving mean and variance as non-trainable weights: 2 per channel.
    const bnChannels = 64 + 64 + 192 + MODULES.flat().reduce((a, b) => a + b, 0);
    expect(r.totals.params.nonTrainable).toBe(2 * bnChannels);
    expect(r.complete).toBe(true);
  });

  it('has the published MACs within 0.5%', () => {
    expect(Math.abs(r.totals.macs / (ref.gmacs! * 1e9) - 1)).toBeLessThan(0.005);
  });

  it('has torchvision names and one block per Inception module', () => {
    const names = r.layers.map((l) => l.name);
    for (const n of ['conv1', 'conv1_bn', 'maxpool1', 'conv2', 'conv3', 'maxpool2', 'inception3a_branch1', 'inception3a_branch2_reduce',
      'inception3a_branch3', 'inception3a_branch4_pool', 'inception3a', 'maxpool3', 'inception4e', 'maxpool4', 'inception5b', 'avgpool', 'dropout', 'fc']) {
      expect(names).toContain(n);
    }
    const modules = [...new Set(r.layers.map((l) => l.block[0]).filter((b) => b?.startsWith('inception')))];
    expect(modules).toEqual(['inception3a', 'inception3b', 'inception4a', 'inception4b', 'inception4c', 'inception4d', 'inception4e', 'inception5a', 'inception5b']);
    // Six BasicConv2d (conv, BN, ReLU), the branch pool and the concatenation.
    for (const m of modules) expect(r.layers.filter((l) => l.block[0] === m).length).toBe(6 * 3 + 2);
  });

  it('uses a 3x3 kernel in the "5x5" branch, as torchvision does', () => {
    const conv = r.layers.find((l) => l.name === 'inception3a_branch3');
    expect(conv?.params.total).toBe(3 * 3 * 16 * 32);
  });

  it('finds the 1x1 reductions: two per module, the worked example among them', () => {
    expect(r.savings.total.sites).toBe(2 * MODULES.length);
    expect(new Set(r.savings.sites.map((s) => s.kind))).toEqual(new Set(['reduction']));
    const site = r.savings.sites.find((s) => s.layers[0] === 'inception3a_branch3_reduce');
    expect(site?.layers).toEqual(['inception3a_branch3_reduce', 'inception3a_branch3']);
    // design.md's worked example reduces 28x28x192 to 16 channels first: 2,408,448 MACs.
    const [reduceMacs] = json.workedExamples.inceptionBottleneck.reductionMacsParts;
    expect(site?.actual.macs).toBe(reduceMacs + 28 * 28 * 3 * 3 * 16 * 32);
    expect(site?.counterfactual.macs).toBe(28 * 28 * 3 * 3 * 192 * 32);
    expect(r.misalignedMerges).toEqual([]);
  });
});

describe('ceil-mode max pooling', () => {
  it('pads only where a window hangs over the edge', () => {
    expect(ceilModePadding(112, 3, 2)).toBe(1); // 55 windows in floor mode, 56 in ceil mode
    expect(ceilModePadding(14, 2, 2)).toBe(0); // even: both modes give 7
    expect(ceilModePadding(113, 3, 2)).toBe(0); // odd: both modes give 56
    expect(ceilModePadding(2, 3, 2)).toBe(1); // one window, clipped to the input
  });

  it.each([15, 31, 63, 100, 224, 225, 299, 320])('reproduces torchvision output sizes at %i', (size) => {
    const built = googlenet({ ...DEFAULTS, inputSize: [size, size], includeTop: false });
    const rows = (name: string) => built.model.getLayer(name).outputShape[1];
    expect(['conv1', 'maxpool1', 'maxpool2', 'maxpool3', 'maxpool4'].map(rows)).toEqual(torchvisionSizes(size));
    built.model.dispose();
  });

  it('equals PyTorch ceil mode on non-negative input: zero padding + floor-mode pool', () => {
    const n = 8;
    const values = Array.from({ length: n * n }, (_, i) => (i * 37) % 11);
    // PyTorch: windows start at 0, 2, 4, 6 and are clipped at the edge.
    const out = torchCeilPool(n, 3, 2);
    const expected: number[] = [];
    for (let i = 0; i < out; i++) {
      for (let j = 0; j < out; j++) {
        let m = -Infinity;
        for (let a = 2 * i; a < Math.min(2 * i + 3, n); a++) for (let b = 2 * j; b < Math.min(2 * j + 3, n); b++) m = Math.max(m, values[a * n + b]);
        expected.push(m);
      }
    }
    const pad = ceilModePadding(n, 3, 2);
    const x = tfc.tensor4d(values, [1, n, n, 1]);
    const padded = tfl.layers.zeroPadding2d({ padding: [[0, pad], [0, pad]] }).apply(x) as tfc.Tensor;
    const y = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(padded) as tfc.Tensor;
    expect(y.shape).toEqual([1, out, out, 1]);
    expect(Array.from(y.dataSync())).toEqual(expected);
    tfc.dispose([x, padded, y]);
  });
});

describe('googlenet forward pass', () => {
  it('runs at torchvision minimum input, 15x15', () => {
    const built = googlenet({ ...DEFAULTS, inputSize: [15, 15] });
    const y = built.model.predict(tfc.ones([1, 15, 15, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([1, 1000]);
    tfc.dispose(y);
    built.model.dispose();
  });
});
