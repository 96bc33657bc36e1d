import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ModelReport } from '../analysis/types.js';
import type { BenchProfile } from '../bench/types.js';
import { DnarchError } from '../errors.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
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
async function profilesFor(files: string[], names: string[], labels: string[], reports: ModelReport[]): Promise<(BenchProfile | undefined)[]> {
  const out: (BenchProfile | undefined)[] = names.map(() => undefined);
  if (files.length === 0) return out;
  const { readBenchReport } = await import('../bench/read-report.js');
  for (const file of files) {
    const b = await readBenchReport(file);
    const i = names.findIndex((n, k) => (b.model.source === 'zoo' ? reports[k].model.source === 'zoo' && labels[k] === b.model.name : resolve(n) === resolve(b.model.source)));
    if (i < 0) throw new DnarchError('BAD_OPTION', `--bench ${file} profiles ${b.model.name}, which is not among the models of this report (${names.join(', ')})`);
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
    .argument('<models...>', 'zoo model names (see `dnarch list`) or model files (ONNX, model.json, Keras JSON, .keras)')
    .option('--out <file>', 'write the HTML to a file (atomically); without it the page goes to stdout')
    .option('--bench <file>', 'add the time-per-layer and roofline charts of a `dnarch bench --profile --format json` of one of the models (repeatable)', collect, []);
  addFileOptions(addModelOptions(cmd)).action(async (names: string[], f: ReportFlags) => {
    await checkOutDir(f.out);
    // Loaded here, not at start-up: `dnarch --help` must not pay for TensorFlow or Vega.
    const [{ zooEntry }, { looksLikePath }, { renderHtml }] = await Promise.all([
      import('../api.js'),
      import('../load/paths.js'),
      import('../report/html/page.js'),
    ]);
    // Every name is checked before the first (slow) build, so a typo in the last one fails at once.
    const labels = names.map((n) => (looksLikePath(n) ? n : zooEntry(n).name));
    const reports: ModelReport[] = [];
    for (const [i, name] of names.entries()) {
      const label = names.length > 1 ? `${labels[i]} (${i + 1}/${names.length})` : labels[i];
      const file = names.length > 1 ? { ...fileOptions(f), lenient: true } : fileOptions(f);
      reports.push(await analyzeForCli(name, 'html', looksLikePath(name) ? {} : modelOptions(f), label, looksLikePath(name) ? file : {}));
    }
    const profiles = await profilesFor(f.bench, names, labels, reports);
    const html = await withStatus(showProgress('html'), 'drawing charts', () => renderHtml(reports, { version: version(), labels, profiles }));
    await emit(html, f.out);
  });
}
