/**
 * Nested models and shared layers in the LayerGraph: a nested model is expanded into its
 * layers (`outer/inner`, block [outer, ...]), a layer called more than once gives one node
 * per call (`name`, `name@1`) whose MACs all count while its parameters count once.
 * Expected figures are closed forms written below, not the implementation's output.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromSymbolic, graphFromTfjs } from '../../src/graph/from-tfjs.js';
import { modelFromTopology } from '../../src/load/tfjs/build-model.js';
import { normalizeTopology } from '../../src/load/keras/config.js';

beforeAll(() => ensureAnalysisBackend());

type ST = tfl.SymbolicTensor;
const zeros = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

/**
 * img [8,8,3] -> base (Functional: b_in -> b_conv 3x3/4 same -> b_pool 2x2) -> flat (64)
 * -> proj (Dense 16) -> shared (Dense 16) -> shared again -> head (Sequential: h1 Dense 8,
 * h2 Dense 2).
 */
function model(): tfl.LayersModel {
  const bIn = tfl.input({ shape: [8, 8, 3], name: 'b_in' });
  const bConv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'b_conv', ...zeros }).apply(bIn) as ST;
  const bPool = tfl.layers.maxPooling2d({ poolSize: 2, name: 'b_pool' }).apply(bConv) as ST;
  const base = tfl.model({ inputs: bIn, outputs: bPool, name: 'base' });

  const head = tfl.sequential({ name: 'head' });
  head.add(tfl.layers.dense({ units: 8, inputShape: [16], name: 'h1', ...zeros }));
  head.add(tfl.layers.dense({ units: 2, name: 'h2', ...zeros }));

  const img = tfl.input({ shape: [8, 8, 3], name: 'img' });
  const flat = tfl.layers.flatten({ name: 'flat' }).apply(base.apply(img)) as ST;
  const proj = tfl.layers.dense({ units: 16, name: 'proj', ...zeros }).apply(flat) as ST;
  const shared = tfl.layers.dense({ units: 16, name: 'shared', ...zeros });
  const twice = shared.apply(shared.apply(proj)) as ST;
  return tfl.model({ inputs: img, outputs: head.apply(twice) as ST, name: 'outer' });
}

// Closed forms. MACs: b_conv 8*8*4 outputs x 3*3*3 taps; Dense in x units.
const MACS = { b_conv: 8 * 8 * 4 * 27, proj: 64 * 16, shared: 16 * 16, h1: 16 * 8, h2: 8 * 2 };
// Params: kernel + bias.
const PARAMS = { b_conv: 27 * 4 + 4, proj: 64 * 16 + 16, shared: 16 * 16 + 16, h1: 16 * 8 + 8, h2: 8 * 2 + 2 };

describe('a Functional model with a nested Functional base, a nested Sequential head and a shared Dense', () => {
  it('expands the nested models and gives each call of the shared layer its own node', () => {
    const m = model();
    const g = graphFromTfjs(m);
    expect(g.nodes.map((n) => n.name)).toEqual([
      'img',
      'base/b_in', 'base/b_conv', 'base/b_pool',
      'flat', 'proj', 'shared', 'shared@1',
      'head/h1_input', 'head/h1', 'head/h2', // tfjs names a Sequential's automatic input `<first layer>_input`
    ]);
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    // The nested models' inputs read what their call was given; their consumers read their outputs.
    expect(byName.get('base/b_in')!.inbound).toEqual(['img']);
    expect(byName.get('flat')!.inbound).toEqual(['base/b_pool']);
    expect(byName.get('shared@1')!.inbound).toEqual(['shared']);
    expect(byName.get('head/h1_input')!.inbound).toEqual(['shared@1']);
    expect(g.inputs).toEqual(['img']);
    expect(g.outputs).toEqual(['head/h2']);
    expect(byName.get('base/b_conv')!.block).toEqual(['base']);
    expect(byName.get('head/h2')!.block).toEqual(['head']);
    expect(byName.get('proj')!.block).toEqual([]);
    expect(byName.get('shared@1')!.sharedWith).toBe('shared');
    expect(g.nodes.filter((n) => n.sharedWith !== undefined).map((n) => n.name)).toEqual(['shared@1']);
    expect(byName.get('base/b_conv')!.outputShapes).toEqual([[null, 8, 8, 4]]);
    m.dispose();
  });

  it('counts MACs per call and parameters once', () => {
    const m = model();
    const r = analyzeGraph(graphFromTfjs(m));
    const macs = (name: string) => r.layers.find((l) => l.name === name)!.macs;
    expect(macs('base/b_conv')).toBe(MACS.b_conv);
    expect(macs('shared')).toBe(MACS.shared);
    expect(macs('shared@1')).toBe(MACS.shared);
    expect(r.totals.macs).toBe(MACS.b_conv + MACS.proj + 2 * MACS.shared + MACS.h1 + MACS.h2);
    const params = PARAMS.b_conv + PARAMS.proj + PARAMS.shared + PARAMS.h1 + PARAMS.h2;
    expect(r.totals.params.total).toBe(params);
    expect(m.countParams()).toBe(params); // tfjs agrees: each weight once
    expect(r.layers.find((l) => l.name === 'shared@1')!.params.total).toBe(0);
    expect(r.layers.find((l) => l.name === 'shared@1')!.note).toBe('weights shared with shared');
    expect(r.totals.weightBytes).toEqual({ float32: 4 * params });
    // Layers with weights, each once: b_conv, proj, shared, h1, h2.
    expect(r.totals.depth).toBe(5);
    // Eleven nodes, one of them a repeated call.
    expect(r.totals.layers).toBe(10);
    expect(r.complete).toBe(true);
    m.dispose();
  });

  it('is the same graph after a round trip through the model JSON and the loader', async () => {
    const m = model();
    const json = m.toJSON(null, false) as unknown as Record<string, unknown>;
    const loaded = await modelFromTopology('outer.json', normalizeTopology('outer.json', json));
    const strip = (g: ReturnType<typeof graphFromTfjs>) => g.nodes.map(({ name, className, inbound, outputShapes, block, sharedWith }) => ({ name, className, inbound, outputShapes, block, sharedWith }));
    expect(strip(graphFromTfjs(loaded))).toEqual(strip(graphFromTfjs(m)));
    m.dispose();
    loaded.dispose();
  });
});

describe('a nested model called twice (siamese) and Sequential in Sequential', () => {
  it('expands each call, marks the second call of every inner layer shared, counts its MACs', () => {
    const bIn = tfl.input({ shape: [6, 6, 2], name: 'tower_in' });
    const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 3, name: 'tower_conv', ...zeros }).apply(bIn) as ST;
    const tower = tfl.model({ inputs: bIn, outputs: tfl.layers.flatten({ name: 'tower_flat' }).apply(conv) as ST, name: 'tower' });
    const a = tfl.input({ shape: [6, 6, 2], name: 'a' });
    const b = tfl.input({ shape: [6, 6, 2], name: 'b' });
    const joined = tfl.layers.concatenate({ name: 'join' }).apply([tower.apply(a) as ST, tower.apply(b) as ST]) as ST;
    const m = tfl.model({ inputs: [a, b], outputs: joined, name: 'siamese' });
    const g = graphFromTfjs(m);
    expect(g.nodes.map((n) => n.name)).toEqual([
      'a', 'b',
      'tower/tower_in', 'tower/tower_conv', 'tower/tower_flat',
      'tower@1/tower_in', 'tower@1/tower_conv', 'tower@1/tower_flat',
      'join',
    ]);
    const byName = new Map(g.nodes.map((n) => [n.name, n]));
    expect(byName.get('tower@1/tower_in')!.inbound).toEqual(['b']);
    expect(byName.get('tower@1/tower_conv')!.sharedWith).toBe('tower/tower_conv');
    expect(byName.get('tower@1/tower_conv')!.block).toEqual(['tower@1']);
    expect(byName.get('join')!.inbound).toEqual(['tower/tower_flat', 'tower@1/tower_flat']);
    const r = analyzeGraph(g);
    // tower_conv: 4*4*3 outputs x 3*3*2 taps, once per call; 3*3*2*3 + 3 params, once.
    expect(r.totals.macs).toBe(2 * (4 * 4 * 3 * 18));
    expect(r.totals.params.total).toBe(3 * 3 * 2 * 3 + 3);
    expect(r.totals.layers).toBe(6);
    m.dispose();
  });

  it('names the layers of a Sequential inside a Sequential by their path', () => {
    const inner = tfl.sequential({ name: 'inner' });
    inner.add(tfl.layers.dense({ units: 4, inputShape: [3], name: 'd1', ...zeros }));
    inner.add(tfl.layers.dense({ units: 5, name: 'd2', ...zeros }));
    const outer = tfl.sequential({ name: 'outer' });
    outer.add(tfl.layers.dense({ units: 3, inputShape: [7], name: 'first', ...zeros }));
    outer.add(inner);
    const g = graphFromTfjs(outer);
    expect(g.nodes.map((n) => n.name)).toEqual(['first_input', 'first', 'inner/d1_input', 'inner/d1', 'inner/d2']);
    const r = analyzeGraph(g);
    expect(r.totals.macs).toBe(7 * 3 + 3 * 4 + 4 * 5);
    expect(r.totals.params.total).toBe(7 * 3 + 3 + 3 * 4 + 4 + 4 * 5 + 5);
    expect(r.model.inputShapes).toEqual([[null, 7]]);
    outer.dispose();
  });

  it('gives a base with a free spatial size the shapes its call feeds it', () => {
    const bIn = tfl.input({ shape: [null, null, 3], name: 'free_in' });
    const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'free_conv', ...zeros }).apply(bIn) as ST;
    const base = tfl.model({ inputs: bIn, outputs: conv, name: 'free' });
    const x = tfl.input({ shape: [10, 12, 3], name: 'x' });
    const g = graphFromSymbolic([x], [base.apply(x) as ST], 'fixed');
    const conv2 = g.nodes.find((n) => n.name === 'free/free_conv')!;
    expect(conv2.inputShapes).toEqual([[null, 10, 12, 3]]);
    expect(conv2.outputShapes).toEqual([[null, 10, 12, 4]]);
    expect(analyzeGraph(g).totals.macs).toBe(10 * 12 * 4 * 27);
  });
});
