/**
 * The exported ModelProto itself, decoded: header, graph inputs and outputs as tfjs names
 * and lays them out, weights converted from HWIO to OIHW, and no transposes between
 * consecutive NCHW ops (what a direct exporter writes, which the benchmark compares with).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/api.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { exportOnnx } from '../../src/engines/onnx/export.js';
import { decodeModel } from '../../src/load/onnx/proto.js';
import { seedWeights } from '../../src/engines/seed-weights.js';

beforeAll(() => ensureAnalysisBackend());

/** conv-BN-relu-conv-pool-conv: every op spatial, so NCHW from input to output. */
function convChain(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 3], name: 'image' });
  let x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' }).apply(input) as SymbolicTensor;
  x = tfl.layers.batchNormalization({ name: 'bn' }).apply(x) as SymbolicTensor;
  x = tfl.layers.activation({ activation: 'relu', name: 'relu' }).apply(x) as SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 4, kernelSize: 3, name: 'c2' }).apply(x) as SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }).apply(x) as SymbolicTensor;
  x = tfl.layers.conv2d({ filters: 2, kernelSize: 1, name: 'c3' }).apply(x) as SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: x, name: 'chain' });
  seedWeights(model, 5);
  return model;
}

describe('exported ModelProto', () => {
  it('declares IR 8, opset 17 and the producer', () => {
    const m = decodeModel(exportOnnx(convChain(), { producerVersion: '9.9.9' }));
    expect(m.irVersion).toBe(8);
    expect(m.opsetImport).toEqual([{ version: 17 }]); // domain '' is the default, not written
    expect(m.producerName).toBe('dnarch');
    expect(m.producerVersion).toBe('9.9.9');
  });

  it('keeps tfjs input and output names and NHWC shapes, with a dynamic batch', () => {
    const model = convChain();
    const g = decodeModel(exportOnnx(model)).graph;
    expect(g.input.map((v) => v.name)).toEqual(['image']);
    expect(g.output.map((v) => v.name)).toEqual(model.outputNames);
    const dims = (v: (typeof g.input)[number]) => v.type.tensorType.shape.dim.map((d) => d.dimParam ?? d.dimValue);
    expect(dims(g.input[0])).toEqual(['batch', 8, 8, 3]);
    expect(dims(g.output[0])).toEqual(['batch', 3, 3, 2]); // 8 -same-> 8 -valid 3x3-> 6 -pool 2-> 3
    expect(g.input[0].type.tensorType.elemType).toBe(1); // FLOAT
  });

  it('transposes once at the input and once at the output of an all-spatial chain', () => {
    const ops = decodeModel(exportOnnx(convChain())).graph.node.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Transpose')).toHaveLength(2);
    expect(ops[0]).toBe('Transpose');
    expect(ops[ops.length - 1]).toBe('Transpose');
  });

  it('writes no transpose after global pooling ([N, C] is the same in both layouts), and no Identity at the output', () => {
    const input = tfl.input({ shape: [6, 6, 3] });
    const c = tfl.layers.conv2d({ filters: 4, kernelSize: 3 }).apply(input) as SymbolicTensor;
    const p = tfl.layers.globalAveragePooling2d({}).apply(c) as SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(p) as SymbolicTensor });
    const ops = decodeModel(exportOnnx(model)).graph.node.map((n) => n.opType);
    expect(ops).toEqual(['Transpose', 'Conv', 'GlobalAveragePool', 'Flatten', 'Gemm', 'Softmax']);
  });

  it('stores a Conv2D kernel HWIO [kh, kw, in, out] as OIHW float32 little-endian raw data', () => {
    const input = tfl.input({ shape: [4, 4, 2] });
    const layer = tfl.layers.conv2d({ filters: 3, kernelSize: [2, 3], useBias: false, name: 'k' });
    const model = tfl.model({ inputs: input, outputs: layer.apply(input) as SymbolicTensor });
    seedWeights(model, 11);
    const hwio = layer.getWeights()[0].dataSync();
    const init = decodeModel(exportOnnx(model)).graph.initializer.find((t) => t.name.startsWith('k/'))!;
    expect(init.dims).toEqual([3, 2, 2, 3]);
    expect(init.dataType).toBe(1);
    const raw = init.rawData!;
    const oihw = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    // Element (o, i, y, x) of OIHW is element (y, x, i, o) of HWIO, for every index.
    for (let o = 0; o < 3; o++)
      for (let i = 0; i < 2; i++)
        for (let y = 0; y < 2; y++)
          for (let x = 0; x < 3; x++) {
            const got = oihw.getFloat32((((o * 2 + i) * 2 + y) * 3 + x) * 4, true);
            expect(got).toBe(hwio[((y * 3 + x) * 2 + i) * 3 + o]);
          }
  });

  it('writes the same weights, byte for byte, for two builds of a zoo model with the same seed', async () => {
    const initializers = async () => {
      const built = await buildModel('mobilenetv2', { inputSize: 32, classes: 10 });
      try {
        seedWeights(built.model, 4);
        return decodeModel(exportOnnx(built.model)).graph.initializer.map((t) => Buffer.from(t.rawData ?? []).toString('base64'));
      } finally {
        built.dispose();
      }
    };
    const [a, b] = [await initializers(), await initializers()];
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
  });

  it('loads in onnxruntime with the batch left free', async () => {
    const session = await ort.InferenceSession.create(exportOnnx(convChain()));
    expect(session.inputNames).toEqual(['image']);
    const out = await session.run({ image: new ort.Tensor('float32', new Float32Array(2 * 8 * 8 * 3), [2, 8, 8, 3]) });
    expect([...out[session.outputNames[0]].dims]).toEqual([2, 3, 3, 2]);
    await session.release();
  });
});
