/**
 * This machine's roofs, measured on ONNX Runtime with the threads a bench uses:
 * - compute: the best of a float32 MatMul 2048 x 2048 by 2048 x 2048 (17 GFLOP) and 3x3
 *   Convs of 256 channels on 28 x 28 and 512 on 14 x 14 (ResNet's own shapes; ORT's NCHWc
 *   convolutions beat its GEMM on some CPUs), best of N runs each, 2 x MACs FLOPs per run.
 *   A layer can still beat it a little (the runs are noisy): "of peak" may pass 100%;
 * - memory: ReduceMax over a 1 GiB float32 input (beyond any CPU cache: some report
 *   480 MiB of L3), best of N, counted as the input's bytes read; its output is one
 *   number, so what is timed is the stream from memory, no output allocation or copy.
 * Both graphs are written here (no file), and fed inputs made once, outside the timing.
 */
import type * as Ort from 'onnxruntime-node';
import { DataType, encodeModel, type ModelMsg, type NodeMsg, type TensorMsg } from '../load/onnx/proto.js';
import { attr } from './onnx/graph.js';
import { ortVersion, sessionOptions } from './onnxruntime-engine.js';

export interface MeasuredPeaks {
  gflops: number;
  gbPerS: number;
  version: string;
}

export interface PeakOptions {
  threads?: number;
  /** Runs of each compute measurement after one warm-up (default 15; memory: half as many). */
  runs?: number;
  /** Sizes (tests use small ones; the defaults are the measurement). */
  matmul?: number;
  /** [channels, side] of each square 3x3 Conv measured. */
  convs?: [number, number][];
  streamFloats?: number;
  clock?: () => number;
}

const f32 = (name: string, dims: number[]) => ({
  name,
  type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

function model(node: NodeMsg, inputs: { name: string; dims: number[] }[], output: { name: string; dims: number[] }, initializer: TensorMsg[] = []): Uint8Array {
  const msg: ModelMsg = {
    irVersion: 8,
    producerName: 'dnarch peaks',
    producerVersion: '',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'peak', node: [node], initializer, input: inputs.map((i) => f32(i.name, i.dims)), output: [f32(output.name, output.dims)] },
  };
  return encodeModel(msg);
}

/** Fills without a pattern the kernels could shortcut (no zeros, no denormals). */
function filled(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 0.5 + ((i * 2654435761) % 1000) / 2000;
  return a;
}

/** Best time of `runs` runs (after one untimed) of a graph of one node, in a session of its own. */
async function bestMs(ort: typeof Ort, graph: Uint8Array, feeds: Record<string, Ort.Tensor>, o: { threads?: number; runs: number; clock: () => number }): Promise<number> {
  const session = await ort.InferenceSession.create(graph, sessionOptions(o.threads));
  try {
    await session.run(feeds);
    let min = Infinity;
    for (let i = 0; i < o.runs; i++) {
      const t0 = o.clock();
      await session.run(feeds);
      min = Math.min(min, o.clock() - t0);
    }
    return min;
  } finally {
    await session.release();
  }
}

export async function measurePeaks(ort: typeof Ort, opts: PeakOptions = {}): Promise<MeasuredPeaks> {
  const timing = { threads: opts.threads, runs: opts.runs ?? 15, clock: opts.clock ?? (() => performance.now()) };
  const n = opts.matmul ?? 2048;
  const x = new ort.Tensor('float32', filled(n * n), [n, n]);
  const matmul = model({ name: 'mm', opType: 'MatMul', input: ['a', 'b'], output: ['c'], attribute: [] }, [{ name: 'a', dims: [n, n] }, { name: 'b', dims: [n, n] }], { name: 'c', dims: [n, n] });
  let gflops = (2 * n * n * n) / (await bestMs(ort, matmul, { a: x, b: x }, timing)) / 1e6;
  for (const [c, side] of opts.convs ?? [[256, 28], [512, 14]]) {
    const weights = filled(c * c * 9);
    const conv = model(
      { name: 'conv', opType: 'Conv', input: ['x', 'w'], output: ['y'], attribute: [attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])] },
      [{ name: 'x', dims: [1, c, side, side] }],
      { name: 'y', dims: [1, c, side, side] },
      [{ name: 'w', dims: [c, c, 3, 3], dataType: DataType.FLOAT, rawData: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) }],
    );
    const input = new ort.Tensor('float32', filled(c * side * side), [1, c, side, side]);
    gflops = Math.max(gflops, (2 * c * c * 9 * side * side) / (await bestMs(ort, conv, { x: input }, timing)) / 1e6);
  }
  const len = opts.streamFloats ?? 256 * 1024 * 1024;
  const stream = model({ name: 'stream', opType: 'ReduceMax', input: ['x'], output: ['y'], attribute: [attr.int('keepdims', 0)] }, [{ name: 'x', dims: [len] }], { name: 'y', dims: [] });
  // A constant fill (a memset) is quick to make and no reduction can skip reading it.
  const big = new ort.Tensor('float32', new Float32Array(len).fill(0.5), [len]);
  const gbPerS = (4 * len) / (await bestMs(ort, stream, { x: big }, { ...timing, runs: Math.max(2, Math.ceil(timing.runs / 2)) })) / 1e6;
  return { gflops, gbPerS, version: ortVersion(ort) };
}
