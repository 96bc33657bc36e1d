import { Option, type Command } from 'commander';
import type { ModelReport } from '../analysis/types.js';
import { DnarchError } from '../errors.js';
import { FORMATS, renderReport, type Format } from '../report/render.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg } from './model-arg.js';
import { checkOutDir, emit } from './output.js';
import { parsePositiveInt } from './parse.js';
import { analyzeForCli } from './analyze-model.js';
import { stderrNote, useColor } from './terminal.js';

interface SummarizeFlags extends ModelFlags, FileFlags {
  format: Format;
  depth?: number;
  out?: string;
  strict?: boolean;
}

export function summarizeCommand(program: Command): void {
  const cmd = program
    .command('summarize')
    .alias('summary')
    .description('per-layer parameters, MACs, FLOPs and memory of a model, with totals')
    .argument('<model>', 'a zoo model name (see `dnarch list`), optionally NAME@input-size=160,alpha=0.5, or a model file: ONNX, tfjs model.json, Keras JSON or .keras')
    .addOption(new Option('--format <fmt>', 'output format').choices(FORMATS).default('table'))
    .option('--depth <n>', 'fold layers into blocks N levels deep (1 = stages, 2 = blocks); tables, markdown and csv: JSON keeps every layer', parsePositiveInt)
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .option('--strict', 'exit 1 when a layer class has no cost handler');
  addFileOptions(addModelOptions(cmd)).action(async (name: string, f: SummarizeFlags) => {
    const m = modelArg(name, modelOptions(f));
    await checkOutDir(f.out);
    // The JSON is the ModelReport of its schema: one entry per layer, each with its block path.
    if (f.depth !== undefined && f.format === 'json') stderrNote(DEPTH_JSON_NOTE);
    const report = await analyzeForCli(m.target, f.format, m.options, m.label, fileOptions(f));
    await emit(renderReport(report, f.format, { depth: f.depth, color: useColor() && !f.out }), f.out);
    if (f.strict) strictCheck(report);
  });
}

const DEPTH_JSON_NOTE = '--depth does not fold --format json: the JSON lists every layer, each with its block path in "block"';

/** --strict: a report whose totals are incomplete is a failed check (exit 1), after it is printed. */
export function strictCheck(report: ModelReport): void {
  if (report.complete) return;
  const missing = report.unsupported.map((u) => `${u.className} (${u.layers.length})`).join(', ');
  const unknown = report.unknownCost?.length ?? 0;
  const why = [missing ? `no cost handler for ${missing}` : '', unknown ? `cost unknown for ${unknown} layer(s) whose shapes are not known (open input sizes take --input-size or --input-shape)` : '']
    .filter(Boolean)
    .join('; ');
  throw new DnarchError('CHECK_FAILED', `--strict: ${why}; totals are incomplete`);
}
