import * as tfc from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { DnarchError } from '../errors.js';
import { installedVersion, type Importer } from './discovery.js';
import { defaultFill, inputSpecs, isOnnxFile, type Engine, type EngineModel, type EngineName, type EngineOptions, type EngineSession, type PreparedBatch } from './engine.js';

/** The tfjs backends dnarch times, by the engine name the user sees. */
export type TfjsBackend = 'cpu' | 'wasm' | 'tensorflow';

const ENGINE_OF: Record<TfjsBackend, EngineName> = { cpu: 'cpu', wasm: 'wasm', tensorflow: 'tfjs-node' };
const PACKAGE_OF: Record<TfjsBackend, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  tensorflow: '@tensorflow/tfjs-node',
};

const importModule: Importer = (s) => import(s);

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

  /** Registers the backend by importing its package (cpu is always registered). */
  private async register(threads: number | undefined): Promise<{ threads?: number; note?: string }> {
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
    const previous = tfc.getBackend();
    if (!(await tfc.setBackend(this.backend))) {
      throw new DnarchError('BAD_OPTION', `${this.name} is not available: the tfjs '${this.backend}' backend did not initialise`);
    }
    moveWeights(m.model);
    const model = m.model;
    return {
      engine: this.name,
      version: installedVersion(PACKAGE_OF[this.backend]) ?? tfc.version_core,
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
            const ys = Array.isArray(y) ? y : [y];
            try {
              return (await Promise.all(ys.map((t) => t.data()))) as Float32Array[];
            } finally {
              tfc.dispose(ys);
            }
          },
          dispose: () => tfc.dispose(xs),
        };
      },
      // Analysis and later model builds expect the backend they had.
      async dispose() {
        await tfc.setBackend(previous);
      },
    };
  }
}
