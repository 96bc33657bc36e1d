/**
 * GroupedConv2D with many groups runs as one depthwise convolution and a sum per group
 * (src/zoo/grouped-conv.ts callAsDepthwise). Its output must be the grouped convolution's,
 * computed here by the definition: output channel f of group g = f / m sums, over the
 * window and the c = Cin / groups input channels g c .. g c + c - 1, input x kernel.
 */
import * as tfc from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { GroupedConv2D } from '../../src/zoo/grouped-conv.js';

beforeAll(ensureAnalysisBackend);

/** Small whole numbers from a seed: the sums are exact in float32. */
const values = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => ((i * 7 + seed * 13) % 5) - 2);

function byDefinition(x: number[], [h, w, cin]: number[], k: number[], [kh, kw, c, filters]: number[], groups: number, stride: number, padding: 'same' | 'valid'): number[] {
  const m = filters / groups;
  const [oh, ow] = padding === 'same' ? [Math.ceil(h / stride), Math.ceil(w / stride)] : [Math.floor((h - kh) / stride) + 1, Math.floor((w - kw) / stride) + 1];
  // TensorFlow's 'same': the total padding split with the smaller half first.
  const padTop = padding === 'same' ? Math.floor(Math.max((oh - 1) * stride + kh - h, 0) / 2) : 0;
  const padLeft = padding === 'same' ? Math.floor(Math.max((ow - 1) * stride + kw - w, 0) / 2) : 0;
  const out: number[] = [];
  for (let y = 0; y < oh; y++) {
    for (let xx = 0; xx < ow; xx++) {
      for (let f = 0; f < filters; f++) {
        const g = Math.floor(f / m);
        let sum = 0;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) {
            const [iy, ix] = [y * stride + a - padTop, xx * stride + b - padLeft];
            if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
            for (let i = 0; i < c; i++) sum += x[(iy * w + ix) * cin + g * c + i] * k[((a * kw + b) * c + i) * filters + f];
          }
        }
        out.push(sum);
      }
    }
  }
  return out;
}

describe('GroupedConv2D with many groups (one depthwise convolution)', () => {
  it.each([
    { groups: 128, cin: 256, filters: 384, stride: 1, padding: 'same' as const },
    { groups: 100, cin: 100, filters: 200, stride: 2, padding: 'valid' as const },
    { groups: 65, cin: 65, filters: 65, stride: 1, padding: 'valid' as const },
  ])('groups $groups, $cin -> $filters channels, stride $stride, $padding', ({ groups, cin, filters, stride, padding }) => {
    const [h, w] = [5, 6];
    const layer = new GroupedConv2D({ filters, kernelSize: 3, strides: stride, padding, groups, useBias: false, name: `many_groups_${groups}` });
    const xs = values(h * w * cin, 1);
    const x = tfc.tensor4d(xs, [1, h, w, cin]);
    layer.apply(x);
    const kernelShape = [3, 3, cin / groups, filters];
    const ks = values(kernelShape.reduce((a, b) => a * b, 1), 2);
    layer.setWeights([tfc.tensor4d(ks, kernelShape as [number, number, number, number])]);
    const y = layer.apply(x) as tfc.Tensor;
    expect(Array.from(y.dataSync())).toEqual(byDefinition(xs, [h, w, cin], ks, kernelShape, groups, stride, padding));
    tfc.dispose([x, y]);
  });
});
