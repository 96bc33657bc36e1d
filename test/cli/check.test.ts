import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckReportSchema, type CheckReport } from '../../src/analysis/check-types.js';
import { kerasReference } from '../reference.js';
import { dnarch, expectUsageError, ok, TIMEOUT } from './run.js';

// fixtures/diff/base.json (scripts/make-diff-fixtures.mts), by hand:
//   params 3*3*3*16+16 + 2*(3*3*16*16+16) + 16*10+10 = 448 + 4,640 + 170 = 5,258
//   MACs   32*32*(27*16 + 2*144*16) + 16*10 = 442,368 + 4,718,592 + 160 = 5,161,120
//   weights 5,258 float32 = 21,032 bytes
const BASE = 'fixtures/diff/base.json';
const BUDGET = 'fixtures/budget/dnarch.budget.json';
const tmp = mkdtempSync(join(tmpdir(), 'dnarch-check-'));

function budgetFile(json: unknown): string {
  const file = join(tmp, `b${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

const checkJson = (args: string[]): { status: number | null; report: CheckReport; stderr: string } => {
  const r = dnarch(['check', ...args, '--format', 'json']);
  return { status: r.status, report: CheckReportSchema.parse(JSON.parse(r.stdout)), stderr: r.stderr };
};

describe('dnarch check: exit 0 when every budget passes', () => {
  it('passes the example budget file on resnet50 (published: 25,636,712 params)', { timeout: TIMEOUT }, () => {
    const out = ok(['check', 'resnet50', '--budget', BUDGET]);
    expect(out.split('\n')[0]).toBe('resnet50: all 5 budgets pass');
    expect(out).toMatch(/Parameters \(--max-params\)\s+│\s+25\.6M\s+│\s+26M\s+│\s+\+363k \(\+1\.4%\)\s+│ PASS/);
    // Sizes in MiB as every report prints them: 25,636,712 float32 weights = 102,546,848 B =
    // 97.80 MiB; the limit 110MB = 110e6 B = 104.90 MiB; headroom 7,453,152 B = 7.11 MiB.
    expect(out).toMatch(/Weights \(--max-weights-mb\)\s+│\s+97\.80 MiB\s+│\s+104\.90 MiB\s+│\s+\+7\.11 MiB \(\+6\.8%\)\s+│ PASS/);
  });

  it('reports value, limit and headroom exactly in JSON', { timeout: TIMEOUT }, () => {
    const { status, report } = checkJson(['resnet50', '--budget', BUDGET]);
    expect(status).toBe(0);
    const params = report.budgets.find((b) => b.metric === 'params')!;
    const published = kerasReference('resnet50').params.total;
    expect(params).toMatchObject({ value: published, limit: 26e6, headroom: 26e6 - published, status: 'pass' });
    // Weights: every parameter a float32, 4 bytes; the limit 110 MB = 110e6 bytes.
    expect(report.budgets.find((b) => b.metric === 'weightBytes')).toMatchObject({ value: published * 4, limit: 110e6 });
    expect(report.passed).toBe(true);
  });

  it('budgets on the command line, in human units', { timeout: TIMEOUT }, () => {
    const { status, report } = checkJson([BASE, '--max-params', '5,258', '--max-macs', '5.2M', '--max-weights-mb', '21032B']);
    expect(status).toBe(0);
    expect(report.budgets.map((b) => [b.metric, b.value, b.limit, b.headroom])).toEqual([
      ['params', 5258, 5258, 0],
      ['macs', 5_161_120, 5_200_000, 38_880],
      ['weightBytes', 21_032, 21_032, 0],
    ]);
  });
});

describe('dnarch check: exit 1 when a budget fails, after the report', () => {
  it('a flag overrides the file; the failing budget is named on stderr', { timeout: TIMEOUT }, () => {
    const r = dnarch(['check', BASE, '--max-macs', '5M', '--max-params', '6k', '--format', 'markdown']);
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('### ❌ dnarch check `tiny_resnet`: 1 of 2 budgets pass, 1 over budget');
    // 5,000,000 - 5,161,120 = -161,120 = -3.2224% of the limit
    expect(r.stdout).toContain('| MACs | 5,161,120 | 5,000,000 | -161,120 (-3.2%) | ❌ fail |');
    expect(r.stdout).toContain('| Parameters | 5,258 | 6,000 | +742 (+12.4%) | ✅ pass |');
    expect(r.stderr).toBe('dnarch: check failed: over budget: --max-macs\n');
  });

  it('flags override the budget file value by value', { timeout: TIMEOUT }, () => {
    const file = budgetFile({ maxParams: 1000, maxMacs: '6M' });
    const { status, report } = checkJson([BASE, '--budget', file, '--max-params', '6000']);
    expect(status).toBe(0);
    expect(report.budgets.map((b) => b.limit)).toEqual([6000, 6e6]);
  });

  it('a model with a layer dnarch cannot cost: MACs within the limit are UNKNOWN, which fails', { timeout: TIMEOUT }, () => {
    const r = dnarch(['check', 'fixtures/models/custom-layer.json', '--max-macs', '1G', '--max-params', '1G']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/MACs \(--max-macs\)\s+│\s+≥ /);
    expect(r.stdout).toContain('UNKNOWN');
    expect(r.stdout).toContain('Totals are incomplete');
    expect(r.stderr).toMatch(/^dnarch: check failed: cannot tell .*: --max-macs\n$/);
  });
});

describe('dnarch check: exit 2 on bad input, one line naming the option', () => {
  it.each([
    [['--max-macs', '3 MB'], ['--max-macs', 'size in bytes']],
    [['--max-params', '-5M'], ['--max-params', 'negative']],
    [['--max-flops', ''], ['--max-flops', 'empty']],
    [['--max-weights-mb', '12M'], ['--max-weights-mb', '12MB']],
    [['--max-activation-mb', 'NaN'], ['--max-activation-mb', 'not a number']],
    [['--max-latency-ms', '5G'], ['--max-latency-ms']],
    [[], ['nothing to check']],
  ])('%j', (args, mentions) => {
    expectUsageError(dnarch(['check', BASE, ...args]), mentions);
  });

  it('a budget file with an unknown key or a bad value names the JSON path', () => {
    expectUsageError(dnarch(['check', BASE, '--budget', budgetFile({ maxMacz: '4G' })]), ['$: unknown key "maxMacz"']);
    expectUsageError(dnarch(['check', BASE, '--budget', budgetFile({ maxMacs: '4 GB' })]), ['$.maxMacs: "4 GB" is a size in bytes']);
    expectUsageError(dnarch(['check', BASE, '--budget', budgetFile({ latency: { runs: 0 } })]), ['$.latency.runs']);
    expectUsageError(dnarch(['check', BASE, '--budget', budgetFile('{')]), ['not valid JSON']);
    expectUsageError(dnarch(['check', BASE, '--budget', join(tmp, 'missing.json')]), ['cannot read --budget', 'ENOENT']);
  });
});

describe('dnarch check --max-latency-ms (the value is timed; the budget check itself is tested with injected values in test/analysis/budget.test.ts)', () => {
  // No timing thresholds: a limit no run can miss (10 minutes) and one every run misses (0 ms).
  it('passes a limit no run can miss, saying how it was timed', { timeout: TIMEOUT }, () => {
    const { status, report } = checkJson([BASE, '--max-latency-ms', '600000', '--runs', '2', '--engine', 'wasm']);
    expect(status).toBe(0);
    // base.json is a topology without a weightsManifest: timed with seeded weights, and the report says so
    expect(report.latency).toEqual({ engine: 'wasm', batch: 1, runs: 2, weights: 'seeded', statistic: 'p50' });
    expect(report.budgets[0]).toMatchObject({ metric: 'latencyMs', limit: 600_000, status: 'pass' });
    expect(report.budgets[0].value).toBeGreaterThan(0);
  });

  it('fails a 0 ms limit with exit 1', { timeout: TIMEOUT }, () => {
    const r = dnarch(['check', BASE, '--max-latency-ms', '0', '--runs', '2', '--engine', 'wasm']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('Latency: median (p50) of 2 timed runs, engine wasm, batch 1, seeded random weights.');
    expect(r.stderr).toBe('dnarch: check failed: over budget: --max-latency-ms\n');
  });

  it('exit 2: an unknown engine; timing flags without a latency budget', () => {
    expectUsageError(dnarch(['check', BASE, '--max-latency-ms', '50', '--engine', 'gpu']), ['--engine', 'unknown engine "gpu"']);
    expectUsageError(dnarch(['check', BASE, '--max-params', '1M', '--runs', '3']), ['--max-latency-ms']);
    expectUsageError(dnarch(['check', BASE, '--budget', budgetFile({ maxLatencyMs: 5, latency: { engine: 'gpu' } })]), ['$.latency.engine']);
  });
});
