import { Option, type Command } from 'commander';
import type { DiffSide } from '../analysis/diff.js';
import { DnarchError } from '../errors.js';
import type { FileOptions } from '../load/formats.js';
import type { ModelOptions } from '../zoo/options.js';
import { DIFF_FORMATS, type DiffFormat } from '../report/diff.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg, type ModelArg } from './model-arg.js';
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
async function side(m: ModelArg, status: string, options: ModelOptions, file: FileOptions, format: string): Promise<DiffSide> {
  return withStatus(showProgress(format), `building and analysing ${status}`, async () => {
    const { analyzeWithGraph } = await import('../api.js');
    return { label: m.label, ...(await analyzeWithGraph(m.target, options, file)) };
  });
}

export function diffCommand(program: Command): void {
  const cmd = program
    .command('diff')
    .description('what changed between two models: layers added, removed and changed, and the totals (exit 0 unless --fail-on-change)')
    .argument('<a>', 'the old model: a zoo name, optionally NAME@input-size=160,alpha=0.5, or a model file (ONNX, model.json, Keras JSON, .keras)')
    .argument('<b>', 'the new model: a zoo name (optionally NAME@key=value,...) or a model file')
    .addOption(new Option('--format <fmt>', 'output format (markdown: for a pull-request comment or $GITHUB_STEP_SUMMARY)').choices(DIFF_FORMATS).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .option('--fail-on-change', 'exit 1 when the models differ');
  addFileOptions(addModelOptions(cmd)).action(async (a: string, b: string, f: DiffFlags) => {
    const flags = modelOptions(f);
    // Both names and their options are checked before the first (slow) build.
    const [ma, mb] = [modelArg(a, flags), modelArg(b, flags)];
    const zooOptionsGiven = Object.values(flags).some((v) => v !== undefined);
    // Zoo flags shape both models or neither: a diff of a file against a reshaped zoo model would mislead.
    // One side's own shape is NAME@key=value.
    if (zooOptionsGiven && (ma.kind === 'file' || mb.kind === 'file')) {
      throw new DnarchError('BAD_OPTION', '--input-size, --classes, --no-top, --pooling and --alpha apply to both models, so both must be zoo names (for one side only: NAME@input-size=160)');
    }
    await checkOutDir(f.out);
    // --input-shape and --batch are for the ONNX files among them; each takes what fits it.
    const file = { ...fileOptions(f), lenient: true };
    const sa = await side(ma, `${ma.label} (1/2)`, ma.kind === 'file' ? {} : ma.options, ma.kind === 'file' ? file : {}, f.format);
    const sb = await side(mb, `${mb.label} (2/2)`, mb.kind === 'file' ? {} : mb.options, mb.kind === 'file' ? file : {}, f.format);
    const [{ diffModels }, { renderDiff }] = await Promise.all([import('../analysis/diff.js'), import('../report/diff.js')]);
    const d = diffModels(sa, sb);
    await emit(renderDiff(d, f.format, { color: useColor() && !f.out }), f.out);
    if (f.failOnChange && !d.identical) throw new DnarchError('CHECK_FAILED', `--fail-on-change: ${mb.label} differs from ${ma.label}`);
  });
}
