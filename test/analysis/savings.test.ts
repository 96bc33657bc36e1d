import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { COST_HANDLERS } from '../../src/analysis/cost.js';
import { findSavings } from '../../src/analysis/savings.js';
import { product } from '../../src/analysis/shape.js';
import type { LayerReport, Savings, SavingsSite } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import type { LayerGraph } from '../../src/graph/types.js';
import { resolveOptions } from '../../src/zoo/options.js';
import { findModel } from '../../src/zoo/registry.js';

/**
 * The per-layer figures findSavings reads (MACs and params), from the cost handlers and
 * the weight shapes alone, so that these tests do not depend on the rest of analyzeGraph.
 */
function reportsOf(graph: LayerGraph): LayerReport[] {
  return graph.nodes.map((n) => {
    const total = n.weights.reduce((s, w) => s + product(w.shape), 0);
    const macs = COST_HANDLERS.get(n.className)?.(n).macs ?? 0;
    return {
      name: n.name, className: n.className, outputShape: n.outputShapes[0], macs, flops: 2 * macs,
      params: { total, trainable: total, nonTrainable: 0 }, activationBytes: 0,
      inbound: n.inbound, block: n.block, supported: true, receptiveField: null,
    };
  });
}

function savingsOf(graph: LayerGraph): Savings {
  return findSavings(graph, reportsOf(graph));
}

type Layer = ReturnType<typeof tfl.layers.conv3dTranspose>;
const conv = (filters: number, kernelSize: number | [number, number], extra: Record<string, unknown> = {}): Layer =>
  tfl.layers.conv2d({ filters, kernelSize, padding: 'same', kernelInitializer: 'zeros', ...extra });

/** A hand-made graph: `build` maps the input to the output with the tfjs functional API. */
async function handMade(shape: number[], build: (x: SymbolicTensor) => SymbolicTensor): Promise<Savings> {
  await ensureAnalysisBackend();
  const x = tfl.input({ shape });
  const model = tfl.model({ inputs: x, outputs: build(x) });
  const s = savingsOf(graphFromTfjs(model));
  model.dispose();
  return s;
}

const zooCache = new Map<string, Promise<Savings>>();
function zoo(name: string): Promise<Savings> {
  const make = async (): Promise<Savings> => {
    await ensureAnalysisBackend();
    const e = findModel(name)!;
    const built = (await e.load())(resolveOptions(e));
    const s = savingsOf(graphFromTfjs(built.model, built.blocks));
    built.model.dispose();
    return s;
  };
  if (!zooCache.has(name)) zooCache.set(name, make());
  return zooCache.get(name)!;
}

const countKinds = (sites: SavingsSite[]): Record<string, number> =>
  sites.reduce<Record<string, number>>((acc, s) => ({ ...acc, [s.kind]: (acc[s.kind] ?? 0) + 1 }), {});

/** Separable site law: (Ho Wo Cin k^2 + Ho Wo Cin N) / (Ho Wo N k^2 Cin) = 1/N + 1/k^2. */
function expectSeparableLaw(s: SavingsSite): void {
  const n = s.output[s.output.length - 1];
  const k = 3;
  expect(s.kernel).toEqual([k, k]);
  expect(s.actual.macs / s.counterfactual.macs).toBeCloseTo(1 / n + 1 / (k * k), 12);
}

describe('design.md worked example: 28x28x192, 1x1 to 16, then 5x5 to 32', () => {
  it('is one reduction site, 120,422,400 vs 12,443,648 MACs', async () => {
    const s = await handMade([28, 28, 192], (x) => {
      const r = conv(16, 1, { activation: 'relu' }).apply(x) as SymbolicTensor;
      return conv(32, 5).apply(r) as SymbolicTensor;
    });
    expect(s.sites).toHaveLength(1);
    const [site] = s.sites;
    const direct = 28 * 28 * 32 * 5 * 5 * 192;
    const reduced = 28 * 28 * 16 * 192 + 28 * 28 * 32 * 5 * 5 * 16;
    expect(direct).toBe(120_422_400);
    expect(reduced).toBe(2_408_448 + 10_035_200);
    expect(site.kind).toBe('reduction');
    expect(site.kernel).toEqual([5, 5]);
    expect(site.input).toEqual([28, 28, 192]);
    expect(site.output).toEqual([28, 28, 32]);
    expect(site.counterfactual.macs).toBe(direct);
    expect(site.actual.macs).toBe(reduced);
    // Both convs use a bias: the counterfactual keeps the last one's.
    expect(site.counterfactual.params).toBe(5 * 5 * 192 * 32 + 32);
    expect(site.actual.params).toBe(192 * 16 + 16 + 5 * 5 * 16 * 32 + 32);
    expect(site.ratio).toBeCloseTo(direct / reduced, 12);
    expect(s.total.modelMacs).toBe(reduced);
    expect(s.total.modelMacsWithout).toBe(direct);
    expect(s.total.modelRatio).toBeCloseTo(direct / reduced, 12);
  });
});

describe('branch points end chains', () => {
  it('a 1x1 feeding two 3x3 convs is no site, a lone 1x1 -> 3x3 is', async () => {
    const branched = await handMade([16, 16, 64], (x) => {
      const r = conv(16, 1).apply(x) as SymbolicTensor;
      const a = conv(32, 3).apply(r) as SymbolicTensor;
      const b = conv(32, 3).apply(r) as SymbolicTensor;
      return tfl.layers.concatenate().apply([a, b]) as SymbolicTensor;
    });
    expect(branched.sites).toEqual([]);
    const linear = await handMade([16, 16, 64], (x) => conv(32, 3).apply(conv(16, 1).apply(x)) as SymbolicTensor);
    expect(countKinds(linear.sites)).toEqual({ reduction: 1 });
  });

  it('a branch at an activation between the convs breaks the chain too', async () => {
    const s = await handMade([16, 16, 64], (x) => {
      const r = conv(16, 1).apply(x) as SymbolicTensor;
      const act = tfl.layers.activation({ activation: 'relu' }).apply(r) as SymbolicTensor;
      const y = conv(32, 3).apply(act) as SymbolicTensor;
      const side = tfl.layers.globalAveragePooling2d({}).apply(act) as SymbolicTensor;
      const pooled = tfl.layers.globalAveragePooling2d({}).apply(y) as SymbolicTensor;
      return tfl.layers.concatenate().apply([pooled, side]) as SymbolicTensor;
    });
    expect(s.sites).toEqual([]);
  });

  it('a 1x1 feeding a 1x3 and a 3x1 is no factorized pair', async () => {
    const s = await handMade([8, 8, 64], (x) => {
      const r = conv(32, 1).apply(x) as SymbolicTensor;
      const a = conv(32, [1, 3]).apply(r) as SymbolicTensor;
      const b = conv(32, [3, 1]).apply(r) as SymbolicTensor;
      return tfl.layers.concatenate().apply([a, b]) as SymbolicTensor;
    });
    expect(s.sites).toEqual([]);
  });

  it('a widening 1x1 before a 3x3 is no reduction', async () => {
    const s = await handMade([16, 16, 16], (x) => conv(32, 3).apply(conv(64, 1).apply(x)) as SymbolicTensor);
    expect(s.sites).toEqual([]);
  });
});

describe('MobileNet v1 (alpha 1.0, 224)', () => {
  let s: Savings;
  beforeAll(async () => {
    s = await zoo('mobilenet');
  });

  it('has 13 depthwise-separable sites, dw + pw through BN / ReLU6', () => {
    expect(countKinds(s.sites)).toEqual({ 'depthwise-separable': 13 });
    s.sites.forEach((site, i) => expect(site.layers).toEqual([`conv_dw_${i + 1}`, `conv_pw_${i + 1}`]));
    expect(s.modules.map((m) => m.module)).toEqual(Array.from({ length: 13 }, (_, i) => `unit${i + 1}`));
  });

  it('each costs 1/N + 1/9 of one 3x3 convolution', () => {
    for (const site of s.sites) expectSeparableLaw(site);
  });

  it('counts the strided unit at its output resolution (unit 2: 112x112x64 -> 56x56x128)', () => {
    const u2 = s.sites[1];
    expect(u2.input).toEqual([113, 113, 64]); // after the bottom/right zero padding
    expect(u2.output).toEqual([56, 56, 128]);
    expect(u2.counterfactual.macs).toBe(56 * 56 * 128 * 9 * 64);
    expect(u2.counterfactual.params).toBe(9 * 64 * 128); // conv_pw_2 has no bias
  });
});

describe('ResNet50', () => {
  let s: Savings;
  beforeAll(async () => {
    s = await zoo('resnet50');
  });

  it('has one bottleneck per block, 3/4/6/3 per stage', () => {
    expect(countKinds(s.sites)).toEqual({ bottleneck: 16 });
    expect(s.modules.map((m) => [m.module, m.sites])).toEqual([['conv2', 3], ['conv3', 4], ['conv4', 6], ['conv5', 3]]);
    expect(s.sites[0].layers).toEqual(['conv2_block1_1_conv', 'conv2_block1_2_conv', 'conv2_block1_3_conv']);
  });

  it('conv2_block2 against one 3x3 convolution 256 -> 256 at 56x56', () => {
    const site = s.sites.find((x) => x.layers[0] === 'conv2_block2_1_conv')!;
    expect(site.kernel).toEqual([3, 3]);
    expect(site.input).toEqual([56, 56, 256]);
    expect(site.output).toEqual([56, 56, 256]);
    expect(site.counterfactual.macs).toBe(56 * 56 * 256 * 9 * 256);
    expect(site.counterfactual.params).toBe(9 * 256 * 256 + 256);
    expect(site.actual.macs).toBe(56 * 56 * (256 * 64 + 9 * 64 * 64 + 64 * 256));
    expect(site.actual.params).toBe(256 * 64 + 64 + 9 * 64 * 64 + 64 + 64 * 256 + 256);
  });

  it('conv3_block1 (strided 1x1) counts at its 28x28 output, 256 -> 512', () => {
    const site = s.sites.find((x) => x.layers[0] === 'conv3_block1_1_conv')!;
    expect(site.input).toEqual([56, 56, 256]);
    expect(site.output).toEqual([28, 28, 512]);
    expect(site.counterfactual.macs).toBe(28 * 28 * 512 * 9 * 256);
  });
});

describe('InceptionV3', () => {
  let s: Savings;
  const inModule = (m: string) => s.sites.filter((x) => x.module === m);
  beforeAll(async () => {
    s = await zoo('inceptionv3');
  });

  it('mixed0: 1x1 48 -> 5x5 64 and 1x1 64 -> 3x3 96 from 192 channels at 35x35', () => {
    const sites = inModule('mixed0');
    expect(sites.map((x) => x.kind)).toEqual(['reduction', 'reduction']);
    const five = sites.find((x) => x.kernel[0] === 5)!;
    const three = sites.find((x) => x.kernel[0] === 3)!;
    expect(five.input).toEqual([35, 35, 192]);
    expect(five.output).toEqual([35, 35, 64]);
    expect(five.counterfactual.macs).toBe(35 * 35 * 64 * 25 * 192);
    expect(five.actual.macs).toBe(35 * 35 * (48 * 192 + 64 * 25 * 48));
    expect(three.output).toEqual([35, 35, 96]);
    expect(three.counterfactual.macs).toBe(35 * 35 * 96 * 9 * 192);
    expect(three.actual.macs).toBe(35 * 35 * (64 * 192 + 96 * 9 * 64));
    // The double-3x3 branch's second 3x3 stands alone: no site.
    expect(three.layers).toHaveLength(2);
  });

  it('mixed4: two reduced-factorized 7x7 sites and one factorized pair', () => {
    const sites = inModule('mixed4');
    expect(countKinds(sites)).toEqual({ 'reduced-factorized': 2, factorized: 1 });
    for (const x of sites) expect(x.kernel).toEqual([7, 7]);
    const pair = sites.find((x) => x.kind === 'factorized')!;
    // 7x1 then 1x7, 128 -> 192 at 17x17, against one 7x7 128 -> 192.
    expect(pair.counterfactual.macs).toBe(17 * 17 * 192 * 49 * 128);
    expect(pair.actual.macs).toBe(17 * 17 * (128 * 7 * 128 + 192 * 7 * 128));
  });

  it('mixed9: the 1x1 feeding a 1x3 and a 3x1 is no site; 1x1 448 -> 3x3 384 is', () => {
    const sites = inModule('mixed9');
    expect(sites.map((x) => x.kind)).toEqual(['reduction']);
    expect(sites[0].input).toEqual([8, 8, 1280]);
    expect(sites[0].output).toEqual([8, 8, 384]);
    expect(s.sites.some((x) => x.kind === 'factorized' && x.kernel[0] === 3)).toBe(false);
  });
});

describe('Xception', () => {
  let s: Savings;
  let separables: number;
  beforeAll(async () => {
    await ensureAnalysisBackend();
    const e = findModel('xception')!;
    const built = (await e.load())(resolveOptions(e));
    const graph = graphFromTfjs(built.model, built.blocks);
    separables = graph.nodes.filter((n) => n.className === 'SeparableConv2D').length;
    s = savingsOf(graph);
    built.model.dispose();
  });

  it('every one of its 34 SeparableConv2D layers is a site', () => {
    expect(separables).toBe(34);
    expect(countKinds(s.sites)).toEqual({ 'depthwise-separable': 34 });
  });

  it('each costs 1/N + 1/9 of one 3x3 convolution', () => {
    for (const site of s.sites) expectSeparableLaw(site);
  });
});

describe('squeeze-and-excite gates and inverted residuals', () => {
  const dw = () => tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthwiseInitializer: 'zeros' });

  it('a chain passes through an SE gate (a Multiply by a 1x1 map computed from the squeeze)', async () => {
    const s = await handMade([16, 16, 32], (x) => {
      const act = tfl.layers.activation({ activation: 'relu' }).apply(dw().apply(x)) as SymbolicTensor;
      const squeeze = tfl.layers.globalAveragePooling2d({}).apply(act) as SymbolicTensor;
      const gate = conv(32, 1, { activation: 'sigmoid' }).apply(tfl.layers.reshape({ targetShape: [1, 1, 32] }).apply(squeeze)) as SymbolicTensor;
      const excited = tfl.layers.multiply().apply([act, gate]) as SymbolicTensor;
      return conv(24, 1).apply(excited) as SymbolicTensor;
    });
    expect(countKinds(s.sites)).toEqual({ 'depthwise-separable': 1 });
    // 3x3 depthwise on 32 channels then 1x1 to 24, at 16x16, vs one 3x3 conv 32 -> 24.
    expect(s.sites[0].actual.macs).toBe(16 * 16 * 9 * 32 + 16 * 16 * 32 * 24);
    expect(s.sites[0].counterfactual.macs).toBe(16 * 16 * 9 * 32 * 24);
  });

  it('a Multiply of two spatial maps is no gate: the chain ends there', async () => {
    const s = await handMade([16, 16, 32], (x) => {
      const act = tfl.layers.activation({ activation: 'relu' }).apply(dw().apply(x)) as SymbolicTensor;
      const other = conv(32, 1).apply(x) as SymbolicTensor;
      return conv(24, 1).apply(tfl.layers.multiply().apply([act, other])) as SymbolicTensor;
    });
    expect(s.sites).toEqual([]);
  });

  it('the widening expansion before an inverted residual stays out of the site', async () => {
    const s = await handMade([16, 16, 16], (x) => conv(24, 1).apply(dw().apply(conv(96, 1).apply(x))) as SymbolicTensor);
    expect(s.sites.map((site) => site.layers.length)).toEqual([2]);
    expect(s.sites[0].input).toEqual([16, 16, 96]);
  });

  it('MobileNetV2: one depthwise + project site per block, 17 in all', async () => {
    const s = await zoo('mobilenetv2');
    expect(s.sites).toHaveLength(17);
    for (const site of s.sites) {
      expect(site.layers).toHaveLength(2);
      expectSeparableLaw(site);
    }
  });

  it('EfficientNetB0: every MBConv block, through its SE gate, is a depthwise-separable site', async () => {
    const s = await zoo('efficientnetb0');
    // B0 repeats its seven stages 1, 2, 2, 3, 3, 4, 1 times: 16 MBConv blocks.
    expect(s.sites).toHaveLength(16);
    for (const site of s.sites) {
      const block = site.layers[0].replace(/_dwconv$/, '');
      expect(site.layers).toEqual([`${block}_dwconv`, `${block}_project_conv`]);
      const n = site.output[site.output.length - 1];
      const k = site.kernel[0];
      expect(site.actual.macs / site.counterfactual.macs).toBeCloseTo(1 / n + 1 / (k * k), 12);
    }
  });
});
