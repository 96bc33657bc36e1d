import { Option, type Command } from 'commander';
import type { ModelReport } from '../analysis/types.js';
import { COMPARE_FORMATS, type CompareFormat } from '../report/compare.js';
import { addFileOptions, fileOptions, type FileFlags } from './model-options.js';
import { checkOutDir, emit } from './output.js';
import { analyzeForCli } from './analyze-model.js';
import { useColor } from './terminal.js';

interface CompareFlags extends FileFlags {
  format: CompareFormat;
  out?: string;
}

export function compareCommand(program: Command): void {
  const cmd = program
    .command('compare')
    .description('models side by side: size, compute, memory, receptive field and bottleneck savings, with a reading')
    .argument('<models...>', 'two or more zoo model names (see `dnarch list`) or model files (ONNX, model.json, Keras JSON, .keras)')
    .addOption(new Option('--format <fmt>', 'output format').choices(COMPARE_FORMATS).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout');
  addFileOptions(cmd).action(async (names: string[], f: CompareFlags) => {
    // Commander enforces one model; a comparison needs two. Its error() prints "dnarch: ..." and the help hint.
    if (names.length < 2) cmd.error(`error: compare needs at least two models, e.g. \`dnarch compare inception xception\``);
    await checkOutDir(f.out);
    // Loaded here, not at start-up: `dnarch --help` must not pay for TensorFlow.
    const [{ zooEntry }, { looksLikePath }, { compareReports }, { renderComparison }] = await Promise.all([
      import('../api.js'),
      import('../load/paths.js'),
      import('../analysis/compare.js'),
      import('../report/compare.js'),
    ]);
    // Every name is checked before the first (slow) build, so a typo in the last one fails at once.
    const labels = names.map((n) => (looksLikePath(n) ? n : zooEntry(n).name));
    const reports: ModelReport[] = [];
    for (const [i, name] of names.entries()) {
      // --input-shape and --batch are for the ONNX files among them; each takes what fits it.
      reports.push(await analyzeForCli(name, f.format, {}, `${labels[i]} (${i + 1}/${names.length})`, { ...fileOptions(f), lenient: true }));
    }
    const comparison = compareReports(reports, labels);
    await emit(renderComparison(comparison, f.format, { color: useColor() && !f.out }), f.out);
  });
}
