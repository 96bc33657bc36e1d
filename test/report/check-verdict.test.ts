import { describe, expect, it } from 'vitest';
import type { BudgetResult, CheckReport } from '../../src/analysis/check-types.js';
import { verdict } from '../../src/report/check.js';

const budget = (status: BudgetResult['status']): BudgetResult => ({
  metric: 'macs',
  option: '--max-macs',
  unit: 'count',
  value: status === 'fail' ? 5 : 3,
  limit: 4,
  headroom: status === 'fail' ? -1 : 1,
  headroomPct: status === 'fail' ? -25 : 25,
  status,
  lowerBound: status === 'unknown',
});

const report = (...statuses: BudgetResult['status'][]): CheckReport => ({
  schemaVersion: 1,
  model: { name: 'm', source: 'zoo' },
  complete: true,
  unsupported: [],
  budgets: statuses.map(budget),
  passed: statuses.every((s) => s === 'pass'),
});

describe('the check verdict line', () => {
  it('counts passes, failures and unknowns, in English for one budget and for several', () => {
    expect(verdict(report('pass'))).toBe('the budget passes');
    expect(verdict(report('fail'))).toBe('0 of 1 budget passes, 1 over budget');
    expect(verdict(report('pass', 'pass', 'pass'))).toBe('all 3 budgets pass');
    expect(verdict(report('pass', 'fail', 'unknown'))).toBe('1 of 3 budgets pass, 1 over budget, 1 unknown');
  });
});
