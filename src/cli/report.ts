import { createRequire } from 'node:module';
import type { Command } from 'commander';
import type { ModelReport } from '../analysis/types.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { checkOutDir, emit } from './output.js';
import { analyzeForCli } from './analyze-model.js';
import { showProgress, withStatus } from './terminal.js';

interface ReportFlags extends ModelFlags, FileFlags {
  out?: string;
}

const version = (): string => (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

export function reportCommand(program: Command): void {
  const cmd = program
    .command('report')
    .description('one self-contained HTML page with charts for one or more models (side by side when several)')
    .argument('<models...>', 'zoo model names (see `dnarch list`) or model files (ONNX, model.json, Keras JSON, .keras)')
    .option('--out <file>', 'write the HTML to a file (atomically); without it the page goes to stdout');
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
    const html = await withStatus(showProgress('html'), 'drawing charts', () => renderHtml(reports, { version: version(), labels }));
    await emit(html, f.out);
  });
}
