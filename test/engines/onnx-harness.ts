import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../src/engines/onnx/export.js';

/** Deterministic input values in [lo, hi): a tiny LCG, independent of the code under test. */
export function pseudoRandom(n: number, seed = 12345, lo = 0, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return out;
}

export interface Comparison {
  tfjs: Float32Array[];
  onnx: Float32Array[];
  /** Largest |tfjs - onnx| over all outputs. */
  maxAbsDiff: number;
  /** Largest |tfjs| over all outputs. */
  scale: number;
  shapes: number[][];
}

/**
 * Runs `model` in tfjs (whatever backend is current) and its ONNX export in onnxruntime on
 * the same Float32Array(s), NHWC as tfjs takes them, and compares the outputs element by element.
 */
export async function compareWithOrt(model: LayersModel, inputs: Float32Array[], batch = 1): Promise<Comparison> {
  const shapes = model.inputs.map((t) => [batch, ...t.shape.slice(1).map((d) => d as number)]);
  const xs = inputs.map((data, i) => tfc.tensor(data, shapes[i], 'float32'));
  const predicted = model.predict(xs.length === 1 ? xs[0] : xs) as tfc.Tensor | tfc.Tensor[];
  const ys = Array.isArray(predicted) ? predicted : [predicted];
  const tfjs = ys.map((y) => y.dataSync() as Float32Array);
  const outShapes = ys.map((y) => y.shape);
  xs.forEach((x) => x.dispose());
  ys.forEach((y) => y.dispose());

  const session = await ort.InferenceSession.create(exportOnnx(model), { graphOptimizationLevel: 'all' });
  try {
    const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, new ort.Tensor('float32', inputs[i], shapes[i])]));
    const result = await session.run(feeds);
    const onnx = session.outputNames.map((name) => result[name].data as Float32Array);
    session.outputNames.forEach((name, i) => {
      const dims = [...result[name].dims];
      if (dims.join() !== outShapes[i].join()) throw new Error(`output ${name}: onnx shape ${dims} vs tfjs ${outShapes[i]}`);
    });
    let maxAbsDiff = 0;
    let scale = 0;
    tfjs.forEach((t, k) => {
      if (t.length !== onnx[k].length) throw new Error(`output ${k}: ${onnx[k].length} values vs tfjs ${t.length}`);
      for (let i = 0; i < t.length; i++) {
        const d = Math.abs(t[i] - onnx[k][i]);
        maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
        scale = Math.max(scale, Math.abs(t[i]));
      }
    });
    return { tfjs, onnx, maxAbsDiff, scale, shapes: outShapes };
  } finally {
    await session.release();
  }
}

/** Input data for every input of `model`, batch `batch`. */
export function inputsFor(model: LayersModel, batch = 1, seed = 12345, lo = 0, hi = 1): Float32Array[] {
  return model.inputs.map((t, i) => pseudoRandom(batch * t.shape.slice(1).reduce((a: number, d) => a * (d as number), 1), seed + i, lo, hi));
}
