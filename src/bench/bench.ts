import { analyzeLayersModel, fileSizing } from '../api.js';
import { SCHEMA_VERSION } from '../analysis/types.js';
import { DnarchError } from '../errors.js';
import type { EngineStatus } from '../engines/discovery.js';
import { ENGINE_NAMES, graphOnOnnxruntime, inputSpecs, isGraphFile, isOnnxFile, type Engine, type EngineModel, type EngineName, type EngineSession } from '../engines/engine.js';
import type { InputShapeArg } from '../load/onnx/inputs.js';
import { looksLikePath } from '../load/paths.js';
import type { ModelOptions } from '../zoo/options.js';
import { createEngine, isTfjsEngine } from './engines.js';
import { benchInChild } from './isolate.js';
import { loadGraphForBench, type BenchAnalysis } from './graph-file.js';
import { loadOnnxForBench } from './onnx-file.js';
import { explainFailure } from './resource-limits.js';
import { summarize } from './stats.js';
import { defaultClock, timeRuns, type Clock } from './timing-loop.js';
import { BENCH_CONVENTIONS, type BenchProfile, type BenchReport, type BenchResult, type Peaks } from './types.js';

export interface BenchOptions {
  /**
   * 'auto': the fastest available engine, by expected speed onnxruntime > tfjs-node > wasm
   * > cpu (ResNet50 batch 1 on 2 cores: ~18 ms, native TF, ~250 ms, ~6 s), falling back to
   * the next one when it cannot run the model; 'all': every engine (unavailable ones are
   * reported as such); or a list.
   */
  engines?: 'auto' | 'all' | EngineName[];
  /** Default [1]. */
  batches?: number[];
  /** Warm-up runs; default 3, and 1 for cpu (ResNet50 takes ~6 s an image there). */
  warmup?: number;
  /** Timed runs. Default: 20 runs or 10 s of runs, whichever comes first, and at least 3. */
  runs?: number;
  seconds?: number;
  threads?: number;
  seed?: number;
  model?: ModelOptions;
  /** ONNX files and graph models: sizes of inputs the file leaves open (--input-shape); the batch comes from `batches`. */
  inputShapes?: InputShapeArg[];
  /** --weights: a Keras .h5 with the weights of a topology file. */
  weights?: string;
  /** Per-layer profile on the engine timed first: how many of the slowest rows to show (JSON keeps all). */
  profile?: number;
  /**
   * Each engine in a child process of its own (isolate.ts) when more than one is timed, so
   * that each one's memory is its own. The CLI asks for it; in-process callers get one process.
   */
  isolate?: boolean;
}

export interface BenchHooks {
  onProgress?(done: number, total: number, label: string): void;
  /** Injected in tests. */
  probe?: () => Promise<EngineStatus[]>;
  engine?: (name: EngineName) => Engine;
  clock?: Clock;
  rss?: () => number;
  /** A step that is not a run (measuring the peaks), for the progress line. */
  onStage?(label: string): void;
  /** A file's own weights could not be used (shards missing) and seeded ones stand in: said once, before timing. */
  onNote?(text: string): void;
  /** Injected in tests: this machine's peaks for the threads asked. */
  peaks?: (threads?: number) => Promise<Peaks>;
}

/**
 * Frees what an engine holds without letting a failure there hide the result: after
 * tfjs-backend-wasm runs out of heap its allocator state is damaged and freeing throws
 * ("memory access out of bounds"); the process is about to report and exit anyway.
 */
function quietly(free: () => void): void {
  try {
    free();
  } catch {
    // nothing to do: see above
  }
}

export const DEFAULT_RUNS = 20;
export const DEFAULT_SECONDS = 10;
/** By default a slow engine (cpu: ResNet50 ~6-13 s an image) still gets a few runs past the 10 s. */
export const DEFAULT_MIN_RUNS = 3;

/** Which engines to run, in speed order; a single named engine that is unavailable is an error. */
function resolveEngines(asked: BenchOptions['engines'], statuses: EngineStatus[]): { list: EngineName[]; auto: boolean } {
  const status = (n: string) => statuses.find((s) => s.name === n);
  if (asked === undefined || asked === 'auto') {
    const list = ENGINE_NAMES.filter((n) => status(n)?.available);
    if (list.length === 0) throw new DnarchError('BAD_OPTION', 'no inference engine is available: run `dnarch engines` to see why');
    return { list, auto: true };
  }
  if (asked === 'all') return { list: [...ENGINE_NAMES], auto: false };
  const list = ENGINE_NAMES.filter((n) => asked.includes(n));
  if (list.length === 1 && !status(list[0])?.available) {
    throw new DnarchError('BAD_OPTION', `${list[0]} is not available: ${status(list[0])?.reason ?? 'unknown reason'}`);
  }
  return { list, auto: false };
}

interface Plan {
  warmup: number;
  minRuns?: number;
  runs?: number;
  seconds?: number;
}

function planFor(engine: EngineName, opts: BenchOptions): Plan {
  const warmup = opts.warmup ?? (engine === 'cpu' ? 1 : 3);
  if (opts.runs === undefined && opts.seconds === undefined) return { warmup, runs: DEFAULT_RUNS, seconds: DEFAULT_SECONDS, minRuns: DEFAULT_MIN_RUNS };
  return { warmup, runs: opts.runs, seconds: opts.seconds };
}

/** The process's resident set size now (not a running maximum: samples of it can be compared). */
const rssOf = (hooks: BenchHooks): (() => number) => hooks.rss ?? (() => process.memoryUsage.rss());

/**
 * Times one engine at every batch size; failures become result entries. Memory: the largest
 * RSS sampled once the batch is prepared and after every run (peakRssBytes, the whole
 * process's, earlier engines' leftovers included) and that minus the RSS just before this
 * engine loaded the model (rssGrowthBytes: what this engine added; memory an earlier engine
 * freed and this one reused is not in it).
 */
async function benchEngine(
  name: EngineName,
  session: EngineSession,
  opts: BenchOptions,
  flopsPerImage: number,
  hooks: BenchHooks,
  tick: (label: string, frac: number) => void,
  rssBefore: number,
): Promise<BenchResult[]> {
  const rss = rssOf(hooks);
  const out: BenchResult[] = [];
  for (const batch of opts.batches ?? [1]) {
    const plan = planFor(name, opts);
    let peak = 0;
    try {
      const prepared = await session.prepare(batch);
      peak = rss();
      try {
        const timing = await timeRuns(() => prepared.run(), {
          ...plan,
          clock: hooks.clock ?? defaultClock,
          afterRun: () => {
            peak = Math.max(peak, rss());
          },
          onRun: (done, total) => tick(`${name} batch ${batch}`, done / total),
        });
        const latencyMs = summarize(timing.samples);
        out.push({
          engine: name,
          batch,
          status: 'ok',
          version: session.version,
          threads: session.threads ?? null,
          ...(session.note ? { note: session.note } : {}),
          warmupRuns: plan.warmup,
          firstRunMs: timing.firstRunMs,
          runs: timing.samples.length,
          latencyMs,
          throughput: (batch * 1000) / latencyMs.mean,
          gflopsPerSecond: (flopsPerImage * batch) / latencyMs.mean / 1e6,
          peakRssBytes: peak,
          rssGrowthBytes: Math.max(0, peak - rssBefore),
        });
      } finally {
        quietly(() => prepared.dispose());
      }
    } catch (e) {
      if (e instanceof DnarchError) throw e;
      out.push({ engine: name, batch, status: 'failed', version: session.version, reason: explainFailure(name, batch, e) });
    }
    tick(`${name} batch ${batch}`, 1);
  }
  return out;
}

/** Profiled runs of onnxruntime (after warm-up runs of their own): its kernels are timed by ORT itself. */
export const ORT_PROFILE_RUNS = 10;
export const ORT_PROFILE_WARMUP = 3;

/**
 * The per-layer profile on the engine that was timed: onnxruntime through its own profiler,
 * in a session of its own, on this machine's measured roofline; a tfjs engine layer by layer.
 */
async function profileOn(name: EngineName, session: EngineSession, loaded: Loaded, batch: number, timedP50Ms: number | null, opts: BenchOptions, hooks: BenchHooks): Promise<BenchProfile | undefined> {
  const report = loaded.report;
  if (name === 'onnxruntime') {
    if (!session.profileKernels) return undefined;
    const { trace, nodeLayers } = await session.profileKernels(batch, { runs: ORT_PROFILE_RUNS, warmup: ORT_PROFILE_WARMUP });
    hooks.onStage?.("measuring this machine's peaks (once; then cached)");
    const peaks = await (hooks.peaks ?? (async (threads?: number) => (await import('./peaks.js')).getPeaks({ threads })))(opts.threads);
    const { buildOrtProfile } = await import('./ort-profile.js');
    return buildOrtProfile({ trace, nodeLayers, layers: report.layers, batch, peaks, timedP50Ms });
  }
  if (!isTfjsEngine(name) || isOnnxFile(loaded.model) || isGraphFile(loaded.model)) return undefined;
  const { profileLayers } = await import('./profile.js');
  return profileLayers(loaded.model.model, inputSpecs(loaded.model), report.layers, { engine: name, batch, timedP50Ms });
}

interface Loaded {
  model: EngineModel;
  report: BenchAnalysis;
  weights: 'seeded' | 'file';
  note?: string;
  substituted?: true;
  /** Said to the user before timing, as a substituted weights note is. */
  notes?: string[];
  dispose(): void;
}

/**
 * The model to time and its analysis. An ONNX file runs as it is (onnx-file.ts) and never
 * loads TensorFlow.js; a TensorFlow.js graph model runs as it is through tfjs-converter
 * (graph-file.ts); zoo models and layers files are built in tfjs.
 */
async function loadForBench(target: string, opts: BenchOptions): Promise<Loaded> {
  const path = looksLikePath(target);
  const sizing = path ? { ...opts, ...fileSizing(target, opts.model ?? {}, {}) } : opts;
  const onnx = path ? await loadOnnxForBench(target, sizing) : undefined;
  if (onnx && opts.weights !== undefined) throw new DnarchError('BAD_OPTION', `--weights gives Keras .h5 weights to a layers topology; ${target} is an ONNX file, which holds its own`);
  if (onnx) return { ...onnx, weights: 'file', dispose: () => undefined };
  const graph = path ? await loadGraphForBench(target, sizing) : undefined;
  if (graph) {
    if (opts.weights !== undefined) throw new DnarchError('BAD_OPTION', `--weights gives Keras .h5 weights to a layers topology; ${target} is a TensorFlow.js graph model, which holds its own`);
    if (opts.profile) throw new DnarchError('BAD_OPTION', `--profile times a model layer by layer; ${target} is a TensorFlow.js graph model, which has no layers to time: bench it without --profile`);
    const { model, report, notes } = graph;
    return { model, report, weights: model.weights, note: model.note, substituted: model.substituted, notes, dispose: () => undefined };
  }
  if (!path && opts.inputShapes?.length) throw new DnarchError('BAD_OPTION', `--input-shape sets the open dimensions of model files; ${target} is a zoo model (use --input-size)`);
  const { loadRunnableModel } = await import('../engines/runnable-model.js');
  const rm = await loadRunnableModel(target, { model: opts.model, seed: opts.seed, inputShapes: opts.inputShapes, weights: opts.weights });
  try {
    return { model: rm, report: await analyzeLayersModel(rm.model, rm.blocks), weights: rm.weights, note: rm.note, substituted: rm.substituted, dispose: () => rm.dispose() };
  } catch (e) {
    quietly(() => rm.dispose());
    throw e;
  }
}

/** ONNX files run on onnxruntime only: other engines are refused by name, or listed as such with `all`. */
function onnxEngines(asked: BenchOptions['engines'], name: string): BenchOptions['engines'] {
  if (asked === undefined || asked === 'auto' || asked === 'all') return asked;
  const other = asked.filter((e) => e !== 'onnxruntime');
  if (other.length > 0) {
    throw new DnarchError('BAD_OPTION', `${name} is an ONNX file: it runs on onnxruntime as it is, not on ${other.join(', ')} (TensorFlow.js engines)`);
  }
  return asked;
}

/** Graph models run on the tfjs engines: onnxruntime asked for by name is refused; `auto` leaves it out. */
function graphEngines(asked: BenchOptions['engines'], name: string): BenchOptions['engines'] {
  if (Array.isArray(asked) && asked.includes('onnxruntime')) throw new DnarchError('BAD_OPTION', `--engine onnxruntime: ${graphOnOnnxruntime(name)}`);
  return asked;
}

/**
 * Times a zoo model or a model file on the engines asked for, at each batch size, and
 * (with `profile`) times it layer by layer on a tfjs engine.
 */
export async function benchModel(target: string, opts: BenchOptions = {}, hooks: BenchHooks = {}): Promise<BenchReport> {
  const batches = opts.batches ?? [1];
  const loaded = await loadForBench(target, opts);
  const rm = loaded.model;
  try {
    const onnx = isOnnxFile(rm);
    const graph = isGraphFile(rm);
    const asked = onnx ? onnxEngines(opts.engines, rm.name) : graph ? graphEngines(opts.engines, rm.name) : opts.engines;
    const statuses = await (hooks.probe ?? (onnx ? probeForOnnx : probeAll))();
    // `auto` on a graph model: the fastest tfjs engine (onnxruntime does not run graphs).
    const { list, auto } = resolveEngines(asked, graph && (asked ?? 'auto') === 'auto' ? statuses.filter((s) => s.name !== 'onnxruntime') : statuses);
    const status = (n: string) => statuses.find((s) => s.name === n);
    // Said once the engines are settled, before timing (an engine refused is then the only line).
    if (loaded.substituted && loaded.note) hooks.onNote?.(loaded.note);
    for (const n of loaded.notes ?? []) hooks.onNote?.(n);
    const report = loaded.report;
    const flopsPerImage = report.totals.flops;
    const results: BenchResult[] = [];
    let profile: BenchProfile | undefined;
    const ran: EngineName[] = [];
    const todo = auto ? 1 : list.length;
    let done = 0;
    const tick = (label: string, frac: number) => hooks.onProgress?.(done + frac / batches.length, todo, label);
    const isolated = opts.isolate === true && !auto && list.filter((n) => status(n)?.available).length > 1;
    /** A child's failure to time its engine is that engine's failed rows, as in one process. */
    const inChild = async (name: EngineName, t: string, o: BenchOptions, progress: (frac: number, label: string) => void): Promise<Pick<BenchReport, 'results' | 'profile'>> => {
      try {
        return await benchInChild(name, t, o, progress);
      } catch (e) {
        if (!(e instanceof DnarchError) || e.code !== 'BAD_OPTION') throw e;
        const version = status(name)?.version;
        return { results: batches.map((batch) => ({ engine: name, batch, status: 'failed' as const, ...(version ? { version } : {}), reason: e.message })) };
      }
    };

    for (const name of list) {
      if (auto && ran.length > 0) break;
      const s = status(name);
      if (onnx && name !== 'onnxruntime') {
        for (const batch of batches) results.push({ engine: name, batch, status: 'unavailable', reason: `${rm.name} is an ONNX file: it runs on onnxruntime only` });
        continue;
      }
      if (graph && name === 'onnxruntime') {
        for (const batch of batches) results.push({ engine: name, batch, status: 'unavailable', reason: graphOnOnnxruntime(rm.name) });
        continue;
      }
      if (!s?.available) {
        for (const batch of batches) results.push({ engine: name, batch, status: 'unavailable', ...(s?.version ? { version: s.version } : {}), reason: s?.reason ?? 'unknown' });
        continue;
      }
      if (isolated) {
        const rows = await inChild(name, target, { ...opts, engines: [name], isolate: false, profile: profile ? undefined : opts.profile }, (frac, label) =>
          hooks.onProgress?.(done + frac, todo, label),
        );
        results.push(...rows.results);
        if (rows.results.some((r) => r.status === 'ok')) ran.push(name);
        profile ??= rows.profile;
        done += 1;
        continue;
      }
      let session: EngineSession;
      const rssBefore = rssOf(hooks)();
      try {
        session = await (hooks.engine ?? createEngine)(name).load(rm, { threads: opts.threads });
      } catch (e) {
        if (e instanceof DnarchError) throw e;
        const reason = `${name} cannot run ${rm.name}: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
        if (list.length === 1) throw new DnarchError('BAD_OPTION', reason);
        for (const batch of batches) results.push({ engine: name, batch, status: 'failed', ...(s.version ? { version: s.version } : {}), reason });
        continue;
      }
      try {
        const rows = await benchEngine(name, session, opts, flopsPerImage, hooks, (label, frac) => tick(label, frac), rssBefore);
        results.push(...rows);
        if (rows.some((r) => r.status === 'ok')) ran.push(name);
        const failed = rows.find((r) => r.status === 'failed');
        if (failed && list.length === 1 && failed.status === 'failed') throw new DnarchError('BAD_OPTION', failed.reason);
        // The profile runs on the first engine timed (the engine asked for), at the first batch.
        const timed = rows.find((r) => r.status === 'ok' && r.batch === batches[0]);
        if (opts.profile && !profile && timed?.status === 'ok') {
          tick(`profiling ${name} batch ${batches[0]}`, 1);
          profile = await profileOn(name, session, loaded, batches[0], timed.latencyMs.p50, opts, hooks);
        }
      } finally {
        await session.dispose();
      }
      done += 1;
    }
    if (auto && ran.length === 0) {
      throw new DnarchError('BAD_OPTION', `no engine could run ${rm.name}: ${results.map((r) => (r.status === 'ok' ? '' : r.reason)).join('; ')}`);
    }
    return {
      schemaVersion: SCHEMA_VERSION,
      model: {
        name: rm.name,
        source: looksLikePath(target) ? target : 'zoo',
        inputShapes: inputSpecs(rm).map((s) => s.shape),
        weights: loaded.weights,
        ...(loaded.note ? { weightsNote: loaded.note } : {}),
        flopsPerImage,
        macsPerImage: report.totals.macs,
        complete: report.complete,
      },
      settings: {
        engines: auto ? ran : list,
        batches,
        ...(opts.warmup !== undefined ? { warmup: opts.warmup } : {}),
        ...(opts.runs !== undefined || opts.seconds === undefined ? { runs: opts.runs ?? DEFAULT_RUNS } : {}),
        ...(opts.seconds !== undefined || opts.runs === undefined ? { seconds: opts.seconds ?? DEFAULT_SECONDS } : {}),
        ...(opts.threads ? { threads: opts.threads } : {}),
        ...(opts.profile ? { profile: opts.profile } : {}),
        seed: opts.seed ?? 1,
        ...(isolated ? { isolated: true } : {}),
      },
      engines: statuses.map((s) => ({ ...s })),
      results,
      ...(profile ? { profile } : {}),
      conventions: BENCH_CONVENTIONS,
    };
  } finally {
    quietly(() => loaded.dispose());
  }
}

/** Every engine, probed (loading each engine's package). */
async function probeAll(): Promise<EngineStatus[]> {
  const { discoverEngines } = await import('../engines/discovery.js');
  return discoverEngines();
}

/** For an ONNX file only onnxruntime can run: the others are not loaded (no TensorFlow.js on this path). */
async function probeForOnnx(): Promise<EngineStatus[]> {
  const { probeOnnxruntime } = await import('../engines/discovery.js');
  return [await probeOnnxruntime()];
}
