/**
 * Element-wise rules: numpy broadcasting (and the opset < 7 `broadcast`/`axis` form),
 * unknown dims, output types, value folding of arithmetic, comparisons, Cast and the
 * unary ops shape chains use; the normalisations' extra outputs; quantisation types.
 */
import { describe, expect, it } from 'vitest';
import { ElemType } from '../../../src/load/onnx/ir.js';
import { BOOL, F, I64, f32, float, i64, infer1, inferOp, int, str, t, tensorAttr, tensor, thrown } from './graph-builder.js';

const I32 = ElemType.INT32;
const U8 = ElemType.UINT8;

describe('broadcasting shapes', () => {
  it('follows numpy: right-aligned, 1 stretches', () => {
    expect(infer1('Add', [f32(2, 3, 4), f32(4)]).shape).toEqual([2, 3, 4]);
    expect(infer1('Mul', [f32(2, 1, 4), f32(3, 1)]).shape).toEqual([2, 3, 4]);
    expect(infer1('Sub', [f32(), f32(5, 6)]).shape).toEqual([5, 6]);
    expect(infer1('Div', [f32(1), f32(0)]).shape).toEqual([0]);
  });

  it('names both shapes when dims clash', () => {
    expect(thrown(() => infer1('Add', [f32(2, 3), f32(2, 4)]))).toBe('node "n" (Add): shapes [2, 3] and [2, 4] do not broadcast');
    expect(thrown(() => infer1('Sum', [f32(1, 3), f32(5, 1), f32(4)]))).toBe('node "n" (Sum): shapes [1, 3] and [4] do not broadcast');
  });

  it('keeps what is known about unknown dims and guesses nothing', () => {
    // A known d > 1 against unknown is d (the unknown must be 1 or d); 1 against unknown stays unknown.
    expect(infer1('Add', [f32(null, 3), f32(4, null)]).shape).toEqual([4, 3]);
    expect(infer1('Add', [f32(null, 1), f32(1, null)]).shape).toEqual([null, null]);
    expect(infer1('Add', [f32(null), f32(1, 1)]).shape).toEqual([1, null]);
    expect(infer1('Add', [t(F, null), f32(3)]).shape).toBeNull();
  });

  it('broadcasts Where three ways with the type of X', () => {
    expect(infer1('Where', [t(BOOL, [2, 1, 1]), t(I64, [3, 1]), t(I64, [4])])).toEqual(t(I64, [2, 3, 4]));
  });

  it('gives BOOL from comparisons and logic, the input type from arithmetic', () => {
    for (const op of ['Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual']) expect(infer1(op, [f32(2), f32(1)]).dtype).toBe(BOOL);
    for (const op of ['And', 'Or', 'Xor']) expect(infer1(op, [t(BOOL, [2]), t(BOOL, [2])]).dtype).toBe(BOOL);
    expect(infer1('Pow', [t(I32, [2]), f32(2)]).dtype).toBe(I32);
    expect(infer1('Mod', [t(I64, [2]), t(I64, [1])]).dtype).toBe(I64);
  });

  it('uses the opset < 7 broadcast attribute: B aligned at axis, output A', () => {
    const a = f32(2, 3, 4, 5);
    expect(infer1('Add', [a, f32(3, 4)], { broadcast: int(1), axis: int(1) }, { opset: 6 }).shape).toEqual([2, 3, 4, 5]);
    expect(infer1('Mul', [a, f32(5)], { broadcast: int(1) }, { opset: 6 }).shape).toEqual([2, 3, 4, 5]);
    expect(infer1('Mul', [a, f32(1, 1)], { broadcast: int(1) }, { opset: 6 }).shape).toEqual([2, 3, 4, 5]);
    expect(thrown(() => infer1('Add', [a, f32(4, 4)], { broadcast: int(1), axis: int(1) }, { opset: 6 }))).toBe(
      'node "n" (Add): shape [4, 4] does not match [2, 3, 4, 5] at axis 1',
    );
    // Folded along the same alignment: A [2, 3] + B [2] at axis 0 adds B[i] to row i.
    const v = infer1('Add', [t(F, [2, 3], [0, 0, 0, 1, 1, 1]), t(F, [2], [10, 20])], { broadcast: int(1), axis: int(0) }, { opset: 6 });
    expect(v.value).toEqual([10, 10, 10, 21, 21, 21]);
  });
});

describe('folding arithmetic', () => {
  it('adds, multiplies and subtracts with broadcasting, row-major', () => {
    const a = t(I64, [2, 1], [1, 2]);
    const b = t(I64, [3], [10, 20, 30]);
    const expected = [1, 2].flatMap((x) => [10, 20, 30].map((y) => x + y));
    expect(infer1('Add', [a, b])).toEqual(t(I64, [2, 3], expected));
    expect(infer1('Mul', [a, b]).value).toEqual([1, 2].flatMap((x) => [10, 20, 30].map((y) => x * y)));
    expect(infer1('Sub', [a, b]).value).toEqual([1, 2].flatMap((x) => [10, 20, 30].map((y) => x - y)));
  });

  it('divides integers toward zero and floats exactly', () => {
    expect(infer1('Div', [i64([7, -7, 7, -7]), i64([2, 2, -2, -2])]).value).toEqual([3, -3, -3, 3]);
    expect(infer1('Div', [t(ElemType.DOUBLE, [2], [7, -7]), t(ElemType.DOUBLE, [1], [2])]).value).toEqual([3.5, -3.5]);
    // An integer division by zero has no value to fold; the shape stays.
    expect(infer1('Div', [i64([1]), i64([0])])).toEqual(t(I64, [1]));
  });

  it('takes Mod with the divisor sign (fmod=0) or the dividend sign (fmod=1)', () => {
    expect(infer1('Mod', [i64([-7, 7, -7]), i64([3, -3, -3])]).value).toEqual([2, -2, -1]);
    expect(infer1('Mod', [t(F, [2], [-7, 7]), t(F, [1], [3])], { fmod: int(1) }).value).toEqual([-1, 1]);
  });

  it('rounds FLOAT results to float32 and wraps small integer types', () => {
    const tenth = Math.fround(0.1);
    expect(infer1('Mul', [t(F, [1], [tenth]), t(F, [1], [3])]).value).toEqual([Math.fround(tenth * 3)]);
    expect(infer1('Add', [t(I32, [1], [2 ** 31 - 1]), t(I32, [1], [1])]).value).toEqual([-(2 ** 31)]);
    expect(infer1('BitShift', [t(U8, [2], [200, 1]), t(U8, [2], [1, 3])], { direction: str('LEFT') }).value).toEqual([(200 * 2) % 256, 8]);
    expect(infer1('BitShift', [t(U8, [1], [200]), t(U8, [1], [3])], { direction: str('RIGHT') }).value).toEqual([Math.floor(200 / 8)]);
  });

  it('folds Pow with the base type', () => {
    expect(infer1('Pow', [t(F, [3], [2, 3, 4]), t(F, [], [2])]).value).toEqual([4, 9, 16]);
    expect(infer1('Pow', [i64([2, 3]), t(F, [1], [0.5])]).value).toEqual([Math.trunc(Math.SQRT2), Math.trunc(Math.sqrt(3))]);
  });

  it('folds the variadic ops over all inputs', () => {
    const xs = [i64([1, 9]), i64([5]), i64([3, 2])];
    expect(infer1('Max', xs).value).toEqual([5, 9]);
    expect(infer1('Min', xs).value).toEqual([1, 2]);
    expect(infer1('Sum', xs).value).toEqual([1 + 5 + 3, 9 + 5 + 2]);
    expect(infer1('Mean', [t(F, [2], [1, 2]), t(F, [2], [3, 5])]).value).toEqual([2, 3.5]);
  });

  it('folds comparisons, logic and Where to 0/1 and picks', () => {
    expect(infer1('Equal', [i64([1, 2, 3]), i64([2])]).value).toEqual([0, 1, 0]);
    expect(infer1('Less', [i64([1, 2, 3]), i64([2])]).value).toEqual([1, 0, 0]);
    expect(infer1('GreaterOrEqual', [i64([1, 2, 3]), i64([2])]).value).toEqual([0, 1, 1]);
    expect(infer1('Xor', [t(BOOL, [2], [1, 1]), t(BOOL, [2], [0, 1])]).value).toEqual([1, 0]);
    expect(infer1('Where', [t(BOOL, [3], [1, 0, 1]), i64([7]), i64([1, 2, 3])]).value).toEqual([7, 2, 7]);
  });

  it('folds nothing past the value limit', () => {
    const a = t(I64, [3], [1, 2, 3]);
    expect(infer1('Add', [a, a], {}, { valueLimit: 2 })).toEqual(t(I64, [3]));
  });
});

describe('unary ops', () => {
  it('keep the shape and type of the input', () => {
    for (const op of ['Relu', 'Sigmoid', 'Tanh', 'Gelu', 'Mish', 'HardSwish', 'Erf', 'Exp', 'Log', 'Sin', 'Atanh', 'Trilu', 'CumSum', 'LRN', 'InstanceNormalization', 'GroupNormalization', 'MeanVarianceNormalization', 'Shrink']) {
      expect(infer1(op, [f32(2, null, 5)]), op).toEqual(f32(2, null, 5));
    }
    expect(infer1('IsNaN', [f32(3)])).toEqual(t(BOOL, [3]));
    expect(infer1('IsInf', [f32(3)])).toEqual(t(BOOL, [3]));
    expect(infer1('Softmax', [f32(2, 10)], { axis: int(1) })).toEqual(f32(2, 10));
  });

  it('fold Abs, Neg, Floor, Ceil, Sqrt, Not, and Round half to even', () => {
    const x = t(F, [4], [-2.5, -0.5, 0.5, 2.5]);
    expect(infer1('Abs', [x]).value).toEqual([2.5, 0.5, 0.5, 2.5]);
    expect(infer1('Neg', [x]).value).toEqual([2.5, 0.5, -0.5, -2.5]);
    expect(infer1('Floor', [x]).value).toEqual([-3, -1, 0, 2]);
    expect(infer1('Ceil', [x]).value).toEqual([-2, -0, 1, 3]);
    expect(infer1('Round', [t(F, [6], [-2.5, -0.5, 0.5, 1.5, 2.5, 2.6])]).value).toEqual([-2, -0, 0, 2, 2, 3]);
    expect(infer1('Sqrt', [t(F, [2], [4, 2])]).value).toEqual([2, Math.fround(Math.SQRT2)]);
    expect(infer1('Not', [t(BOOL, [2], [1, 0])])).toEqual(t(BOOL, [2], [0, 1]));
    expect(infer1('Identity', [i64([4, 5])])).toEqual(i64([4, 5]));
  });

  it('Softmax defaults to axis 1 before opset 13 and to -1 from 13', () => {
    expect(thrown(() => infer1('Softmax', [f32(10)], {}, { opset: 11 }))).toBe('node "n" (Softmax): axis 1 is out of range for rank 1');
    expect(infer1('Softmax', [f32(10)], {}, { opset: 13 })).toEqual(f32(10));
  });

  it('reject an axis beyond the rank', () => {
    expect(thrown(() => infer1('Softmax', [f32(2, 3)], { axis: int(99) }))).toBe('node "n" (Softmax): axis 99 is out of range for rank 2');
    expect(thrown(() => infer1('LogSoftmax', [f32(2, 3)], { axis: int(-3) }))).toBe('node "n" (LogSoftmax): axis -3 is out of range for rank 2');
  });

  it('Cast: float to int truncates, to BOOL is x != 0, narrowing wraps', () => {
    expect(infer1('Cast', [t(F, [4], [2.7, -2.7, 0.2, -0.2])], { to: int(I64) })).toEqual(t(I64, [4], [2, -2, 0, 0]));
    expect(infer1('Cast', [t(F, [3], [0, 0.5, -1])], { to: int(BOOL) })).toEqual(t(BOOL, [3], [0, 1, 1]));
    expect(infer1('Cast', [i64([300, -1])], { to: int(ElemType.INT8) }).value).toEqual([300 - 256, -1]);
    expect(infer1('Cast', [i64([300, -1])], { to: int(U8) }).value).toEqual([300 - 256, 255]);
    expect(infer1('Cast', [t(ElemType.DOUBLE, [1], [0.1])], { to: int(F) }).value).toEqual([Math.fround(0.1)]);
    expect(infer1('Cast', [t(ElemType.STRING, [2])], { to: int(F) })).toEqual(t(F, [2]));
    expect(thrown(() => infer1('Cast', [f32(1)]))).toBe('node "n" (Cast): attribute "to" is missing');
  });

  it('Cast-1 names the type in a string', () => {
    expect(infer1('Cast', [t(F, [2], [1.5, -1.5])], { to: str('INT32') }, { opset: 1 })).toEqual(t(I32, [2], [1, -1]));
    expect(thrown(() => infer1('Cast', [f32(1)], { to: str('QUUX') }, { opset: 1 }))).toBe('node "n" (Cast): attribute "to" names no type: "QUUX"');
  });

  it('CastLike takes the type of its second input', () => {
    expect(infer1('CastLike', [t(F, [2], [1.5, 2.5]), t(I32, [])])).toEqual(t(I32, [2], [1, 2]));
  });

  it('Clip reads min/max from attributes to opset 10 and from inputs from 11', () => {
    const x = t(F, [3], [-5, 0.5, 5]);
    expect(infer1('Clip', [x], { min: float(-1), max: float(1) }, { opset: 6 }).value).toEqual([-1, 0.5, 1]);
    expect(infer1('Clip', [x, t(F, [], [0]), t(F, [], [2])], {}, { opset: 13 }).value).toEqual([0, 0.5, 2]);
    expect(infer1('Clip', [x, '', t(F, [], [2])], {}, { opset: 13 }).value).toEqual([-5, 0.5, 2]);
    expect(infer1('Clip', [x, f32()], {}, { opset: 13 })).toEqual(t(F, [3]));
  });

  it('Dropout: the mask is BOOL from opset 10, of the data type before', () => {
    expect(inferOp('Dropout', [f32(2, 3)], {}, { opset: 12, outputs: 2 })).toEqual([f32(2, 3), t(BOOL, [2, 3])]);
    expect(inferOp('Dropout', [f32(2, 3)], {}, { opset: 7, outputs: 2 })).toEqual([f32(2, 3), f32(2, 3)]);
  });

  it('PRelu has the shape of X, and its slope must broadcast to X', () => {
    expect(infer1('PRelu', [f32(1, 3, 4, 4), f32(3, 1, 1)])).toEqual(f32(1, 3, 4, 4));
    expect(thrown(() => infer1('PRelu', [f32(1, 3, 4, 4), f32(3)]))).toBe('node "n" (PRelu): shapes [1, 3, 4, 4] and [3] do not broadcast');
    expect(thrown(() => infer1('PRelu', [f32(1, 4), f32(2, 4)]))).toBe('node "n" (PRelu): slope of shape [2, 4] does not broadcast to [1, 4]');
  });

  it('EyeLike keeps the 2-D shape, with the dtype attribute if given', () => {
    expect(infer1('EyeLike', [f32(3, 4)], { dtype: int(I64) })).toEqual(t(I64, [3, 4]));
    expect(infer1('EyeLike', [f32(3, 4)])).toEqual(f32(3, 4));
  });
});

describe('normalisations', () => {
  it('BatchNormalization: Y as X, statistics [C]; before opset 14 five outputs', () => {
    const ins = [f32(8, 16, 7, 7), f32(16), f32(16), f32(16), f32(16)];
    expect(inferOp('BatchNormalization', ins, {}, { opset: 9, outputs: 5 })).toEqual([f32(8, 16, 7, 7), f32(16), f32(16), f32(16), f32(16)]);
    const half = ElemType.FLOAT16;
    const mixed = [t(half, [8, 16, 7, 7]), t(half, [16]), t(half, [16]), f32(16), f32(16)];
    expect(inferOp('BatchNormalization', mixed, { training_mode: int(1) }, { opset: 15, outputs: 3 })).toEqual([t(half, [8, 16, 7, 7]), f32(16), f32(16)]);
  });

  it('LayerNormalization: Mean and InvStdDev keep the leading axes, 1 on the normalised ones', () => {
    expect(inferOp('LayerNormalization', [f32(2, 5, 8), f32(8)], {}, { outputs: 3 })).toEqual([f32(2, 5, 8), f32(2, 5, 1), f32(2, 5, 1)]);
    expect(inferOp('LayerNormalization', [f32(2, 5, 8), f32(5, 8)], { axis: int(1) }, { outputs: 3 })).toEqual([f32(2, 5, 8), f32(2, 1, 1), f32(2, 1, 1)]);
  });
});

describe('quantisation types', () => {
  it('QuantizeLinear: output_dtype (21+), else y_zero_point, else UINT8', () => {
    expect(infer1('QuantizeLinear', [f32(1, 4), f32()])).toEqual(t(U8, [1, 4]));
    expect(infer1('QuantizeLinear', [f32(1, 4), f32(), t(ElemType.INT8, [])])).toEqual(t(ElemType.INT8, [1, 4]));
    expect(infer1('QuantizeLinear', [f32(1, 4), f32()], { output_dtype: int(ElemType.INT4) }, { opset: 21 })).toEqual(t(ElemType.INT4, [1, 4]));
  });

  it('DequantizeLinear has the scale type; DynamicQuantizeLinear gives UINT8 with scalar scale and zero point', () => {
    expect(infer1('DequantizeLinear', [t(U8, [3]), t(ElemType.FLOAT16, [])])).toEqual(t(ElemType.FLOAT16, [3]));
    expect(inferOp('DynamicQuantizeLinear', [f32(2, 2)], {}, { outputs: 3 })).toEqual([t(U8, [2, 2]), t(F, []), t(U8, [])]);
  });

  it('ConstantOfShape takes type and fill from its value tensor', () => {
    expect(infer1('ConstantOfShape', [i64([2, 2])], { value: tensorAttr(tensor('', I32, [1], [7])) })).toEqual(t(I32, [2, 2], [7, 7, 7, 7]));
  });
});
