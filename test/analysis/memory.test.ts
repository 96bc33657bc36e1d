import { describe, expect, it } from 'vitest';
import { peakLiveMemory } from '../../src/analysis/memory.js';
import type { LayerGraph, LayerNode } from '../../src/graph/types.js';

const node = (name: string, inbound: string[]): LayerNode => ({
  name, className: 'X', config: {}, inputShapes: [], outputShapes: [], weights: [], inbound, block: [],
});

describe('peak live activation memory in topological order', () => {
  it('a chain holds at most one input and one output at a time', () => {
    const g: LayerGraph = { name: 'chain', inputs: ['in'], outputs: ['c'], nodes: [node('in', []), node('a', ['in']), node('b', ['a']), node('c', ['b'])] };
    const size: Record<string, number> = { in: 10, a: 100, b: 30, c: 1 };
    // Steps: in=10; a: 10+100=110 then in freed; b: 100+30=130 then a freed; c: 30+1.
    expect(peakLiveMemory(g, (n) => size[n])).toEqual({ peakBytes: 130, peakAt: 'b' });
  });

  it('a residual shortcut keeps the block input alive until the add', () => {
    const g: LayerGraph = {
      name: 'residual', inputs: ['in'], outputs: ['add'],
      nodes: [node('in', []), node('conv1', ['in']), node('conv2', ['conv1']), node('add', ['in', 'conv2'])],
    };
    const size: Record<string, number> = { in: 50, conv1: 20, conv2: 50, add: 50 };
    // in=50; conv1: 70 (in still needed by add); conv2: 120 then conv1 freed -> 100; add: 150.
    expect(peakLiveMemory(g, (n) => size[n])).toEqual({ peakBytes: 150, peakAt: 'add' });
  });

  it('a dead-end output is freed at once, a model output is kept', () => {
    const g: LayerGraph = {
      name: 'two-heads', inputs: ['in'], outputs: ['head', 'tail'],
      nodes: [node('in', []), node('head', ['in']), node('dead', ['in']), node('tail', ['in'])],
    };
    const size: Record<string, number> = { in: 1, head: 10, dead: 1000, tail: 5 };
    // in=1; head: 11 (kept: model output); dead: 1011 then freed; tail: 16.
    expect(peakLiveMemory(g, (n) => size[n])).toEqual({ peakBytes: 1011, peakAt: 'dead' });
  });
});
