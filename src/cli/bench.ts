import { Option, type Command } from 'commander';
import type { BenchOptions } from '../bench/bench.js';
import type { BenchReport } from '../bench/types.js';
import { ENGINE_NAMES } from '../engines/engine.js';
import { DnarchError, printableStrings } from '../errors.js';
import { addFileOptions, addModelOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg } from './model-arg.js';
import { checkOutDir, emit } from './output.js';
import { parseBatches, parseEngines, parseNonNegativeInt, parsePositiveInt, parseSeconds, parseSeed } from './parse.js';
import { showProgress, stderrNote, useColor } from './terminal.js';

type BenchFormat = 'table' | 'json' | 'markdown';

interface BenchFlags extends ModelFlags, Omit<FileFlags, 'batch'> {
  engine: string;
  batch: number[];
  warmup?: number;
  runs?: number;
  seconds?: number;
  threads?: number;
  seed: number;
  profile?: number | true;
  depth?: number;
  format: BenchFormat;
  out?: string;
}

/** A progress bar on stderr, redrawn in place and cleared at the end. */
function progressBar(enabled: boolean): { update(done: number, total: number, label: string): void; clear(): void } {
  if (!enabled) return { update: () => undefined, clear: () => undefined };
  const width = 24;
  return {
    update(done, total, label) {
      const frac = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(frac * width);
      process.stderr.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(frac * 100)}% ${label}`);
    },
    clear: () => process.stderr.write('\r\x1b[2K'),
  };
}

export function benchCommand(program: Command): void {
  const cmd = program
    .command('bench')
    .description('time inference of a model on the engines this machine has (latency, throughput, GFLOP/s)')
    .argument('<model>', 'a zoo model name (see `dnarch list`), optionally NAME@key=value,..., or a model file (an ONNX file runs as it is on onnxruntime)')
    .option('--engine <engines>', `auto (fastest available), all, or a list of ${ENGINE_NAMES.join(', ')}`, parseEngines, 'auto')
    .option('--batch <sizes>', 'batch sizes, e.g. 1,8,32 (ONNX files: the value of their open first dimension)', parseBatches, [1])
    .option('--warmup <n>', 'warm-up runs before timing, 0 for none (default 3; cpu 1)', parseNonNegativeInt)
    .option('--runs <n>', 'timed runs (default: 20 runs or 10 s, whichever comes first, at least 3)', parsePositiveInt)
    .option('--seconds <s>', 'time budget for the timed runs of each engine and batch', parseSeconds)
    .option('--threads <n>', 'intra-op threads (onnxruntime, tfjs-node; wasm and cpu run on one thread)', parsePositiveInt)
    .option('--seed <n>', 'seed of the random weights of zoo models and weightless files', parseSeed, 1)
    .option('--profile [n]', "per-layer time on the engine timed (onnxruntime: its own profiler, on this machine's measured roofline); show the N slowest (default 10)", parsePositiveInt)
    .option('--depth <n>', 'fold the profile into blocks N levels deep (tables; JSON keeps every row)', parsePositiveInt)
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout');
  addFileOptions(addModelOptions(cmd), { batch: false }).action(async (name: string, f: BenchFlags) => {
    const m = modelArg(name, modelOptions(f));
    await checkOutDir(f.out);
    if (f.depth !== undefined && f.profile === undefined) throw new DnarchError('BAD_OPTION', '--depth folds the profile: give --profile too');
    const { benchModel } = await import('../bench/bench.js');
    const opts: BenchOptions = {
      engines: f.engine as BenchOptions['engines'],
      batches: f.batch,
      warmup: f.warmup,
      runs: f.runs,
      seconds: f.seconds,
      threads: f.threads,
      seed: f.seed,
      model: m.options,
      inputShapes: f.inputShape,
      weights: f.weights,
      profile: f.profile === true ? 10 : f.profile,
      isolate: true,
    };
    const bar = progressBar(showProgress(f.format));
    let report: BenchReport;
    try {
      report = await benchModel(m.target, opts, {
        onProgress: (d, t, label) => bar.update(d, t, label),
        onStage: (label) => bar.update(1, 1, label),
        onNote: (text) => {
          bar.clear();
          stderrNote(`${m.label}: ${text}`);
        },
      });
    } finally {
      bar.clear();
    }
    const { renderBenchMarkdown, renderBenchTable } = await import('../report/bench.js');
    const text =
      f.format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : f.format === 'markdown'
          ? renderBenchMarkdown(printableStrings(report), { depth: f.depth })
          : renderBenchTable(printableStrings(report), { color: useColor() && !f.out, depth: f.depth });
    await emit(text, f.out);
  });
}
