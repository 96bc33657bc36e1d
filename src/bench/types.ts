/**
 * The BenchReport (`dnarch bench --format json`) as zod schemas; the TypeScript types come
 * from them by z.infer. zod only: no TensorFlow.js here.
 */
import { z } from 'zod';
import { EngineStatusSchema } from '../schema/engines.js';

const Ms = z.number().nonnegative();

export const LatencySchema = z
  .strictObject({
    min: Ms,
    p50: Ms,
    p90: Ms,
    p99: Ms,
    mean: Ms,
    stddev: Ms.describe('Sample standard deviation (n - 1).'),
  })
  .describe('Latency of one batch in ms over the timed runs; percentiles by linear interpolation between closest ranks (numpy default).')
  .meta({ id: 'BenchLatency' });

const ResultBase = {
  engine: z.string(),
  batch: z.int().positive(),
};

export const BenchOkSchema = z
  .strictObject({
    ...ResultBase,
    status: z.literal('ok'),
    version: z.string(),
    threads: z.int().positive().nullable().describe("Threads the engine computed with; null for the engine's own default."),
    note: z.string().optional(),
    warmupRuns: z.int().nonnegative().describe('Warm-up runs before timing (not in the statistics); 0 when none were asked for, and then firstRunMs is the first timed run.'),
    firstRunMs: Ms.describe('The first run, apart: it pays for kernel set-up and allocation (a warm-up run; with no warm-up, the first timed run).'),
    runs: z.int().positive().describe('Timed runs (warm-up excluded).'),
    latencyMs: LatencySchema,
    throughput: z.number().nonnegative().describe('Images per second: batch * 1000 / mean latency in ms.'),
    gflopsPerSecond: z.number().nonnegative().describe('Analysis FLOPs per image (not MACs) * batch / mean latency, in 10^9 per second.'),
    peakRssBytes: z.int().nonnegative().describe("Largest resident set size of the process that timed this engine, sampled after preparing and after each run of this engine and batch: the engine's own process with settings.isolated, else a shared one that includes what earlier engines left in it."),
    rssGrowthBytes: z
      .int()
      .nonnegative()
      .optional()
      .describe("Always written since it was added (older reports lack it): peakRssBytes minus the process's resident set size just before this engine loaded the model: the memory this engine added (memory an earlier engine freed and this one reused is not in it)."),
  })
  .meta({ id: 'BenchOk' });

export const BenchSkippedSchema = z
  .strictObject({
    ...ResultBase,
    status: z.enum(['unavailable', 'failed']),
    version: z.string().optional(),
    reason: z.string(),
  })
  .meta({ id: 'BenchSkipped' });

export const BenchResultSchema = z.discriminatedUnion('status', [BenchOkSchema, BenchSkippedSchema]).meta({ id: 'BenchResult' });

export const ProfileLayerSchema = z
  .strictObject({
    name: z.string().describe('The layer (of several computed by one kernel: the one with the most MACs), or the kernel when it maps to no layer.'),
    className: z.string(),
    mapped: z.boolean().describe('False for work of the engine\'s own that no layer asked for (ONNX Runtime\'s layout reorders).'),
    layers: z.array(z.string()).describe('Every layer this row\'s kernels computed, in model order (ONNX Runtime fuses a Conv with its BatchNormalization, activation and Add).'),
    ops: z.array(z.string()).describe('The kernels\' op types as the engine ran them.'),
    block: z.array(z.string()).describe('Block path of the row\'s layer, outermost first (what --depth folds by).'),
    ms: Ms.describe('Median over the profiled runs of the row\'s kernel time per batch.'),
    share: z.number().nonnegative().describe('ms / the sum over all rows.'),
    macs: z.int().nonnegative().describe('MACs per image of the row\'s layers, from the analysis.'),
    flops: z.int().nonnegative().describe('FLOPs per image of the row\'s layers, from the analysis.'),
    gflops: z.number().nonnegative().nullable().describe('Achieved: flops * batch / ms, in 10^9 per second; null when the row has no FLOPs or no time.'),
    bytes: z.int().nonnegative().describe('Bytes moved per batch: weights read + input activations read + outputs written (ONNX Runtime\'s own counts, weights at least those of the layers\' nodes, as ORT leaves out the weights it pre-packed; tfjs: from the analysis).'),
    intensity: z.number().nonnegative().nullable().describe('Arithmetic intensity: flops * batch / bytes (FLOPs per byte); null when no bytes are known.'),
    bound: z.enum(['compute', 'memory']).nullable().describe('compute when intensity is at or above the ridge point (peak GFLOP/s / peak GB/s), else memory; null without measured peaks.'),
    ofPeak: z.number().nonnegative().nullable().describe('gflops / the measured compute peak (may pass 1 a little: the peak is a measurement too); null without peaks.'),
    gflopsPerSecond: z.number().nonnegative().nullable().describe('Deprecated: the same as gflops (its earlier name, kept for readers of earlier output until schemaVersion is next bumped).'),
  })
  .meta({ id: 'ProfileLayer' });

export const PeaksSchema = z
  .strictObject({
    gflops: z.number().positive().describe('Compute peak: best GFLOP/s of a large float32 MatMul.'),
    gbPerS: z.number().positive().describe('Memory bandwidth: best GB/s (10^9 bytes) of an element-wise op streaming a tensor far larger than the caches.'),
    engine: z.string(),
    version: z.string(),
    threads: z.int().positive().nullable().describe("Threads asked for; null for the engine's default."),
    cpu: z.string().describe('CPU model the peaks were measured on.'),
    cores: z.int().positive(),
    measuredAt: z.string().describe('ISO date and time of the measurement.'),
    cached: z.boolean().describe('True when read from the per-user cache rather than measured in this run.'),
  })
  .meta({ id: 'Peaks' });

export const BenchProfileSchema = z
  .strictObject({
    engine: z.string().describe('The engine that ran the profile: the engine benchmarked (onnxruntime: its own profiler; tfjs engines: layer by layer).'),
    method: z.enum(['onnxruntime-profiler', 'layer-by-layer']),
    batch: z.int().positive(),
    runs: z.int().positive().describe('Profiled runs, kept apart from the timed runs (and after a warm-up of their own).'),
    repeats: z.int().positive().describe('Deprecated: the same as runs (its earlier name, kept for readers of earlier output until schemaVersion is next bumped).'),
    totalMs: Ms.describe('Median over the profiled runs of the sum of every kernel (layer) time.'),
    runMs: Ms.describe('Median wall time of one profiled run.'),
    timedP50Ms: Ms.nullable().describe('p50 of the unprofiled timed runs of the same engine and batch.'),
    slowdown: z.number().positive().nullable().describe('runMs / timedP50Ms: how much profiling slowed the runs.'),
    coverage: z.number().min(0).max(1).describe('Share of the profiled kernel time mapped to layers of the model.'),
    unattributed: z
      .strictObject({ layers: z.int().nonnegative(), macs: z.int().nonnegative(), names: z.array(z.string()).describe('The first 20 of them.') })
      .describe('Layers whose work no kernel could be found for (removed by the engine, or fused where dnarch cannot tell), and their MACs.'),
    peaks: PeaksSchema.nullable().describe("This machine's measured roofs (dnarch peaks); null for tfjs engines, which are not what they measure."),
    model: z
      .strictObject({
        gflops: z.number().nonnegative().describe('Model FLOPs * batch / the unprofiled p50.'),
        ofPeak: z.number().nonnegative().nullable().describe('gflops / the measured compute peak.'),
      })
      .nullable(),
    layers: z.array(ProfileLayerSchema).describe('Every row, slowest first.'),
  })
  .meta({ id: 'BenchProfile' });

export const BenchReportSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    model: z.strictObject({
      name: z.string(),
      source: z.string().describe("'zoo' or the model file."),
      inputShapes: z.array(z.array(z.int().positive())).describe('Inputs: of tfjs layers models without the batch axis (NHWC); of ONNX files and TensorFlow.js graph models their whole shapes at batch 1.'),
      weights: z.enum(['seeded', 'file']),
      weightsNote: z.string().optional(),
      flopsPerImage: z.int().nonnegative(),
      macsPerImage: z.int().nonnegative(),
      complete: z.boolean().describe('False when some layer\'s cost is unknown, so GFLOP/s is a lower bound.'),
    }),
    settings: z.strictObject({
      engines: z.array(z.string()).describe('The engines asked for, after auto / all were resolved.'),
      batches: z.array(z.int().positive()),
      warmup: z.int().nonnegative().optional().describe('As asked; when absent each engine used its default (cpu 1, others 3): see results[].warmupRuns.'),
      runs: z.int().positive().optional(),
      seconds: z.number().positive().optional(),
      threads: z.int().positive().optional(),
      profile: z.int().positive().optional().describe('--profile N: rows shown in tables (JSON keeps every row).'),
      seed: z.int(),
      isolated: z
        .literal(true)
        .optional()
        .describe('Each engine was timed in a child process of its own (the CLI does so when it times more than one): peakRssBytes is then that engine\'s process alone, with the model loaded.'),
    }),
    engines: z.array(EngineStatusSchema),
    results: z.array(BenchResultSchema),
    profile: BenchProfileSchema.optional(),
    conventions: z.record(z.string(), z.string()),
  })
  .meta({ id: 'BenchReport' });

export type Latency = z.infer<typeof LatencySchema>;
export type BenchOk = z.infer<typeof BenchOkSchema>;
export type BenchSkipped = z.infer<typeof BenchSkippedSchema>;
export type BenchResult = z.infer<typeof BenchResultSchema>;
export type ProfileLayer = z.infer<typeof ProfileLayerSchema>;
export type BenchProfile = z.infer<typeof BenchProfileSchema>;
export type Peaks = z.infer<typeof PeaksSchema>;
export type BenchReport = z.infer<typeof BenchReportSchema>;

export const BENCH_CONVENTIONS: Record<string, string> = {
  latency: 'ms per batch: the forward pass plus downloading every output to JavaScript memory; inputs are created before timing',
  percentiles: 'linear interpolation between closest ranks (numpy.percentile default); stddev is the sample standard deviation (n - 1)',
  throughput: 'images per second = batch * 1000 / mean latency (ms)',
  gflopsPerSecond: 'analysis FLOPs per image (2 x MACs plus element-wise work; not MACs) * batch / mean latency',
  firstRunMs: 'the first run, reported apart; a warm-up run excluded from the statistics with the others, unless --warmup 0 made it the first timed run',
  peakRssBytes: "largest resident set size of the process that timed that engine, sampled after preparing and after every run (warm-up included) of that engine and batch; with settings.isolated (several engines) that process is the engine's own, else it is shared and includes what earlier engines left behind",
  rssGrowthBytes: "peakRssBytes minus the process's resident set size just before that engine loaded the model: the memory the engine added, per engine",
  weights: "zoo models, and files without weights or whose weight shards are missing, run with seeded random weights (model.weights says which): latency does not depend on their values; a graph model whose missing shards hold int32 constants (shapes, axes) does not run",
};
