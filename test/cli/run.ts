/**
 * Spawns the built CLI (bin/dnarch.js -> dist/) the way a user would, with an environment
 * that does not depend on the caller's: no CI, no FORCE_COLOR, NO_COLOR=1, no NODE_OPTIONS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = 'bin/dnarch.js';

/** Whether the optional @tensorflow/tfjs-node is installed (its install fails without access to libtensorflow's download). */
export const tfjsNodeResolvable = ((): boolean => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

/** Each spawn loads tfjs (~0.5 s); leave room for a slow, busy machine. */
export const TIMEOUT = 60_000;

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Tests never write to the user's cache (dnarch peaks): one of their own per test process. */
export const TEST_CACHE_DIR = join(tmpdir(), `dnarch-test-cache-${process.pid}`);

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['CI', 'FORCE_COLOR', 'NO_COLOR', 'NODE_OPTIONS', 'NODE_DEBUG', 'DEBUG', 'XDG_CACHE_HOME']) delete env[k];
  env.NO_COLOR = '1';
  env.DNARCH_CACHE_DIR = TEST_CACHE_DIR;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunOptions {
  /** Extra environment (undefined deletes a variable). */
  env?: Record<string, string | undefined>;
  /** Flags for node itself, before the script, e.g. ['--import', file]. */
  nodeArgs?: string[];
  cwd?: string;
}

export function dnarch(args: string[], opts: RunOptions = {}): Run {
  if (!existsSync(`${ROOT}/dist/cli/main.js`)) {
    throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
  }
  // The script by its absolute path, so that a test may run dnarch from another directory (cwd).
  const r = spawnSync(process.execPath, [...(opts.nodeArgs ?? []), join(ROOT, BIN), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: TIMEOUT - 5_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and expects success with nothing on stderr; returns stdout. */
export function ok(args: string[], opts: RunOptions = {}): string {
  const r = dnarch(args, opts);
  expect(r.stderr, `stderr of dnarch ${args.join(' ')}`).toBe('');
  expect(r.status, `exit status of dnarch ${args.join(' ')}`).toBe(0);
  return r.stdout;
}

export function okJson<T = any>(args: string[], opts: RunOptions = {}): T {
  const out = ok([...args, '--format', 'json'], opts);
  return JSON.parse(out) as T;
}

const HELP_HINT = '(run with --help for usage)';

/**
 * A usage / input error as a person should see it: exit 2, nothing on stdout, one line on
 * stderr (plus commander's help hint), no stack trace. Returns the message line.
 */
export function expectUsageError(r: Run, mentions: (string | RegExp)[] = []): string {
  expect(r.stdout).toBe('');
  expect(r.status, `stderr was: ${r.stderr}`).toBe(2);
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.replace(/\n$/, '').split('\n');
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(lines.length).toBeLessThanOrEqual(2);
  expect(lines[0].trim()).not.toBe('');
  if (lines.length === 2) expect(lines[1]).toBe(HELP_HINT);
  for (const line of lines) {
    expect(line).not.toMatch(/^\s+at /);
    expect(line).not.toMatch(/^[A-Z]\w*Error\b/);
    expect(line).not.toMatch(/internal error/);
  }
  for (const m of mentions) {
    if (typeof m === 'string') expect(lines[0]).toContain(m);
    else expect(lines[0]).toMatch(m);
  }
  return lines[0];
}

/** RFC 4180 parser: throws on an unbalanced quote or a stray quote inside a field. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new Error(`csv: text after a closing quote at offset ${i}`);
        }
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (fieldStarted) throw new Error(`csv: quote inside an unquoted field at offset ${i}`);
      quoted = true;
      fieldStarted = true;
      i += 1;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStarted = false;
      i += 1;
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += ch;
      fieldStarted = true;
      i += 1;
    }
  }
  if (quoted) throw new Error('csv: unbalanced quote at end of input');
  if (fieldStarted || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export const ANSI = /\x1b\[[0-9;]*[A-Za-z]/;
