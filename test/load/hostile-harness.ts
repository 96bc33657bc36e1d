/**
 * The CLI run in-process on hostile files, and what every case must end in: exit 0 with a
 * valid report (and the totals the case expects), or exit 1/2 with one escaped line, no stack
 * trace, nothing written, Object.prototype untouched, and the process under 1.5 GiB.
 * Shared by the property tests (fuzz.test.ts, fuzz-formats.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { HostileCase } from './mutate.js';

export const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Exit codes seen per family, for the counts the closing note quotes. */
export const familyCounts = new Map<string, Map<string, number>>();

/** "exit 0: n, exit 2: m" for a family. */
export const countsOf = (family: string): string =>
  [...(familyCounts.get(family) ?? new Map<string, number>()).entries()].sort().map(([k, n]) => `${k}: ${n}`).join(', ');

/** Cases run in a family. */
export const casesOf = (family: string): number => [...(familyCounts.get(family)?.values() ?? [])].reduce((a, b) => a + b, 0);

/** The most a case may leave the test process holding (the bound: 1.5 GiB). */
const MAX_RSS = 1.5 * 2 ** 30;

/** Runs the CLI in-process with stdout/stderr captured. */
export async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  const t0 = performance.now();
  try {
    const code = await main(['node', 'dnarch', ...args]);
    return { code, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - t0 };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

/** Characters that must never reach a terminal raw (a newline only as a line's end). */
export const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;



export async function hostileCase(family: string, c: HostileCase): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dnarch-hostile-'));
  temps.push(dir);
  const file = join(dir, c.name);
  if (c.fifo) execFileSync('mkfifo', [file]);
  else writeFileSync(file, c.bytes ?? new Uint8Array(0));
  const out = join(dir, c.command === 'export' ? 'out.onnx' : 'report.json');
  const args = c.command === 'export' ? ['export', file, '--onnx', out] : ['summarize', file, '--format', 'json', '--out', out];
  for (const [name, bytes] of c.beside ?? []) writeFileSync(join(dir, name), bytes);
  const r = await run(args);
  const counts = familyCounts.get(family) ?? new Map<string, number>();
  familyCounts.set(family, counts.set(`exit ${r.code}`, (counts.get(`exit ${r.code}`) ?? 0) + 1));
  const context = `${family}: ${c.label}: exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 600))}`;
  expect([0, 1, 2], context).toContain(r.code);
  // export says on stdout what it wrote; nothing else writes there with --out.
  if (c.command !== 'export' || r.code !== 0) expect(r.stdout, context).toBe('');
  expect(r.stderr, context).not.toMatch(/^\s+at /m);
  if (r.code === 0) expect(r.stderr, context).toBe('');
  else {
    const lines = r.stderr.replace(/\n$/, '').split('\n');
    expect(lines, context).toHaveLength(1);
    expect(lines[0], context).toMatch(/^dnarch: /);
    expect(lines[0], context).not.toMatch(/internal error/);
    expect(lines[0], context).not.toMatch(RAW);
    expect(existsSync(out), context).toBe(false);
  }
  if (c.expect) expect(r.code, context).toBe(c.expect.exit);
  if (c.expect?.exit === 0 && r.code === 0 && c.command !== 'export') {
    const t = (JSON.parse(readFileSync(out, 'utf8')) as { totals: { params: { total: number }; macs: number } }).totals;
    expect({ params: t.params.total, macs: t.macs }, context).toEqual({ params: c.expect.params, macs: c.expect.macs });
    // The table a terminal shows: one row per layer, nothing raw from the file.
    const table = await run(['summarize', file]);
    expect(table.code, context).toBe(0);
    expect(table.stdout, context).not.toMatch(RAW);
    const layers = (JSON.parse(readFileSync(out, 'utf8')) as { layers: unknown[] }).layers.length;
    expect(table.stdout.split('\n').filter((l) => l.startsWith('│')).length, `${context}: table rows`).toBe(layers + 1);
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort().join(','), context).toBe(PROTO_KEYS);
  expect(process.memoryUsage().rss, `${context}: resident memory`).toBeLessThan(MAX_RSS);
  expect(({} as Record<string, unknown>).polluted, context).toBeUndefined();
}

const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
