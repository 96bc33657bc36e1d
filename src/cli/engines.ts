import { Option, type Command } from 'commander';
import { Chalk } from 'chalk';
import { discoverEngines, type EngineStatus } from '../engines/discovery.js';
import { emit } from './output.js';
import { useColor } from './terminal.js';
import { SCHEMA_VERSION } from '../analysis/types.js';

function text(engines: EngineStatus[], color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines = engines.map((e) => {
    const mark = e.available ? c.green('available  ') : c.yellow('unavailable');
    const version = e.version ? ` ${e.version}` : '';
    const reason = e.reason ? c.dim(`: ${e.reason}`) : '';
    return `${e.name.padEnd(12)} ${mark}${version}  ${e.description}${reason}`;
  });
  lines.push('', 'Fastest first. `dnarch bench --engine auto` takes the first available one.', `Analysis (summarize) always uses the cpu backend: it builds layers but computes no tensors.`);
  return `${lines.join('\n')}\n`;
}

export function enginesCommand(program: Command): void {
  program
    .command('engines')
    .description('which inference engines this machine has, and why not when not')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (f: { format: 'table' | 'json' }) => {
      const engines = await discoverEngines();
      await emit(f.format === 'json' ? `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, engines }, null, 2)}\n` : text(engines, useColor()));
    });
}
