/**
 * Config fields Keras and tfjs never read are never validated: `batch_input_shape` (and
 * Keras 3's `batch_shape`, tfjs' `input_shape`) create an input only on an InputLayer and on
 * the first layer of a Sequential. Anywhere else both ignore them, and so does dnarch: a real
 * tfjs-layers 4.10 transformer carries `batch_input_shape: [null, [null, null, null]]` on a
 * Dense deep in its graph (fixtures/models/transformer-tfjs410.json reproduces it).
 *
 * Expected figures are closed forms written here: Dense params in*u + u, MACs per position in*u.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, expectUsageError, okJson, TIMEOUT } from '../cli/run.js';

const FIXTURE = fileURLToPath(new URL('../../fixtures/models/transformer-tfjs410.json', import.meta.url));
const dense = (inputs: number, units: number): number => inputs * units + units;

interface Report {
  layers: { name: string; className: string; params: { total: number }; macs: number; supported: boolean; outputShape: (number | null)[] }[];
  totals: { params: { total: number } };
  unsupported: { className: string; layers: string[] }[];
  complete: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'dnarch-unused-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, doc: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

/** Unused input shapes as odd as the real one: a nested list, a string, a negative size. */
const UNUSED = [[null, [null, null, null]], 'x', [null, -3]];

describe('the tfjs-layers 4.10 transformer (custom layers, a Dense with batch_input_shape [null, [null, null, null]])', () => {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8'));

  it('is the shape the real file has', () => {
    expect(doc.modelTopology.keras_version).toBe('tfjs-layers 4.10.0');
    const layers = doc.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
    expect(layers.map((l) => l.class_name)).toEqual(['InputLayer', 'Dense', 'SplitHeadsAndComputeAttention', 'MultiplyLayer', 'Dense', 'GlobalAveragePooling1D', 'Dense']);
    expect(layers[0].config.batch_input_shape).toEqual([null, 16, 32]);
    expect(layers[4].config.batch_input_shape).toEqual([null, [null, null, null]]);
    // The manifest holds the three Dense layers' weights: 32x64 + 64, 64x32 + 32, 32x10 + 10.
    const elements = (doc.weightsManifest[0].weights as { shape: number[] }[]).reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(elements).toBe(dense(32, 64) + dense(64, 32) + dense(32, 10));
  });

  it('summarize: exit 0, the known layers counted, the custom ones listed unsupported', () => {
    const r = okJson<Report>(['summarize', FIXTURE]);
    const byName = new Map(r.layers.map((l) => [l.name, l]));
    expect(byName.get('dense_Dense1')?.params.total).toBe(dense(32, 64));
    expect(byName.get('dense_Dense2')?.params.total).toBe(dense(64, 32));
    expect(byName.get('dense_Dense3')?.params.total).toBe(dense(32, 10));
    // Each custom layer passes its first input's shape through: 16 positions x 64 features.
    expect(byName.get('dense_Dense2')?.macs).toBe(16 * 64 * 32);
    expect(r.totals.params.total).toBe(dense(32, 64) + dense(64, 32) + dense(32, 10));
    expect(r.unsupported.map((u) => u.className).sort()).toEqual(['MultiplyLayer', 'SplitHeadsAndComputeAttention']);
    expect(r.complete).toBe(false);
  }, TIMEOUT);
});

const sequentialOf = (...layers: Record<string, unknown>[]): unknown => ({ class_name: 'Sequential', config: { name: 'seq', layers } });
/** A Sequential Dense(4) -> Dense(3) on 5 features; `put` edits its config. */
const sequential = (put: (layers: Record<string, any>[]) => void): unknown => {
  const layers: Record<string, any>[] = [
    { class_name: 'Dense', config: { name: 'd1', units: 4, batch_input_shape: [null, 5] } },
    { class_name: 'Dense', config: { name: 'd2', units: 3 } },
  ];
  put(layers);
  return sequentialOf(...layers);
};
const SEQ_PARAMS = dense(5, 4) + dense(4, 3);
/** A functional model "fn" of `layers` from the layer `input` to the layer `output`. */
const functional = (layers: Record<string, unknown>[], input: string, output: string): unknown => ({
  class_name: 'Functional',
  config: { name: 'fn', layers, input_layers: [[input, 0, 0]], output_layers: [[output, 0, 0]] },
});

describe('input shapes where no input is created are ignored, unchecked', () => {
  it.each(UNUSED.map((v) => [JSON.stringify(v), v]))('batch_input_shape %s on the second layer of a Sequential', (_s, v) => {
    const file = write(`seq-second-${UNUSED.indexOf(v)}.json`, sequential((l) => (l[1].config.batch_input_shape = v)));
    expect(okJson<Report>(['summarize', file]).totals.params.total).toBe(SEQ_PARAMS);
  }, TIMEOUT);

  it('batch_shape and input_shape on a later layer, after an InputLayer', () => {
    const file = write('seq-input.json', sequential((l) => {
      l.unshift({ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 5] } });
      l[1].config.batch_input_shape = [null, 5];
      l[2].config.batch_shape = [null, [1, 2]];
      l[2].config.input_shape = 'x';
    }));
    expect(okJson<Report>(['summarize', file]).totals.params.total).toBe(SEQ_PARAMS);
  }, TIMEOUT);

  it('input_dim: null (Keras 1 writes it on every Dense), and a bogus input_dim where no input is created', () => {
    const file = write('input-dim.json', sequential((l) => {
      l[0].config.input_dim = null;
      l[1].config.input_dim = 0;
    }));
    expect(okJson<Report>(['summarize', file]).totals.params.total).toBe(SEQ_PARAMS);
  }, TIMEOUT);

  it('on the layer a TimeDistributed wraps', () => {
    const file = write('wrapped.json', sequentialOf(
      { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 7, 5] } },
      { class_name: 'TimeDistributed', config: { name: 'td', layer: { class_name: 'Dense', config: { name: 'inner', units: 4, batch_input_shape: [null, [null]] } } } },
    ));
    expect(okJson<Report>(['summarize', file]).totals.params.total).toBe(dense(5, 4));
  }, TIMEOUT);

  it('on a custom (opaque) layer inside a functional model', () => {
    const file = write('custom.json', functional([
      { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 5] }, inbound_nodes: [] },
      { class_name: 'MyLayer', name: 'mine', config: { name: 'mine', batch_input_shape: [null, [null, null]] }, inbound_nodes: [[['in', 0, 0, {}]]] },
      { class_name: 'Dense', name: 'd', config: { name: 'd', units: 3, batch_input_shape: 'x' }, inbound_nodes: [[['mine', 0, 0, {}]]] },
    ], 'in', 'd'));
    const r = okJson<Report>(['summarize', file]);
    expect(r.totals.params.total).toBe(dense(5, 3));
    expect(r.unsupported.map((u) => u.className)).toEqual(['MyLayer']);
  }, TIMEOUT);
});

describe('input shapes that create an input are still checked', () => {
  it('the first layer of a Sequential', () => {
    const file = write('seq-first.json', sequential((l) => (l[0].config.batch_input_shape = [null, [null, null, null]])));
    expectUsageError(dnarch(['summarize', file]), ['layers[0]', 'batch_input_shape']);
  }, TIMEOUT);

  it("an Embedding's input_dim (its vocabulary, not an input shape)", () => {
    const file = write('embedding.json', sequentialOf(
      { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 7] } },
      { class_name: 'Embedding', config: { name: 'emb', input_dim: null, output_dim: 4 } },
    ));
    expectUsageError(dnarch(['summarize', file]), ['"emb" (Embedding)', 'input_dim']);
  }, TIMEOUT);

  it('an InputLayer of a functional model', () => {
    const file = write('fn-input.json', functional([
      { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, -3] }, inbound_nodes: [] },
      { class_name: 'Dense', name: 'd', config: { name: 'd', units: 3 }, inbound_nodes: [[['in', 0, 0, {}]]] },
    ], 'in', 'd'));
    expectUsageError(dnarch(['summarize', file]), ['"in" (InputLayer)', 'batch_input_shape']);
  }, TIMEOUT);
});
