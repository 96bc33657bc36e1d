import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ModelReport } from '../analysis/types.js';
import type { BenchProfile } from '../bench/types.js';
import { DnarchError, isDnarchError } from '../errors.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg, type ModelArg } from './model-arg.js';
import { checkOutDir, emit } from './output.js';
import { analyzeForCli } from './analyze-model.js';
import { showProgress, withStatus } from './terminal.js';

interface ReportFlags extends ModelFlags, FileFlags {
  out?: string;
  bench: string[];
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

const version = (): string => (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/**
 * Each --bench file's profile, put with the model it measured: a zoo model by name, a file
 * by path, and the same architecture (its MACs per image) as the report's, else one line.
 */
async function profilesFor(files: string[], models: ModelArg[], reports: ModelReport[]): Promise<(BenchProfile | undefined)[]> {
  const out: (BenchProfile | undefined)[] = models.map(() => undefined);
  if (files.length === 0) return out;
  const { readBenchReport } = await import('../bench/read-report.js');
  for (const file of files) {
    // The file's own error names the path; "--bench" says which option gave it.
    const b = await readBenchReport(file).catch((e: unknown) => {
      throw isDnarchError(e) ? new DnarchError(e.code, `--bench ${e.message}`, { cause: e }) : e;
    });
    const same = (m: ModelArg): boolean => (b.model.source === 'zoo' ? m.kind === 'zoo' && m.target === b.model.name : m.kind === 'file' && resolve(m.target) === resolve(b.model.source));
    // The same zoo model twice (resnet50@input-size=160 resnet50): the one with the bench's MACs.
    const candidates = models.flatMap((m, k) => (same(m) ? [k] : []));
    const i = candidates.find((k) => reports[k].totals.macs === b.model.macsPerImage) ?? candidates[0] ?? -1;
    if (i < 0) throw new DnarchError('BAD_OPTION', `--bench ${file} profiles ${b.model.name}, which is not among the models of this report (${models.map((m) => m.label).join(', ')})`);
    if (b.model.macsPerImage !== reports[i].totals.macs) {
      throw new DnarchError('BAD_OPTION', `--bench ${file} measured ${b.model.name} with ${b.model.macsPerImage} MACs per image, this report's has ${reports[i].totals.macs}: give the model the options the bench had (input size, alpha, ...)`);
    }
    if (out[i]) throw new DnarchError('BAD_OPTION', `two --bench files profile ${b.model.name}: give one per model`);
    out[i] = b.profile;
  }
  return out;
}

export function reportCommand(program: Command): void {
  const cmd = program
    .command('report')
    .description('one self-contained HTML page with charts for one or more models (side by side when several)')
    .argument('<models...>', 'zoo model names (see `dnarch list`), each optionally NAME@key=value,..., or model files (ONNX, model.json, Keras JSON, .keras)')
    .option('--out <file>', 'write the HTML to a file (atomically); without it the page goes to stdout')
    .option('--bench <file>', 'add the time-per-layer and roofline charts of a `dnarch bench --profile --format json` of one of the models (repeatable)', collect, []);
  addFileOptions(addModelOptions(cmd)).action(async (names: string[], f: ReportFlags) => {
    // Every name and its options are checked before the first (slow) build, so a typo in the last one fails at once.
    const models = names.map((n) => modelArg(n, modelOptions(f)));
    const labels = models.map((m) => m.label);
    await checkOutDir(f.out);
    // Loaded here, not at start-up: `dnarch --help` must not pay for TensorFlow or Vega.
    const { renderHtml } = await import('../report/html/page.js');
    const reports: ModelReport[] = [];
    for (const [i, m] of models.entries()) {
      const label = models.length > 1 ? `${labels[i]} (${i + 1}/${models.length})` : labels[i];
      const file = models.length > 1 ? { ...fileOptions(f), lenient: true } : fileOptions(f);
      reports.push(await analyzeForCli(m.target, 'html', m.kind === 'file' ? {} : m.options, label, m.kind === 'file' ? file : {}));
    }
    const profiles = await profilesFor(f.bench, models, reports);
    const html = await withStatus(showProgress('html'), 'drawing charts', () => renderHtml(reports, { version: version(), labels, profiles }));
    await emit(html, f.out);
  });
}
