import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { analyzeChain, layer } from './tiny.js';

const zeros = { kernelInitializer: 'zeros' } as const;

/** Output length of a convolution, as in the TensorFlow documentation. */
function outLen(n: number, k: number, stride: number, padding: 'same' | 'valid', dilation = 1): number {
  const effective = dilation * (k - 1) + 1;
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - effective) / stride) + 1;
}

describe('Conv2D MACs = Ho * Wo * filters * kh * kw * Cin', () => {
  it.each([
    // [H, W, Cin, filters, [kh, kw], stride, padding, dilation]
    [32, 32, 3, 16, [3, 3], 1, 'valid', 1],
    [32, 32, 3, 16, [3, 3], 2, 'same', 1],
    [33, 33, 8, 4, [3, 3], 2, 'valid', 1],
    [32, 32, 4, 8, [3, 3], 1, 'valid', 2],
    [17, 17, 12, 6, [1, 7], 1, 'same', 1],
    [17, 19, 12, 6, [7, 1], 1, 'valid', 1],
    [224, 224, 3, 64, [7, 7], 2, 'valid', 1],
  ] as const)('%ix%ix%i -> %i filters, kernel %j, stride %i, %s, dilation %i', async (h, w, cin, f, k, s, pad, d) => {
    const r = await analyzeChain([h, w, cin], [
      tfl.layers.conv2d({ filters: f, kernelSize: [...k], strides: s, padding: pad, dilationRate: d, ...zeros }),
    ]);
    const ho = outLen(h, k[0], s, pad, d);
    const wo = outLen(w, k[1], s, pad, d);
    const conv = layer(r, 0);
    expect(conv.outputShape).toEqual([null, ho, wo, f]);
    expect(conv.macs).toBe(ho * wo * f * k[0] * k[1] * cin);
    expect(conv.params.total).toBe(k[0] * k[1] * cin * f + f);
    // FLOPs: two per MAC, one bias add per output, no activation.
    expect(conv.flops).toBe(2 * conv.macs + ho * wo * f);
  });

  it('adds one FLOP per output for a fused relu and none for a missing bias', async () => {
    const r = await analyzeChain([8, 8, 2], [tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', useBias: false, ...zeros })]);
    const macs = 6 * 6 * 3 * 9 * 2;
    expect(layer(r, 0).macs).toBe(macs);
    expect(layer(r, 0).flops).toBe(2 * macs + 6 * 6 * 3);
  });
});

describe('DepthwiseConv2D MACs = Ho * Wo * Cin * multiplier * kh * kw', () => {
  it.each([
    [32, 32, 8, 1, 3, 1, 'same'],
    [32, 32, 8, 2, 3, 2, 'same'],
    [15, 15, 5, 3, 5, 2, 'valid'],
  ] as const)('%ix%ix%i, multiplier %i, %ix%i kernel... stride %i %s', async (h, w, cin, m, k, s, pad) => {
    const r = await analyzeChain([h, w, cin], [
      tfl.layers.depthwiseConv2d({ kernelSize: k, depthMultiplier: m, strides: s, padding: pad, depthwiseInitializer: 'zeros' }),
    ]);
    const ho = outLen(h, k, s, pad);
    const wo = outLen(w, k, s, pad);
    expect(layer(r, 0).outputShape).toEqual([null, ho, wo, cin * m]);
    expect(layer(r, 0).macs).toBe(ho * wo * cin * m * k * k);
    expect(layer(r, 0).params.total).toBe(k * k * cin * m + cin * m);
  });
});

describe('SeparableConv2D MACs = depthwise + pointwise', () => {
  it.each([
    [32, 32, 8, 1, 3, 16, 1],
    [19, 19, 6, 2, 3, 10, 2],
  ] as const)('%ix%ix%i, multiplier %i, k %i -> %i filters, stride %i', async (h, w, cin, m, k, f, s) => {
    const r = await analyzeChain([h, w, cin], [
      tfl.layers.separableConv2d({
        filters: f, kernelSize: k, depthMultiplier: m, strides: s, padding: 'same',
        depthwiseInitializer: 'zeros', pointwiseInitializer: 'zeros',
      }),
    ]);
    const ho = Math.ceil(h / s);
    const wo = Math.ceil(w / s);
    expect(layer(r, 0).macs).toBe(ho * wo * cin * m * k * k + ho * wo * cin * m * f);
    expect(layer(r, 0).params.total).toBe(k * k * cin * m + cin * m * f + f);
  });
});

describe('Dense MACs = inputs * units', () => {
  it('on a vector', async () => {
    const r = await analyzeChain([128], [tfl.layers.dense({ units: 10, ...zeros })]);
    expect(layer(r, 0).macs).toBe(1280);
    expect(layer(r, 0).params.total).toBe(1290);
  });

  it('on a sequence (applied to every row)', async () => {
    const r = await analyzeChain([5, 128], [tfl.layers.dense({ units: 10, ...zeros })]);
    expect(layer(r, 0).macs).toBe(5 * 128 * 10);
  });
});

describe('the Inception bottleneck worked example (design.md, keras-applications.json)', () => {
  it('5x5 conv from 28x28x192 to 32 filters costs 120,422,400 MACs', async () => {
    const r = await analyzeChain([28, 28, 192], [tfl.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same', ...zeros })]);
    expect(r.totals.macs).toBe(120_422_400);
  });

  it('with a 1x1 reduction to 16 first: 2,408,448 + 10,035,200 = 12,443,648 MACs', async () => {
    const r = await analyzeChain([28, 28, 192], [
      tfl.layers.conv2d({ filters: 16, kernelSize: 1, ...zeros }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same', ...zeros }),
    ]);
    expect(layer(r, 0).macs).toBe(2_408_448);
    expect(layer(r, 1).macs).toBe(10_035_200);
    expect(r.totals.macs).toBe(12_443_648);
  });
});

describe('element-wise FLOPs', () => {
  it('batch norm: 2 per element, 4 weights per channel of which 2 are not trainable', async () => {
    const r = await analyzeChain([7, 7, 10], [tfl.layers.batchNormalization({})]);
    expect(layer(r, 0).flops).toBe(2 * 7 * 7 * 10);
    expect(layer(r, 0).params).toEqual({ total: 40, trainable: 20, nonTrainable: 20 });
    expect(layer(r, 0).macs).toBe(0);
  });

  it('max pooling: window - 1 comparisons per output; average pooling: window per output', async () => {
    const r = await analyzeChain([8, 8, 4], [
      tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
      tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
      tfl.layers.globalAveragePooling2d({}),
    ]);
    expect(layer(r, 0).flops).toBe(3 * 4 * 4 * 4);
    expect(layer(r, 1).flops).toBe(9 * 4 * 4 * 4);
    expect(layer(r, 2).flops).toBe(4 * 4 * 4);
  });

  it('activations per the table: relu 1, softmax 3 per element', async () => {
    const r = await analyzeChain([10], [tfl.layers.activation({ activation: 'relu' }), tfl.layers.softmax({})]);
    expect(layer(r, 0).flops).toBe(10);
    expect(layer(r, 1).flops).toBe(30);
  });
});

describe('recurrent layers: steps x gates x units x (features + units) MACs', () => {
  it('GRU and a Bidirectional GRU (twice the work, concat merge free)', async () => {
    const [steps, features, units] = [7, 5, 4];
    const gru = await analyzeChain([steps, features], [tfl.layers.gru({ units, returnSequences: true, kernelInitializer: 'zeros', recurrentInitializer: 'zeros' })]);
    expect(layer(gru, 0).macs).toBe(steps * 3 * units * (features + units));
    const bi = await analyzeChain([steps, features], [
      tfl.layers.bidirectional({ layer: tfl.layers.gru({ units, returnSequences: true, kernelInitializer: 'zeros', recurrentInitializer: 'zeros' }) as never, mergeMode: 'concat' }),
    ]);
    expect(layer(bi, 0).macs).toBe(2 * steps * 3 * units * (features + units));
    expect(layer(bi, 0).outputShape).toEqual([null, steps, 2 * units]);
  });
});
