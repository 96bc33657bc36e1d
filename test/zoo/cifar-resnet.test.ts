import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { cifarPreactResNet, cifarResNet, resnet1001, resnet110, resnet1202 } from '../../src/zoo/cifar-resnet.js';
import type { BuildOptions, Builder } from '../../src/zoo/types.js';
import { otherReference } from '../reference.js';
import { analyse, layerNamed } from './build.js';

const DEFAULTS: BuildOptions = { inputSize: [32, 32], classes: 10, includeTop: true, pooling: 'none', alpha: 1 };

const analyzeBuilt = (builder: Builder): ModelReport => analyse(builder, DEFAULTS);

/** "others" of ../shared/reference/keras-applications.json: the CIFAR ResNets' published counts. */
const other = (name: string) => otherReference(name).params;

// ---------------------------------------------------------------------------------------
// Closed forms, from the papers' descriptions (not from the code under test).
// A conv is k x k from cin to cout, computed at `positions` output positions, no bias.

interface ConvSpec { k: number; cin: number; cout: number; positions: number }
interface Expected { convs: ConvSpec[]; bnChannels: number; layers: number; noTopLayers: number; depth: number }

const CLASSES = 10;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const convParams = (c: ConvSpec) => c.k * c.k * c.cin * c.cout;
const denseParams = (cin: number) => cin * CLASSES + CLASSES;

/** He et al. 2015 sec. 4.2: 16/32/64 filters on 32/16/8-pixel maps, n blocks of two 3x3 convs, BN after each conv. */
function basicExpected(n: number): Expected {
  const convs: ConvSpec[] = [{ k: 3, cin: 3, cout: 16, positions: 32 * 32 }];
  let cin = 16;
  for (const [w, side] of [[16, 32], [32, 16], [64, 8]]) {
    for (let i = 0; i < n; i++) {
      convs.push({ k: 3, cin, cout: w, positions: side * side }, { k: 3, cin: w, cout: w, positions: side * side });
      cin = w;
    }
  }
  // input + stem (conv, BN, ReLU) + 7 per block (conv, BN, ReLU, conv, BN, add, ReLU)
  // + 2 explicit pads of the strided convs + 3 per option-A shortcut (pool, zeros, concat) x 2.
  const noTopLayers = 1 + 3 + 7 * 3 * n + 2 + 3 * 2;
  return {
    convs,
    bnChannels: sum(convs.map((c) => c.cout)),
    layers: noTopLayers + 2, // avg_pool, predictions
    noTopLayers,
    depth: 2 * convs.length + 1, // every conv and its BN own weights, plus the dense
  };
}

/** resnet-pre-act.lua: bottleneck widths 16/32/64 (outputs 4x), projection in each stage's first unit. */
function preactExpected(n: number): Expected {
  const convs: ConvSpec[] = [{ k: 3, cin: 3, cout: 16, positions: 32 * 32 }];
  let bnChannels = 0;
  let cin = 16;
  for (const [w, side] of [[16, 32], [32, 16], [64, 8]]) {
    const positions = side * side;
    for (let i = 0; i < n; i++) {
      if (i === 0) convs.push({ k: 1, cin, cout: 4 * w, positions });
      convs.push({ k: 1, cin, cout: w, positions }, { k: 3, cin: w, cout: w, positions }, { k: 1, cin: w, cout: 4 * w, positions });
      bnChannels += cin + w + w; // pre-activation BN, then BN after the first two convs
      cin = 4 * w;
    }
  }
  bnChannels += cin; // post_bn
  // input + stem conv + 10 per unit (BN, ReLU, conv, BN, ReLU, conv, BN, ReLU, conv, add)
  // + 3 projections + post_bn, post_relu.
  const noTopLayers = 1 + 1 + 10 * 3 * n + 3 + 2;
  const bnLayers = 3 * 3 * n + 1;
  return { convs, bnChannels, layers: noTopLayers + 2, noTopLayers, depth: convs.length + bnLayers + 1 };
}

/**
 * Trainable: kernels, the dense layer, and BN's gamma and beta; non-trainable: BN's moving
 * mean and variance, which Keras counts in the total and the papers' counts leave out.
 */
function expectedParams(e: Expected) {
  const trainable = sum(e.convs.map(convParams)) + denseParams(e.convs.at(-1)!.cout) + 2 * e.bnChannels;
  return { total: trainable + 2 * e.bnChannels, trainable, nonTrainable: 2 * e.bnChannels };
}

const expectedMacs = (e: Expected) => sum(e.convs.map((c) => c.positions * convParams(c))) + e.convs.at(-1)!.cout * CLASSES;

/**
 * Receptive fields (Araujo et al.): each 3x3 conv adds 2 S to r and, padded by one, 1 S to P.
 * 2015 models: stem r=3,P=1; stage 1 adds 2n convs at S=1; stages 2/3 each start with a pad
 * of 1 and a stride-2 conv (r += 2 S, then S doubles) followed by 2n - 1 convs at S = 2, 4:
 * r = 28n - 3, P = 14n - 2, S = 4. Pre-activation: one 3x3 per unit, the stride on 1x1
 * convs: r = 3 + 2n + 4n + 8n, P = 1 + n + 2n + 4n, S = 4. Centred fields: P = (r - 1) / 2.
 */
const basicField = (n: number) => ({ size: [28 * n - 3, 28 * n - 3], stride: [4, 4], padding: [14 * n - 2, 14 * n - 2] });
const preactField = (n: number) => ({ size: [14 * n + 3, 14 * n + 3], stride: [4, 4], padding: [7 * n + 1, 7 * n + 1] });

beforeAll(() => ensureAnalysisBackend());

describe.each([
  ['resnet110', resnet110, 18, basicExpected, basicField],
  ['resnet1202', resnet1202, 200, basicExpected, basicField],
  ['resnet1001', resnet1001, 111, preactExpected, preactField],
] as const)('%s matches its closed forms', (name, builder, n, expectedOf, fieldOf) => {
  const e = expectedOf(n);
  let r: ModelReport;
  beforeAll(() => {
    r = analyzeBuilt(builder);
  });

  it('has the parameters, layers, depth and MACs of the papers\' layout', () => {
    expect(r.totals.params).toEqual(expectedParams(e));
    expect(r.totals.layers).toBe(e.layers);
    expect(r.totals.depth).toBe(e.depth);
    expect(r.totals.macs).toBe(expectedMacs(e));
    expect(r.complete).toBe(true);
    expect(r.model.inputShapes).toEqual([[null, 32, 32, 3]]);
    const noTop = builder({ ...DEFAULTS, includeTop: false });
    expect(noTop.model.layers.length).toBe(e.noTopLayers);
    noTop.model.dispose();
  });

  it('has a centred receptive field of the closed form, with every merge aligned', () => {
    expect(r.totals.receptiveField).toEqual(fieldOf(n));
    expect(r.misalignedMerges).toEqual([]);
  });
});

describe('published parameter counts', () => {
  // The reference "computed" counts are the trainable parameters: conv kernels (no bias, as
  // the Torch code removes them), the dense layer, and BN's gamma and beta.
  it('ResNet-1202: 19,421,274 trainable (paper: 19.4M), plus 89,632 BN moving statistics', () => {
    const r = analyzeBuilt(resnet1202);
    expect(r.totals.params.trainable).toBe(other('resnet1202').computed);
    expect(r.totals.params.trainable).toBe(19_421_274);
    expect(r.totals.params.nonTrainable).toBe(89_632); // 2 x (16 + 1200 BNs' channels = 44,816)
    expect(Math.abs(r.totals.params.trainable / other('resnet1202').approx! - 1)).toBeLessThan(0.01);
  });

  it('ResNet-1001: 10,327,706 trainable = 10,178,490 conv/dense + 149,216 BN (paper: 10.2M)', () => {
    const r = analyzeBuilt(resnet1001);
    expect(r.totals.params.trainable).toBe(other('resnet1001').computed);
    expect(r.totals.params.trainable).toBe(10_178_490 + 149_216);
    expect(r.totals.params.nonTrainable).toBe(149_216);
    // The paper's 10.2M is the conv/dense weights alone; with BN's gamma/beta it is 1.25% more.
    expect(Math.abs(r.totals.params.trainable / other('resnet1001').approx! - 1)).toBeLessThan(0.015);
  });

  // Paper figures for the shallower members (1512.03385 Table 6; 1603.05027 Table 6 for
  // ResNet-164), to the precision they are printed with.
  it.each([
    ['resnet20', cifarResNet(20), 0.27e6],
    ['resnet32', cifarResNet(32), 0.46e6],
    ['resnet44', cifarResNet(44), 0.66e6],
    ['resnet56', cifarResNet(56), 0.85e6],
    ['resnet110', resnet110, other('resnet110').approx!],
    ['resnet164', cifarPreactResNet(164), 1.7e6],
  ] as const)('%s has the paper\'s count to two significant figures', (_name, builder, approx) => {
    const r = analyzeBuilt(builder);
    expect(Number(r.totals.params.trainable.toPrecision(2))).toBe(approx);
  });

  it('the papers round different sums: 19.4M includes BN gamma/beta, 10.2M is conv/dense alone', () => {
    // ResNet-1202: 19,421,274 with BN -> 19.4M; 19,331,642 without would print as 19.3M.
    const r1202 = analyzeBuilt(resnet1202);
    const bn1202 = r1202.totals.params.nonTrainable; // gamma/beta have as many as mean/variance
    expect(Number((r1202.totals.params.trainable / 1e6).toFixed(1))).toBe(19.4);
    expect(Number(((r1202.totals.params.trainable - bn1202) / 1e6).toFixed(1))).toBe(19.3);
    // ResNet-1001: 10,178,490 conv/dense -> 10.2M; 10,327,706 with BN would print as 10.3M.
    const r1001 = analyzeBuilt(resnet1001);
    const bn1001 = r1001.totals.params.nonTrainable;
    expect(Number(((r1001.totals.params.trainable - bn1001) / 1e6).toFixed(1))).toBe(10.2);
    expect(Number((r1001.totals.params.trainable / 1e6).toFixed(1))).toBe(10.3);
  });
});

describe('2015 CIFAR ResNet layout (option A shortcuts)', () => {
  let r: ModelReport;
  const layer = (name: string) => layerNamed(r, name);
  beforeAll(() => {
    r = analyzeBuilt(resnet110);
  });

  it('downsamples and widens in each later stage\'s first block with parameter-free shortcuts', () => {
    expect(layer('conv2_block18_out').outputShape).toEqual([null, 32, 32, 16]);
    expect(layer('conv3_block1_0_pool').outputShape).toEqual([null, 16, 16, 16]);
    expect(layer('conv3_block1_0_concat').outputShape).toEqual([null, 16, 16, 32]);
    expect(layer('conv4_block1_0_concat').outputShape).toEqual([null, 8, 8, 64]);
    expect(layer('conv3_block1_add').inbound).toEqual(['conv3_block1_0_concat', 'conv3_block1_2_bn']);
    for (const n of ['conv3_block1_0_pool', 'conv3_block1_0_zeros', 'conv3_block1_0_concat']) {
      expect(layer(n).params.total).toBe(0);
      expect(layer(n).macs).toBe(0);
    }
    // Identity shortcuts elsewhere.
    expect(layer('conv3_block2_add').inbound).toEqual(['conv3_block1_out', 'conv3_block2_2_bn']);
  });

  it('folds into stem, three stages and top, n blocks a stage', () => {
    expect([...new Set(r.layers.map((l) => l.block[0]))]).toEqual([undefined, 'conv1', 'conv2', 'conv3', 'conv4', 'top']);
    expect(new Set(r.layers.filter((l) => l.block.length > 1).map((l) => l.block[1])).size).toBe(3 * 18);
    expect(r.savings.total.sites).toBe(0); // two 3x3 convs are no bottleneck
  });

  it('option A subsamples with stride 2 and appends zero channels, in a real forward pass', () => {
    const built = resnet110(DEFAULTS);
    const x = tfl.input({ shape: [4, 4, 2] });
    const sub = built.model.getLayer('conv3_block1_0_pool').apply(x) as tfl.SymbolicTensor;
    const zeros = built.model.getLayer('conv3_block1_0_zeros').apply(sub) as tfl.SymbolicTensor;
    const out = built.model.getLayer('conv3_block1_0_concat').apply([sub, zeros]) as tfl.SymbolicTensor;
    const probe = tfl.model({ inputs: x, outputs: out });
    const input = tfc.reshape(tfc.range(1, 33), [1, 4, 4, 2]); // value at (row, col, ch) = 8 row + 2 col + ch + 1
    const y = (probe.predict(input) as tfc.Tensor).arraySync() as number[][][][];
    const expected = [0, 2].map((row) => [0, 2].map((col) => [8 * row + 2 * col + 1, 8 * row + 2 * col + 2, 0, 0]));
    expect(y[0]).toEqual(expected);
    tfc.dispose(input);
    built.model.dispose();
  });

  it('runs end to end: zero kernels give a uniform softmax over the 10 classes', () => {
    const built = cifarResNet(20)(DEFAULTS);
    const y = built.model.predict(tfc.ones([2, 32, 32, 3])) as tfc.Tensor;
    expect(y.shape).toEqual([2, 10]);
    for (const v of y.dataSync()) expect(v).toBeCloseTo(0.1, 6);
    built.model.dispose();
  });
});

describe('ResNet-1001 layout (resnet-pre-act.lua)', () => {
  let r: ModelReport;
  const layer = (name: string) => layerNamed(r, name);
  beforeAll(() => {
    r = analyzeBuilt(resnet1001);
  });

  it('projects from the shared pre-activation, with the stride on the 1x1 convs', () => {
    expect(layer('conv1_conv').outputShape).toEqual([null, 32, 32, 16]);
    expect(layer('conv2_block1_0_conv').inbound).toEqual(['conv2_block1_preact_relu']);
    expect(layer('conv2_block1_0_conv').outputShape).toEqual([null, 32, 32, 64]);
    expect(layer('conv3_block1_0_conv').outputShape).toEqual([null, 16, 16, 128]);
    expect(layer('conv3_block1_1_conv').outputShape).toEqual([null, 16, 16, 32]);
    expect(layer('conv4_block1_2_conv').outputShape).toEqual([null, 8, 8, 64]);
    expect(layer('conv4_block111_out').outputShape).toEqual([null, 8, 8, 256]);
    expect(layer('conv2_block2_out').inbound).toEqual(['conv2_block1_out', 'conv2_block2_3_conv']);
    expect(r.layers.filter((l) => l.name.endsWith('_0_conv')).length).toBe(3);
  });

  it('folds into stem, three stages, post and top', () => {
    expect([...new Set(r.layers.map((l) => l.block[0]))]).toEqual([undefined, 'conv1', 'conv2', 'conv3', 'conv4', 'post', 'top']);
    expect(r.layers.filter((l) => l.block[0] === 'post').map((l) => l.name)).toEqual(['post_bn', 'post_relu']);
  });

  it('has one bottleneck site per unit, each against one 3x3 conv from its input to its output width', () => {
    const e = preactExpected(111);
    expect(r.savings.total.sites).toBe(333);
    expect(r.savings.sites.every((s) => s.kind === 'bottleneck')).toBe(true);
    // Counterfactual of a unit: positions x 9 x in x out; the three convs are what it replaces.
    let counterfactual = 0;
    let actual = 0;
    for (const [w, side] of [[16, 32], [32, 16], [64, 8]]) {
      for (let i = 0; i < 111; i++) {
        const cin = i === 0 ? (w === 16 ? 16 : 2 * w) : 4 * w;
        counterfactual += side * side * 9 * cin * 4 * w;
        actual += side * side * (cin * w + 9 * w * w + w * 4 * w);
      }
    }
    expect(r.savings.total.actual.macs).toBe(actual);
    expect(r.savings.total.counterfactual.macs).toBe(counterfactual);
    const macs = expectedMacs(e);
    expect(r.savings.total.modelRatio).toBeCloseTo((macs - actual + counterfactual) / macs, 10);
  });
});
