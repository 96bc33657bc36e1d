import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { COST_HANDLERS } from '../../src/analysis/cost.js';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import { AdaptiveAveragePooling2D, adaptiveBins } from '../../src/zoo/adaptive-pooling.js';
import { alexnet, alexnet2012 } from '../../src/zoo/alexnet.js';
import { GroupedConv2D } from '../../src/zoo/grouped-conv.js';
import { LocalResponseNormalization } from '../../src/zoo/local-response-norm.js';
import { otherReference } from '../reference.js';
import { analyse, DEFAULTS } from './build.js';

/** MACs of a k x k convolution to `out` channels at `hw` x `hw`, reading `cin` channels per group. */
const convMacs = (hw: number, k: number, cin: number, out: number) => hw * hw * k * k * cin * out;
const FC_MACS = 9216 * 4096 + 4096 * 4096 + 4096 * 1000;

beforeAll(() => ensureAnalysisBackend());

describe('alexnet (torchvision, 224)', () => {
  const ref = otherReference('alexnet');
  let r: ModelReport;
  beforeAll(() => {
    r = analyse(alexnet);
  });

  it('has the published parameters and MACs', () => {
    expect(r.totals.params.total).toBe(ref.params.total);
    expect(Math.abs(r.totals.macs / (ref.gmacs! * 1e9) - 1)).toBeLessThan(0.005);
    expect(r.complete).toBe(true);
  });

  it('has the MACs of torchvision layer geometry: 55, 27, 13, 13, 13 pixels per side', () => {
    const expected =
      convMacs(55, 11, 3, 64) + convMacs(27, 5, 64, 192) + convMacs(13, 3, 192, 384) +
      convMacs(13, 3, 384, 256) + convMacs(13, 3, 256, 256) + FC_MACS;
    expect(r.totals.macs).toBe(expected);
  });

  it('has readable layer names and 8 weighted layers', () => {
    const names = r.layers.map((l) => l.name);
    for (const n of ['conv1_pad', 'conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'conv4', 'conv5', 'pool5', 'avgpool', 'flatten', 'fc6', 'fc7', 'predictions']) {
      expect(names).toContain(n);
    }
    expect(r.totals.depth).toBe(8);
  });

  it('pools to 6x6 (an identity at 224) so that fc6 keeps 9216 inputs at any input size', () => {
    expect(r.layers.find((l) => l.name === 'pool5')?.outputShape).toEqual([null, 6, 6, 256]);
    expect(r.layers.find((l) => l.name === 'avgpool')?.outputShape).toEqual([null, 6, 6, 256]);
    // torchvision's smallest input (63: pool5 is 1x1) and a large one (512: pool5 is 15x15).
    for (const size of [63, 512]) {
      const other = analyse(alexnet, { inputSize: [size, size] });
      expect(other.totals.params.total).toBe(ref.params.total);
      expect(other.complete).toBe(true);
    }
  });

  it('gives the field of pool5 at 224: 195 px, stride 32, padding 66', () => {
    // r: 11, +2*4, +4*8, +2*8, +2*16, +2*16, +2*16 (pool5 3x3 at stride 16) = 195.
    // P: conv1 pad 2; conv2 pad 2 at stride 8 -> +16; conv3-5 pad 1 at stride 16 -> +48: 66.
    expect(r.totals.receptiveField).toMatchObject({ size: [195, 195], stride: [32, 32], padding: [66, 66] });
  });

  it('runs a forward pass', () => {
    const built = alexnet({ ...DEFAULTS, inputSize: [63, 63] });
    const y = built.model.predict(tfc.ones([1, 63, 63, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([1, 1000]);
    // Zero weights and biases: a uniform softmax.
    expect(y.dataSync()[0]).toBeCloseTo(1 / 1000, 6);
    tfc.dispose(y);
    built.model.dispose();
  });
});

describe('alexnet2012 (Krizhevsky et al., two groups, 227)', () => {
  let r: ModelReport;
  beforeAll(() => {
    r = analyse(alexnet2012, { inputSize: [227, 227] });
  });

  it('has the figures computed from the paper: 60,965,224 params and 0.724 GMACs', () => {
    // Published in ../shared/reference (others.alexnet.source).
    expect(r.totals.params.total).toBe(60_965_224);
    expect(Math.abs(r.totals.macs / 0.724e9 - 1)).toBeLessThan(0.005);
    expect(r.complete).toBe(true);
  });

  it('halves conv2, conv4 and conv5 with two groups (each filter reads half the channels)', () => {
    const expected =
      convMacs(55, 11, 3, 96) + convMacs(27, 5, 48, 256) + convMacs(13, 3, 256, 384) +
      convMacs(13, 3, 192, 384) + convMacs(13, 3, 192, 256) + FC_MACS;
    expect(r.totals.macs).toBe(expected);
    const conv2 = r.layers.find((l) => l.name === 'conv2');
    expect(conv2?.params.total).toBe(5 * 5 * 48 * 256 + 256);
    expect(conv2?.className).toBe('Conv2D');
  });

  it('normalises responses after conv1 and conv2, before their pools', () => {
    const names = r.layers.map((l) => l.name);
    expect(names.slice(1, 7)).toEqual(['conv1', 'norm1', 'pool1', 'conv2', 'norm2', 'pool2']);
  });

  it('runs a forward pass', () => {
    const built = alexnet2012({ ...DEFAULTS, inputSize: [67, 67] });
    const y = built.model.predict(tfc.ones([1, 67, 67, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([1, 1000]);
    tfc.dispose(y);
    built.model.dispose();
  });
});

describe('AdaptiveAveragePooling2D (Keras 3, PyTorch bins)', () => {
  it('bins 5 positions into 3 as [0, 2), [1, 4), [3, 5)', () => {
    expect(adaptiveBins(5, 3)).toEqual([[0, 2], [1, 4], [3, 5]]);
    expect(adaptiveBins(12, 6)).toEqual([[0, 2], [2, 4], [4, 6], [6, 8], [8, 10], [10, 12]]);
    expect(adaptiveBins(1, 2)).toEqual([[0, 1], [0, 1]]);
  });

  it('averages each bin rectangle', () => {
    const values = Array.from({ length: 25 }, (_, i) => i); // x[r][c] = 5 r + c
    const x = tfc.tensor4d(values, [1, 5, 5, 1]);
    const layer = new AdaptiveAveragePooling2D({ outputSize: 3, name: 'adaptive_probe' });
    const y = layer.apply(x) as tfc.Tensor;
    expect(y.shape).toEqual([1, 3, 3, 1]);
    const bins = [[0, 1], [1, 2, 3], [3, 4]];
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const expected = bins.flatMap((rows) => bins.map((cols) => mean(rows.flatMap((r) => cols.map((c) => 5 * r + c)))));
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    tfc.dispose([x, y]);
  });

  it('is an identity when the map already has the output size, and replicates when smaller', () => {
    const x = tfc.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const same = new AdaptiveAveragePooling2D({ outputSize: [2, 2], name: 'adaptive_probe_same' }).apply(x) as tfc.Tensor;
    expect(Array.from(same.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const one = tfc.tensor4d([3, 9], [1, 1, 1, 2]);
    const up = new AdaptiveAveragePooling2D({ outputSize: 2, name: 'adaptive_probe_up' }).apply(one) as tfc.Tensor;
    expect(Array.from(up.dataSync())).toEqual([3, 9, 3, 9, 3, 9, 3, 9]);
    tfc.dispose([x, same, one, up]);
  });

  it('costs, per channel, the sum of its bin areas in FLOPs (as AveragePooling2D: k per output)', () => {
    const input = tfl.input({ shape: [5, 5, 4], name: 'adaptive_cost_in' });
    const out = new AdaptiveAveragePooling2D({ outputSize: 3, name: 'adaptive_cost' }).apply(input) as tfl.SymbolicTensor;
    const graph = graphFromTfjs(tfl.model({ inputs: input, outputs: out }));
    const node = graph.nodes.find((n) => n.name === 'adaptive_cost');
    // Bins of 2, 3 and 2 positions per axis: (2 + 3 + 2)^2 window elements, 4 channels.
    expect(node && COST_HANDLERS.get('AdaptiveAveragePooling2D')?.(node)).toEqual({ macs: 0, flops: 7 * 7 * 4 });
  });
});

describe('GroupedConv2D (Keras Conv2D with groups)', () => {
  it('convolves each channel group with its own filters only', () => {
    const layer = new GroupedConv2D({ filters: 4, kernelSize: 1, groups: 2, useBias: true, name: 'grouped_probe' });
    const x = tfc.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]); // two positions, 4 channels
    layer.apply(x);
    // Kernel [1, 1, 2 in per group, 4 out]: filters 0-1 read channels 0-1, filters 2-3 read 2-3.
    const bias = [0.5, 0.25, -1, 2];
    const k = [1, 0, 1, 0, 0, 1, 0, 1]; // in-channel-major: [c0: f0..f3, c1: f0..f3]
    layer.setWeights([tfc.tensor4d(k, [1, 1, 2, 4]), tfc.tensor1d(bias)]);
    expect(layer.getWeights()[0].shape).toEqual([1, 1, 2, 4]);
    const y = Array.from((layer.apply(x) as tfc.Tensor).dataSync());
    // Group 0 (channels a, b): f0 = a, f1 = b. Group 1 (channels c, d): f2 = c, f3 = d.
    const expected = [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ].flatMap(([a, b, c, d]) => [a + bias[0], b + bias[1], c + bias[2], d + bias[3]]);
    expect(y).toEqual(expected);
    tfc.dispose(x);
  });

  it('has a [kh, kw, Cin / groups, filters] kernel and reports groups for the cost handler', () => {
    const input = tfl.input({ shape: [8, 8, 6], name: 'grouped_cost_in' });
    const out = new GroupedConv2D({ filters: 9, kernelSize: 3, padding: 'same', groups: 3, name: 'grouped_cost' }).apply(input) as tfl.SymbolicTensor;
    const graph = graphFromTfjs(tfl.model({ inputs: input, outputs: out }));
    const node = graph.nodes.find((n) => n.name === 'grouped_cost');
    expect(node?.className).toBe('Conv2D');
    expect(node?.weights.map((w) => w.shape)).toEqual([[3, 3, 2, 9], [9]]);
    expect(node && COST_HANDLERS.get('Conv2D')?.(node).macs).toBe(8 * 8 * 9 * 3 * 3 * 2);
  });

  it('rejects a group count that does not divide the filters', () => {
    expect(() => new GroupedConv2D({ filters: 5, kernelSize: 1, groups: 2, name: 'grouped_bad' })).toThrow(/groups/);
  });
});

describe('LocalResponseNormalization (Krizhevsky et al. 2012, sec. 3.3)', () => {
  it('divides each value by (k + alpha * sum of squares over 2r + 1 channels)^beta', () => {
    const a = [1, 2, 3, 4, 5];
    const [r, k, alpha, beta] = [2, 2, 1e-4, 0.75];
    const layer = new LocalResponseNormalization({ depthRadius: r, bias: k, alpha, beta, name: 'lrn_probe' });
    const x = tfc.tensor4d(a, [1, 1, 1, 5]);
    const y = Array.from((layer.apply(x) as tfc.Tensor).dataSync());
    const expected = a.map((v, i) => {
      let sum = 0;
      for (let j = Math.max(0, i - r); j <= Math.min(a.length - 1, i + r); j++) sum += a[j] ** 2;
      return v / (k + alpha * sum) ** beta;
    });
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    tfc.dispose(x);
  });
});
