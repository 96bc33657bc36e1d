import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { Chalk } from 'chalk';
import { SCHEMA_VERSION } from '../analysis/types.js';
import type { ListOutput, ZooModel } from '../schema/list.js';
import { ZOO } from '../zoo/registry.js';
import { grouped, si } from '../report/units.js';
import { checkOutDir, emit } from './output.js';
import { useColor } from './terminal.js';

interface ListFlags {
  format: 'table' | 'json' | 'markdown';
  out?: string;
}

function rows(): ZooModel[] {
  return ZOO.map((e) => ({
    name: e.name,
    aliases: e.aliases,
    family: e.family,
    year: e.year,
    paper: e.paper,
    inputSize: e.defaultInputSize,
    params: e.figures.params,
    macs: e.figures.macs,
  }));
}

/** "Authors, Title (arXiv 1409.1556)" -> "Authors (arXiv 1409.1556)": the full title is in --format json. */
const shortPaper = (p: string): string => p.replace(/,[^(]*\(/, ' (');

function table(color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const t = new Table({
    head: ['Model', 'Aliases', 'Family', 'Year', 'Input', 'Params', 'MACs', 'Paper'].map((h) => c.bold(h)),
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of rows()) {
    t.push([c.cyan(r.name), r.aliases.join(', '), r.family, r.year, r.inputSize, si(r.params), si(r.macs), shortPaper(r.paper)]);
  }
  return `${t.toString()}\nParams and MACs at each model's default input size and classes, with the classifier (MACs as defined in the README).\n`;
}

function markdown(): string {
  const lines = rows().map(
    (r) => `| ${r.name} | ${r.aliases.join(', ')} | ${r.family} | ${r.year} | ${r.inputSize} | ${grouped(r.params)} | ${grouped(r.macs)} | ${r.paper} |`,
  );
  return ['| Model | Aliases | Family | Year | Input | Params | MACs | Paper |', '|---|---|---|---:|---:|---:|---:|---|', ...lines, ''].join('\n');
}

export function listCommand(program: Command): void {
  program
    .command('list')
    .description('list the architectures dnarch can build')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'markdown']).default('table'))
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (f: ListFlags) => {
      await checkOutDir(f.out);
      const doc: ListOutput = { schemaVersion: SCHEMA_VERSION, models: rows() };
      const text =
        f.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : f.format === 'markdown' ? markdown() : table(useColor() && !f.out);
      await emit(text, f.out);
    });
}
