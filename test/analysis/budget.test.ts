import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { checkFailure, checkModel, evaluateBudget, evaluateBudgets, mergeBudgets, parseBudgetFile, type Measured } from '../../src/analysis/budget.js';
import { CheckReportSchema } from '../../src/analysis/check-types.js';
import { DnarchError } from '../../src/errors.js';
import type { LayerGraph, LayerNode } from '../../src/graph/types.js';

const measured: Measured = { params: 25_636_712, macs: 3_868_158_464, flops: 7_800_000_000, weightBytes: 102_546_848, activationPeakBytes: 12_845_056 };

describe('evaluateBudget', () => {
  it('passes within the limit, with headroom = limit - value and its share of the limit', () => {
    const r = evaluateBudget('macs', 3_868_158_464, 4e9, false);
    expect(r.status).toBe('pass');
    // 4,000,000,000 - 3,868,158,464 = 131,841,536; / 4e9 = 3.2960384 %
    expect(r.headroom).toBe(131_841_536);
    expect(r.headroomPct).toBeCloseTo(3.2960384, 6);
    expect(r.option).toBe('--max-macs');
    expect(r.unit).toBe('count');
  });

  it('passes exactly at the limit and fails one over it, with negative headroom', () => {
    expect(evaluateBudget('params', 100, 100, false).status).toBe('pass');
    const over = evaluateBudget('params', 101, 100, false);
    expect(over.status).toBe('fail');
    expect(over.headroom).toBe(-1);
    expect(over.headroomPct).toBe(-1);
  });

  it('a lower bound within the limit is unknown; a lower bound over it is a definite fail', () => {
    expect(evaluateBudget('macs', 10, 100, true).status).toBe('unknown');
    expect(evaluateBudget('macs', 10, 100, true).note).toMatch(/lower bound/);
    expect(evaluateBudget('macs', 101, 100, true).status).toBe('fail');
  });

  it('a zero limit has no percentage', () => {
    expect(evaluateBudget('params', 0, 0, false).headroomPct).toBeNull();
  });
});

describe('evaluateBudgets', () => {
  it('reports only the budgets given, in a fixed order, with an injected latency', () => {
    const r = evaluateBudgets({ latencyMs: 20, params: 26e6 }, { ...measured, latencyMs: 18.5 }, true);
    expect(r.map((b) => b.metric)).toEqual(['params', 'latencyMs']);
    expect(r[1]).toMatchObject({ value: 18.5, limit: 20, headroom: 1.5, status: 'pass', lowerBound: false });
    expect(r[1].headroomPct).toBeCloseTo(7.5, 9);
    // Parameters stay exact when the report is incomplete.
    expect(r[0].lowerBound).toBe(false);
  });

  it('MACs and FLOPs are lower bounds when the report is incomplete', () => {
    const r = evaluateBudgets({ macs: 4e9, flops: 8e9, weightBytes: 110e6 }, measured, false);
    expect(r.map((b) => b.status)).toEqual(['unknown', 'unknown', 'pass']);
  });
});

// input [4] -> Dense(3) -> an unknown class: params 4*3 + 3 = 15, MACs 4*3 = 12.
const node = (n: Partial<LayerNode> & Pick<LayerNode, 'name' | 'className'>): LayerNode => ({
  config: {}, inputShapes: [], outputShapes: [], weights: [], inbound: [], block: [], ...n,
});
const graph = (last: string): LayerGraph => ({
  name: 'g',
  inputs: ['in'],
  outputs: ['x'],
  nodes: [
    node({ name: 'in', className: 'InputLayer', outputShapes: [[null, 4]] }),
    node({
      name: 'd', className: 'Dense', config: { units: 3 }, inputShapes: [[null, 4]], outputShapes: [[null, 3]], inbound: ['in'],
      weights: [{ name: 'd/kernel', shape: [4, 3], dtype: 'float32', trainable: true }, { name: 'd/bias', shape: [3], dtype: 'float32', trainable: true }],
    }),
    node({ name: 'x', className: last, inputShapes: [[null, 3]], outputShapes: [[null, 3]], inbound: ['d'] }),
  ],
});

describe('checkModel', () => {
  it('checks a complete report: params 15, MACs 12, weights 15 * 4 = 60 bytes', () => {
    const c = checkModel(analyzeGraph(graph('Flatten')), { params: 15, macs: 11, weightBytes: 60 });
    expect(CheckReportSchema.parse(c)).toEqual(c);
    expect(c.budgets.map((b) => [b.metric, b.value, b.status])).toEqual([
      ['params', 15, 'pass'],
      ['macs', 12, 'fail'],
      ['weightBytes', 60, 'pass'],
    ]);
    expect(c.passed).toBe(false);
    expect(checkFailure(c)).toBe('check failed: over budget: --max-macs');
  });

  it('an incomplete report cannot pass a MACs budget, and says why', () => {
    const c = checkModel(analyzeGraph(graph('CTCLayer')), { macs: 1e9, params: 1e6 });
    expect(c.complete).toBe(false);
    expect(c.unsupported).toEqual([{ className: 'CTCLayer', layers: 1 }]);
    expect(c.budgets.map((b) => b.status)).toEqual(['pass', 'unknown']);
    expect(c.passed).toBe(false);
    expect(checkFailure(c)).toMatch(/cannot tell .*no cost handler for CTCLayer.*--max-macs/);
  });

  it('all passing: no failure', () => {
    const c = checkModel(analyzeGraph(graph('Flatten')), { params: 15 });
    expect(c.passed).toBe(true);
    expect(checkFailure(c)).toBeNull();
  });

  it('no budgets: nothing to check (exit 2)', () => {
    expect(() => checkModel(analyzeGraph(graph('Flatten')), {})).toThrow(/nothing to check/);
    try {
      checkModel(analyzeGraph(graph('Flatten')), {});
    } catch (e) {
      expect((e as DnarchError).code).toBe('BAD_OPTION');
    }
  });
});

describe('parseBudgetFile', () => {
  const parse = (json: unknown) => parseBudgetFile(JSON.stringify(json), 'b.json');

  it('reads the example budget file', () => {
    const f = parseBudgetFile(readFileSync('fixtures/budget/dnarch.budget.json', 'utf8'), 'x');
    expect(f.budgets).toEqual({ params: 26e6, macs: 4e9, flops: 8.5e9, weightBytes: 110e6, activationPeakBytes: 20e6 });
  });

  it('reads numbers in the key unit (MB for bytes budgets) and latency settings', () => {
    const f = parse({ maxWeightsMb: 5, maxLatencyMs: 30, maxMacs: 1000, latency: { engine: 'wasm', runs: 3, batch: 2 } });
    expect(f.budgets).toEqual({ weightBytes: 5e6, latencyMs: 30, macs: 1000 });
    expect(f.latency).toEqual({ engine: 'wasm', runs: 3, batch: 2 });
  });

  it.each([
    [{ maxMacz: '4G' }, 'b.json: $: unknown key "maxMacz"'],
    [{ maxMacs: '3 MB' }, 'b.json: $.maxMacs: "3 MB" is a size in bytes'],
    [{ maxParams: -3 }, 'b.json: $.maxParams: -3 is negative'],
    [{ maxWeightsMb: true }, 'b.json: $.maxWeightsMb: expected a number or a string such as "120MB"'],
    [{ latency: { runs: 0 } }, 'b.json: $.latency.runs:'],
    [{ latency: { threads: 2 } }, 'b.json: $.latency: unknown key "threads"'],
    [[1, 2], 'b.json: $:'],
  ])('%j -> an error naming the JSON path', (json, message) => {
    expect(() => parse(json)).toThrow(DnarchError);
    expect(() => parse(json)).toThrow(message);
  });

  it('names bad JSON', () => {
    expect(() => parseBudgetFile('{ "maxMacs": ', 'b.json')).toThrow(/b.json: not valid JSON/);
  });

  it('flags override the file budget by budget', () => {
    expect(mergeBudgets({ macs: 4e9, params: 26e6 }, { macs: 3e9 })).toEqual({ macs: 3e9, params: 26e6 });
  });
});
