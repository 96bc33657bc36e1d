import { Option, type Command } from 'commander';
import type { DiffSide } from '../analysis/diff.js';
import { DnarchError } from '../errors.js';
import type { FileOptions } from '../load/formats.js';
import type { ModelOptions } from '../zoo/options.js';
import { DIFF_FORMATS, type DiffFormat } from '../report/diff.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { checkOutDir, emit } from './output.js';
import { showProgress, useColor, withStatus } from './terminal.js';

interface DiffFlags extends ModelFlags, FileFlags {
  format: DiffFormat;
  out?: string;
  failOnChange?: boolean;
}

/**
 * The graph and the report of one model. diff needs both: the report has no layer configs.
 * Loaded lazily: `dnarch --help` must not pay for TensorFlow.
 */
async function side(name: string, label: string, options: ModelOptions, file: FileOptions, format: string): Promise<DiffSide> {
  return withStatus(showProgress(format), `building and analysing ${label}`, async () => {
    const { analyzeWithGraph } = await import('../api.js');
    return { label: name, ...(await analyzeWithGraph(name, options, file)) };
  });
}

export function diffCommand(program: Command): void {
  const cmd = program
    .command('diff')
    .description('what changed between two models: layers added, removed and changed, and the totals (exit 0 unless --fail-on-change)')
    .argument('<a>', 'the old model: a zoo name or a model file (ONNX, model.json, Keras JSON, .keras)')
    .argument('<b>', 'the new model: a zoo name or a model file')
    .addOption(new Option('--format <fmt>', 'output format (markdown: for a pull-request comment or $GITHUB_STEP_SUMMARY)').choices(DIFF_FORMATS).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .option('--fail-on-change', 'exit 1 when the models differ');
  addFileOptions(addModelOptions(cmd)).action(async (a: string, b: string, f: DiffFlags) => {
    await checkOutDir(f.out);
    const [{ zooEntry }, { looksLikePath }] = await Promise.all([import('../api.js'), import('../load/paths.js')]);
    const options = modelOptions(f);
    const zooOptionsGiven = Object.values(options).some((v) => v !== undefined);
    // Zoo options shape both models or neither: a diff of a file against a reshaped zoo model would mislead.
    if (zooOptionsGiven && (looksLikePath(a) || looksLikePath(b))) {
      throw new DnarchError('BAD_OPTION', '--input-size, --classes, --no-top, --pooling and --alpha apply to both models, so both must be zoo names');
    }
    // Both names are checked before the first (slow) build.
    for (const n of [a, b]) if (!looksLikePath(n)) zooEntry(n);
    // --input-shape and --batch are for the ONNX files among them; each takes what fits it.
    const file = { ...fileOptions(f), lenient: true };
    const sa = await side(a, `${a} (1/2)`, looksLikePath(a) ? {} : options, looksLikePath(a) ? file : {}, f.format);
    const sb = await side(b, `${b} (2/2)`, looksLikePath(b) ? {} : options, looksLikePath(b) ? file : {}, f.format);
    const [{ diffModels }, { renderDiff }] = await Promise.all([import('../analysis/diff.js'), import('../report/diff.js')]);
    const d = diffModels(sa, sb);
    await emit(renderDiff(d, f.format, { color: useColor() && !f.out }), f.out);
    if (f.failOnChange && !d.identical) throw new DnarchError('CHECK_FAILED', `--fail-on-change: ${b} differs from ${a}`);
  });
}
