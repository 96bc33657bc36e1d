/**
 * One unit family for sizes in every report: binary (IEC), powers of 1024. Expected
 * strings are worked out by hand from the definitions (1 KiB = 1024 B, 1 MiB = 2^20 B).
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import type { LayerGraph, LayerNode } from '../../src/graph/types.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTable } from '../../src/report/table.js';
import { bytes } from '../../src/report/units.js';

describe('bytes(): B, KiB, MiB, GiB', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [20992, '20.5 KiB'], // 20.5 x 1024
    [2 ** 20 - 1, '1.00 MiB'], // 1023.999 KiB rounds to 1024.0: shown as the next unit
    [102546848, '97.80 MiB'], // ResNet50's float32 weights: 102546848 / 2^20 = 97.796
    [1.5 * 2 ** 30, '1.50 GiB'],
    [-32768, '-32.0 KiB'],
  ])('%d -> %s', (b, text) => {
    expect(bytes(b)).toBe(text);
  });
});

/** in -> conv (known cost) -> Mystery (no cost handler): an incomplete report. */
function incomplete(): LayerGraph {
  const n = (name: string, className: string, inbound: string[], out: number[], extra: Partial<LayerNode> = {}): LayerNode => ({
    name, className, config: {}, inputShapes: [], outputShapes: [[null, ...out]], weights: [], inbound, block: [], ...extra,
  });
  return {
    name: 'partial',
    inputs: ['in'],
    outputs: ['m'],
    nodes: [
      n('in', 'InputLayer', [], [16, 16, 8]),
      n('c', 'Conv2D', ['in'], [16, 16, 8], {
        config: { kernelSize: [1, 1], useBias: false },
        inputShapes: [[null, 16, 16, 8]],
        weights: [{ name: 'c/kernel', shape: [1, 1, 8, 8], dtype: 'float32', trainable: true }],
      }),
      n('m', 'Mystery', ['c'], [16, 16, 8]),
    ],
  };
}

describe('summarize totals', () => {
  const r = analyzeGraph(incomplete());
  const table = renderTable(r, { color: false });

  it('sizes in IEC units: 64 float32 weights = 256 B, each 16x16x8 float32 output = 8.0 KiB', () => {
    expect(table).toMatch(/Weights\s+256 B float32/);
    // Three outputs of 16 * 16 * 8 * 4 = 8192 B each: 24.0 KiB in all.
    expect(table).toMatch(/Activations\s+24\.0 KiB in all, peak /);
  });

  it('incomplete MACs and FLOPs carry ≥, in the table and in Markdown, as check prints them', () => {
    // conv: 16 * 16 * 8 * 8 = 16,384 MACs, a lower bound of the model's.
    expect(table).toMatch(/MACs\s+≥ 16,384 \(16\.4k\)/);
    expect(table).toMatch(/FLOPs\s+≥ /);
    expect(renderMarkdown(r)).toContain('| MACs | ≥ 16,384 (16.4k) |');
  });

  it('a complete report has no ≥', () => {
    const g = incomplete();
    g.nodes = g.nodes.slice(0, 2);
    g.outputs = ['c'];
    const complete = analyzeGraph(g);
    expect(complete.complete).toBe(true);
    expect(renderTable(complete, { color: false })).not.toContain('≥');
  });
});
