import type * as Ort from 'onnxruntime-node';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DnarchError } from '../errors.js';
import type { NodeLayer } from '../load/onnx/node-layers.js';
import { parseOrtTrace } from './ort-trace.js';
import { ElemType } from '../load/onnx/ir.js';
import { batchShape, defaultFill, graphOnOnnxruntime, inputSpecs, isGraphFile, isOnnxFile, type Engine, type EngineModel, type EngineOptions, type EngineSession, type InputFill, type InputSpec, type OnnxFileModel, type PreparedBatch } from './engine.js';

export type OrtModule = typeof Ort;
export const importOrt = async (): Promise<OrtModule> => (await import('onnxruntime-node')) as unknown as OrtModule;

/** The installed ONNX Runtime's version, as its binding reports it. */
export const ortVersion = (ort: OrtModule): string => ort.env.versions?.node ?? ort.env.versions?.common ?? 'unknown';

/**
 * How every dnarch session of ONNX Runtime runs: CPU, all graph optimizations, `threads`
 * intra-op threads (ORT's own default without). ORT logs from native code straight to
 * stderr, past dnarch's one-line errors; its errors are thrown as exceptions anyway, so
 * only fatal ones are logged.
 */
export const sessionOptions = (threads?: number) => ({
  executionProviders: ['cpu'],
  graphOptimizationLevel: 'all' as const,
  logSeverityLevel: 4 as const,
  ...(threads ? { intraOpNumThreads: threads } : {}),
});

type Exported = { bytes: Uint8Array; nodeLayers: NodeLayer[] };
type Exporter = (model: LayersModel) => Exported | Promise<Exported>;
/** Imported only for tfjs models: an ONNX file runs as it is, without TensorFlow.js. */
const exportLazily: Exporter = async (model) => (await import('./onnx/export.js')).exportOnnxWithLayers(model);

/** The values of one input tensor, of the input's own element type (deterministic, as for tfjs). */
function tensorFor(ort: OrtModule, spec: InputSpec, index: number, shape: number[], fill: InputFill): Ort.Tensor {
  const values = fill(index, shape);
  switch (spec.elemType ?? ElemType.FLOAT) {
    case ElemType.FLOAT:
      return new ort.Tensor('float32', values, shape);
    case ElemType.DOUBLE:
      return new ort.Tensor('float64', Float64Array.from(values), shape);
    // Integer inputs are usually indices (token ids, positions): zeros are valid for any table.
    case ElemType.INT64:
      return new ort.Tensor('int64', new BigInt64Array(values.length), shape);
    case ElemType.INT32:
      return new ort.Tensor('int32', new Int32Array(values.length), shape);
    case ElemType.UINT8:
      return new ort.Tensor('uint8', Uint8Array.from(values, (v) => Math.floor(v * 256)), shape);
    case ElemType.INT8:
      return new ort.Tensor('int8', Int8Array.from(values, (v) => Math.floor(v * 256) - 128), shape);
    case ElemType.BOOL:
      return new ort.Tensor('bool', new Uint8Array(values.length), shape);
    default:
      throw new DnarchError('BAD_INPUT', `input ${JSON.stringify(spec.name)} has element type ${spec.elemType}: bench makes float, integer and bool inputs only`);
  }
}

/**
 * ONNX Runtime (native, CPU execution provider): a tfjs model through its ONNX export in
 * memory, an ONNX file as it is (by path, so its external data is found beside it).
 * Threads: intraOpNumThreads from --threads; without it ORT's own default (one per
 * physical core), reported as undefined rather than guessed.
 */
export class OnnxruntimeEngine implements Engine {
  readonly name = 'onnxruntime' as const;

  constructor(
    private readonly loadOrt: () => Promise<OrtModule> = importOrt,
    private readonly exporter: Exporter = exportLazily,
  ) {}

  async load(m: EngineModel, opts: EngineOptions = {}): Promise<EngineSession> {
    if (isGraphFile(m)) throw new DnarchError('BAD_OPTION', graphOnOnnxruntime(m.name));
    const specs = inputSpecs(m);
    const ort = await this.loadOrt();
    const exported = isOnnxFile(m) ? undefined : await this.exporter(m.model);
    const source = exported ? exported.bytes : (m as OnnxFileModel).file;
    const nodeLayers = exported ? exported.nodeLayers : ((m as OnnxFileModel).nodeLayers ?? []);
    const options = sessionOptions(opts.threads);
    const create = (o: Ort.InferenceSession.SessionOptions) => (typeof source === 'string' ? ort.InferenceSession.create(source, o) : ort.InferenceSession.create(source, o));
    const session = await create(options);
    // The export keeps tfjs' input names; fall back to position if it renamed them.
    const names = specs.map((s, i) => (session.inputNames.includes(s.name) ? s.name : session.inputNames[i]));
    const feedsFor = (batch: number, fill: InputFill) => {
      // Keyed by the file's input names: no prototype for a name like '__proto__' to reach.
      const feeds = Object.create(null) as Record<string, Ort.Tensor>;
      specs.forEach((s, i) => {
        feeds[names[i]] = tensorFor(ort, s, i, batchShape(s, batch), fill);
      });
      return feeds;
    };
    return {
      engine: 'onnxruntime',
      version: ortVersion(ort),
      threads: opts.threads,
      note: opts.threads ? undefined : "ONNX Runtime's default threads (one per physical core)",
      inputs: specs,
      async prepare(batch, fill = defaultFill): Promise<PreparedBatch> {
        const feeds = feedsFor(batch, fill);
        return {
          batch,
          async run() {
            const out = await session.run(feeds);
            return session.outputNames.map((n) => out[n].data as Float32Array);
          },
          dispose: () => undefined,
        };
      },
      async profileKernels(batch, { runs, warmup }) {
        const dir = await mkdtemp(join(tmpdir(), 'dnarch-ort-profile-'));
        try {
          const prefix = join(dir, 'ort');
          const profiled = await create({ ...options, enableProfiling: true, profileFilePrefix: prefix });
          try {
            const feeds = feedsFor(batch, defaultFill);
            for (let i = 0; i < warmup + runs; i++) await profiled.run(feeds);
            profiled.endProfiling();
          } finally {
            await profiled.release();
          }
          const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
          if (files.length !== 1) throw new Error(`ONNX Runtime wrote ${files.length} profile files, not one`);
          const trace = parseOrtTrace(await readFile(join(dir, files[0]), 'utf8'), files[0]);
          // The warm-up runs are in the trace too: they are left out.
          return { trace: { runUs: trace.runUs.slice(warmup), runs: trace.runs.slice(warmup) }, nodeLayers };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
      async dispose() {
        await session.release();
      },
    };
  }
}
