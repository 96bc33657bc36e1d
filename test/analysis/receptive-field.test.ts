import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import { globalAveragePooling2dKeepDims } from '../../src/zoo/keepdims-pooling.js';
import { resolveOptions } from '../../src/zoo/options.js';
import { findModel, ZOO } from '../../src/zoo/registry.js';
import { kerasReference } from '../reference.js';
import { literalFields, node, sq, tfjsFields } from './rf-graphs.js';
import { receptiveFields } from '../../src/analysis/receptive-field.js';

const z = { kernelInitializer: 'zeros' } as const;
const conv = (name: string, kernelSize: number | number[], more: Parameters<typeof tfl.layers.conv2d>[0] | object = {}) =>
  tfl.layers.conv2d({ name, filters: 2, kernelSize, ...z, ...more });
const ap = (layer: { apply: (x: SymbolicTensor | SymbolicTensor[]) => unknown }, x: SymbolicTensor | SymbolicTensor[]) =>
  layer.apply(x) as SymbolicTensor;

/** Zoo models with a published receptive field in ../shared/reference/keras-applications.json. */
const withReference = ZOO.map((e) => e.name).filter((name) => {
  try {
    return Boolean(kerasReference(name).receptiveField);
  } catch {
    return false;
  }
});

async function zooFields(name: string) {
  // Straight from the builder, not through src/api.ts, which would compile the whole analysis.
  const entry = findModel(name)!;
  await ensureAnalysisBackend();
  const built = (await entry.load())(resolveOptions(entry));
  const graph = graphFromTfjs(built.model, built.blocks);
  built.model.dispose();
  return literalFields(graph);
}

describe('final receptive field of the zoo models equals the published one', () => {
  it('covers every zoo model the reference lists', () => {
    expect(withReference).toEqual(
      expect.arrayContaining(['vgg16', 'vgg19', 'resnet50', 'resnet101', 'resnet152', 'inceptionv3', 'xception', 'mobilenet']),
    );
  });

  it.each(withReference)('%s', async (name) => {
    const ref = kerasReference(name).receptiveField;
    const { final } = await zooFields(name);
    expect(final).toEqual(sq(ref.size, ref.effectiveStride, ref.effectivePadding));
  });

  it('finds ResNet50 and InceptionV3 aligned at every merge', async () => {
    // The reference implementation refuses misaligned graphs, and it computed these two.
    expect((await zooFields('resnet50')).misaligned).toEqual([]);
    expect((await zooFields('inceptionv3')).misaligned).toEqual([]);
  });

  it("reports Keras Xception's one misaligned residual add (block 3)", async () => {
    // Block 3 reads a 74x74 map (even) at effective stride 4. Its 3x3/2 'same' max pool
    // pads (37-1)*2+3-74 = 1 in total, 0 before, so its first window is centred at
    // input index 1 (stride-4 units) = 4 px further than the 1x1/2 shortcut conv's.
    // Blocks 2, 4 and 13 read odd sizes (147, 37, 19): 1 before, centres agree.
    const { misaligned } = await zooFields('xception');
    expect(misaligned).toHaveLength(1);
    expect(misaligned[0].inputs).toContain('block3_pool');
    expect(misaligned[0].reason).toBe('centres differ by 4 px on axis 0; centres differ by 4 px on axis 1');
  });
});

describe('merges', () => {
  it('take the larger field: 3x3 and 5x5 same-padded paths added', async () => {
    // 3x3 'same', stride 1: pad 1 before -> r 3, P 1, centre (3-1)/2-1 = 0.
    // 5x5 'same', stride 1: pad 2 before -> r 5, P 2, centre (5-1)/2-2 = 0: aligned.
    for (const order of [0, 1]) {
      const f = await tfjsFields([16, 16, 1], (x) => {
        const a = ap(conv('c3', 3, { padding: 'same' }), x);
        const b = ap(conv('c5', 5, { padding: 'same' }), x);
        return ap(tfl.layers.add({ name: 'sum' }), order === 0 ? [a, b] : [b, a]);
      });
      expect(f.rf('c3')).toEqual(sq(3, 1, 1));
      expect(f.rf('c5')).toEqual(sq(5, 1, 2));
      expect(f.rf('sum')).toEqual(sq(5, 1, 2));
      expect(f.misaligned).toEqual([]);
    }
  });

  it('report centres that differ (asymmetric explicit padding)', async () => {
    // A: pad 1 all round, 3x3 valid -> r 3, P 1, centre 0.
    // B: pad 2 top / 2 left only, 3x3 valid -> r 3, P 2, centre -1. Same 8x8 output.
    // Equal sizes: the merge keeps the first input's field.
    for (const order of [0, 1]) {
      const f = await tfjsFields([8, 8, 1], (x) => {
        const a = ap(conv('ca', 3), ap(tfl.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pa' }), x));
        const b = ap(conv('cb', 3), ap(tfl.layers.zeroPadding2d({ padding: [[2, 0], [2, 0]], name: 'pb' }), x));
        return ap(tfl.layers.add({ name: 'sum' }), order === 0 ? [a, b] : [b, a]);
      });
      expect(f.rf('ca')).toEqual(sq(3, 1, 1));
      expect(f.rf('cb')).toEqual(sq(3, 1, 2));
      expect(f.rf('sum')).toEqual(order === 0 ? sq(3, 1, 1) : sq(3, 1, 2));
      expect(f.misaligned).toEqual([
        {
          layer: 'sum',
          inputs: order === 0 ? ['ca', 'cb'] : ['cb', 'ca'],
          reason: 'centres differ by 1 px on axis 0; centres differ by 1 px on axis 1',
        },
      ]);
    }
  });

  it('report strides that differ', async () => {
    // A: 1x1/4 valid on 8 -> 2 outputs, r 1, S 4.  B: 5x5/2 valid on 8 -> 2 outputs, r 5, S 2.
    const f = await tfjsFields([8, 8, 1], (x) => {
      const a = ap(conv('a', 1, { strides: 4 }), x);
      const b = ap(conv('b', 5, { strides: 2 }), x);
      return ap(tfl.layers.add({ name: 'sum' }), [a, b]);
    });
    expect(f.rf('sum')).toEqual(sq(5, 2, 0));
    expect(f.misaligned).toEqual([
      { layer: 'sum', inputs: ['a', 'b'], reason: 'strides 4 vs 2 on axis 0; strides 4 vs 2 on axis 1' },
    ]);
  });

  it('report half-pixel shifts and name the inputs when more than two are merged', async () => {
    // 2x2 'same' at stride 1 pads 1 in total, 0 before: r 2, P 0, centre 0.5, vs 0 for the others.
    const f = await tfjsFields([8, 8, 1], (x) =>
      ap(tfl.layers.concatenate({ name: 'cat' }), [
        ap(conv('c3', 3, { padding: 'same' }), x),
        ap(conv('c5', 5, { padding: 'same' }), x),
        ap(conv('c2', 2, { padding: 'same' }), x),
      ]),
    );
    expect(f.rf('c2')).toEqual(sq(2, 1, 0));
    expect(f.rf('cat')).toEqual(sq(5, 1, 2));
    expect(f.misaligned).toEqual([
      {
        layer: 'cat',
        inputs: ['c3', 'c5', 'c2'],
        reason: 'centres differ by 0.5 px on axis 0 (c3 vs c2); centres differ by 0.5 px on axis 1 (c3 vs c2)',
      },
    ]);
  });

  it('ignore a squeeze-and-excite gate broadcast back onto the map', async () => {
    const f = await tfjsFields([8, 8, 4], (x) => {
      const y = ap(conv('x', 3, { padding: 'same', filters: 4 }), x);
      let se = ap(tfl.layers.globalAveragePooling2d({ name: 'se_pool' }), y);
      se = ap(tfl.layers.reshape({ targetShape: [1, 1, 4], name: 'se_reshape' }), se);
      se = ap(conv('se_conv', 1, { filters: 4, activation: 'sigmoid' }), se);
      return ap(tfl.layers.multiply({ name: 'excite' }), [y, se]);
    });
    expect(f.rf('se_conv')?.global).toBe(true);
    expect(f.rf('excite')).toEqual(sq(3, 1, 1));
    expect(f.misaligned).toEqual([]);
    expect(f.final).toEqual(sq(3, 1, 1));
  });
});

describe('windows', () => {
  it('the model input has r 1, S 1, P 0 and element-wise layers pass the field through', async () => {
    const f = await tfjsFields([8, 8, 3], (x) => {
      let y = ap(conv('c', 3), x);
      y = ap(tfl.layers.batchNormalization({ name: 'bn' }), y);
      y = ap(tfl.layers.activation({ activation: 'relu', name: 'act' }), y);
      y = ap(tfl.layers.reLU({ maxValue: 6, name: 'relu6' }), y);
      y = ap(tfl.layers.dropout({ rate: 0.1, name: 'drop' }), y);
      return ap(tfl.layers.dense({ units: 4, name: 'per_pixel', ...z }), y);
    });
    expect(f.rf('in')).toEqual(sq(1, 1, 0));
    for (const name of ['c', 'bn', 'act', 'relu6', 'drop', 'per_pixel']) expect(f.rf(name)).toEqual(sq(3, 1, 0));
    expect(f.final).toEqual(sq(3, 1, 0));
  });

  it('dilation widens the kernel to d(k-1)+1', async () => {
    // 3x3 dilation 2: span 5 -> r 5; 'same' pads 4, 2 before. A second one adds 4 more.
    const f = await tfjsFields([16, 16, 1], (x) => {
      const v = ap(conv('valid', 3, { dilationRate: 2 }), x);
      const s1 = ap(conv('same1', 3, { dilationRate: 2, padding: 'same' }), x);
      return [v, ap(conv('same2', 3, { dilationRate: 2, padding: 'same' }), s1)];
    });
    expect(f.rf('valid')).toEqual(sq(5, 1, 0));
    expect(f.rf('same1')).toEqual(sq(5, 1, 2));
    expect(f.rf('same2')).toEqual(sq(9, 1, 4));
  });

  it('a 1x7 then 7x1 pair covers 7x7, the 1x7 alone 1x7', async () => {
    // 1x7 'same': axis 0 untouched, axis 1 r 7 with 3 before. Then 7x1 does axis 0.
    const f = await tfjsFields([17, 17, 1], (x) => {
      const a = ap(conv('c1x7', [1, 7], { padding: 'same' }), x);
      return [ap(conv('c7x1', [7, 1], { padding: 'same' }), a), ap(conv('c7x7', 7, { padding: 'same' }), x)];
    });
    expect(f.rf('c1x7')).toEqual({ size: [1, 7], stride: [1, 1], padding: [0, 3] });
    expect(f.rf('c7x1')).toEqual(sq(7, 1, 3));
    expect(f.rf('c7x1')).toEqual(f.rf('c7x7'));
  });

  it('a strided pool multiplies the stride', async () => {
    // 3x3 valid: r 3. 2x2 pool, stride 2 by default: r 3 + (2-1)*1 = 4, S 2.
    // Then 3x3 valid: r 4 + (3-1)*2 = 8, S 2.
    const f = await tfjsFields([12, 12, 1], (x) => {
      let y = ap(conv('c1', 3), x);
      y = ap(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }), y);
      return ap(conv('c2', 3), y);
    });
    expect(f.rf('pool')).toEqual(sq(4, 2, 0));
    expect(f.rf('c2')).toEqual(sq(8, 2, 0));
  });

  it("'same' at stride 2 pads by TensorFlow's rule, which depends on the input size", async () => {
    // n = 8: out 4, total pad (4-1)*2+3-8 = 1, before floor(1/2) = 0.
    // n = 9: out 5, total pad (5-1)*2+3-9 = 2, before 1.
    // Again on 4 (S 2): out 2, total (2-1)*2+3-4 = 1, before 0: r 3+2*2 = 7, S 4, P 0.
    const s2 = { strides: 2, padding: 'same' };
    const even = await tfjsFields([8, 8, 1], (x) => ap(conv('b', 3, s2), ap(conv('a', 3, s2), x)));
    expect(even.rf('a')).toEqual(sq(3, 2, 0));
    expect(even.rf('b')).toEqual(sq(7, 4, 0));
    const odd = await tfjsFields([9, 9, 1], (x) => ap(conv('a', 3, s2), x));
    expect(odd.rf('a')).toEqual(sq(3, 2, 1));
    const mixed = await tfjsFields([8, 9, 1], (x) => ap(conv('a', 3, s2), x));
    expect(mixed.rf('a')).toEqual({ size: [3, 3], stride: [2, 2], padding: [0, 1] });
    // A 3x3/2 'same' max pool on 9 pads like the conv: 1 before.
    const pool = await tfjsFields([9, 9, 1], (x) => ap(tfl.layers.maxPooling2d({ poolSize: 3, ...s2, name: 'p' } as never), x));
    expect(pool.rf('p')).toEqual(sq(3, 2, 1));
  });

  it('separable and depthwise convolutions are windows of their kernel', async () => {
    const f = await tfjsFields([16, 16, 2], (x) => {
      const d = ap(tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, name: 'dw', depthwiseInitializer: 'zeros' }), x);
      return ap(tfl.layers.separableConv2d({ filters: 2, kernelSize: 5, padding: 'same', name: 'sep' }), d);
    });
    // dw: 3x3/2 valid -> r 3, S 2. sep: 5x5 'same' at stride 1 pads 2 before -> r 3+4*2 = 11, P 2*2 = 4.
    expect(f.rf('dw')).toEqual(sq(3, 2, 0));
    expect(f.rf('sep')).toEqual(sq(11, 2, 4));
  });
});

describe('explicit padding and cropping', () => {
  it('ZeroPadding2D in its three formats adds pad x S before; Cropping2D subtracts', async () => {
    const f = await tfjsFields([8, 8, 1], (x) => [
      ap(conv('after_int', 3), ap(tfl.layers.zeroPadding2d({ padding: 2, name: 'int' }), x)),
      ap(tfl.layers.zeroPadding2d({ padding: [1, 2], name: 'sym' }), x),
      ap(tfl.layers.zeroPadding2d({ padding: [[1, 0], [3, 0]], name: 'pairs' }), x),
      // At S 2 one row of padding is 2 input pixels.
      ap(tfl.layers.zeroPadding2d({ padding: 1, name: 'strided' }), ap(conv('s2', 3, { strides: 2 }), x)),
      ap(tfl.layers.cropping2D({ cropping: [[1, 1], [2, 2]], name: 'crop' }), ap(conv('same', 3, { padding: 'same' }), x)),
    ]);
    expect(f.rf('int')).toEqual(sq(1, 1, 2));
    expect(f.rf('after_int')).toEqual(sq(3, 1, 2));
    expect(f.rf('sym')).toEqual({ size: [1, 1], stride: [1, 1], padding: [1, 2] });
    expect(f.rf('pairs')).toEqual({ size: [1, 1], stride: [1, 1], padding: [1, 3] });
    expect(f.rf('strided')).toEqual(sq(3, 2, 2));
    // 'same' 3x3: P 1; cropping 1 row and 2 columns: P 0 and -1.
    expect(f.rf('crop')).toEqual({ size: [3, 3], stride: [1, 1], padding: [0, -1] });
  });
});

describe('1D layers have one axis', () => {
  it('conv, pool and causal padding', async () => {
    // k5/2 valid: r 5, S 2. Pool 2 (stride 2): r 5+1*2 = 7, S 4.
    // Causal k3 dilation 2: span 5, all 4 padding before.
    const f = await tfjsFields([20, 3], (x) => [
      ap(tfl.layers.maxPooling1d({ poolSize: 2, name: 'pool' }), ap(tfl.layers.conv1d({ filters: 2, kernelSize: 5, strides: 2, name: 'c', ...z }), x)),
      ap(tfl.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'causal', name: 'causal', ...z }), x),
    ]);
    expect(f.rf('in')).toEqual(sq(1, 1, 0, 1));
    expect(f.rf('c')).toEqual(sq(5, 2, 0, 1));
    expect(f.rf('pool')).toEqual(sq(7, 4, 0, 1));
    expect(f.rf('causal')).toEqual(sq(5, 1, 4, 1));
  });

  it('ZeroPadding1D takes one (before, after) pair; Cropping1D likewise', () => {
    const f = literalFields({
      name: 'pad1d',
      inputs: ['in'],
      outputs: ['crop'],
      nodes: [
        node('in', 'InputLayer', [], [], [null, 10, 3]),
        node('pad', 'ZeroPadding1D', ['in'], [[null, 10, 3]], [null, 17, 3], { padding: [2, 5] }),
        node('crop', 'Cropping1D', ['pad'], [[null, 17, 3]], [null, 16, 3], { cropping: [1, 0] }),
      ],
    });
    expect(f.rf('pad')).toEqual(sq(1, 1, 2, 1));
    expect(f.rf('crop')).toEqual(sq(1, 1, 1, 1));
  });
});

describe('global pooling', () => {
  it('covers the whole input and leaves the final field at the last spatial layer', async () => {
    // 3x3 valid on 10x10: r 3. Global pooling: the whole 10x10 input, S and P kept.
    const f = await tfjsFields([10, 10, 3], (x) => {
      let y = ap(conv('c', 3), x);
      y = ap(tfl.layers.globalAveragePooling2d({ name: 'gap' }), y);
      y = ap(tfl.layers.dropout({ rate: 0.2, name: 'drop' }), y);
      return ap(tfl.layers.dense({ units: 5, name: 'fc', ...z }), y);
    });
    const whole = { size: [10, 10], stride: [1, 1], padding: [0, 0], global: true };
    for (const name of ['gap', 'drop', 'fc']) expect(f.rf(name)).toEqual(whole);
    expect(f.final).toEqual(sq(3, 1, 0));
  });

  it('Flatten is global too, keeping the last stride', async () => {
    const f = await tfjsFields([9, 9, 1], (x) => {
      const y = ap(conv('c', 3, { strides: 2 }), x);
      return ap(tfl.layers.dense({ units: 2, name: 'fc', ...z }), ap(tfl.layers.flatten({ name: 'flat' }), y));
    });
    expect(f.rf('flat')).toEqual({ size: [9, 9], stride: [2, 2], padding: [0, 0], global: true });
    expect(f.rf('fc')?.global).toBe(true);
    expect(f.final).toEqual(sq(3, 2, 0));
  });

  it('keepDims pooling and a 1x1 classifier conv after it stay global (MobileNet top)', async () => {
    const f = await tfjsFields([8, 8, 3], (x) => {
      let y = ap(conv('c', 5, { strides: 1 }), x);
      y = ap(globalAveragePooling2dKeepDims({ name: 'gap' }), y);
      y = ap(conv('preds', 1, { filters: 3 }), y);
      y = ap(tfl.layers.reshape({ targetShape: [3], name: 'flat' }), y);
      return ap(tfl.layers.activation({ activation: 'softmax', name: 'softmax' }), y);
    });
    for (const name of ['gap', 'preds', 'flat', 'softmax']) expect(f.rf(name)?.global).toBe(true);
    expect(f.final).toEqual(sq(5, 1, 0));
  });

  it('a model with a variable input size still has a final field', async () => {
    // 'same' at stride 1 pads (k-1)/2 before whatever the size; the global field itself is
    // unknown (no input size), but it is no spatial layer.
    const f = await tfjsFields([null, null, 3], (x) =>
      ap(tfl.layers.globalMaxPooling2d({ name: 'gmp' }), ap(conv('c', 3, { padding: 'same' }), x)),
    );
    expect(f.rf('c')).toEqual(sq(3, 1, 1));
    expect(f.rf('gmp')).toBeNull();
    expect(f.final).toEqual(sq(3, 1, 1));
  });
});

describe('unknown geometry gives null, and null propagates', () => {
  it('UpSampling2D and everything after it, merges included', async () => {
    const f = await tfjsFields([8, 8, 1], (x) => {
      const a = ap(conv('a', 3, { padding: 'same' }), x);
      const up = ap(tfl.layers.upSampling2d({ size: [2, 2], name: 'up' }), a);
      const down = ap(tfl.layers.maxPooling2d({ poolSize: 2, name: 'down' }), up);
      return ap(tfl.layers.add({ name: 'sum' }), [a, down]);
    });
    expect(f.rf('a')).toEqual(sq(3, 1, 1));
    expect(f.rf('up')).toBeNull();
    expect(f.rf('down')).toBeNull();
    expect(f.rf('sum')).toBeNull();
    expect(f.final).toBeNull();
    expect(f.misaligned).toEqual([]);
  });

  it('a shape-preserving Conv2DTranspose is still not modelled', async () => {
    const f = await tfjsFields([8, 8, 1], (x) =>
      ap(tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 3, padding: 'same', name: 't' }), x),
    );
    expect(f.rf('t')).toBeNull();
  });

  it("'same' at stride 2 over an unknown size", async () => {
    const f = await tfjsFields([null, null, 3], (x) => ap(conv('c2', 3, { padding: 'same' }), ap(conv('c1', 3, { strides: 2, padding: 'same' }), x)));
    expect(f.rf('c1')).toBeNull();
    expect(f.rf('c2')).toBeNull();
  });

  it('custom layers: resizing or multi-input ones are unknown, shape-preserving ones pass', () => {
    const s8: (number | null)[] = [null, 8, 8, 4];
    const s4: (number | null)[] = [null, 4, 4, 4];
    const f = literalFields({
      name: 'custom',
      inputs: ['in'],
      outputs: ['after_fuse'],
      nodes: [
        node('in', 'InputLayer', [], [], s8),
        node('gate', 'MyGate', ['in'], [s8], s8),
        node('resize', 'MyResize', ['gate'], [s8], s4),
        node('after_resize', 'BatchNormalization', ['resize'], [s4], s4),
        node('fuse', 'MyFuse', ['in', 'gate'], [s8, s8], s8),
        node('after_fuse', 'Activation', ['fuse'], [s8], s8),
      ],
    });
    expect(f.rf('gate')).toEqual(sq(1, 1, 0));
    expect(f.rf('resize')).toBeNull();
    expect(f.rf('after_resize')).toBeNull();
    expect(f.rf('fuse')).toBeNull();
    expect(f.rf('after_fuse')).toBeNull();
    expect(f.final).toBeNull();
  });

  it('a non-spatial model (an MLP) has no field at all', async () => {
    const f = await tfjsFields([10], (x) => ap(tfl.layers.dense({ units: 3, name: 'fc', ...z }), x));
    expect(f.rf('in')).toBeNull();
    expect(f.rf('fc')).toBeNull();
    expect(f.final).toBeNull();
  });
});

describe('stand-ins for layers dnarch cannot see into', () => {
  it('a Lambda or custom layer has an unknown field, and so has everything after it', () => {
    const layer = (name: string, className: string, inbound: string[], extra: Record<string, unknown> = {}) => ({
      name, className, config: {}, inputShapes: [[null, 8, 8, 3]], outputShapes: [[null, 8, 8, 3]],
      weights: [], inbound, block: [], ...extra,
    });
    const { perLayer } = receptiveFields({
      name: 'g', inputs: ['in'], outputs: ['after'],
      nodes: [layer('in', 'InputLayer', []), layer('lambda', 'Lambda', ['in'], { opaque: 'a Lambda: its code is not analysed' }), layer('after', 'ReLU', ['lambda'])],
    });
    expect(perLayer.get('in')).toEqual({ size: [1, 1], stride: [1, 1], padding: [0, 0] });
    expect(perLayer.get('lambda')).toBeNull();
    expect(perLayer.get('after')).toBeNull();
  });
});
