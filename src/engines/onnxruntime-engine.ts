import type * as Ort from 'onnxruntime-node';
import { exportOnnx } from './onnx/export.js';
import { defaultFill, inputSpecs, type Engine, type EngineOptions, type EngineSession, type PreparedBatch } from './engine.js';
import type { RunnableModel } from './runnable-model.js';
import type { LayersModel } from '@tensorflow/tfjs-layers';

export type OrtModule = typeof Ort;
const importOrt = async (): Promise<OrtModule> => (await import('onnxruntime-node')) as unknown as OrtModule;

/**
 * ONNX Runtime (native, CPU execution provider) on the model exported to ONNX in memory.
 * Threads: intraOpNumThreads from --threads; without it ORT's own default (one per
 * physical core), reported as undefined rather than guessed.
 */
export class OnnxruntimeEngine implements Engine {
  readonly name = 'onnxruntime' as const;

  constructor(
    private readonly loadOrt: () => Promise<OrtModule> = importOrt,
    private readonly exporter: (model: LayersModel) => Uint8Array = exportOnnx,
  ) {}

  async load(m: RunnableModel, opts: EngineOptions = {}): Promise<EngineSession> {
    const specs = inputSpecs(m);
    const ort = await this.loadOrt();
    const bytes = this.exporter(m.model);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      ...(opts.threads ? { intraOpNumThreads: opts.threads } : {}),
    });
    // The export keeps tfjs' input names; fall back to position if it renamed them.
    const names = specs.map((s, i) => (session.inputNames.includes(s.name) ? s.name : session.inputNames[i]));
    return {
      engine: 'onnxruntime',
      version: ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown',
      threads: opts.threads,
      note: opts.threads ? undefined : "ONNX Runtime's default threads (one per physical core)",
      inputs: specs,
      async prepare(batch, fill = defaultFill): Promise<PreparedBatch> {
        const feeds: Record<string, Ort.Tensor> = {};
        specs.forEach((s, i) => {
          const shape = [batch, ...s.shape];
          feeds[names[i]] = new ort.Tensor('float32', fill(i, shape), shape);
        });
        return {
          batch,
          async run() {
            const out = await session.run(feeds);
            return session.outputNames.map((n) => out[n].data as Float32Array);
          },
          dispose: () => undefined,
        };
      },
      async dispose() {
        await session.release();
      },
    };
  }
}
