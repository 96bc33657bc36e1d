/**
 * Property-based: mutated model files never crash, hang or misbehave. Each case runs the
 * CLI in-process (`main`) on a mutated copy of a valid model.json, with --out into a
 * fresh directory, and must end in a valid report (exit 0) or one clear line and exit 2.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { familyCounts, hostileCase, run, temps } from './hostile-harness.js';
import { controlCharArb, mutationArb, prototypeKeyCases, readingArb, shapeLieArb, type HostileCase } from './mutate.js';

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
let cases = 0;

describe.each(SEEDS.map((s) => [s.split('/').pop()!, s]))('mutations of %s', (_name, seed) => {
  const text = readFileSync(seed, 'utf8');
  const doc = JSON.parse(text) as unknown;

  it('give a valid report or exit 2 with one line, writing nothing but --out', async () => {
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

// ---------------------------------------------------------------------------------------
// Hostile families (test/load/mutate.ts): prototype keys in every position and file kind,
// control characters, Reshape / Concatenate / manifests that do not fit, and .keras
// archives that lie or are no archive at all. Fixed seeds; each case must end in exit 0
// with the totals the test computes, or in exit 2 with one line, and never take long.

const HOSTILE_RUNS = Number(process.env.FUZZ_HOSTILE_RUNS ?? 0) || undefined;
/** Other seeds (FUZZ_HOSTILE_SEED=n) give other cases; the committed ones are fixed. */
const SEED_SHIFT = Number(process.env.FUZZ_HOSTILE_SEED ?? 0);
const KERAS_FIXTURE = join(ROOT, 'fixtures/models/keras3/model.keras');

const zipFiles = (files: Record<string, Uint8Array>): Uint8Array => zipSync(files);

describe('hostile families', () => {
  const families: [string, fc.Arbitrary<HostileCase>, number, number][] = [
    ['control characters', controlCharArb(), 150, 20261204],
    ['shapes and manifests that do not fit', shapeLieArb(), 300, 20261205],
    ['reading: .keras lies, cut and flipped archives, files that are no model', readingArb(new Uint8Array(readFileSync(KERAS_FIXTURE)), zipFiles), 300, 20261206],
  ];
  it.each(families)('%s', async (family, arb, runs, seed) => {
    await fc.assert(
      fc.asyncProperty(arb, (c) => hostileCase(family, c)),
      { numRuns: HOSTILE_RUNS ?? runs, seed: seed + SEED_SHIFT, endOnFailure: true },
    );
    const counts = [...familyCounts.get(family)!.entries()].sort().map(([k, n]) => `${k}: ${n}`);
    // vitest prints this with the results; the closing note quotes it.
    console.log(`hostile fuzz: ${family}: ${HOSTILE_RUNS ?? runs} cases (${counts.join(', ')})`);
    expect([...familyCounts.get(family)!.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(HOSTILE_RUNS ?? runs);
  }, 600_000);

  it('prototype keys: every one in every position and file kind', async () => {
    const cases = prototypeKeyCases(zipFiles);
    for (const c of cases) await hostileCase('prototype keys', c);
    const counts = [...familyCounts.get('prototype keys')!.entries()].sort().map(([k, n]) => `${k}: ${n}`);
    console.log(`hostile fuzz: prototype keys: ${cases.length} cases (${counts.join(', ')})`);
    expect(cases.length).toBe(25 * 7 * 3);
  }, 600_000);
});
