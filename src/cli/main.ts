import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { isDnarchError, printableLine, type ErrorCode } from '../errors.js';
import { benchCommand } from './bench.js';
import { checkCommand } from './check.js';
import { compareCommand } from './compare.js';
import { diffCommand } from './diff.js';
import { enginesCommand } from './engines.js';
import { exportCommand } from './export.js';
import { listCommand } from './list.js';
import { peaksCommand } from './peaks.js';
import { reportCommand } from './report.js';
import { savingsCommand } from './savings.js';
import { schemaCommand } from './schema.js';
import { summarizeCommand } from './summarize.js';

/** Exit statuses: 0 ok, 1 a check failed, 2 bad input or usage, 3 a bug in dnarch. */
const EXIT: Record<ErrorCode, number> = {
  CHECK_FAILED: 1,
  UNKNOWN_MODEL: 2,
  BAD_OPTION: 2,
  BAD_INPUT: 2,
  IO: 2,
};

export const exitStatus = (code: ErrorCode): number => EXIT[code];

function program(): Command {
  const p = new Command('dnarch')
    .description('Inspect deep convolutional network architectures: what they cost, layer by layer, and why.')
    .version((createRequire(import.meta.url)('../../package.json') as { version: string }).version)
    .option('--debug', 'show stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    // One line for the error: commander's "(Did you mean ...?)" would be a second.
    .showSuggestionAfterError(false)
    // One prefix for every error line, commander's own included.
    .configureOutput({ outputError: (text, write) => write(`${printableLine(text.replace(/^error: /, 'dnarch: ').replace(/\n$/, ''))}\n`) })
    .exitOverride();
  listCommand(p);
  summarizeCommand(p);
  compareCommand(p);
  checkCommand(p);
  diffCommand(p);
  savingsCommand(p);
  benchCommand(p);
  reportCommand(p);
  enginesCommand(p);
  peaksCommand(p);
  exportCommand(p);
  schemaCommand(p);
  for (const c of p.commands) c.exitOverride().showSuggestionAfterError(false);
  return p;
}

/** Runs the CLI and returns the exit status; prints errors as one line unless --debug. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help / version).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isDnarchError(e)) {
      process.stderr.write(`dnarch: ${printableLine(e.message)}\n`);
      if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
      return exitStatus(e.code);
    }
    const err = e as Error;
    process.stderr.write(`dnarch: internal error: ${printableLine(String(err?.message ?? e))}${debug ? '' : ' (run with --debug for details)'}\n`);
    if (debug && err?.stack) process.stderr.write(`${err.stack}\n`);
    return 3;
  }
}
