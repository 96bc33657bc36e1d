/**
 * Property-based: mutated model files never crash, hang or misbehave. Each case runs the
 * CLI in-process (`main`) on a mutated copy of a valid model.json, with --out into a
 * fresh directory, and must end in a valid report (exit 0) or one clear line and exit 2.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { mutationArb } from './mutate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REAL = fileURLToPath(new URL('../../../shared/real-models/', import.meta.url));

/** Valid seeds: the project's fixture and small real third-party files. */
const SEEDS = [
  join(ROOT, 'fixtures/inception-3a/model.json'),
  ...['keras2-sequential', 'keras3-functional', 'nested', 'shared-layer', 'multi-io', 'custom-layer'].map((n) => join(ROOT, `fixtures/models/${n}.json`)),
  join(ROOT, 'fixtures/models/quantized/model.json'),
  join(REAL, 'AlaapSarkar__mnist__model__model.json'),
  join(REAL, 'Edmond-Dantes__doodle-autocomplete__tldr-demo__src__assets__model.json'),
].filter(existsSync);

const RUNS_PER_SEED = Number(process.env.FUZZ_RUNS ?? 150);
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
let cases = 0;

/** Runs the CLI in-process with stdout/stderr captured. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
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

describe.each(SEEDS.map((s) => [s.split('/').pop()!, s]))('mutations of %s', (_name, seed) => {
  const text = readFileSync(seed, 'utf8');
  const doc = JSON.parse(text) as unknown;

  it('give a valid report or exit 2 with one line, within 5 s, writing nothing but --out', async () => {
    await fc.assert(
      fc.asyncProperty(mutationArb(doc), async (m) => {
        cases++;
        const dir = mkdtempSync(join(tmpdir(), 'dnarch-fuzz-'));
        temps.push(dir);
        const file = join(dir, 'model.json');
        const out = join(dir, 'report.json');
        writeFileSync(file, m.apply(doc, text));
        const r = await run(['summarize', file, '--format', 'json', '--out', out]);
        const context = `${m.kind}: exit ${r.code}, stderr ${JSON.stringify(r.stderr)}`;
        expect(r.ms, context).toBeLessThan(5000);
        expect(r.stdout, context).toBe('');
        if (r.code === 0) {
          expect(r.stderr, context).toBe('');
          const report = JSON.parse(readFileSync(out, 'utf8')) as { schemaVersion: number; totals: { params: { total: number } } };
          expect(report.schemaVersion, context).toBe(1);
          expect(Number.isFinite(report.totals.params.total), context).toBe(true);
          expect(readdirSync(dir).sort(), context).toEqual(['model.json', 'report.json']);
        } else {
          expect(r.code, context).toBe(2);
          const lines = r.stderr.trimEnd().split('\n');
          expect(lines, context).toHaveLength(1);
          expect(lines[0], context).toMatch(/^dnarch: /);
          expect(lines[0], context).not.toMatch(/internal error/);
          expect(readdirSync(dir), context).toEqual(['model.json']);
        }
        expect(({} as Record<string, unknown>).polluted, context).toBeUndefined();
      }),
      { numRuns: RUNS_PER_SEED, seed: 20261127, endOnFailure: true },
    );
  });
});

describe('the property test', () => {
  it('ran on every seed', () => {
    expect(SEEDS.length).toBeGreaterThan(0);
    // vitest prints this with the results; the closing note quotes it.
    console.log(`fuzz: ${cases} mutated model files checked`);
    expect(cases).toBe(SEEDS.length * RUNS_PER_SEED);
  });
});
