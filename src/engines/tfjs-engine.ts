import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../errors.js';
import { installedVersion, type Importer } from './discovery.js';
import { batchShape, defaultFill, inputSpecs, isGraphFile, isOnnxFile, type Engine, type EngineModel, type EngineName, type EngineOptions, type EngineSession, type InputFill, type InputSpec, type PreparedBatch } from './engine.js';
import type { GraphFileModel } from './graph-model.js';

/** The tfjs backends dnarch times, by the engine name the user sees. */
export type TfjsBackend = 'cpu' | 'wasm' | 'tensorflow';

const ENGINE_OF: Record<TfjsBackend, EngineName> = { cpu: 'cpu', wasm: 'wasm', tensorflow: 'tfjs-node' };
const PACKAGE_OF: Record<TfjsBackend, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  tensorflow: '@tensorflow/tfjs-node',
};

const importModule: Importer = (s) => import(s);

/** The values of a model's output(s), the tensors disposed. */
async function outputData(y: tfc.Tensor | tfc.Tensor[]): Promise<Float32Array[]> {
  const ys = Array.isArray(y) ? y : [y];
  try {
    return (await Promise.all(ys.map((t) => t.data()))) as Float32Array[];
  } finally {
    tfc.dispose(ys);
  }
}

/**
 * Moves every weight onto the active backend before anything is timed: tfjs would
 * otherwise copy each one lazily from the analysis backend (cpu) during the first run.
 * write() keeps the variables (and so the model) and drops the old copy.
 */
function moveWeights(model: LayersModel): void {
  for (const w of model.weights) {
    const v = w.read();
    const fresh = tfc.tensor(v.dataSync(), v.shape, v.dtype);
    w.write(fresh);
    fresh.dispose();
  }
}

/**
 * Threads: the cpu backend is plain JavaScript on the main thread; tfjs-backend-wasm
 * loads its single-threaded binary under Node (its multithread flag is false there,
 * tfjs issue #3830); tfjs-node reads TF_NUM_INTRAOP_THREADS once, when libtensorflow
 * starts, so --threads is set in the environment before the package is first imported
 * and cannot change afterwards.
 */
function threadsOf(backend: TfjsBackend, requested: number | undefined, alreadyLoaded: boolean): { threads?: number; note?: string } {
  if (backend === 'cpu') {
    return { threads: 1, note: requested && requested > 1 ? `--threads ${requested} ignored: the cpu backend is JavaScript on one thread` : undefined };
  }
  if (backend === 'wasm') {
    return { threads: 1, note: `single-threaded under Node${requested && requested > 1 ? ` (--threads ${requested} ignored)` : ''}` };
  }
  const env = Number(process.env.TF_NUM_INTRAOP_THREADS);
  if (requested && alreadyLoaded && env !== requested) {
    return { threads: Number.isInteger(env) && env > 0 ? env : undefined, note: `--threads ${requested} ignored: tfjs-node was already loaded; TF_NUM_INTRAOP_THREADS is read once` };
  }
  return { threads: requested ?? (Number.isInteger(env) && env > 0 ? env : undefined) };
}

/**
 * One input of a graph model, of its own dtype: floats as `fill` gives them (in [0, 1)),
 * uint8 images as tfjs holds them (int32 with values 0-255, from the same fill), other
 * integers and bools as zeros (indices and flags: zero is valid for any table).
 */
function graphInput(spec: InputSpec, index: number, shape: number[], fill: InputFill): tfc.Tensor {
  switch (spec.dtype ?? 'float32') {
    case 'float32':
      return tfc.tensor(fill(index, shape), shape, 'float32');
    case 'uint8':
      return tfc.tensor(Int32Array.from(fill(index, shape), (v) => Math.floor(v * 256)), shape, 'int32');
    case 'int32':
      return tfc.zeros(shape, 'int32');
    case 'bool':
      return tfc.zeros(shape, 'bool');
  }
}

/**
 * A graph model on the active backend, through tfjs-converter: loaded from the artifacts
 * dnarch read (so its weights are created on this backend), fed by input name, run with
 * execute(), or executeAsync() when its ops need it (control flow, dynamic shapes).
 */
async function graphSession(m: GraphFileModel): Promise<{ prepare: EngineSession['prepare']; dispose(): void }> {
  const { loadGraphModel } = await import('@tensorflow/tfjs-converter');
  const model = await loadGraphModel({ load: async () => m.artifacts });
  const specs = m.inputs;
  return {
    async prepare(batch, fill = defaultFill): Promise<PreparedBatch> {
      const xs = specs.map((s, i) => graphInput(s, i, batchShape(s, batch), fill));
      // Keyed by the file's input names: no prototype for a name like '__proto__' to reach.
      const feed = Object.create(null) as tfc.NamedTensorMap;
      specs.forEach((s, i) => {
        feed[s.name] = xs[i];
      });
      return {
        batch,
        async run() {
          const y = m.asyncOps.length > 0 ? await model.executeAsync(feed) : model.execute(feed);
          return outputData(y);
        },
        dispose: () => tfc.dispose(xs),
      };
    },
    dispose: () => model.dispose(),
  };
}

/** One class for the three tfjs engines: they differ only by backend name and package. */
export class TfjsEngine implements Engine {
  readonly name: EngineName;
  private static tfjsNodeLoaded = false;

  constructor(
    readonly backend: TfjsBackend,
    private readonly load_: Importer = importModule,
  ) {
    this.name = ENGINE_OF[backend];
  }

  /** Registers the backend by importing its package (cpu, a dependency, by importing it here: a graph model may be the first tfjs model of the process). */
  private async register(threads: number | undefined): Promise<{ threads?: number; note?: string }> {
    if (this.backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
    if (this.backend === 'wasm') await this.load_('@tensorflow/tfjs-backend-wasm');
    if (this.backend !== 'tensorflow') return threadsOf(this.backend, threads, false);
    const t = threadsOf('tensorflow', threads, TfjsEngine.tfjsNodeLoaded);
    if (threads && !TfjsEngine.tfjsNodeLoaded) process.env.TF_NUM_INTRAOP_THREADS = String(threads);
    await this.load_('@tensorflow/tfjs-node');
    TfjsEngine.tfjsNodeLoaded = true;
    return t;
  }

  async load(m: EngineModel, opts: EngineOptions = {}): Promise<EngineSession> {
    if (isOnnxFile(m)) {
      throw new DnarchError('BAD_OPTION', `${this.name} runs TensorFlow.js models; ${m.name} is an ONNX file, which runs on onnxruntime as it is (--engine onnxruntime)`);
    }
    const specs = inputSpecs(m);
    const { threads, note } = await this.register(opts.threads);
    tfc.env().set('PROD', true);
    // None yet when a graph model is the process's first tfjs model: nothing to go back to.
    const previous = tfc.getBackend() as string | undefined;
    const restore = async () => {
      if (previous) await tfc.setBackend(previous);
    };
    if (!(await tfc.setBackend(this.backend))) {
      throw new DnarchError('BAD_OPTION', `${this.name} is not available: the tfjs '${this.backend}' backend did not initialise`);
    }
    const version = installedVersion(PACKAGE_OF[this.backend]) ?? tfc.version_core;
    if (isGraphFile(m)) {
      let graph;
      try {
        graph = await graphSession(m);
      } catch (e) {
        await restore();
        throw e;
      }
      return {
        engine: this.name,
        version,
        threads,
        note,
        inputs: specs,
        prepare: graph.prepare,
        async dispose() {
          graph.dispose();
          await restore();
        },
      };
    }
    moveWeights(m.model);
    const model = m.model;
    return {
      engine: this.name,
      version,
      threads,
      note,
      inputs: specs,
      async prepare(batch, fill = defaultFill): Promise<PreparedBatch> {
        const xs = specs.map((s, i) => {
          const shape = [batch, ...s.shape];
          return tfc.tensor(fill(i, shape), shape, 'float32');
        });
        return {
          batch,
          async run() {
            // One batch of `batch`: predict() would otherwise split it into chunks of 32.
            const y = model.predict(xs.length === 1 ? xs[0] : xs, { batchSize: batch });
            return outputData(y);
          },
          dispose: () => tfc.dispose(xs),
        };
      },
      // Analysis and later model builds expect the backend they had.
      async dispose() {
        await restore();
      },
    };
  }
}
