/**
 * Round trip over the whole zoo: every model exported to ONNX by dnarch's exporter, then read
 * back as an ONNX file, gives the zoo report's parameters (total, trainable, non-trainable),
 * MACs, final receptive field, bottleneck sites and misaligned merges, exactly. The zoo
 * reports themselves are held to keras.io's figures by test/zoo/parity.test.ts; ResNet50's
 * are checked here against ../shared/reference directly, through the CLI.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeOpened, analyzeWithGraph, buildModel } from '../../../src/api.js';
import type { ModelReport } from '../../../src/analysis/types.js';
import { exportOnnx } from '../../../src/engines/onnx/export.js';
import { openModelFile } from '../../../src/load/formats.js';
import { ZOO } from '../../../src/zoo/registry.js';
import { dnarch } from '../../cli/run.js';
import { kerasReference } from '../../reference.js';

const dir = mkdtempSync(join(tmpdir(), 'dnarch-roundtrip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const summary = (r: ModelReport) => ({
  params: r.totals.params,
  macs: r.totals.macs,
  receptiveField: r.totals.receptiveField,
  sites: r.savings.total.sites,
  savedMacs: r.savings.total.counterfactual.macs - r.savings.total.actual.macs,
  misaligned: r.misalignedMerges.length,
  complete: r.complete,
});

describe('zoo -> dnarch export --onnx -> dnarch summarize: the same figures', () => {
  for (const entry of ZOO) {
    it(entry.name, async () => {
      const { graph, report: zoo } = await analyzeWithGraph(entry.name);
      const built = await buildModel(entry.name);
      const file = join(dir, `${entry.name}.onnx`);
      try {
        writeFileSync(file, exportOnnx(built.model));
      } finally {
        built.dispose();
      }
      const onnx = analyzeOpened(await openModelFile(file), file).report;
      const expected = summary(zoo);
      // Keras' Normalization keeps a `count` of the samples it adapted to: a weight nothing
      // computes with, so the export has no tensor for it (EfficientNet's input layer).
      const counts = graph.nodes.flatMap((n) => n.weights.filter((w) => n.className === 'Normalization' && w.name.endsWith('count')));
      const uncounted = counts.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
      expected.params = { ...expected.params, total: expected.params.total - uncounted, nonTrainable: expected.params.nonTrainable - uncounted };
      expect(summary(onnx)).toEqual(expected);
      rmSync(file);
    });
  }
});

describe('through the CLI', () => {
  it('dnarch export resnet50 --onnx f.onnx && dnarch summarize f.onnx: keras.io figures (25,636,712; 3.86 GMACs; 483/32/241)', { timeout: 120_000 }, () => {
    const file = join(dir, 'resnet50-cli.onnx');
    expect(dnarch(['export', 'resnet50', '--onnx', file]).status).toBe(0);
    const r = dnarch(['summarize', file, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as ModelReport;
    const ref = kerasReference('resnet50');
    expect(report.totals.params).toEqual(ref.params);
    expect(report.totals.macs).toBe(3_857_973_248);
    expect(Math.abs(report.totals.macs / (ref.gmacs * 1e9) - 1)).toBeLessThan(0.005);
    const rf = report.totals.receptiveField;
    expect([rf?.size[0], rf?.stride[0], rf?.padding[0]]).toEqual([ref.receptiveField.size, ref.receptiveField.effectiveStride, ref.receptiveField.effectivePadding]);
    expect(report.model.format?.name).toBe('onnx');
    expect(readFileSync(file).subarray(0, 1)[0]).toBe(0x08); // a ModelProto starts with ir_version
  });
});
