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
    warmupRuns: z.int().positive().describe('Warm-up runs before timing (not in the statistics).'),
    firstRunMs: Ms.describe('The first warm-up run, apart: it pays for kernel set-up and allocation.'),
    runs: z.int().positive().describe('Timed runs (warm-up excluded).'),
    latencyMs: LatencySchema,
    throughput: z.number().nonnegative().describe('Images per second: batch * 1000 / mean latency in ms.'),
    gflopsPerSecond: z.number().nonnegative().describe('Analysis FLOPs per image (not MACs) * batch / mean latency, in 10^9 per second.'),
    peakRssBytes: z.int().nonnegative().describe('Largest resident set size of the process sampled after each run of this engine and batch.'),
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
    name: z.string(),
    className: z.string(),
    ms: Ms.describe('Median over the repeats of the time from the layer call to its output being computed.'),
    share: z.number().nonnegative().describe('ms / the sum over all layers.'),
    macs: z.int().nonnegative().describe('MACs per image from the analysis.'),
    flops: z.int().nonnegative().describe('FLOPs per image from the analysis.'),
    gflopsPerSecond: z.number().nonnegative().nullable().describe('flops * batch / ms, in 10^9 per second; null when the layer has no FLOPs.'),
  })
  .meta({ id: 'ProfileLayer' });

export const BenchProfileSchema = z
  .strictObject({
    engine: z.string(),
    batch: z.int().positive(),
    repeats: z.int().positive(),
    totalMs: Ms.describe('Sum of every layer\'s median time: more than a predict() run, as each layer waits for its output.'),
    layers: z.array(ProfileLayerSchema).describe('The hottest layers, slowest first.'),
  })
  .meta({ id: 'BenchProfile' });

export const BenchReportSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    model: z.strictObject({
      name: z.string(),
      source: z.string().describe("'zoo' or the model file."),
      inputShapes: z.array(z.array(z.int().positive())).describe('Inputs: of tfjs models without the batch axis (NHWC); of ONNX files their whole shapes at batch 1.'),
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
      seed: z.int(),
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
export type BenchReport = z.infer<typeof BenchReportSchema>;

export const BENCH_CONVENTIONS: Record<string, string> = {
  latency: 'ms per batch: the forward pass plus downloading every output to JavaScript memory; inputs are created before timing',
  percentiles: 'linear interpolation between closest ranks (numpy.percentile default); stddev is the sample standard deviation (n - 1)',
  throughput: 'images per second = batch * 1000 / mean latency (ms)',
  gflopsPerSecond: 'analysis FLOPs per image (2 x MACs plus element-wise work; not MACs) * batch / mean latency',
  firstRunMs: 'the first warm-up run, reported apart and excluded from the statistics with the other warm-up runs',
  peakRssBytes: 'largest process resident set size sampled after every run (warm-up included) of that engine and batch',
  weights: 'zoo models run with seeded random weights: latency does not depend on their values',
};
