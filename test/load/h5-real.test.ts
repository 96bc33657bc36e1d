/**
 * Every Keras .h5 of ../shared/real-models/h5 (its SOURCES.tsv): full models give the
 * params and trainable params Keras itself reports (the SOURCES.tsv columns, recorded by
 * whoever collected the files, not by dnarch) and their keras_version / backend;
 * weights-only files are one line saying so and how to go on. Their weights, set on the
 * model as bench and export do, equal what h5py reads from the same datasets
 * (fixtures/h5/expected.json, written by scripts/make-h5-fixtures.py).
 * Skipped, saying so, when the directory is absent.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeOpened } from '../../src/api.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { DnarchError } from '../../src/errors.js';
import { openModelFile } from '../../src/load/formats.js';
import { setH5Weights } from '../../src/load/keras/h5/weights.js';
import { loadModelFile } from '../../src/load/tfjs/model-file.js';
import { dnarch, TIMEOUT } from '../cli/run.js';

const DIR = fileURLToPath(new URL('../../../shared/real-models/h5/', import.meta.url));
const present = existsSync(join(DIR, 'SOURCES.tsv'));
const EXPECTED = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/h5/expected.json', import.meta.url)), 'utf8'));

interface Row {
  file: string;
  kind: string;
  keras_version: string;
  backend: string;
  params: string;
  trainable_params: string;
}

function rows(): Row[] {
  const [header, ...lines] = readFileSync(join(DIR, 'SOURCES.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((v, i) => [cols[i], v])) as unknown as Row);
}

type AnyLayer = LayersModel['layers'][number];
function findLayer(layers: readonly AnyLayer[], name: string): AnyLayer | undefined {
  for (const l of layers) {
    if (l.name === name) return l;
    const inner = (l as unknown as { layers?: AnyLayer[] }).layers;
    const found = inner && findLayer(inner, name);
    if (found) return found;
  }
  return undefined;
}

describe.skipIf(!present)(`real Keras .h5 files${present ? '' : ' (skipped: ../shared/real-models/h5 is absent)'}`, () => {
  beforeAll(() => ensureAnalysisBackend());
  const all = present ? rows() : [];

  it('lists the six full models and two weights-only files the task names', () => {
    expect(all.filter((r) => r.kind === 'full-model')).toHaveLength(6);
    expect(all.filter((r) => r.kind === 'weights-only')).toHaveLength(2);
  });

  for (const row of all.filter((r) => r.kind === 'full-model')) {
    it(`${row.file}: params and trainable params are Keras' (${row.params} / ${row.trainable_params})`, async () => {
      const { report } = analyzeOpened(await openModelFile(join(DIR, row.file)), row.file);
      expect(report.totals.params.total).toBe(Number(row.params));
      expect(report.totals.params.trainable).toBe(Number(row.trainable_params));
      expect(report.totals.params.nonTrainable).toBe(Number(row.params) - Number(row.trainable_params));
      expect(report.model.format?.name).toBe('hdf5');
      expect(report.model.format?.details.keras_version).toBe(row.keras_version);
      if (row.backend !== '-') expect(report.model.format?.details.backend).toBe(row.backend);
      else expect(report.model.format?.details.backend).toBeUndefined();
    }, 60_000);
  }

  for (const row of all.filter((r) => r.kind === 'weights-only')) {
    it(`${row.file}: one line saying it holds weights only, and how to go on`, async () => {
      const err = await openModelFile(join(DIR, row.file)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DnarchError);
      expect((err as DnarchError).code).toBe('BAD_INPUT');
      expect((err as Error).message).toMatch(/holds weights only/);
      expect((err as Error).message).toContain('--weights');
      expect((err as Error).message).not.toContain('\n');
    });
  }

  const picks = (EXPECTED.real ?? []) as { file: string; layer: string; weight: string; index: number; shape: number[]; first: number[]; sum: number; absSum: number }[];
  it('has the h5py readings of the real files (fixtures/h5/expected.json)', () => expect(picks.length).toBeGreaterThanOrEqual(8));
  for (const pick of picks) {
    it(`${pick.file}: ${pick.layer} ${pick.weight} set as h5py reads it`, async () => {
      const model = await loadModelFile(join(DIR, pick.file));
      try {
        await setH5Weights(model, join(DIR, pick.file));
        // The variable, found the test's own way: a top-level layer's weights follow its
        // weight_names; inside a nested model, the leaf layer the weight name starts with.
        const top = model.getLayer(pick.layer);
        const inner = (top as unknown as { layers?: AnyLayer[] }).layers;
        let variable;
        if (inner) {
          const [leafName, rest] = pick.weight.split('/');
          const leaf = findLayer(inner, leafName)!;
          const base = rest.replace(/:0$/, '');
          variable = leaf.weights.find((w) => new RegExp(`(^|/)${base}(_\\d+)?$`).test(w.originalName));
        } else {
          variable = top.weights[pick.index]; // Keras' rule: a layer's weights are in weight_names' order
        }
        expect(variable, `a variable for ${pick.weight}`).toBeDefined();
        expect(variable!.shape).toEqual(pick.shape);
        const data = variable!.read().dataSync();
        expect(Array.from(data.slice(0, pick.first.length))).toEqual(pick.first.map((v) => expect.closeTo(v, 6)));
        const sum = data.reduce((a, b) => a + b, 0);
        const absSum = data.reduce((a, b) => a + Math.abs(b), 0);
        expect(Math.abs(sum - pick.sum)).toBeLessThan(1e-4 * pick.absSum + 1e-6);
        expect(absSum).toBeCloseTo(pick.absSum, 2);
      } finally {
        model.dispose();
      }
    }, 60_000);
  }

  it('export --tfjs of a real .h5 writes the weights h5py reads from it (through the CLI, as bench loads them)', () => {
    const pick = picks.find((p) => p.file.startsWith('24kshah'))!;
    const out = mkdtempSync(join(tmpdir(), 'dnarch-h5-real-'));
    try {
      const r = dnarch(['export', join(DIR, pick.file), '--tfjs', join(out, 'web')]);
      expect(r.status, r.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(out, 'web', 'model.json'), 'utf8')).weightsManifest[0];
      const bin = readFileSync(join(out, 'web', manifest.paths[0]));
      const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
      let at = 0;
      let found: Float32Array | undefined;
      const wanted = `${pick.layer}/${pick.weight.split('/').pop()}`;
      for (const w of manifest.weights as { name: string; shape: number[] }[]) {
        const n = w.shape.reduce((a, b) => a * b, 1);
        if (w.name === wanted) found = floats.slice(at, at + n);
        at += n;
      }
      expect(found, `${wanted} in the exported manifest`).toBeDefined();
      expect(Array.from(found!.slice(0, pick.first.length))).toEqual(pick.first.map((v) => expect.closeTo(v, 6)));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, TIMEOUT);
});
