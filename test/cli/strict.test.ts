import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { exitStatus } from '../../src/cli/main.js';
import { strictCheck } from '../../src/cli/summarize.js';
import { DnarchError } from '../../src/errors.js';
import type { LayerGraph } from '../../src/graph/types.js';

// Zoo models have a handler for every class, so the CLI cannot reach this path yet;
// the check and its exit status are tested on a hand-made graph with an unknown class.
const graph = (className: string): LayerGraph => ({
  name: 'g',
  inputs: ['in'],
  outputs: ['x'],
  nodes: [
    { name: 'in', className: 'InputLayer', config: {}, inputShapes: [], outputShapes: [[null, 4]], weights: [], inbound: [], block: [] },
    { name: 'x', className, config: {}, inputShapes: [[null, 4]], outputShapes: [[null, 4]], weights: [], inbound: ['in'], block: [] },
  ],
});

describe('--strict', () => {
  it('fails with exit status 1, naming the class, when a layer has no cost handler', () => {
    const report = analyzeGraph(graph('CTCLayer'));
    expect(() => strictCheck(report)).toThrow(DnarchError);
    expect(() => strictCheck(report)).toThrow('--strict: no cost handler for CTCLayer (1); totals are incomplete');
    expect(exitStatus('CHECK_FAILED')).toBe(1);
  });

  it('passes a complete report', () => {
    expect(() => strictCheck(analyzeGraph(graph('Flatten')))).not.toThrow();
  });

  it('bad input and usage map to exit status 2', () => {
    for (const code of ['UNKNOWN_MODEL', 'BAD_OPTION', 'BAD_INPUT', 'IO'] as const) expect(exitStatus(code)).toBe(2);
  });
});
