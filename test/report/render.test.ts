import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import type { LayerGraph, LayerNode } from '../../src/graph/types.js';
import { renderCsv } from '../../src/report/csv.js';
import { foldRows } from '../../src/report/fold.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { bar, renderTable } from '../../src/report/table.js';
import { grouped, shapeText, si } from '../../src/report/units.js';

/** A hand-made two-block graph: input -> (a1 conv, a2 relu) in block A/A1 -> b dense in block B. */
function graph(): LayerGraph {
  const n = (name: string, className: string, inbound: string[], block: string[], out: number[], extra: Partial<LayerNode> = {}): LayerNode => ({
    name, className, config: {}, inputShapes: [], outputShapes: [[null, ...out]], weights: [], inbound, block, ...extra,
  });
  return {
    name: 'toy, "quoted"',
    inputs: ['in'],
    outputs: ['b'],
    nodes: [
      n('in', 'InputLayer', [], [], [4, 4, 2]),
      n('a1', 'Conv2D', ['in'], ['A', 'A1'], [4, 4, 3], {
        config: { kernelSize: [1, 1], useBias: false },
        inputShapes: [[null, 4, 4, 2]],
        weights: [{ name: 'a1/kernel', shape: [1, 1, 2, 3], dtype: 'float32', trainable: true }],
      }),
      n('a2', 'Mystery', ['a1'], ['A', 'A1'], [4, 4, 3]),
      n('b', 'Dense', ['a2'], ['B'], [5], {
        config: { units: 5, useBias: false },
        inputShapes: [[null, 48]],
        weights: [{ name: 'b/kernel', shape: [48, 5], dtype: 'float32', trainable: true }],
      }),
    ],
  };
}

describe('folding rows by block path', () => {
  const r = analyzeGraph(graph());

  it('keeps one row per layer without a depth', () => {
    expect(foldRows(r).map((x) => x.name)).toEqual(['in', 'a1', 'a2', 'b']);
  });

  it('folds to the first level, summing params and MACs', () => {
    const rows = foldRows(r, 1);
    expect(rows.map((x) => [x.name, x.layers, x.params, x.macs])).toEqual([
      ['in', 1, 0, 0],
      ['A', 2, 6, 4 * 4 * 3 * 2],
      ['B', 1, 240, 240],
    ]);
    expect(rows[1].outputShape).toEqual([null, 4, 4, 3]);
  });

  it('folds to a deeper level, leaving shorter paths as whole blocks', () => {
    expect(foldRows(r, 2).map((x) => [x.name, x.level])).toEqual([['in', 0], ['A1', 1], ['B', 0]]);
  });
});

describe('unsupported layers', () => {
  it('are listed, marked in the table, and make the totals incomplete', () => {
    const r = analyzeGraph(graph());
    expect(r.complete).toBe(false);
    expect(r.unsupported).toEqual([{ className: 'Mystery', layers: ['a2'] }]);
    expect(renderTable(r, { color: false })).toMatch(/Mystery \(unsupported\)/);
    expect(renderTable(r, { color: false })).toMatch(/Incomplete\s+no cost for Mystery x1: totals are lower bounds/);
  });
});

describe('text formats', () => {
  const r = analyzeGraph(graph());

  it('csv quotes per RFC 4180 and has one row per layer', () => {
    const csv = renderCsv(r);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('name,type,output_shape,layers,params,macs,flops,activation_bytes,rf_size,rf_stride,rf_padding');
    expect(lines).toHaveLength(5);
    // a1 is a 1x1 conv on the input: receptive field 1, stride 1, padding 0.
    expect(lines[2]).toBe('a1,Conv2D,4x4x3,1,6,96,192,192,1,1,0');
    expect(renderCsv({ ...r, layers: [{ ...r.layers[0], name: 'x,"y"' }] }).split('\n')[1]).toMatch(/^"x,""y""",/);
  });

  it('markdown escapes pipes and has a table per section', () => {
    const md = renderMarkdown({ ...r, model: { ...r.model, name: 'a|b' } });
    expect(md.startsWith('## a\\|b\n')).toBe(true);
    expect(md).toContain('| Layer | Type | Output | RF | Params | MACs | FLOPs | Activation bytes |');
    expect(md).toContain('| a1 | Conv2D | 4x4x3 | 1 | 6 | 96 | 192 | 192 |');
  });

  it('the table has no colour codes when colour is off', () => {
    expect(renderTable(r, { color: false })).not.toMatch(/\x1b\[/);
    expect(renderTable(r, { color: true })).toMatch(/\x1b\[/);
  });
});

describe('units', () => {
  it('formats counts, shapes and bars', () => {
    expect(si(3_857_973_248)).toBe('3.86G');
    expect(si(25_636_712)).toBe('25.6M');
    expect(si(999)).toBe('999');
    expect(grouped(25_636_712)).toBe('25,636,712');
    expect(shapeText([null, 7, 7, 2048])).toBe('7x7x2048');
    expect(shapeText([[null, 3], [null, 4, 5]])).toBe('3, 4x5');
    expect(bar(1, 4)).toBe('████');
    expect(bar(0.5, 4)).toBe('██');
    expect(bar(1 / 16, 4)).toBe('▎');
    expect(bar(0, 4)).toBe('');
  });
});
