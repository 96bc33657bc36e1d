/**
 * compareReports on hand-made reports (every number chosen here, so every expected ratio,
 * best index and sentence is computed in this file) and on two small graphs analysed for
 * real: design.md's worked example of a 1x1 reduction before a 5x5 convolution.
 */
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { compareReports, ROWS, times, type Comparison, type ComparisonRow, type Metric } from '../../src/analysis/compare.js';
import type { ModelReport, ReceptiveField, SavingsSite, SiteKind } from '../../src/analysis/types.js';
import type { LayerGraph, LayerNode } from '../../src/graph/types.js';
import { renderCompareCsv, renderCompareMarkdown, renderCompareTable } from '../../src/report/compare.js';

// ---------------------------------------------------------------- hand-made reports

interface Spec {
  name: string;
  params: number;
  weightBytes: Record<string, number>;
  macs: number;
  flops: number;
  peak: number;
  depth: number;
  layers: number;
  input: [number, number];
  rf: ReceptiveField | null;
  sites: SiteKind[];
  macsWithout: number;
  complete?: boolean;
}

const site = (kind: SiteKind): SavingsSite => ({
  kind, layers: [], module: 'm', kernel: [3, 3], input: [8, 8, 4], output: [8, 8, 4],
  actual: { macs: 0, params: 0 }, counterfactual: { macs: 0, params: 0 }, ratio: 1,
});

function report(s: Spec): ModelReport {
  return {
    schemaVersion: 1,
    model: { name: s.name, source: 'test', inputShapes: [[null, s.input[0], s.input[1], 3]] },
    engine: { analysis: 'test', note: '' },
    conventions: {},
    layers: [],
    totals: {
      params: { total: s.params, trainable: s.params, nonTrainable: 0 },
      weightBytes: s.weightBytes,
      macs: s.macs,
      flops: s.flops,
      activations: { sumBytes: 2 * s.peak, peakBytes: s.peak, peakAt: 'x' },
      depth: s.depth,
      layers: s.layers,
      receptiveField: s.rf,
    },
    unsupported: s.complete === false ? [{ className: 'Mystery', layers: ['mystery'] }] : [],
    complete: s.complete ?? true,
    misalignedMerges: [],
    savings: {
      sites: s.sites.map(site),
      modules: [],
      total: {
        sites: s.sites.length,
        actual: { macs: 0, params: 0 },
        counterfactual: { macs: 0, params: 0 },
        modelMacs: s.macs,
        modelMacsWithout: s.macsWithout,
        modelRatio: s.macsWithout / s.macs,
      },
    },
  };
}

const A = report({
  name: 'alpha', params: 1_000_000, weightBytes: { float32: 4_000_000 }, macs: 100_000_000, flops: 210_000_000,
  peak: 2_000_000, depth: 10, layers: 20, input: [32, 32],
  rf: { size: [100, 100], stride: [8, 8], padding: [40, 40] },
  sites: ['reduction', 'factorized', 'reduction'], macsWithout: 400_000_000,
});
const B = report({
  name: 'beta', params: 950_000, weightBytes: { float32: 3_600_000, float16: 200_000 }, macs: 150_000_000, flops: 320_000_000,
  peak: 5_000_000, depth: 5, layers: 8, input: [32, 32],
  rf: { size: [50, 50], stride: [16, 16], padding: [20, 20] },
  sites: ['depthwise-separable', 'depthwise-separable', 'depthwise-separable', 'depthwise-separable'], macsWithout: 1_200_000_000,
});
const C = report({
  name: 'gamma', params: 3_000_000, weightBytes: { float32: 12_000_000 }, macs: 50_000_000, flops: 90_000_000,
  peak: 1_000_000, depth: 30, layers: 40, input: [64, 48],
  rf: null, sites: [], macsWithout: 50_000_000, complete: false,
});

const rowOf = (c: Comparison, metric: Metric): ComparisonRow => {
  const r = c.rows.find((x) => x.metric === metric);
  if (!r) throw new Error(`no row ${metric}`);
  return r;
};

describe('compareReports: rows', () => {
  const two = compareReports([A, B]);
  const three = compareReports([A, B, C]);

  it('has one row per metric, in the documented order, one value per model', () => {
    expect(three.rows.map((r) => r.metric)).toEqual([
      'params', 'weights', 'macs', 'flops', 'peakActivations', 'depth', 'layers', 'input',
      'receptiveField', 'bottleneckSites', 'macsWithoutBottlenecks', 'savedByBottlenecks',
    ]);
    for (const r of three.rows) {
      expect(r.values).toHaveLength(3);
      expect(r.ratios).toHaveLength(3);
    }
    expect(three.models.map((m) => m.label)).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('takes each value from the report', () => {
    expect(rowOf(three, 'params').values).toEqual([1_000_000, 950_000, 3_000_000]);
    // Weight bytes summed over dtypes.
    expect(rowOf(three, 'weights').values).toEqual([4_000_000, 3_800_000, 12_000_000]);
    expect(rowOf(three, 'macs').values).toEqual([100_000_000, 150_000_000, 50_000_000]);
    expect(rowOf(three, 'flops').values).toEqual([210_000_000, 320_000_000, 90_000_000]);
    expect(rowOf(three, 'peakActivations').values).toEqual([2_000_000, 5_000_000, 1_000_000]);
    expect(rowOf(three, 'depth').values).toEqual([10, 5, 30]);
    expect(rowOf(three, 'layers').values).toEqual([20, 8, 40]);
    expect(rowOf(three, 'input').values).toEqual(['32x32', '32x32', '64x48']);
    expect(rowOf(three, 'receptiveField').values).toEqual(['100/8/40', '50/16/20', null]);
    expect(rowOf(three, 'bottleneckSites').values).toEqual([3, 4, 0]);
    expect(rowOf(three, 'macsWithoutBottlenecks').values).toEqual([400_000_000, 1_200_000_000, 50_000_000]);
    expect(rowOf(three, 'savedByBottlenecks').values).toEqual([4, 8, 1]);
  });

  it('gives ratios against the first model for quantities, none for text and for ratios', () => {
    expect(rowOf(three, 'params').ratios).toEqual([1, 0.95, 3]);
    expect(rowOf(three, 'weights').ratios).toEqual([1, 0.95, 3]);
    expect(rowOf(three, 'macs').ratios).toEqual([1, 1.5, 0.5]);
    expect(rowOf(three, 'depth').ratios).toEqual([1, 0.5, 3]);
    expect(rowOf(three, 'peakActivations').ratios).toEqual([1, 2.5, 0.5]);
    for (const m of ['input', 'receptiveField', 'savedByBottlenecks'] as const) {
      expect(rowOf(three, m).ratios).toEqual([null, null, null]);
    }
  });

  it('marks the lowest value as best in the lower-is-better rows only', () => {
    const lower = ROWS.filter((r) => r.direction === 'lower').map((r) => r.metric);
    expect(lower).toEqual(['params', 'weights', 'macs', 'flops', 'peakActivations']);
    expect(rowOf(two, 'params').best).toBe(1);
    expect(rowOf(two, 'weights').best).toBe(1);
    expect(rowOf(two, 'macs').best).toBe(0);
    expect(rowOf(two, 'flops').best).toBe(0);
    expect(rowOf(two, 'peakActivations').best).toBe(0);
    expect(rowOf(three, 'params').best).toBe(1);
    expect(rowOf(three, 'peakActivations').best).toBe(2);
    for (const m of ['depth', 'layers', 'input', 'receptiveField', 'bottleneckSites', 'macsWithoutBottlenecks', 'savedByBottlenecks'] as const) {
      expect(rowOf(three, m).direction).toBeNull();
      expect(rowOf(three, m).best).toBeNull();
    }
  });

  it('does not crown a lower bound: no best MACs or FLOPs when a report is incomplete', () => {
    // gamma has the fewest MACs, but its count is a lower bound.
    expect(rowOf(three, 'macs').best).toBeNull();
    expect(rowOf(three, 'flops').best).toBeNull();
    expect(three.models.map((m) => m.complete)).toEqual([true, true, false]);
  });

  it('has no best when every model has the same value', () => {
    const same = compareReports([A, A]);
    expect(rowOf(same, 'params').best).toBeNull();
    expect(same.models.map((m) => m.label)).toEqual(['alpha', 'alpha #2']);
  });

  it('uses the labels it is given for the columns and keeps the report name', () => {
    const c = compareReports([A, B], ['a.json', 'b.json']);
    expect(c.models.map((m) => [m.label, m.name])).toEqual([['a.json', 'alpha'], ['b.json', 'beta']]);
  });

  it('counts sites by kind and carries savings.total', () => {
    expect(three.models[0].sitesByKind).toEqual({ reduction: 2, factorized: 1 });
    expect(three.models[1].sitesByKind).toEqual({ 'depthwise-separable': 4 });
    expect(three.models[1].savings).toEqual(B.savings.total);
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(three))).toEqual(three);
  });
});

describe('compareReports: reading', () => {
  const [ab, aSites, bSites, rf] = compareReports([A, B]).reading;

  it('sets size against compute, with MACs per parameter', () => {
    // 950k / 1M = 0.95 (within 10%), 150M / 100M = 1.5; 150e6 / 950e3 = 157.9, 100e6 / 1e6 = 100.
    expect(ab).toBe(
      "beta has a parameter count within 10% of alpha's (0.95x: 950k vs 1M) but needs 1.5x its MACs (150M vs 100M): 158 vs 100 MACs per parameter.",
    );
  });

  it('names the bottleneck sites by kind and what they save', () => {
    expect(aSites).toBe(
      'alpha has 3 bottleneck sites (2 reduction, 1 factorized); with one plain convolution in place of each, its MACs would go from 100M to 400M (4x).',
    );
    expect(bSites).toContain('beta has 4 bottleneck sites (all depthwise-separable)');
    expect(bSites).toContain('from 150M to 1.2G (8x)');
  });

  it('gives the receptive fields, and says when they exceed the input', () => {
    expect(rf).toBe('Receptive field at the last spatial layer (size/stride/padding in pixels): alpha 100/8/40, beta 50/16/20; both larger than the 32x32 input.');
  });

  it('with three models: each against the first, no sites, n/a fields, lower bounds', () => {
    const lines = compareReports([A, B, C]).reading;
    // 3M / 1M = 3x, 50M / 100M = 0.5x (size and compute go opposite ways); 50e6 / 3e6 = 16.7.
    expect(lines).toContain('gamma has 3x the parameters of alpha (3M vs 1M) but needs 0.5x its MACs (50M vs 100M): 17 vs 100 MACs per parameter.');
    expect(lines).toContain('gamma has no bottleneck sites.');
    const field = lines.find((l) => l.startsWith('Receptive field'));
    expect(field).toContain('gamma n/a');
    expect(field).not.toContain('larger');
    expect(lines.at(-1)).toBe('gamma has layers of unknown cost (no cost handler, or open shapes): its MACs and FLOPs are lower bounds.');
  });

  it('says "and" when size and compute go the same way', () => {
    const big = report({ ...specOf(A), name: 'big', params: 2_000_000, macs: 300_000_000 });
    expect(compareReports([A, big]).reading[0]).toBe(
      'big has 2x the parameters of alpha (2M vs 1M) and needs 3x its MACs (300M vs 100M): 150 vs 100 MACs per parameter.',
    );
  });
});

function specOf(r: ModelReport): Spec {
  return {
    name: r.model.name, params: r.totals.params.total, weightBytes: r.totals.weightBytes, macs: r.totals.macs,
    flops: r.totals.flops, peak: r.totals.activations.peakBytes, depth: r.totals.depth, layers: r.totals.layers,
    input: [32, 32], rf: r.totals.receptiveField, sites: r.savings.sites.map((s) => s.kind), macsWithout: r.savings.total.modelMacsWithout,
  };
}

describe('times', () => {
  it('rounds ratios for reading, never to 0x', () => {
    expect(times(0.9604)).toBe('0.96x');
    expect(times(1)).toBe('1x');
    expect(times(8.6)).toBe('8.6x');
    expect(times(12.345)).toBe('12.3x');
    expect(times(0.0123)).toBe('0.012x');
    expect(times(0)).toBe('0x');
  });
});

// ---------------------------------------------------------------- real graphs

/** design.md's worked example: 28x28x192 in, 32 filters of 5x5, with and without a 1x1 reduction to 16. */
const input: LayerNode = {
  name: 'input', className: 'InputLayer', config: {}, inputShapes: [], outputShapes: [[null, 28, 28, 192]],
  weights: [], inbound: [], block: [],
};
const conv = (name: string, k: number, cin: number, cout: number, from: string): LayerNode => ({
  name, className: 'Conv2D',
  config: { kernelSize: [k, k], strides: [1, 1], padding: 'same', filters: cout, useBias: true },
  inputShapes: [[null, 28, 28, cin]], outputShapes: [[null, 28, 28, cout]],
  weights: [
    { name: `${name}/kernel`, shape: [k, k, cin, cout], dtype: 'float32', trainable: true },
    { name: `${name}/bias`, shape: [cout], dtype: 'float32', trainable: true },
  ],
  inbound: [from], block: [],
});
const plain: LayerGraph = { name: 'plain', inputs: ['input'], outputs: ['c5'], nodes: [input, conv('c5', 5, 192, 32, 'input')] };
const reduced: LayerGraph = {
  name: 'reduced', inputs: ['input'], outputs: ['c5'],
  nodes: [input, conv('c1', 1, 192, 16, 'input'), conv('c5', 5, 16, 32, 'c1')],
};

describe('compareReports on analysed graphs', () => {
  const c = compareReports([analyzeGraph(plain), analyzeGraph(reduced)]);
  const PLAIN_MACS = 28 * 28 * 5 * 5 * 192 * 32; // 120,422,400
  const REDUCED_MACS = 28 * 28 * 192 * 16 + 28 * 28 * 5 * 5 * 16 * 32; // 2,408,448 + 10,035,200
  const PLAIN_PARAMS = 5 * 5 * 192 * 32 + 32;
  const REDUCED_PARAMS = 192 * 16 + 16 + 5 * 5 * 16 * 32 + 32;

  it('reproduces the worked example in the MACs row', () => {
    expect(PLAIN_MACS).toBe(120_422_400);
    expect(REDUCED_MACS).toBe(12_443_648);
    const macs = rowOf(c, 'macs');
    expect(macs.values).toEqual([PLAIN_MACS, REDUCED_MACS]);
    expect(macs.ratios[1]).toBeCloseTo(REDUCED_MACS / PLAIN_MACS, 12);
    expect(macs.best).toBe(1);
    expect(rowOf(c, 'params').values).toEqual([PLAIN_PARAMS, REDUCED_PARAMS]);
    expect(rowOf(c, 'params').best).toBe(1);
  });

  it('finds the one reduction site and what it saves', () => {
    expect(rowOf(c, 'bottleneckSites').values).toEqual([0, 1]);
    expect(rowOf(c, 'macsWithoutBottlenecks').values).toEqual([PLAIN_MACS, PLAIN_MACS]);
    expect(rowOf(c, 'savedByBottlenecks').values[1]).toBeCloseTo(PLAIN_MACS / REDUCED_MACS, 12);
    expect(c.models[1].sitesByKind).toEqual({ reduction: 1 });
    expect(c.reading).toContain('plain has no bottleneck sites.');
    // 120,422,400 / 12,443,648 = 9.68
    expect(c.reading).toContain(
      'reduced has 1 bottleneck site (1 reduction); with one plain convolution in place of each, its MACs would go from 12.4M to 120M (9.68x).',
    );
  });

  it('receptive fields: 5x5 stride 1 same padding is 5/1/2; 1x1 then 5x5 is the same', () => {
    expect(rowOf(c, 'receptiveField').values).toEqual(['5/1/2', '5/1/2']);
    expect(rowOf(c, 'input').values).toEqual(['28x28', '28x28']);
  });
});

// ---------------------------------------------------------------- renderers

describe('compare renderers', () => {
  const c = compareReports([A, B]);

  it('markdown: exact counts, ratios after the first column, best in bold, the reading as a list', () => {
    const md = renderCompareMarkdown(c);
    expect(md).toContain('| | alpha | beta |');
    expect(md).toContain('| Params | 1,000,000 | **950,000 (0.95x)** |');
    expect(md).toContain('| MACs | **100,000,000** | 150,000,000 (1.5x) |');
    expect(md).toContain('| Receptive field (size/stride/padding) | 100/8/40 | 50/16/20 |');
    expect(md).toContain('| Saved by bottlenecks | 4x | 8x |');
    for (const s of c.reading) expect(md).toContain(`- ${s}\n`);
  });

  it('csv: a header and one row per metric with raw values', () => {
    const lines = renderCompareCsv(c).trimEnd().split('\n');
    expect(lines[0]).toBe('metric,unit,direction,alpha,beta,best');
    expect(lines).toHaveLength(1 + ROWS.length);
    expect(lines[1]).toBe('params,params,lower,1000000,950000,beta');
    expect(lines).toContain('receptiveField,pixels,,100/8/40,50/16/20,');
  });

  it('table: colour only when asked, best in bold green', () => {
    const plainText = renderCompareTable(c, { color: false });
    expect(plainText).not.toMatch(/\x1b\[/);
    expect(plainText).toContain('950k (0.95x)');
    const coloured = renderCompareTable(c, { color: true });
    expect(coloured).toContain('\x1b[32m950k (0.95x)\x1b[39m');
  });
});
