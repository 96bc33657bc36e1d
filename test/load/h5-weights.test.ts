/**
 * Keras .h5 weights set on a model as Keras' loader sets them: the expected values are
 * what scripts/make-h5-fixtures.py computed with numpy from the arrays it wrote, by Keras
 * 2.2.4's own conversions (a Keras 1 'th' kernel transposed, Keras 1's 12 LSTM arrays
 * joined, CuDNNLSTM's kernels re-laid and its two biases summed), in fixtures/h5/expected.json.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { DnarchError } from '../../src/errors.js';
import { analyzeOpened } from '../../src/api.js';
import { openModelFile } from '../../src/load/formats.js';
import { checkH5Weights, setH5Weights } from '../../src/load/keras/h5/weights.js';
import { loadModelFile } from '../../src/load/tfjs/model-file.js';

const FIX = fileURLToPath(new URL('../../fixtures/h5/', import.meta.url));
const EXPECTED = JSON.parse(readFileSync(`${FIX}expected.json`, 'utf8')) as Record<string, Record<string, number[][]>>;

async function loaded(topology: string, weights: string) {
  const model = await loadModelFile(`${FIX}${topology}`);
  await setH5Weights(model, `${FIX}${weights}`);
  return model;
}

function expectLayer(model: Awaited<ReturnType<typeof loaded>>, layer: string, want: number[][]): void {
  const weights = model.getLayer(layer).weights;
  expect(weights).toHaveLength(want.length);
  weights.forEach((w, i) => {
    const got = Array.from(w.read().dataSync());
    expect(got, `${layer} weight ${i}`).toEqual(want[i].map((v) => expect.closeTo(v, 6)));
  });
}

const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

describe('Keras .h5 weights', () => {
  beforeAll(() => ensureAnalysisBackend());

  it('sets a save_weights file on the to_json() topology it goes with', async () => {
    const model = await loaded('small.arch.json', 'small.weights.h5');
    try {
      for (const [layer, want] of Object.entries(EXPECTED.small)) expectLayer(model, layer, want);
    } finally {
      model.dispose();
    }
  });

  it('reads layer_names and weight_names split as layer_names0, layer_names1, ... (attributes past 64 KiB)', async () => {
    const model = await loaded('small.arch.json', 'small-split.weights.h5');
    try {
      for (const [layer, want] of Object.entries(EXPECTED.small)) expectLayer(model, layer, want);
    } finally {
      model.dispose();
    }
  });

  it("converts a Keras 1 model's weights as Keras 2 loads them ('th' kernel, 12 LSTM arrays)", async () => {
    const model = await loaded('keras1-functional.h5', 'keras1-functional.h5');
    try {
      expect(model.getLayer('convolution2d_1').weights[0].shape).toEqual([3, 2, 1, 2]);
      expect(model.getLayer('lstm_1').weights.map((w) => w.shape)).toEqual([[3, 8], [2, 8], [8]]);
      for (const [layer, want] of Object.entries(EXPECTED['keras1-functional'])) expectLayer(model, layer, want);
    } finally {
      model.dispose();
    }
  });

  it("converts CuDNNLSTM weights (two biases) for an LSTM as Keras' _convert_rnn_weights does", async () => {
    const model = await loaded('lstm.arch.json', 'cudnn-lstm.weights.h5');
    try {
      expectLayer(model, 'lstm', EXPECTED['cudnn-lstm'].lstm);
    } finally {
      model.dispose();
    }
  });

  it('finds datasets whose names are Object.prototype properties (constructor, toString, hasOwnProperty, valueOf)', async () => {
    const model = await loaded('small.arch.json', 'proto-weights.weights.h5');
    try {
      for (const [layer, want] of Object.entries(EXPECTED.small)) expectLayer(model, layer, want);
    } finally {
      model.dispose();
    }
  });

  it('refuses a shape that does not fit, naming the layer, before reading any weight', async () => {
    const model = await loadModelFile(`${FIX}small.arch.json`);
    try {
      const before = Array.from(model.getLayer('conv').weights[0].read().dataSync());
      // Each attempt started only when awaited: a second one rejecting meanwhile would be unhandled.
      const attempts = [() => checkH5Weights(model, `${FIX}small-wrong-shape.weights.h5`, 'small.arch.json'), () => setH5Weights(model, `${FIX}small-wrong-shape.weights.h5`)];
      for (const attempt of attempts) {
        const err = await failure(attempt());
        expect(err).toBeInstanceOf(DnarchError);
        expect((err as Error).message).toMatch(/layer "fc" \(Dense\): weight 0 is \[144, 3\] in the model, \[100, 3\] in the file/);
      }
      // Nothing written half-way: conv's weights, which fit, were not set either.
      expect(Array.from(model.getLayer('conv').weights[0].read().dataSync())).toEqual(before);
    } finally {
      model.dispose();
    }
  });

  it('refuses weights saved for other layers, naming them', async () => {
    const model = await loadModelFile(`${FIX}small.arch.json`);
    try {
      const err = await failure(checkH5Weights(model, `${FIX}cudnn-lstm.weights.h5`, 'small.arch.json'));
      expect(err).toBeInstanceOf(DnarchError);
      expect((err as Error).message).toMatch(/the model has 2 layers with weights \("conv", "fc"\), the file 1 \("lstm"\)/);
    } finally {
      model.dispose();
    }
  });

  // Dense 4->3: 15; BatchNormalization(3): gamma, beta trainable (6), moving mean and variance not (6); Dense 3->2: 8; head 2->1: 3.
  it('a nested model frozen through its layer flags counts them non-trainable', async () => {
    const { report } = analyzeOpened(await openModelFile(`${FIX}nested-frozen-layer.h5`), 'nested-frozen-layer.h5');
    expect(report.totals.params).toEqual({ total: 15 + 12 + 8 + 3, trainable: 6 + 8 + 3, nonTrainable: 15 + 6 });
  });

  it('a nested model frozen as a whole (Keras 3 writes its trainable) has no trainable weight', async () => {
    const { report } = analyzeOpened(await openModelFile(`${FIX}nested-frozen-model.h5`), 'nested-frozen-model.h5');
    expect(report.totals.params).toEqual({ total: 15 + 12 + 8 + 3, trainable: 3, nonTrainable: 15 + 12 + 8 });
  });
});
