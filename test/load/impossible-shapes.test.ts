/**
 * A layer whose output would have a size below 1 is refused while the model is built, in
 * one line naming the layer, its input and the output it would have. Expected sizes come
 * from the output-length formulas, written out in each case:
 *   valid:  floor((n - span) / s) + 1, span = d (k - 1) + 1  (tfjs: ceil((n - span + 1) / s))
 *   crop:   n - before - after
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import { impossibleOutput } from '../../src/analysis/geometry.js';
import { DnarchError } from '../../src/errors.js';
import { loadRunnableModel } from '../../src/engines/runnable-model.js';
import { graphFromSymbolic } from '../../src/graph/from-tfjs.js';

const work = mkdtempSync(join(tmpdir(), 'dnarch-impossible-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Layer = { class_name: string; config: Record<string, unknown>; name: string; inbound_nodes: unknown[] };

const input = (shape: (number | null)[], name = 'input_1'): Layer => ({
  class_name: 'InputLayer',
  config: { batch_input_shape: shape, dtype: 'float32', name },
  name,
  inbound_nodes: [],
});
const layer = (class_name: string, name: string, inbound: string, config: Record<string, unknown>): Layer => ({
  class_name,
  config: { name, ...config },
  name,
  inbound_nodes: [[[inbound, 0, 0, {}]]],
});
const conv = (name: string, inbound: string, k: number, extra: Record<string, unknown> = {}) =>
  layer('Conv2D', name, inbound, { filters: 16, kernel_size: [k, k], strides: [1, 1], padding: 'valid', dilation_rate: [1, 1], ...extra });

let n = 0;
/** A Keras to_json functional model of these layers, written to a file. */
function functional(layers: Layer[], output = layers[layers.length - 1].name): string {
  const file = join(work, `model${++n}.json`);
  const model = { class_name: 'Functional', config: { name: `m${n}`, layers, input_layers: [[layers[0].name, 0, 0]], output_layers: [[output, 0, 0]] } };
  writeFileSync(file, JSON.stringify(model));
  return file;
}

async function refusal(file: string): Promise<string> {
  const e = await analyze(file).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DnarchError);
  expect((e as DnarchError).code).toBe('BAD_INPUT');
  const message = (e as DnarchError).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('output sizes below 1 are refused, naming the layer and the shapes', () => {
  it('a 64x64 valid kernel on a 32x32 input: floor((32 - 64) / 1) + 1 = -31', async () => {
    const out = Math.floor((32 - 64) / 1) + 1;
    expect(out).toBe(-31);
    const message = await refusal('fixtures/shapes/impossible-conv.json');
    expect(message).toBe(
      `fixtures/shapes/impossible-conv.json: layer "conv2d" (Conv2D): a 64x64 kernel does not fit its 32x32 input (valid padding): output would be ${out}x${out}`,
    );
  });

  it('at stride 2 the size is ceil((32 - 64 + 1) / 2) = -15', async () => {
    const out = Math.ceil((32 - 64 + 1) / 2);
    const message = await refusal(functional([input([null, 32, 32, 3]), conv('strided', 'input_1', 64, { strides: [2, 2] })]));
    expect(message).toContain(`layer "strided" (Conv2D): a 64x64 kernel does not fit its 32x32 input (valid padding): output would be ${out}x${out}`);
  });

  it('a dilated kernel: 3x3 at dilation 20 spans 20 * (3 - 1) + 1 = 41 > 32, size 32 - 41 + 1 = -8', async () => {
    const span = 20 * (3 - 1) + 1;
    const out = 32 - span + 1;
    const message = await refusal(functional([input([null, 32, 32, 3]), conv('dilated', 'input_1', 3, { dilation_rate: [20, 20] })]));
    expect(message).toContain(`a 3x3 kernel (dilated 20x20: it spans ${span}x${span}) does not fit its 32x32 input (valid padding): output would be ${out}x${out}`);
  });

  it('a size of 0 is refused too: a 64x64 pool on 32x32, stride 64: floor((32 - 64) / 64) + 1 = 0', async () => {
    const out = Math.floor((32 - 64) / 64) + 1;
    expect(out).toBe(0);
    const pool = layer('MaxPooling2D', 'pool', 'input_1', { pool_size: [64, 64], padding: 'valid' });
    const message = await refusal(functional([input([null, 32, 32, 3]), pool]));
    expect(message).toContain(`layer "pool" (MaxPooling2D): a 64x64 pool window does not fit its 32x32 input (valid padding): output would be ${out}x${out}`);
  });

  it('one axis only: a 3x40 kernel on 32x32 gives (32 - 3 + 1) x (32 - 40 + 1) = 30x-7', async () => {
    const message = await refusal(functional([input([null, 32, 32, 3]), layer('Conv2D', 'tall', 'input_1', { filters: 4, kernel_size: [3, 40], padding: 'valid' })]));
    expect(message).toContain(`a 3x40 kernel does not fit its 32x32 input (valid padding): output would be ${32 - 3 + 1}x${32 - 40 + 1}`);
  });

  it('cropping more than the input: 32 - 20 - 20 = -8 rows', async () => {
    const crop = layer('Cropping2D', 'crop', 'input_1', { cropping: [[20, 20], [0, 0]] });
    const message = await refusal(functional([input([null, 32, 32, 3]), crop]));
    expect(message).toContain(`layer "crop" (Cropping2D): cropping [[20,20],[0,0]] leaves nothing of its 32x32 input: output would be ${32 - 20 - 20}x32`);
  });

  it('a Reshape whose target cannot hold its input: 10 elements to 3x4 = 12, or to (-1, 7) with 10 mod 7 = 3', async () => {
    const to = (target: number[]) => functional([input([null, 10]), layer('Reshape', 'r', 'input_1', { target_shape: target })]);
    expect(await refusal(to([3, 4]))).toContain(`layer "r" (Reshape): cannot reshape 10 (10 values) to [3, 4] (${3 * 4} values)`);
    expect(10 % 7).not.toBe(0);
    expect(await refusal(to([-1, 7]))).toContain('layer "r" (Reshape): cannot reshape 10 (10 values) to [-1, 7]: 10 is not a multiple of 7');
    // 10 = 5 x 2: a reshape that fits is no refusal
    expect((await analyze(to([5, 2]))).layers[1].outputShape).toEqual([null, 5, 2]);
  });

  it('the first impossible layer is named, not a later one that fails because of it', async () => {
    const flat = layer('Flatten', 'flat', 'conv_a', {});
    const dense = layer('Dense', 'dense', 'flat', { units: 10 });
    const message = await refusal(functional([input([null, 8, 8, 3]), conv('conv_a', 'input_1', 9), flat, dense]));
    expect(message).toContain(`layer "conv_a" (Conv2D): a 9x9 kernel does not fit its 8x8 input (valid padding): output would be ${8 - 9 + 1}x${8 - 9 + 1}`);
  });

  it('a graph of layers applied in tfjs (the zoo path, a nested model re-called) is checked as it is walked', () => {
    const x = tfl.input({ shape: [32, 32, 3], name: 'x' });
    const y = tfl.layers.conv2d({ filters: 16, kernelSize: 64, padding: 'valid', name: 'big' }).apply(x) as tfl.SymbolicTensor;
    const out = Math.floor((32 - 64) / 1) + 1;
    expect(y.shape).toEqual([null, out, out, 16]); // tfjs computes it without a word
    expect(() => graphFromSymbolic([x], [y], 'g')).toThrow(
      new DnarchError('BAD_INPUT', `layer "big" (Conv2D): a 64x64 kernel does not fit its 32x32 input (valid padding): output would be ${out}x${out}`),
    );
  });

  it('the same refusal stops bench and export before any weight is seeded', async () => {
    const e = await loadRunnableModel('fixtures/shapes/impossible-conv.json').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(DnarchError);
    expect((e as Error).message).toContain('a 64x64 kernel does not fit its 32x32 input');
  });

  it('a possible size (1 and more) is no refusal: a 32x32 kernel on 32x32 gives 32 - 32 + 1 = 1', async () => {
    const report = await analyze(functional([input([null, 32, 32, 3]), conv('fits', 'input_1', 32)]));
    expect(report.layers[1].outputShape).toEqual([null, 1, 1, 16]);
    // MACs: 1 x 1 outputs x 16 filters x (32 x 32 x 3) window
    expect(report.layers[1].macs).toBe(1 * 1 * 16 * 32 * 32 * 3);
  });

  it('impossibleOutput says nothing for sizes of 1 or more, or unknown sizes', () => {
    const node = { name: 'c', className: 'Conv2D', config: { kernelSize: [3, 3] }, inputShapes: [[null, null, null, 3]], outputShapes: [[null, null, null, 8]] };
    expect(impossibleOutput(node)).toBeUndefined();
    expect(impossibleOutput({ ...node, outputShapes: [[null, 1, 1, 8]] })).toBeUndefined();
  });
});
