import { Option, type Command } from 'commander';
import type { ModelReport } from '../analysis/types.js';
import { printableStrings } from '../errors.js';
import { renderJson } from '../report/json.js';
import type { SavingsOutput } from '../schema/savings.js';
import { renderSavingsCsv, renderSavingsMarkdown, renderSavingsTable } from '../report/savings.js';
import { addFileOptions, addModelOptions, fileOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg } from './model-arg.js';
import { checkOutDir, emit } from './output.js';
import { analyzeForCli } from './analyze-model.js';
import { useColor } from './terminal.js';

type SavingsFormat = 'table' | 'json' | 'markdown' | 'csv';

interface SavingsFlags extends ModelFlags, FileFlags {
  format: SavingsFormat;
  out?: string;
}

function render(r: ModelReport, format: SavingsFormat, color: boolean): string {
  switch (format) {
    case 'json': {
      const doc: SavingsOutput = { schemaVersion: r.schemaVersion, model: r.model, savings: r.savings };
      return renderJson(doc);
    }
    case 'markdown':
      return renderSavingsMarkdown(printableStrings(r));
    case 'csv':
      return renderSavingsCsv(r);
    case 'table':
      return renderSavingsTable(printableStrings(r), { color });
  }
}

export function savingsCommand(program: Command): void {
  const cmd = program
    .command('savings')
    .description('bottleneck sites (1x1 reductions, bottlenecks, depthwise-separable and factorized convolutions) and what they save')
    .argument('<model>', 'a zoo model name (see `dnarch list`), optionally NAME@key=value,..., or a model file: ONNX, tfjs model.json, Keras JSON or .keras')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'markdown', 'csv']).default('table'))
    .option('--out <file>', 'write to a file (atomically) instead of stdout');
  addFileOptions(addModelOptions(cmd)).action(async (name: string, f: SavingsFlags) => {
    const m = modelArg(name, modelOptions(f));
    await checkOutDir(f.out);
    const report = await analyzeForCli(m.target, f.format, m.options, m.label, fileOptions(f));
    await emit(render(report, f.format, useColor() && !f.out), f.out);
  });
}
