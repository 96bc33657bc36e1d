/**
 * Files with open input dimensions: --input-size / --input-shape size them; without them the
 * layers on open shapes have unknown (not unsupported) costs, the totals are lower bounds and
 * a note names the flag. Expected values from the layer formulas, written out:
 *   Conv2D 'same' stride s: out = ceil(n / s); 'valid' stride 1: out = n - k + 1
 *   MACs of a conv: outH * outW * filters * (kH * kW * inChannels); Dense: in * units
 *
 * fixtures/models/open-size.json: input [null, null, null, 3] -> conv1 (3x3, 8, same, stride 2)
 * -> conv2 (3x3, 16, valid) -> GlobalAveragePooling2D -> Dense 10.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import { DnarchError } from '../../src/errors.js';
import { loadRunnableModel } from '../../src/engines/runnable-model.js';

const OPEN = 'fixtures/models/open-size.json';
const DENSE_MACS = 16 * 10;

/** The closed-form MACs of open-size.json at an HxW input. */
function expected(h: number, w: number) {
  const h1 = Math.ceil(h / 2);
  const w1 = Math.ceil(w / 2);
  const h2 = h1 - 3 + 1;
  const w2 = w1 - 3 + 1;
  const conv1 = h1 * w1 * 8 * (3 * 3 * 3);
  const conv2 = h2 * w2 * 16 * (3 * 3 * 8);
  return { conv1Shape: [null, h1, w1, 8], conv2Shape: [null, h2, w2, 16], conv1, conv2, total: conv1 + conv2 + DENSE_MACS };
}

async function refusal(p: Promise<unknown>): Promise<DnarchError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DnarchError);
  expect((e as DnarchError).message).not.toContain('\n');
  return e as DnarchError;
}

describe('a layers file with an open input size', () => {
  it('without a size: the conv layers and the pooling have unknown costs, not unsupported; the totals are lower bounds; a note names --input-size', async () => {
    const r = await analyze(OPEN);
    expect(r.unsupported).toEqual([]);
    expect(r.unknownCost).toEqual(['conv1', 'conv2', 'gap']);
    expect(r.complete).toBe(false);
    expect(r.layers.find((l) => l.name === 'conv1')).toMatchObject({ supported: true, unknownCost: true, outputShape: [null, null, null, 8] });
    // Only the Dense layer after global pooling has a known cost
    expect(r.totals.macs).toBe(DENSE_MACS);
    expect(r.notes?.join('\n')).toContain('input "image" leaves its height and width open [?, ?, ?, 3]: give --input-size');
    expect(r.notes?.join('\n')).toContain('--input-shape 224x224x3');
  });

  it('--input-size 64: conv1 ceil(64 / 2) = 32, conv2 32 - 3 + 1 = 30, every cost known', async () => {
    const e = expected(64, 64);
    const r = await analyze(OPEN, { inputSize: [64, 64] });
    expect(r.complete).toBe(true);
    expect(r.unknownCost).toBeUndefined();
    expect(r.model.inputShapes).toEqual([[null, 64, 64, 3]]);
    expect(r.layers.find((l) => l.name === 'conv1')).toMatchObject({ outputShape: e.conv1Shape, macs: e.conv1 });
    expect(r.layers.find((l) => l.name === 'conv2')).toMatchObject({ outputShape: e.conv2Shape, macs: e.conv2 });
    expect(r.totals.macs).toBe(e.total);
    expect(r.notes ?? []).toEqual([]);
  });

  it('--input-size HxW is height then width: 48x80', async () => {
    const e = expected(48, 80);
    const r = await analyze(OPEN, { inputSize: [48, 80] });
    expect(r.layers.find((l) => l.name === 'conv2')?.outputShape).toEqual(e.conv2Shape);
    expect(r.totals.macs).toBe(e.total);
  });

  it('--input-shape gives the same, without the batch, with or without the input name', async () => {
    const e = expected(40, 40);
    for (const arg of [{ dims: [40, 40, 3] }, { name: 'image', dims: [40, 40, 3] }]) {
      const r = await analyze(OPEN, {}, { inputShapes: [arg] });
      expect(r.totals.macs).toBe(e.total);
    }
  });

  it('a size that contradicts the file, or does not fit it, is one line naming the problem', async () => {
    expect((await refusal(analyze(OPEN, {}, { inputShapes: [{ dims: [64, 64, 4] }] }))).message).toContain('dimension 3 of input "image" is fixed at 3');
    expect((await refusal(analyze(OPEN, {}, { inputShapes: [{ dims: [1, 64, 64, 3] }] }))).message).toContain('give it without the batch dimension');
    expect((await refusal(analyze(OPEN, {}, { inputShapes: [{ name: 'nope', dims: [64, 64, 3] }] }))).message).toContain('has no input of that name (inputs: "image" [?, ?, ?, 3])');
    // keras2-sequential.json fixes its input at 28x28x1
    const fixed = await refusal(analyze('fixtures/models/keras2-sequential.json', { inputSize: [32, 32] }));
    expect(fixed.code).toBe('BAD_OPTION');
    expect(fixed.message).toBe('--input-size 32x32: input "conv2d_input" of fixtures/models/keras2-sequential.json has a fixed height of 28 ([?, 28, 28, 1])');
    // the same size as the file's is no contradiction
    expect((await analyze('fixtures/models/keras2-sequential.json', { inputSize: [28, 28] })).complete).toBe(true);
    // the other zoo options still do not apply to a file
    expect((await refusal(analyze(OPEN, { inputSize: [64, 64], classes: 3 }))).message).toContain('--classes, --no-top, --pooling and --alpha apply to zoo models');
  });

  it('several inputs: --input-shape needs a name; --input-size sizes the image inputs only', async () => {
    const MULTI = 'fixtures/models/multi-io.json';
    expect((await refusal(analyze(MULTI, {}, { inputShapes: [{ dims: [16, 16, 3] }] }))).message).toContain('has 2 inputs ("image" [?, 16, 16, 3], "features" [?, 8]): write --input-shape NAME=16x16x3');
    expect((await analyze(MULTI, { inputSize: [16, 16] })).complete).toBe(true);
    expect((await refusal(analyze(MULTI, { inputSize: [20, 20] }))).message).toContain('has a fixed height of 16');
  });

  it('bench and export build the model at the size given; without one, bench cannot make an input and says which flag to give', async () => {
    const rm = await loadRunnableModel(OPEN, { model: { inputSize: [64, 64] } });
    try {
      expect(rm.model.inputs[0].shape).toEqual([null, 64, 64, 3]);
    } finally {
      rm.dispose();
    }
    const shaped = await loadRunnableModel(OPEN, { inputShapes: [{ dims: [24, 24, 3] }] });
    try {
      expect(shaped.model.outputs[0].shape).toEqual([null, 10]);
      expect(shaped.model.getLayer('conv2').outputShape).toEqual(expected(24, 24).conv2Shape);
    } finally {
      shaped.dispose();
    }
  });
});

describe('an ONNX file with open height and width', () => {
  // fixtures/onnx/open-size.onnx: image [batch, 3, height, width] -> Conv 3x3 (4 filters, no pads)
  it('--input-size HxW sizes them (NCHW): out (20 - 3 + 1) x (30 - 3 + 1), MACs 18 * 28 * 4 * (3 * 3 * 3)', async () => {
    const r = await analyze('fixtures/onnx/open-size.onnx', { inputSize: [20, 30] });
    const conv = r.layers.find((l) => l.name === 'conv');
    expect(conv?.outputShape).toEqual([1, 4, 20 - 3 + 1, 30 - 3 + 1]);
    expect(conv?.macs).toBe(18 * 28 * 4 * 27);
    expect(r.complete).toBe(true);
  });

  it('without it the note offers --input-size beside --input-shape; a fixed size it contradicts is refused', async () => {
    const r = await analyze('fixtures/onnx/open-size.onnx');
    expect(r.unknownCost).toContain('conv');
    expect(r.unsupported).toEqual([]);
    expect(r.notes?.join('\n')).toContain('give --input-shape image=1x3x<height>x<width> (or --input-size, e.g. --input-size 224)');
    const e = await refusal(analyze('fixtures/onnx/tiny-cnn.onnx', { inputSize: [64, 64] }));
    expect(e.message).toBe('--input-size 64x64: input "input" has a fixed height of 32 in fixtures/onnx/tiny-cnn.onnx: [N, 3, 32, 32]');
  });
});
