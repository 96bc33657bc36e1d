import { Option, type Command } from 'commander';
import type { ModelReport } from '../analysis/types.js';
import { COMPARE_FORMATS, type CompareFormat } from '../report/compare.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg } from './model-arg.js';
import { checkOutDir, emit } from './output.js';
import { analyzeForCli } from './analyze-model.js';
import { useColor } from './terminal.js';

interface CompareFlags extends ModelFlags, FileFlags {
  format: CompareFormat;
  out?: string;
}

export function compareCommand(program: Command): void {
  const cmd = program
    .command('compare')
    .description('models side by side: size, compute, memory, receptive field and bottleneck savings, with a reading')
    .argument('<models...>', 'two or more zoo model names (see `dnarch list`), each optionally NAME@input-size=160,alpha=0.5, or model files (ONNX, model.json, Keras JSON, .keras)')
    .addOption(new Option('--format <fmt>', 'output format').choices(COMPARE_FORMATS).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout');
  addFileOptions(addModelOptions(cmd)).action(async (names: string[], f: CompareFlags) => {
    // Commander enforces one model; a comparison needs two. Its error() prints "dnarch: ..." and the help hint.
    if (names.length < 2) cmd.error(`error: compare needs at least two models, e.g. \`dnarch compare inception xception\``);
    // Every name and its options are checked before the first (slow) build, so a typo in the last one fails at once.
    // The zoo flags (--input-size, ...) apply to every zoo model; NAME@key=value to that one.
    const models = names.map((n) => modelArg(n, modelOptions(f)));
    await checkOutDir(f.out);
    // Loaded here, not at start-up: `dnarch --help` must not pay for TensorFlow.
    const [{ compareReports }, { renderComparison }] = await Promise.all([import('../analysis/compare.js'), import('../report/compare.js')]);
    const reports: ModelReport[] = [];
    for (const [i, m] of models.entries()) {
      // --input-shape and --batch are for the ONNX files among them; each takes what fits it.
      const options = m.kind === 'zoo' ? m.options : {};
      reports.push(await analyzeForCli(m.target, f.format, options, `${m.label} (${i + 1}/${models.length})`, { ...fileOptions(f), lenient: true }));
    }
    const comparison = compareReports(reports, models.map((m) => m.label));
    await emit(renderComparison(comparison, f.format, { color: useColor() && !f.out }), f.out);
  });
}
