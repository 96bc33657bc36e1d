import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { configChanges, diffModels, numberDelta, type DiffSide } from '../../src/analysis/diff.js';
import { ModelDiffSchema, type LayerBrief, type ModelDiff } from '../../src/analysis/diff-types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import { loadModelFile } from '../../src/load/tfjs/model-file.js';
import { FOLD_AFTER, renderDiffMarkdown } from '../../src/report/diff.js';

// The fixtures (scripts/make-diff-fixtures.mts), input 32x32x3, every convolution 'same':
//   base     stem_conv 3x3x16 -> block1_conv1 3x3x16 -> block1_conv2 3x3x16, + stem (block1_add)
//            -> block1_relu -> pool (GAP) -> predictions Dense 10
//   added    + head_conv 1x1x16 after block1_relu
//   filters  block1_conv1 at 24 filters
//   removed  no block1_*
// A convolution has kh*kw*cin*cout + cout parameters and H*W*kh*kw*cin*cout MACs (H = W = 32).
const convParams = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
const convMacs = (k: number, cin: number, cout: number) => 32 * 32 * k * k * cin * cout;

const STEM = { params: convParams(3, 3, 16), macs: convMacs(3, 3, 16) }; // 448, 442,368
const BLOCK_CONV = { params: convParams(3, 16, 16), macs: convMacs(3, 16, 16) }; // 2,320, 2,359,296
const DENSE = { params: 16 * 10 + 10, macs: 16 * 10 }; // 170, 160
const BASE = {
  params: STEM.params + 2 * BLOCK_CONV.params + DENSE.params, // 5,258
  macs: STEM.macs + 2 * BLOCK_CONV.macs + DENSE.macs, // 5,161,120
};

async function side(file: string): Promise<DiffSide> {
  const model = await loadModelFile(`fixtures/diff/${file}.json`);
  const graph = graphFromTfjs(model);
  model.dispose();
  return { label: file, graph, report: analyzeGraph(graph, { source: file }) };
}

const sides: Record<string, DiffSide> = {};
beforeAll(async () => {
  await ensureAnalysisBackend();
  for (const f of ['base', 'added', 'filters', 'removed']) sides[f] = await side(f);
});
const diff = (a: string, b: string): ModelDiff => ModelDiffSchema.parse(diffModels(sides[a], sides[b]));
const names = (l: LayerBrief[]) => l.map((x) => x.name);

describe('diff of the fixture pairs (hand-computed deltas)', () => {
  it('base totals are what the formulas give', () => {
    expect(BASE).toEqual({ params: 5258, macs: 5_161_120 });
    const d = diff('base', 'added');
    expect(d.totals.params.a).toBe(BASE.params);
    expect(d.totals.macs.a).toBe(BASE.macs);
  });

  it('one layer added: head_conv 1x1 16 -> 16', () => {
    const d = diff('base', 'added');
    const head = { params: convParams(1, 16, 16), macs: convMacs(1, 16, 16) }; // 272, 262,144
    expect(d.layers.added).toEqual([{ name: 'head_conv', className: 'Conv2D', outputShape: [null, 32, 32, 16], ...head }]);
    expect(d.layers.removed).toEqual([]);
    // pool now reads head_conv; nothing else about it changes.
    expect(d.layers.changed).toEqual([{ name: 'pool', config: [], inbound: { a: ['block1_relu'], b: ['head_conv'] } }]);
    expect(d.totals.params).toEqual(numberDelta(BASE.params, BASE.params + head.params));
    expect(d.totals.params.delta).toBe(272);
    expect(d.totals.params.deltaPct).toBeCloseTo((272 / 5258) * 100, 9);
    expect(d.totals.macs.delta).toBe(262_144);
    expect(d.totals.depth.delta).toBe(1);
    expect(d.totals.layers.delta).toBe(1);
    // float32 weights: 4 bytes a parameter.
    expect(d.totals.weightBytes.delta).toBe(272 * 4);
    expect(d.identical).toBe(false);
  });

  it("one convolution's filters changed: 16 -> 24, and the next conv reads 24 channels", () => {
    const d = diff('base', 'filters');
    expect(d.layers.added).toEqual([]);
    expect(d.layers.removed).toEqual([]);
    const [c1, c2, ...rest] = d.layers.changed;
    expect(rest).toEqual([]);
    expect(c1.name).toBe('block1_conv1');
    expect(c1.config).toEqual([{ key: 'filters', a: 16, b: 24 }]);
    expect(c1.outputShape).toEqual({ a: [null, 32, 32, 16], b: [null, 32, 32, 24] });
    expect(c1.params).toEqual(numberDelta(2320, convParams(3, 16, 24))); // 3*3*16*24 + 24 = 3,480
    expect(c1.macs).toEqual(numberDelta(2_359_296, convMacs(3, 16, 24))); // 3,538,944
    expect(c2.name).toBe('block1_conv2');
    expect(c2.config).toEqual([]);
    expect(c2.outputShape).toBeUndefined();
    expect(c2.params).toEqual(numberDelta(2320, convParams(3, 24, 16))); // 3*3*24*16 + 16 = 3,472
    // (3,480 - 2,320) + (3,472 - 2,320) = 1,160 + 1,152 = 2,312
    expect(d.totals.params.delta).toBe(2312);
    // 2 x (3,538,944 - 2,359,296) = 2,359,296
    expect(d.totals.macs.delta).toBe(2_359_296);
    expect(d.totals.layers.delta).toBe(0);
  });

  it('one residual block removed', () => {
    const d = diff('base', 'removed');
    expect(names(d.layers.removed)).toEqual(['block1_conv1', 'block1_conv2', 'block1_add', 'block1_relu']);
    expect(d.layers.added).toEqual([]);
    expect(d.layers.changed).toEqual([{ name: 'pool', config: [], inbound: { a: ['block1_relu'], b: ['stem_conv'] } }]);
    expect(d.totals.params).toMatchObject({ a: 5258, b: STEM.params + DENSE.params, delta: -2 * 2320 }); // 618
    expect(d.totals.macs.delta).toBe(-2 * 2_359_296);
    expect(d.totals.depth.delta).toBe(-2);
    expect(d.totals.layers.delta).toBe(-4);
    // Three 3x3 stride-1 convs see 1 + 3 x 2 = 7 px; the stem alone 3 px.
    expect(d.receptiveField.changed).toBe(true);
    expect(d.receptiveField.a?.size).toEqual([7, 7]);
    expect(d.receptiveField.b?.size).toEqual([3, 3]);
  });

  it('a model against itself: identical, every layer unchanged', () => {
    const d = diff('base', 'base');
    expect(d.identical).toBe(true);
    expect(d.layers).toEqual({ added: [], removed: [], changed: [], unchanged: 8 });
    expect(Object.values(d.totals).every((t) => t.delta === 0)).toBe(true);
  });
});

describe('configChanges', () => {
  it('ignores key order and the name; reports keys present on one side only', () => {
    expect(configChanges({ name: 'a', k: { x: 1, y: 2 } }, { k: { y: 2, x: 1 }, name: 'b' })).toEqual([]);
    expect(configChanges({ units: 10 }, { units: 12, useBias: false })).toEqual([
      { key: 'units', a: 10, b: 12 },
      { key: 'useBias', b: false },
    ]);
  });
});

describe('markdown', () => {
  it('starts with the headline, then the totals table; short lists stay open', () => {
    const md = renderDiffMarkdown(diff('base', 'filters'));
    const lines = md.split('\n');
    // +2,359,296 / 5,161,120 = +45.7%; 5.16M -> 7.52M
    expect(lines[0]).toBe('### MACs +45.7% (5.16M -> 7.52M), params +44.0% (5.26k -> 7.57k); 0 layers added, 0 removed, 2 changed');
    expect(md).toContain('| MACs | 5,161,120 | 7,520,416 | +2,359,296 | +45.7% |');
    expect(md).toContain('#### Layers changed (2)');
    expect(md).toContain('| block1_conv1 | filters: 16 -> 24<br>output: 32x32x16 -> 32x32x24<br>params: 2,320 -> 3,480 (+1,160)');
    expect(md).not.toContain('<details>');
  });

  it(`folds a list longer than ${FOLD_AFTER} rows into <details>`, () => {
    const d = diff('base', 'added');
    const many = Array.from({ length: FOLD_AFTER + 1 }, (_, i) => ({ ...d.layers.added[0], name: `extra_${i}` }));
    const md = renderDiffMarkdown({ ...d, layers: { ...d.layers, added: many } });
    expect(md).toMatch(/<details>\n<summary><b>Layers added \(11\)<\/b><\/summary>\n\n\| Layer \| Type/);
    expect(md.match(/\| extra_\d+ \|/g)).toHaveLength(11);
    expect(md).toContain('</details>');
  });

  it('identical models: one headline, no tables', () => {
    const md = renderDiffMarkdown(diff('base', 'base'));
    expect(md.split('\n')[0]).toBe('### No changes: base has the same layers and totals as base');
    expect(md).not.toContain('|');
  });
});
