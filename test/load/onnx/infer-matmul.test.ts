/** Gemm, MatMul (numpy rules), their integer/quantised forms, Einsum, and LSTM/GRU/RNN. */
import { describe, expect, it } from 'vitest';
import { ElemType } from '../../../src/load/onnx/ir.js';
import { F, GraphBuilder, f32, infer1, inferOp, int, str, t, thrown } from './graph-builder.js';

describe('Gemm', () => {
  it('is [M, N] with transA / transB, and checks K', () => {
    expect(infer1('Gemm', [f32(8, 512), f32(512, 10)])).toEqual(f32(8, 10));
    expect(infer1('Gemm', [f32(512, 8), f32(10, 512)], { transA: int(1), transB: int(1) })).toEqual(f32(8, 10));
    expect(infer1('Gemm', [f32(null, 512), f32(1000, 512), f32(1000)], { transB: int(1) })).toEqual(f32(null, 1000));
    expect(thrown(() => infer1('Gemm', [f32(8, 512), f32(10, 512)]))).toBe('node "n" (Gemm): A [8, 512] and B [10, 512] disagree on K (512 vs 10)');
    expect(thrown(() => infer1('Gemm', [f32(8, 4), f32(4, 10), f32(3)]))).toBe('node "n" (Gemm): shapes [8, 10] and [3] do not broadcast');
    expect(thrown(() => infer1('Gemm', [f32(2, 8, 4), f32(4, 10)]))).toBe('node "n" (Gemm): A should be 2-D, not of shape [2, 8, 4]');
  });
});

describe('MatMul', () => {
  it('follows numpy.matmul: batch broadcasting and 1-D operands', () => {
    expect(infer1('MatMul', [f32(2, 3, 4), f32(4, 5)])).toEqual(f32(2, 3, 5));
    expect(infer1('MatMul', [f32(7, 1, 3, 4), f32(6, 4, 5)])).toEqual(f32(7, 6, 3, 5));
    expect(infer1('MatMul', [f32(4), f32(4, 5)])).toEqual(f32(5));
    expect(infer1('MatMul', [f32(2, 3, 4), f32(4)])).toEqual(f32(2, 3));
    expect(infer1('MatMul', [f32(4), f32(4)])).toEqual(f32());
    expect(infer1('MatMul', [f32(null, 128, 768), f32(768, null)])).toEqual(f32(null, 128, null));
  });

  it('rejects mismatched K and unbroadcastable batches', () => {
    expect(thrown(() => infer1('MatMul', [f32(3, 4), f32(5, 6)]))).toBe('node "n" (MatMul): shapes [3, 4] and [5, 6] disagree on K (4 vs 5)');
    expect(thrown(() => infer1('MatMul', [f32(2, 3, 4), f32(3, 4, 5)]))).toBe('node "n" (MatMul): shapes [2] and [3] do not broadcast');
  });

  it('gives MatMulInteger INT32 and QLinearMatMul the type of y_zero_point', () => {
    const u8 = ElemType.UINT8;
    expect(infer1('MatMulInteger', [t(u8, [2, 3]), t(u8, [3, 4])])).toEqual(t(ElemType.INT32, [2, 4]));
    const s = f32();
    expect(infer1('QLinearMatMul', [t(u8, [2, 3]), s, t(u8, []), t(u8, [3, 4]), s, t(u8, []), s, t(ElemType.INT8, [])])).toEqual(t(ElemType.INT8, [2, 4]));
  });
});

describe('Einsum', () => {
  const e = (equation: string, ...xs: ReturnType<typeof f32>[]) => infer1('Einsum', xs, { equation: str(equation) });

  it('handles explicit outputs', () => {
    expect(e('ij->ji', f32(3, 4))).toEqual(f32(4, 3));
    expect(e('bij,bjk->bik', f32(2, 3, 4), f32(2, 4, 5))).toEqual(f32(2, 3, 5));
    expect(e('i,j->ij', f32(3), f32(4))).toEqual(f32(3, 4));
    expect(e('ii->i', f32(5, 5))).toEqual(f32(5));
    expect(e(' b h i d , b h j d -> b h i j ', f32(2, 8, 10, 64), f32(2, 8, 12, 64))).toEqual(f32(2, 8, 10, 12));
  });

  it('takes implicit outputs as the labels seen once, in alphabetical order', () => {
    expect(e('ij,jk', f32(3, 4), f32(4, 5))).toEqual(f32(3, 5));
    expect(e('ba', f32(3, 4))).toEqual(f32(4, 3));
    expect(e('i,i', f32(7), f32(7))).toEqual(f32());
    expect(e('bij,bjk', f32(2, 3, 4), f32(2, 4, 5))).toEqual(f32(3, 5));
  });

  it('broadcasts the ellipsis dims', () => {
    expect(e('...ij,...jk->...ik', f32(2, 1, 3, 4), f32(5, 4, 6))).toEqual(f32(2, 5, 3, 6));
    expect(e('...ij,...jk', f32(2, 1, 3, 4), f32(5, 4, 6))).toEqual(f32(2, 5, 3, 6));
    expect(e('...ii->...i', f32(2, 3, 3))).toEqual(f32(2, 3));
    expect(e('i...->...', t(F, null))).toEqual(t(F, null));
  });

  it('checks label sizes and the equation', () => {
    expect(thrown(() => e('ij,jk->ik', f32(3, 4), f32(5, 6)))).toBe("node \"n\" (Einsum): label 'j' is 4 in one operand and 5 in operand 1");
    expect(thrown(() => e('ij->ik', f32(3, 4)))).toBe('node "n" (Einsum): output label \'k\' of "ij->ik" is in no operand');
    expect(thrown(() => e('ij', f32(3, 4, 5)))).toBe('node "n" (Einsum): operand 0 of shape [3, 4, 5] does not fit term "ij"');
    expect(thrown(() => e('ij,jk', f32(3, 4)))).toBe('node "n" (Einsum): equation "ij,jk" has 2 operands, the node 1');
    expect(thrown(() => e('i$', f32(3, 4)))).toBe('node "n" (Einsum): equation "i$" has the character "$"');
  });
});

describe('recurrent', () => {
  const seq = 10;
  const batch = 4;
  const input = 32;
  const h = 64;

  it('LSTM: Y [seq, dirs, batch, hidden], Y_h and Y_c [dirs, batch, hidden]', () => {
    const ys = inferOp('LSTM', [f32(seq, batch, input), f32(1, 4 * h, input), f32(1, 4 * h, h)], { hidden_size: int(h) }, { outputs: 3 });
    expect(ys).toEqual([f32(seq, 1, batch, h), f32(1, batch, h), f32(1, batch, h)]);
  });

  it('GRU bidirectional, hidden size from W', () => {
    const ys = inferOp('GRU', [f32(seq, batch, input), f32(2, 3 * h, input), f32(2, 3 * h, h)], { direction: str('bidirectional') }, { outputs: 2 });
    expect(ys).toEqual([f32(seq, 2, batch, h), f32(2, batch, h)]);
  });

  it('layout 1 (opset 14+) puts batch first', () => {
    const ys = inferOp('RNN', [f32(batch, seq, input), f32(1, h, input), f32(1, h, h)], { hidden_size: int(h), layout: int(1) }, { opset: 14, outputs: 2 });
    expect(ys).toEqual([f32(batch, seq, 1, h), f32(batch, 1, h)]);
  });

  it('leaves out outputs named "" and keeps unknown sequence lengths unknown', () => {
    const b = new GraphBuilder()
      .input('x', F, [null, batch, input])
      .input('w', F, [1, 4 * h, input])
      .input('r', F, [1, 4 * h, h])
      .node('LSTM', ['x', 'w', 'r'], ['', 'yh'], { hidden_size: int(h) });
    const res = b.run();
    expect(res.facts.get('yh')).toEqual(f32(1, batch, h));
    expect(res.facts.has('')).toBe(false);
    expect(infer1('LSTM', [f32(null, batch, input), f32(1, 4 * h, input), f32(1, 4 * h, h)])).toEqual(f32(null, 1, batch, h));
  });

  it('checks directions and gates against W', () => {
    expect(thrown(() => infer1('LSTM', [f32(seq, batch, input), f32(1, 4 * h, input), f32(1, 4 * h, h)], { direction: str('bidirectional') }))).toBe(
      'node "n" (LSTM): W has 1 directions but direction is bidirectional',
    );
    expect(thrown(() => infer1('GRU', [f32(seq, batch, input), f32(1, 3 * h, input), f32(1, 3 * h, h)], { hidden_size: int(h + 1) }))).toBe(
      `node "n" (GRU): W [1, ${3 * h}, ${input}] does not hold 3 gates of hidden size ${h + 1}`,
    );
    expect(thrown(() => infer1('RNN', [f32(seq, batch, input), f32(1, h, input)], { direction: str('sideways') }))).toBe(
      'node "n" (RNN): attribute "direction" is "sideways", not one of forward, reverse, bidirectional',
    );
  });
});
