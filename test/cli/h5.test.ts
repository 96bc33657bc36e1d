/**
 * Keras .h5 files and --weights from the command line: what a person sees (exit codes,
 * one-line errors), and that bench and export run with the file's weights (the values
 * export writes are the ones scripts/make-h5-fixtures.py wrote, fixtures/h5/expected.json).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, expectUsageError, ok, okJson, ROOT, TIMEOUT } from './run.js';

const FIX = 'fixtures/h5';
const EXPECTED = JSON.parse(readFileSync(join(ROOT, FIX, 'expected.json'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'dnarch-h5-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('Keras .h5 on the command line', () => {
  it('summarize: a Keras 1 full model, its keras_version in the report', () => {
    const r = okJson(['summarize', `${FIX}/keras1-functional.h5`]);
    expect(r.model.format).toEqual({ name: 'hdf5', details: { keras_version: '1.2.1' } });
    // Conv2D 1->2 3x3... 3*2*1*2 + 2 = 14; LSTM(2) on 3 features: 4 * (2 * (3 + 2) + 2) = 48; Dense 32 -> 1: 33.
    expect(r.totals.params.total).toBe(14 + 48 + 33);
    expect(r.layers.map((l: { className: string }) => l.className)).toEqual(expect.arrayContaining(['Conv2D', 'LSTM', 'Concatenate', 'Dense']));
  }, TIMEOUT);

  it('a weights-only file: one line, exit 2, saying how to go on', () => {
    expectUsageError(dnarch(['summarize', `${FIX}/small.weights.h5`]), [/holds weights only/, `--weights ${FIX}/small.weights.h5`]);
  }, TIMEOUT);

  it('--weights: checked against the topology on every analysing command', () => {
    expect(ok(['summarize', `${FIX}/small.arch.json`, '--weights', `${FIX}/small.weights.h5`])).toMatch(/weights: fixtures\/h5\/small\.weights\.h5 \(its layer names and weight shapes match/);
    ok(['savings', `${FIX}/small.arch.json`, '--weights', `${FIX}/small.weights.h5`]);
    ok(['report', `${FIX}/small.arch.json`, '--weights', `${FIX}/small.weights.h5`]);
  }, 3 * TIMEOUT);

  it('--weights that do not fit, or are no HDF5 file, or go to a zoo model: one line, exit 2', () => {
    expectUsageError(dnarch(['summarize', `${FIX}/small.arch.json`, '--weights', `${FIX}/small-wrong-shape.weights.h5`]), [/layer "fc" \(Dense\): weight 0 is \[144, 3\] in the model, \[100, 3\]/]);
    expectUsageError(dnarch(['summarize', `${FIX}/small.arch.json`, '--weights', `${FIX}/small.arch.json`]), [/is not an HDF5 file/]);
    expectUsageError(dnarch(['summarize', 'alexnet', '--weights', `${FIX}/small.weights.h5`]), [/alexnet is a zoo model/]);
    expectUsageError(dnarch(['bench', `${FIX}/small.arch.json`, '--weights', `${FIX}/small-wrong-shape.weights.h5`, '--engine', 'cpu', '--runs', '1']), [/layer "fc"/]);
  }, 4 * TIMEOUT);

  it('bench runs with the weights of --weights', () => {
    const r = okJson(['bench', `${FIX}/small.arch.json`, '--weights', `${FIX}/small.weights.h5`, '--engine', 'cpu', '--runs', '1', '--warmup', '0']);
    expect(JSON.stringify(r)).toContain('"weights":"file"');
  }, TIMEOUT);

  it('export --tfjs writes the weights of --weights', () => {
    const out = join(tmp, 'small-tfjs');
    ok(['export', `${FIX}/small.arch.json`, '--weights', `${FIX}/small.weights.h5`, '--tfjs', out, '--onnx', join(tmp, 'small.onnx')]);
    const manifest = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).weightsManifest[0];
    const bin = readFileSync(join(out, manifest.paths[0]));
    const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
    let at = 0;
    const byName = new Map<string, number[]>();
    for (const w of manifest.weights as { name: string; shape: number[] }[]) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      byName.set(w.name, Array.from(floats.subarray(at, at + n)));
      at += n;
    }
    const kernel = [...byName.entries()].find(([name]) => /conv.*kernel/.test(name))![1];
    expect(kernel).toEqual(EXPECTED.small.conv[0].map((v: number) => expect.closeTo(v, 6)));
  }, TIMEOUT);

  it("names that are Object.prototype's (constructor, __proto__, toString, ...) as classes, layers, attributes: never exit 3", () => {
    const r = okJson(['summarize', `${FIX}/proto-classes.h5`]);
    expect(r.unsupported.map((u: { className: string }) => u.className)).toEqual(expect.arrayContaining(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'Merge']));
    expectUsageError(dnarch(['bench', `${FIX}/proto-classes.h5`, '--engine', 'cpu', '--runs', '1']), [/cannot run/]);
    expectUsageError(dnarch(['summarize', `${FIX}/small.arch.json`, '--weights', `${FIX}/proto-layers.weights.h5`]), [/do not fit/]);
    ok(['summarize', `${FIX}/small.arch.json`, '--weights', `${FIX}/proto-weights.weights.h5`]);
  }, 4 * TIMEOUT);

  it('a truncated .h5: analysis reads its attributes only; what needs the cut part is one line, exit 2', () => {
    const oneLineOrOk = (args: string[]) => {
      const r = dnarch(args);
      if (r.status !== 0) expectUsageError(r);
      return r.status;
    };
    const bytes = readFileSync(join(ROOT, FIX, 'keras1-functional.h5'));
    const head = join(tmp, 'cut-head.h5');
    writeFileSync(head, bytes.subarray(0, 600));
    expectUsageError(dnarch(['summarize', head]), [/cannot read this HDF5 file/]);
    const half = join(tmp, 'cut-half.h5');
    writeFileSync(half, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect([0, 2]).toContain(oneLineOrOk(['summarize', half]));
    expectUsageError(dnarch(['bench', half, '--engine', 'cpu', '--runs', '1']));
    const weights = readFileSync(join(ROOT, FIX, 'small.weights.h5'));
    const cut = join(tmp, 'cut.weights.h5');
    writeFileSync(cut, weights.subarray(0, Math.floor(weights.length / 2)));
    expect([0, 2]).toContain(oneLineOrOk(['summarize', `${FIX}/small.arch.json`, '--weights', cut]));
    expectUsageError(dnarch(['export', `${FIX}/small.arch.json`, '--weights', cut, '--tfjs', join(tmp, 'never')]));
    expect(existsSync(join(tmp, 'never')), 'nothing written half-way').toBe(false);
  }, 5 * TIMEOUT);
});
