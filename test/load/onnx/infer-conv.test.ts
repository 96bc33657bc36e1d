/**
 * Window geometry: Conv (and its integer, quantised, deformable forms), ConvTranspose and
 * the pools. Expected sizes are the ONNX formulas written out: floor((in + pb + pe -
 * ((k - 1) d + 1)) / s) + 1, ceil(in / s) for SAME, s (in - 1) + op + ((k - 1) d + 1) - pb - pe.
 */
import { describe, expect, it } from 'vitest';
import { ElemType } from '../../../src/load/onnx/ir.js';
import { F, I64, f32, infer1, inferOp, int, ints, str, t, thrown } from './graph-builder.js';

const out = (i: number, k: number, s = 1, pb = 0, pe = 0, d = 1) => Math.floor((i + pb + pe - ((k - 1) * d + 1)) / s) + 1;

describe('Conv', () => {
  it('gives the ResNet stem its 112 x 112', () => {
    const y = infer1('Conv', [f32(1, 3, 224, 224), f32(64, 3, 7, 7)], { strides: ints([2, 2]), pads: ints([3, 3, 3, 3]) });
    expect(y).toEqual(f32(1, 64, Math.floor((224 + 3 + 3 - 7) / 2) + 1, Math.floor((224 + 3 + 3 - 7) / 2) + 1));
  });

  it('takes the kernel from the weights when kernel_shape is absent, and checks them against each other', () => {
    expect(infer1('Conv', [f32(2, 8, 20, 30), f32(16, 8, 3, 5)]).shape).toEqual([2, 16, out(20, 3), out(30, 5)]);
    expect(thrown(() => infer1('Conv', [f32(2, 8, 20, 30), f32(16, 8, 3, 5)], { kernel_shape: ints([3, 3]) }))).toBe(
      'node "n" (Conv): kernel_shape [3, 3] does not match the weights\' kernel 5 on spatial axis 1',
    );
  });

  it('applies dilations, asymmetric pads and per-axis strides', () => {
    const y = infer1('Conv', [f32(1, 4, 32, 33), f32(4, 4, 3, 3)], { dilations: ints([2, 3]), pads: ints([1, 0, 2, 0]), strides: ints([1, 2]) });
    expect(y.shape).toEqual([1, 4, out(32, 3, 1, 1, 2, 2), out(33, 3, 2, 0, 0, 3)]);
  });

  it('handles groups: channels in = W.dims[1] x group', () => {
    expect(infer1('Conv', [f32(1, 32, 56, 56), f32(32, 1, 3, 3)], { group: int(32), pads: ints([1, 1, 1, 1]) }).shape).toEqual([1, 32, 56, 56]);
    expect(thrown(() => infer1('Conv', [f32(1, 3, 8, 8), f32(64, 4, 3, 3)]))).toBe(
      'node "n" (Conv): input has 3 channels but weights [64, 4, 3, 3] with group 1 expect 4',
    );
    expect(thrown(() => infer1('Conv', [f32(1, 4, 8, 8), f32(6, 1, 3, 3)], { group: int(4) }))).toBe(
      'node "n" (Conv): 6 output channels do not divide into group 4',
    );
  });

  it('follows auto_pad: SAME_* gives ceil(in / stride) whatever the kernel, VALID no padding', () => {
    const x = f32(1, 1, 225, 224);
    const w = f32(1, 1, 3, 3);
    const s2 = { strides: ints([2, 2]) };
    expect(infer1('Conv', [x, w], { ...s2, auto_pad: str('SAME_UPPER') }).shape).toEqual([1, 1, Math.ceil(225 / 2), Math.ceil(224 / 2)]);
    expect(infer1('Conv', [x, w], { ...s2, auto_pad: str('SAME_LOWER'), dilations: ints([4, 4]) }).shape).toEqual([1, 1, 113, 112]);
    expect(infer1('Conv', [x, w], { ...s2, auto_pad: str('VALID'), pads: ints([5, 5, 5, 5]) }).shape).toEqual([1, 1, out(225, 3, 2), out(224, 3, 2)]);
    // An empty auto_pad is NOTSET (as ONNX Runtime reads it).
    expect(infer1('Conv', [x, w], { auto_pad: str('') }).shape).toEqual([1, 1, 223, 222]);
    expect(infer1('Conv', [x, w], { auto_pad: { type: 3 } }).shape).toEqual([1, 1, 223, 222]);
    expect(thrown(() => infer1('Conv', [x, w], { auto_pad: str('SAME') }))).toBe(
      'node "n" (Conv): attribute "auto_pad" is "SAME", not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID',
    );
  });

  it('covers 1-D and 3-D convolutions', () => {
    expect(infer1('Conv', [f32(4, 2, 100), f32(8, 2, 5)], { strides: ints([3]) }).shape).toEqual([4, 8, out(100, 5, 3)]);
    expect(infer1('Conv', [f32(1, 3, 16, 112, 112), f32(64, 3, 3, 7, 7)], { strides: ints([1, 2, 2]), pads: ints([1, 3, 3, 1, 3, 3]) }).shape).toEqual([
      1,
      64,
      out(16, 3, 1, 1, 1),
      out(112, 7, 2, 3, 3),
      out(112, 7, 2, 3, 3),
    ]);
  });

  it('states input, kernel, pads and stride when no output is left', () => {
    expect(thrown(() => infer1('Conv', [f32(1, 1, 5, 5), f32(1, 1, 7, 7)]))).toBe(
      'node "n" (Conv): spatial axis 0: input size 5 with kernel 7, pads 0+0 and stride 1 gives no output',
    );
    expect(thrown(() => infer1('Conv', [f32(1, 1, 9, 9), f32(1, 1, 3, 3)], { dilations: ints([5, 1]) }))).toBe(
      'node "n" (Conv): spatial axis 0: input size 9 with kernel 3 (dilation 5), pads 0+0 and stride 1 gives no output',
    );
  });

  it('keeps what is known when dims are unknown', () => {
    expect(infer1('Conv', [f32(null, 3, null, 224), f32(64, 3, 7, 7)], { strides: ints([2, 2]), pads: ints([3, 3, 3, 3]) }).shape).toEqual([null, 64, null, 112]);
    expect(infer1('Conv', [f32(1, 3, 32, 32), t(F, null)], { kernel_shape: ints([3, 3]) }).shape).toEqual([1, null, 30, 30]);
    expect(infer1('Conv', [f32(1, 3, 32, 32), t(F, null)]).shape).toEqual([1, null, null, null]);
    expect(infer1('Conv', [t(F, null), f32(8, 3, 3, 3)]).shape).toEqual([null, 8, null, null]);
    expect(infer1('Conv', [t(F, null), t(F, null)])).toEqual(t(F, null));
  });

  it('gives ConvInteger INT32 and QLinearConv the type of y_zero_point', () => {
    const u8 = ElemType.UINT8;
    expect(infer1('ConvInteger', [t(u8, [1, 3, 8, 8]), t(u8, [4, 3, 3, 3])])).toEqual(t(ElemType.INT32, [1, 4, 6, 6]));
    const s = t(F, []);
    const q = [t(u8, [1, 3, 8, 8]), s, t(u8, []), t(ElemType.INT8, [4, 3, 3, 3]), s, t(ElemType.INT8, []), s, t(ElemType.INT8, [])];
    expect(infer1('QLinearConv', q, { pads: ints([1, 1, 1, 1]) })).toEqual(t(ElemType.INT8, [1, 4, 8, 8]));
  });

  it('rejects hostile attributes with a reason', () => {
    const x = f32(1, 1, 8, 8);
    const w = f32(1, 1, 3, 3);
    expect(thrown(() => infer1('Conv', [x, w], { strides: ints([0, 1]) }))).toBe('node "n" (Conv): stride 0 should be a positive integer');
    expect(thrown(() => infer1('Conv', [x, w], { pads: ints([-1, 0, 0, 0]) }))).toBe('node "n" (Conv): pad -1 is not a valid size');
    expect(thrown(() => infer1('Conv', [x, w], { strides: ints([1]) }))).toBe('node "n" (Conv): attribute "strides" has 1 values for 2 spatial axes');
    expect(thrown(() => infer1('Conv', [x, f32(1, 1, 1e12, 1e12)]))).toContain('spatial axis 0: input size 8 with kernel 1000000000000');
    expect(thrown(() => infer1('Conv', [x, w], { dilations: ints([2 ** 52, 1]), kernel_shape: ints([3, 3]) }))).toBe(
      `node "n" (Conv): size ${2} x ${2 ** 52} is beyond 2^53`,
    );
    expect(thrown(() => infer1('Conv', [x, w], { group: int(0) }))).toBe('node "n" (Conv): group 0 should be a positive integer');
    expect(thrown(() => infer1('Conv', [x, w], { strides: { type: 1, f: 2 } }))).toBe('node "n" (Conv): attribute "strides" should be INTS, not FLOAT');
    expect(thrown(() => infer1('Conv', [f32(1, 8), w]))).toBe('node "n" (Conv): input should have at least 3 dimensions, not shape [1, 8]');
  });
});

describe('ConvTranspose', () => {
  const tout = (i: number, k: number, s = 1, pb = 0, pe = 0, op = 0, d = 1) => s * (i - 1) + op + ((k - 1) * d + 1) - pb - pe;

  it('doubles a 14 x 14 map with stride 2, kernel 4, pads 1; channels W.dims[1] x group', () => {
    const attrs = { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) };
    expect(infer1('ConvTranspose', [f32(1, 16, 14, 14), f32(16, 8, 4, 4)], attrs).shape).toEqual([1, 8, tout(14, 4, 2, 1, 1), tout(14, 4, 2, 1, 1)]);
    expect(infer1('ConvTranspose', [f32(1, 16, 14, 14), f32(16, 4, 4, 4)], { ...attrs, group: int(2) }).shape).toEqual([1, 8, 28, 28]);
  });

  it('adds output_padding and dilations', () => {
    const y = infer1('ConvTranspose', [f32(1, 2, 7, 9), f32(2, 3, 3, 3)], { strides: ints([2, 3]), output_padding: ints([1, 2]), dilations: ints([2, 1]) });
    expect(y.shape).toEqual([1, 3, tout(7, 3, 2, 0, 0, 1, 2), tout(9, 3, 3, 0, 0, 2, 1)]);
  });

  it('lets output_shape win (spatial, or the whole shape) and SAME_* give in x stride', () => {
    const x = f32(1, 16, 14, 14);
    const w = f32(16, 8, 3, 3);
    expect(infer1('ConvTranspose', [x, w], { strides: ints([2, 2]), output_shape: ints([29, 30]) }).shape).toEqual([1, 8, 29, 30]);
    expect(infer1('ConvTranspose', [x, w], { strides: ints([2, 2]), output_shape: ints([1, 8, 29, 30]) }).shape).toEqual([1, 8, 29, 30]);
    expect(infer1('ConvTranspose', [x, w], { strides: ints([2, 3]), auto_pad: str('SAME_UPPER') }).shape).toEqual([1, 8, 14 * 2, 14 * 3]);
  });

  it('rejects pads that leave no output, and channel mismatches', () => {
    expect(thrown(() => infer1('ConvTranspose', [f32(1, 1, 1, 1), f32(1, 1, 1, 1)], { pads: ints([1, 0, 0, 0]) }))).toBe(
      'node "n" (ConvTranspose): spatial axis 0: input size 1 with kernel 1, pads 1+0 and stride 1 and output padding 0 gives output size 0',
    );
    expect(thrown(() => infer1('ConvTranspose', [f32(1, 3, 4, 4), f32(4, 1, 3, 3)]))).toBe(
      'node "n" (ConvTranspose): input has 3 channels but weights [4, 1, 3, 3] expect 4',
    );
  });
});

describe('pools', () => {
  const ceilOut = (i: number, k: number, s: number, pb = 0, pe = 0, d = 1) => {
    let o = Math.ceil((i + pb + pe - ((k - 1) * d + 1)) / s) + 1;
    if ((o - 1) * s >= i + pb) o -= 1;
    return o;
  };

  it('MaxPool 3 x 3 / 2 with pad 1 halves 112, and its Indices output is INT64', () => {
    const [y, idx] = inferOp('MaxPool', [f32(1, 64, 112, 112)], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) }, { outputs: 2 });
    expect(y).toEqual(f32(1, 64, out(112, 3, 2, 1, 1), out(112, 3, 2, 1, 1)));
    expect(idx).toEqual(t(I64, [1, 64, 56, 56]));
  });

  it('ceil_mode rounds up, but the last window may not start in the end padding', () => {
    const k3s2 = { kernel_shape: ints([3, 3]), strides: ints([2, 2]), ceil_mode: int(1) };
    // The spec's example: [1, 1, 4, 4], kernel 3, stride 2, ceil_mode -> [1, 1, 2, 2].
    expect(infer1('MaxPool', [f32(1, 1, 4, 4)], k3s2).shape).toEqual([1, 1, 2, 2]);
    expect(infer1('MaxPool', [f32(1, 1, 112, 112)], k3s2).shape).toEqual([1, 1, ceilOut(112, 3, 2), ceilOut(112, 3, 2)]);
    // Length 5, kernel 2, stride 2, pads 1+1: ceil gives 4 windows, but the 4th would start at 6 >= 5 + 1, in the end padding.
    const y = infer1('MaxPool', [f32(1, 1, 5)], { kernel_shape: ints([2]), strides: ints([2]), pads: ints([1, 1]), ceil_mode: int(1) });
    expect(Math.ceil((5 + 2 - 2) / 2) + 1).toBe(4);
    expect(y.shape).toEqual([1, 1, 3]);
    expect(infer1('AveragePool', [f32(1, 1, 6)], { kernel_shape: ints([3]), strides: ints([2]), ceil_mode: int(1) }).shape).toEqual([1, 1, ceilOut(6, 3, 2)]);
  });

  it('reads dilations from MaxPool 10 and AveragePool 19 on, ceil_mode from 10 (LpPool 18)', () => {
    const x = f32(1, 1, 32);
    const a = { kernel_shape: ints([3]), dilations: ints([2]) };
    expect(infer1('MaxPool', [x], a, { opset: 10 }).shape).toEqual([1, 1, out(32, 3, 1, 0, 0, 2)]);
    expect(infer1('MaxPool', [x], a, { opset: 8 }).shape).toEqual([1, 1, out(32, 3)]);
    expect(infer1('AveragePool', [x], a, { opset: 18 }).shape).toEqual([1, 1, out(32, 3)]);
    expect(infer1('AveragePool', [x], a, { opset: 19 }).shape).toEqual([1, 1, out(32, 3, 1, 0, 0, 2)]);
    const c = { kernel_shape: ints([2]), strides: ints([2]), ceil_mode: int(1) };
    expect(infer1('LpPool', [f32(1, 1, 7)], c, { opset: 11 }).shape).toEqual([1, 1, out(7, 2, 2)]);
    expect(infer1('LpPool', [f32(1, 1, 7)], c, { opset: 18 }).shape).toEqual([1, 1, ceilOut(7, 2, 2)]);
  });

  it('SAME auto_pad gives ceil(in / stride); VALID uses no pads', () => {
    expect(infer1('AveragePool', [f32(1, 2, 7, 8)], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), auto_pad: str('SAME_UPPER') }).shape).toEqual([1, 2, 4, 4]);
    expect(infer1('MaxPool', [f32(1, 2, 7, 8)], { kernel_shape: ints([3, 3]), strides: ints([2, 2]), auto_pad: str('VALID') }).shape).toEqual([1, 2, out(7, 3, 2), out(8, 3, 2)]);
  });

  it('rejects a missing kernel and windows larger than the padded input', () => {
    expect(thrown(() => infer1('MaxPool', [f32(1, 1, 4, 4)]))).toBe('node "n" (MaxPool): attribute "kernel_shape" is missing');
    expect(thrown(() => infer1('MaxPool', [f32(1, 1, 4, 4)], { kernel_shape: ints([5, 1]) }))).toBe(
      'node "n" (MaxPool): spatial axis 0: input size 4 with kernel 5, pads 0+0 and stride 1 gives no output',
    );
    // A huge stride is no error: one window fits.
    expect(infer1('MaxPool', [f32(1, 1, 4, 4)], { kernel_shape: ints([2, 2]), strides: ints([1e15, 1]) }).shape).toEqual([1, 1, 1, 3]);
  });

  it('global pools keep N and C and set the rest to 1', () => {
    expect(infer1('GlobalAveragePool', [f32(8, 2048, 7, 7)])).toEqual(f32(8, 2048, 1, 1));
    expect(infer1('GlobalMaxPool', [f32(null, 16, 5, 5, 5)])).toEqual(f32(null, 16, 1, 1, 1));
    expect(infer1('GlobalLpPool', [t(F, null)])).toEqual(t(F, null));
  });

  it('RoI pools give [num_rois, C, h, w]', () => {
    expect(infer1('MaxRoiPool', [f32(1, 256, 38, 50), f32(300, 5)], { pooled_shape: ints([7, 7]) })).toEqual(f32(300, 256, 7, 7));
    expect(infer1('RoiAlign', [f32(2, 256, 38, 50), f32(100, 4), t(I64, [100])], { output_height: int(14), output_width: int(14) })).toEqual(f32(100, 256, 14, 14));
  });

  it('unknown spatial dims stay unknown; N and C carry', () => {
    expect(infer1('MaxPool', [f32(null, 64, null, 56)], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })).toEqual(f32(null, 64, null, 28));
  });

  it('MaxUnpool inverts the pool geometry, or takes output_shape', () => {
    expect(infer1('MaxUnpool', [f32(1, 1, 2, 2), t(I64, [1, 1, 2, 2])], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })).toEqual(f32(1, 1, 4, 4));
    expect(infer1('MaxUnpool', [f32(1, 1, 2, 2), t(I64, [1, 1, 2, 2]), t(I64, [4], [1, 1, 5, 5])], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })).toEqual(f32(1, 1, 5, 5));
  });

  it('GridSample takes its spatial dims from the grid', () => {
    expect(infer1('GridSample', [f32(2, 3, 32, 32), f32(2, 10, 12, 2)])).toEqual(f32(2, 3, 10, 12));
    expect(thrown(() => infer1('GridSample', [f32(2, 3, 32, 32), f32(2, 10, 12, 3)]))).toBe("node \"n\" (GridSample): grid's last dimension is 3, not 2");
  });
});
