import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { BudgetFile, Budgets, LatencyRun } from '../analysis/budget.js';
import { BUDGET_DEFS, type BudgetMetric } from '../analysis/budget-defs.js';
import { parseQuantity, type QuantityKind } from '../analysis/quantity.js';
import { ENGINE_NAMES, type EngineName } from '../engines/engine.js';
import { DnarchError, fsReason } from '../errors.js';
import { CHECK_FORMATS, type CheckFormat } from '../report/check.js';
import { analyzeForCli } from './analyze-model.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg, type ModelArg } from './model-arg.js';
import { checkOutDir, emit } from './output.js';
import { parseEngine, parsePositiveInt } from './parse.js';
import { showProgress, stderrNote, useColor, withStatus } from './terminal.js';

type CheckFlags = ModelFlags & FileFlags & {
  format: CheckFormat;
  out?: string;
  budget?: string;
  engine?: EngineName;
  batch?: number;
  runs?: number;
} & Partial<Record<string, number>>;

/** Commander's camelCase property for an option: --max-weights-mb -> maxWeightsMb. */
const flagKey = (option: string): string => option.replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

const quantityArg = (kind: QuantityKind) => (value: string): number => {
  try {
    return parseQuantity(value, kind);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

const HELP: Record<BudgetMetric, [string, string]> = {
  params: ['<count>', 'most parameters, e.g. 25.6M (k, M, G = powers of 1000)'],
  macs: ['<count>', 'most multiply-accumulates (batch 1), e.g. 4G'],
  flops: ['<count>', 'most FLOPs (2 x MACs + element-wise work), e.g. 8G'],
  weightBytes: ['<size>', 'most weight bytes: 120MB (MB = 10^6 B), 110MiB (2^20 B); a bare number is MB; reports print MiB'],
  activationPeakBytes: ['<size>', 'most peak activation memory (largest live set of outputs, batch 1, float32), in MB as above'],
  latencyMs: ['<ms>', 'most median latency in ms, timed with --engine, --batch, --runs'],
};

const METRIC_OF_FLAG = new Map(BUDGET_DEFS.map((d) => [flagKey(d.option), d.metric]));

async function readBudgetFile(file: string): Promise<BudgetFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DnarchError('IO', `cannot read --budget ${file}: ${fsReason(e)}`);
  }
  const { parseBudgetFile } = await import('../analysis/budget.js');
  return parseBudgetFile(text, file);
}

function flagBudgets(f: CheckFlags): Budgets {
  const budgets: Budgets = {};
  for (const [key, metric] of METRIC_OF_FLAG) if (typeof f[key] === 'number') budgets[metric] = f[key];
  return budgets;
}

/** Times the model; the median (p50) of the timed runs is the budget's value. */
async function measureLatency(m: ModelArg, f: CheckFlags, run: LatencySettings): Promise<{ ms: number; run: LatencyRun }> {
  const { benchModel } = await import('../bench/bench.js');
  const report = await withStatus(showProgress(f.format), `timing ${m.label}`, () =>
    // Without --engine: 'auto', the fastest engine this machine has that can run the model.
    benchModel(
      m.target,
      { engines: run.engine ? [run.engine] : 'auto', batches: [run.batch], runs: run.runs, model: m.options, inputShapes: f.inputShape, weights: f.weights },
      { onNote: (text) => stderrNote(`${m.label}: ${text}`) },
    ),
  );
  const timed = report.results.find((r) => r.status === 'ok');
  if (!timed || timed.status !== 'ok') {
    const why = report.results.map((r) => (r.status === 'ok' ? '' : r.reason)).filter(Boolean).join('; ');
    throw new DnarchError('BAD_OPTION', `--max-latency-ms: could not time ${m.label}${why ? `: ${why}` : ''}`);
  }
  return { ms: timed.latencyMs.p50, run: { engine: timed.engine, batch: timed.batch, runs: timed.runs, weights: report.model.weights } };
}

interface LatencySettings {
  engine?: EngineName;
  batch: number;
  runs: number;
}

export function checkCommand(program: Command): void {
  const cmd = program
    .command('check')
    .description('check a model against budgets (params, MACs, FLOPs, weights, activations, latency); exit 1 when one fails')
    .argument('<model>', 'a zoo model name (see `dnarch list`), optionally NAME@key=value,..., or a model file (ONNX, model.json, Keras JSON, .keras)');
  for (const d of BUDGET_DEFS) cmd.option(`${d.option} ${HELP[d.metric][0]}`, HELP[d.metric][1], quantityArg(d.kind));
  cmd
    .option('--budget <file>', 'a JSON budget file (see README); flags given on the command line override its values')
    .option('--engine <name>', `engine that times --max-latency-ms: ${ENGINE_NAMES.join(', ')} (default: the fastest available)`, parseEngine)
    .option('--batch <n>', 'batch size for --max-latency-ms (default 1)', parsePositiveInt)
    .option('--runs <n>', 'timed runs for --max-latency-ms (default 10)', parsePositiveInt)
    .addOption(new Option('--format <fmt>', 'output format').choices(CHECK_FORMATS).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout');
  addFileOptions(addModelOptions(cmd), { batch: false }).action(async (name: string, f: CheckFlags) => {
    const m = modelArg(name, modelOptions(f));
    await checkOutDir(f.out);
    const file = f.budget ? await readBudgetFile(f.budget) : { budgets: {}, latency: {} };
    const { mergeBudgets, checkModel, checkFailure } = await import('../analysis/budget.js');
    const budgets = mergeBudgets(file.budgets, flagBudgets(f));
    if (Object.keys(budgets).length === 0) {
      throw new DnarchError('BAD_OPTION', 'nothing to check: give a budget such as --max-macs 4G, or --budget dnarch.budget.json');
    }
    if (budgets.latencyMs === undefined && (f.engine || f.batch || f.runs)) {
      throw new DnarchError('BAD_OPTION', '--engine, --batch and --runs set how --max-latency-ms is timed: give a latency budget too');
    }
    const run: LatencySettings = { engine: f.engine ?? file.latency.engine, batch: f.batch ?? file.latency.batch ?? 1, runs: f.runs ?? file.latency.runs ?? 10 };
    const report = await analyzeForCli(m.target, f.format, m.options, m.label, fileOptions(f, false));
    const latency = budgets.latencyMs === undefined ? undefined : await measureLatency(m, f, run);
    const check = checkModel(report, budgets, latency);
    const { renderCheck } = await import('../report/check.js');
    await emit(renderCheck(check, f.format, { color: useColor() && !f.out }), f.out);
    const failure = checkFailure(check);
    if (failure) throw new DnarchError('CHECK_FAILED', failure);
  });
}
