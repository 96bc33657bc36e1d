/**
 * ONNX export, one layer family at a time: each tiny model runs in tfjs (cpu backend) and,
 * exported, in onnxruntime on the same NHWC input; the outputs must agree element by
 * element. tfjs is the reference: an independent implementation of every layer.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { exportOnnx } from '../../src/engines/onnx/export.js';
import { decodeModel } from '../../src/load/onnx/proto.js';
import { seedWeights } from '../../src/engines/seed-weights.js';
import { isDnarchError } from '../../src/errors.js';
import { OpaqueLayer } from '../../src/load/tfjs/opaque-layer.js';
import { adaptiveAveragePooling2d } from '../../src/zoo/adaptive-pooling.js';
import { CustomScaleLayer } from '../../src/zoo/custom-scale-layer.js';
import { groupedConv2d } from '../../src/zoo/grouped-conv.js';
import { globalAveragePooling2dKeepDims } from '../../src/zoo/keepdims-pooling.js';
import { LocalResponseNormalization } from '../../src/zoo/local-response-norm.js';
import { Normalization } from '../../src/zoo/normalization-layer.js';
import { compareWithOrt, inputsFor } from './onnx-harness.js';

beforeAll(() => ensureAnalysisBackend());

type Apply = (x: SymbolicTensor) => SymbolicTensor | SymbolicTensor[];
let counter = 0;

/** A functional model of `body` over an [h, w, c] input, with seeded weights. */
function modelOf(shape: number[], body: Apply): tfl.LayersModel {
  const input = tfl.input({ shape, name: `in${++counter}` });
  const model = tfl.model({ inputs: input, outputs: body(input) });
  seedWeights(model, 7);
  return model;
}

/** tfjs and onnxruntime agree to 1e-5 of the output's scale (float32 summation order differs). */
async function expectSame(model: tfl.LayersModel, batch = 1, lo = -1, hi = 1): Promise<void> {
  const c = await compareWithOrt(model, inputsFor(model, batch, 99, lo, hi), batch);
  expect(c.scale).toBeGreaterThan(0);
  expect(c.maxAbsDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, c.scale));
  model.dispose();
}

const conv = (args: Parameters<typeof tfl.layers.conv2d>[0]) => (x: SymbolicTensor) => tfl.layers.conv2d(args).apply(x) as SymbolicTensor;

describe('convolutions', () => {
  for (const size of [8, 7]) {
    it(`Conv2D 'same' at stride 2 on a ${size}x${size} input pads the odd pixel at the bottom/right, as TF`, async () => {
      await expectSame(modelOf([size, size, 3], conv({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })));
    });
    it(`Conv2D 'same' 4x4 kernel (even) at stride 3 on ${size}x${size}`, async () => {
      await expectSame(modelOf([size, size, 2], conv({ filters: 3, kernelSize: 4, strides: 3, padding: 'same' })));
    });
  }
  it("Conv2D 'valid', non-square kernel and input, no bias, sigmoid", async () => {
    await expectSame(modelOf([9, 6, 3], conv({ filters: 5, kernelSize: [3, 1], strides: [2, 1], useBias: false, activation: 'sigmoid' })));
  });
  it("Conv2D dilation 2 'same', swish and a channel softmax", async () => {
    await expectSame(modelOf([9, 9, 3], (x) => {
      const y = conv({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'swish' })(x);
      return conv({ filters: 6, kernelSize: 1, activation: 'softmax' })(y);
    }));
  });
  it('grouped Conv2D (src/zoo/grouped-conv.ts) maps groups to ONNX group', async () => {
    await expectSame(modelOf([7, 7, 6], (x) => groupedConv2d({ filters: 4, kernelSize: 3, groups: 2, padding: 'same', activation: 'relu' }).apply(x) as SymbolicTensor));
  });
  it("DepthwiseConv2D with depth multiplier 2, 'same' at stride 2 on an odd input", async () => {
    await expectSame(modelOf([7, 7, 3], (x) => tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', useBias: true }).apply(x) as SymbolicTensor));
  });
  it('SeparableConv2D with depth multiplier 2 (read from the kernel), stride 2, relu', async () => {
    await expectSame(modelOf([8, 7, 3], (x) => tfl.layers.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as SymbolicTensor));
  });
});

describe('layout-sensitive layers', () => {
  it('Flatten after a conv flattens in H, W, C order, then Dense + softmax', async () => {
    await expectSame(modelOf([5, 6, 3], (x) => {
      const y = tfl.layers.flatten().apply(conv({ filters: 4, kernelSize: 2 })(x)) as SymbolicTensor;
      return tfl.layers.dense({ units: 7, activation: 'softmax' }).apply(tfl.layers.dense({ units: 9, activation: 'relu' }).apply(y)) as SymbolicTensor;
    }));
  });
  it('Reshape of a spatial map to [H*W, C], Dense on a 3D tensor', async () => {
    await expectSame(modelOf([4, 5, 3], (x) => {
      const y = tfl.layers.reshape({ targetShape: [20, 4] }).apply(conv({ filters: 4, kernelSize: 1 })(x)) as SymbolicTensor;
      return tfl.layers.dense({ units: 3 }).apply(y) as SymbolicTensor;
    }));
  });
  it('Reshape [C] -> [1, 1, C] feeding a conv and a broadcast Multiply (squeeze-and-excitation)', async () => {
    await expectSame(modelOf([6, 6, 4], (x) => {
      const s = tfl.layers.globalAveragePooling2d({}).apply(x) as SymbolicTensor;
      const r = tfl.layers.reshape({ targetShape: [1, 1, 4] }).apply(s) as SymbolicTensor;
      const e = conv({ filters: 4, kernelSize: 1, activation: 'sigmoid' })(r);
      return tfl.layers.multiply().apply([x, e]) as SymbolicTensor;
    }));
  });
  it('Concatenate on the channel axis of maps, and of vectors', async () => {
    await expectSame(modelOf([5, 5, 3], (x) => {
      const a = conv({ filters: 2, kernelSize: 1 })(x);
      const b = conv({ filters: 3, kernelSize: 3, padding: 'same' })(x);
      const m = tfl.layers.concatenate({ axis: -1 }).apply([a, b, x]) as SymbolicTensor;
      const f = tfl.layers.flatten().apply(m) as SymbolicTensor;
      const g = tfl.layers.globalMaxPooling2d({}).apply(m) as SymbolicTensor;
      return tfl.layers.concatenate().apply([f, g]) as SymbolicTensor;
    }));
  });
  it('two outputs, one a 4D map (back to NHWC) also read by the other, and one a vector', async () => {
    await expectSame(modelOf([6, 6, 3], (x) => {
      const y = conv({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })(x);
      return [y, tfl.layers.globalAveragePooling2d({}).apply(y) as SymbolicTensor];
    }));
  });
});

describe('normalisation and element-wise layers', () => {
  it('BatchNormalization on maps and on vectors (moving statistics)', async () => {
    await expectSame(modelOf([5, 5, 3], (x) => {
      const y = tfl.layers.batchNormalization({ epsilon: 1.001e-5 }).apply(conv({ filters: 4, kernelSize: 3 })(x)) as SymbolicTensor;
      const v = tfl.layers.flatten().apply(y) as SymbolicTensor;
      return tfl.layers.batchNormalization({ center: false }).apply(v) as SymbolicTensor;
    }));
  });
  for (const activation of ['relu', 'relu6', 'sigmoid', 'swish', 'softmax', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'linear'] as const) {
    it(`Activation('${activation}') on a map`, async () => {
      await expectSame(modelOf([4, 4, 3], (x) => tfl.layers.activation({ activation }).apply(conv({ filters: 3, kernelSize: 1 })(x)) as SymbolicTensor), 1, -4, 4);
    });
  }
  it('ReLU(max_value), LeakyReLU, ELU, Softmax layers and Dropout (identity)', async () => {
    await expectSame(modelOf([4, 4, 3], (x) => {
      let y = conv({ filters: 3, kernelSize: 1 })(x);
      y = tfl.layers.reLU({ maxValue: 0.5 }).apply(tfl.layers.dropout({ rate: 0.5 }).apply(y)) as SymbolicTensor;
      const l = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(conv({ filters: 3, kernelSize: 1 })(x)) as SymbolicTensor;
      const e = tfl.layers.elu({}).apply(l) as SymbolicTensor;
      return tfl.layers.softmax({ axis: -1 }).apply(tfl.layers.add().apply([y, e])) as SymbolicTensor;
    }), 1, -3, 3);
  });
  it('Rescaling (scale and offset), Add of three, Average, Maximum, Minimum', async () => {
    await expectSame(modelOf([4, 4, 3], (x) => {
      const r = tfl.layers.rescaling({ scale: 0.5, offset: -0.25 }).apply(x) as SymbolicTensor;
      const a = conv({ filters: 3, kernelSize: 1 })(x);
      const s = tfl.layers.add().apply([x, r, a]) as SymbolicTensor;
      const m = tfl.layers.average().apply([s, r, x]) as SymbolicTensor;
      return tfl.layers.minimum().apply([tfl.layers.maximum().apply([m, a]) as SymbolicTensor, s]) as SymbolicTensor;
    }));
  });
  it('Normalization (EfficientNet stem) and CustomScaleLayer (Inception-ResNet)', async () => {
    await expectSame(modelOf([5, 5, 3], (x) => {
      const n = new Normalization({ axis: -1 }).apply(x) as SymbolicTensor;
      const b = conv({ filters: 3, kernelSize: 3, padding: 'same' })(n);
      return new CustomScaleLayer({ scale: 0.17 }).apply([n, b]) as SymbolicTensor;
    }));
  });
  it('LocalResponseNormalization (AlexNet 2012: r=2, bias 2, alpha 1e-4, beta 0.75) maps alpha to ONNX alpha * size', async () => {
    await expectSame(modelOf([5, 5, 7], (x) =>
      new LocalResponseNormalization({ depthRadius: 2, bias: 2, alpha: 1e-4, beta: 0.75 }).apply(conv({ filters: 8, kernelSize: 1 })(x)) as SymbolicTensor), 1, -30, 30);
  });
  it('LocalResponseNormalization with a large alpha (so that the window sum matters)', async () => {
    await expectSame(modelOf([3, 3, 6], (x) => new LocalResponseNormalization({ depthRadius: 1, bias: 1, alpha: 0.5, beta: 0.75 }).apply(x) as SymbolicTensor), 1, -2, 2);
  });
});

describe('pooling and padding', () => {
  for (const size of [7, 8]) {
    it(`MaxPooling2D 'same' 3x3/2 on ${size}x${size} negative values`, async () => {
      await expectSame(modelOf([size, size, 2], (x) => tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as SymbolicTensor), 1, -2, -1);
    });
    it(`AveragePooling2D 'same' 3x3/2 on ${size}x${size} excludes padded cells, as TF`, async () => {
      await expectSame(modelOf([size, size, 2], (x) => tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as SymbolicTensor), 1, 1, 2);
    });
  }
  it("AveragePooling2D 'valid' 1x1/2 (CIFAR option-A shortcut) and 2x2/2", async () => {
    await expectSame(modelOf([7, 7, 2], (x) => {
      const a = tfl.layers.averagePooling2d({ poolSize: 1, strides: 2 }).apply(x) as SymbolicTensor;
      return tfl.layers.averagePooling2d({ poolSize: 2, strides: 2 }).apply(a) as SymbolicTensor;
    }));
  });
  it('ZeroPadding2D (asymmetric) then MaxPooling2D on negative values keeps the zeros (onnxruntime PadFusion)', async () => {
    await expectSame(modelOf([6, 6, 2], (x) => {
      const p = tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] }).apply(x) as SymbolicTensor;
      return tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(p) as SymbolicTensor;
    }), 1, -2, -1);
  });
  it('ReLU, ZeroPadding2D (asymmetric), MaxPooling2D: the Pad folds into the MaxPool and the outputs still agree', async () => {
    const model = modelOf([7, 6, 2], (x) => {
      const r = tfl.layers.reLU({}).apply(x) as SymbolicTensor;
      const p = tfl.layers.zeroPadding2d({ padding: [[2, 1], [0, 2]] }).apply(r) as SymbolicTensor;
      return tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(p) as SymbolicTensor;
    });
    const ops = decodeModel(exportOnnx(model)).graph.node.map((n) => n.opType);
    expect(ops).not.toContain('Pad');
    // Inputs in [-2, -1) for half the cells: after the ReLU, windows of zeros, as Keras pads them.
    await expectSame(model, 1, -2, 1);
  });
  it('a Pad before a MaxPool stays where the values may be negative, or a pad is as wide as the window', async () => {
    const negative = modelOf([6, 6, 2], (x) => {
      const p = tfl.layers.zeroPadding2d({ padding: 1 }).apply(x) as SymbolicTensor;
      return tfl.layers.maxPooling2d({ poolSize: 3, strides: 2 }).apply(p) as SymbolicTensor;
    });
    expect(decodeModel(exportOnnx(negative)).graph.node.map((n) => n.opType)).toContain('Pad');
    negative.dispose();
    // A pad of 2 before a 2x2 window: a window of padding only (Keras: 0, MaxPool: -inf).
    const wide = modelOf([6, 6, 2], (x) => {
      const r = tfl.layers.reLU({}).apply(x) as SymbolicTensor;
      const p = tfl.layers.zeroPadding2d({ padding: [[2, 0], [0, 0]] }).apply(r) as SymbolicTensor;
      return tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(p) as SymbolicTensor;
    });
    expect(decodeModel(exportOnnx(wide)).graph.node.map((n) => n.opType)).toContain('Pad');
    await expectSame(wide, 1, -2, 1);
  });
  it('ZeroPadding2D then a Conv: the Pad folds into the Conv\'s pads, same outputs', async () => {
    const model = modelOf([7, 8, 3], (x) => {
      const p = tfl.layers.zeroPadding2d({ padding: [[3, 1], [0, 2]] }).apply(x) as SymbolicTensor;
      return conv({ filters: 4, kernelSize: 3, strides: 2 })(p);
    });
    const g = decodeModel(exportOnnx(model)).graph;
    expect(g.node.map((n) => n.opType)).not.toContain('Pad');
    const pads = g.node.find((n) => n.opType === 'Conv')!.attribute.find((a) => a.name === 'pads')!.ints;
    expect(pads).toEqual([3, 0, 1, 2]);
    await expectSame(model);
  });
  it("option A's shortcut (1x1 pool of stride 2, x and x * 0 concatenated, added): zeros without a Mul, same outputs", async () => {
    const model = modelOf([7, 6, 3], (x) => {
      const c = conv({ filters: 4, kernelSize: 3, padding: 'same' })(x);
      const sub = tfl.layers.averagePooling2d({ poolSize: 1, strides: 2 }).apply(c) as SymbolicTensor;
      const zeros = tfl.layers.rescaling({ scale: 0, offset: 0 }).apply(sub) as SymbolicTensor;
      const widened = tfl.layers.concatenate({ axis: -1 }).apply([sub, zeros]) as SymbolicTensor;
      const main = conv({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' })(c);
      return tfl.layers.add().apply([widened, main]) as SymbolicTensor;
    });
    const g = decodeModel(exportOnnx(model)).graph;
    expect(g.node.map((n) => n.opType)).not.toContain('Mul');
    // No weights for the zeros: the BatchNormalization's four inputs are made by ConstantOfShape.
    const bn = g.node.find((n) => n.opType === 'BatchNormalization')!;
    expect(bn.input.slice(1).map((i) => g.node.find((n) => n.output.includes(i))?.opType)).toEqual(['ConstantOfShape', 'ConstantOfShape', 'ConstantOfShape', 'ConstantOfShape']);
    await expectSame(model, 1, -1, 1);
  });
  it('Rescaling by 0 of a flat tensor stays a Mul', async () => {
    const model = modelOf([5], (x) => tfl.layers.concatenate().apply([x, tfl.layers.rescaling({ scale: 0, offset: 0 }).apply(x) as SymbolicTensor]) as SymbolicTensor);
    expect(decodeModel(exportOnnx(model)).graph.node.map((n) => n.opType)).toContain('Mul');
    await expectSame(model);
  });
  it('ZeroPadding2D then a strided conv, Cropping2D (asymmetric)', async () => {
    await expectSame(modelOf([7, 8, 3], (x) => {
      const p = tfl.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }).apply(x) as SymbolicTensor;
      const c = conv({ filters: 4, kernelSize: 3, strides: 2 })(p);
      return tfl.layers.cropping2D({ cropping: [[1, 0], [0, 1]] }).apply(c) as SymbolicTensor;
    }));
  });
  it('global pooling, keepdims variant feeding a 1x1 conv and a Reshape (MobileNet top)', async () => {
    await expectSame(modelOf([5, 6, 4], (x) => {
      const k = globalAveragePooling2dKeepDims({}).apply(x) as SymbolicTensor;
      const c = conv({ filters: 5, kernelSize: 1 })(k);
      const r = tfl.layers.reshape({ targetShape: [5] }).apply(c) as SymbolicTensor;
      const m = tfl.layers.globalMaxPooling2d({}).apply(x) as SymbolicTensor;
      return tfl.layers.concatenate().apply([r, m]) as SymbolicTensor;
    }));
  });
  for (const [size, out] of [[8, 4], [7, 3], [6, 6], [5, 7]] as const) {
    it(`AdaptiveAveragePooling2D ${size}x${size} -> ${out}x${out} (exact per-bin means)`, async () => {
      await expectSame(modelOf([size, size + 1, 3], (x) => adaptiveAveragePooling2d({ outputSize: [out, out + 1] }).apply(x) as SymbolicTensor));
    });
  }
});

describe('graph structure', () => {
  it('a nested Sequential model called twice (shared weights)', async () => {
    const inner = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [6, 6, 3], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }), tfl.layers.batchNormalization({})],
    });
    await expectSame(modelOf([6, 6, 3], (x) => {
      const a = inner.apply(x) as SymbolicTensor;
      return inner.apply(a) as SymbolicTensor;
    }));
  });
  it('a Sequential model at the top level', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [7, 7, 2], filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 4, activation: 'softmax' }),
      ],
    });
    seedWeights(model, 8);
    await expectSame(model);
  });
  it('a dynamic batch: batch 3 through the same export', async () => {
    await expectSame(modelOf([6, 5, 3], (x) => tfl.layers.dense({ units: 4 }).apply(tfl.layers.flatten().apply(conv({ filters: 2, kernelSize: 3, strides: 2 })(x))) as SymbolicTensor), 3);
  });
});

describe('unsupported layers', () => {
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(isDnarchError(e) && e.code).toBe('BAD_INPUT');
      return (e as Error).message;
    }
    throw new Error('expected an error');
  };
  it('a class with no mapping is refused by layer name and class', () => {
    const model = modelOf([4, 4, 3], (x) => tfl.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(x) as SymbolicTensor);
    expect(message(() => exportOnnx(model))).toBe('cannot export layer "up" (UpSampling2D) to ONNX: no ONNX mapping for UpSampling2D');
  });
  it("dnarch's opaque stand-in (a Lambda) is refused under the class the file names", () => {
    const model = modelOf([4, 4, 3], (x) => new OpaqueLayer({ originalClassName: 'Lambda', name: 'my_lambda' }).apply(x) as SymbolicTensor);
    expect(message(() => exportOnnx(model))).toBe('cannot export layer "my_lambda" (Lambda) to ONNX: no ONNX mapping for Lambda');
  });
  it('an activation with no ONNX mapping is refused by layer name', () => {
    const model = modelOf([4, 4, 3], (x) => tfl.layers.activation({ activation: 'mish', name: 'act' }).apply(x) as SymbolicTensor);
    expect(message(() => exportOnnx(model))).toBe('cannot export layer "act" (Activation) to ONNX: no ONNX mapping for activation "mish"');
  });
});
