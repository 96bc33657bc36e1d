/**
 * `dnarch --help`, `dnarch list` and `dnarch schema` must answer without loading TensorFlow.js
 * (the zoo registry loads builders lazily for this; the schemas are zod only). A resolve hook registered with --import
 * records every module URL the CLI resolves.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dnarch, TIMEOUT } from './run.js';

const REGISTER = fileURLToPath(new URL('./fixtures/register-trace.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dnarch-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Runs the CLI under the tracer; returns its result and the URLs it resolved. */
function traced(args: string[]) {
  const file = join(dir, `trace-${n++}.txt`);
  const r = dnarch(args, { nodeArgs: ['--import', REGISTER], env: { DNARCH_TRACE_FILE: file } });
  const urls = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  return { ...r, urls };
}

/** The tracer saw the CLI itself, so an empty or partial trace cannot pass for "no tfjs". */
function expectTracedCli(urls: string[]) {
  expect(urls.some((u) => u.endsWith('/bin/dnarch.js'))).toBe(true);
  expect(urls.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
  expect(urls.some((u) => u.includes('/node_modules/commander/'))).toBe(true);
}

describe('startup does not load TensorFlow.js', () => {
  for (const args of [['--help'], ['list'], ['list', '--format', 'json'], ['summarize', '--help'], ['schema'], ['schema', 'summarize']]) {
    it(`dnarch ${args.join(' ')}`, { timeout: TIMEOUT }, () => {
      const r = traced(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).not.toBe('');
      expectTracedCli(r.urls);
      expect(r.urls.filter((u) => u.includes('@tensorflow'))).toEqual([]);
    });
  }

  it('a usage error does not load it either', { timeout: TIMEOUT }, () => {
    const r = traced(['summarize', 'resnet50', '--depth', 'abc']);
    expect(r.status).toBe(2);
    expectTracedCli(r.urls);
    expect(r.urls.filter((u) => u.includes('@tensorflow'))).toEqual([]);
  });

  it('the tracer does see tfjs when a model is built: summarize mobilenet', { timeout: TIMEOUT }, () => {
    const r = traced(['summarize', 'mobilenet', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).totals.layers).toBe(91);
    expectTracedCli(r.urls);
    expect(r.urls.some((u) => u.includes('/@tensorflow/tfjs-core/'))).toBe(true);
  });
});

describe('the ONNX path never loads TensorFlow.js', () => {
  const TINY = 'fixtures/onnx/tiny-cnn.onnx';
  const cases: string[][] = [
    ['summarize', TINY, '--format', 'json'],
    ['savings', TINY, '--format', 'json'],
    ['check', TINY, '--max-macs', '1G', '--format', 'json'],
    ['compare', TINY, 'fixtures/onnx/attention.onnx', '--format', 'json'],
    ['diff', TINY, 'fixtures/onnx/attention.onnx', '--format', 'json'],
    ['bench', TINY, '--runs', '1', '--warmup', '1', '--format', 'json'],
  ];
  for (const args of cases) {
    it(`dnarch ${args.join(' ')}`, { timeout: TIMEOUT }, () => {
      const r = traced(args);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
      expectTracedCli(r.urls);
      expect(r.urls.some((u) => u.endsWith('/dist/load/onnx/open.js'))).toBe(true);
      expect(r.urls.filter((u) => u.includes('@tensorflow'))).toEqual([]);
    });
  }
});
