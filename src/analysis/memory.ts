import type { LayerGraph } from '../graph/types.js';

export interface PeakMemory {
  peakBytes: number;
  peakAt: string;
}

/**
 * Peak live activation memory when the layers run one after another in the graph's
 * (topological) order: at each step the live set is every output still awaited by a
 * later layer or returned by the model, plus the output being produced. A tensor is
 * freed right after its last reader runs. No in-place reuse is assumed.
 */
export function peakLiveMemory(graph: LayerGraph, bytesOf: (layer: string) => number): PeakMemory {
  const readersLeft = new Map<string, number>();
  for (const n of graph.nodes) for (const src of n.inbound) readersLeft.set(src, (readersLeft.get(src) ?? 0) + 1);
  const outputs = new Set(graph.outputs);

  let live = 0;
  let peak = { peakBytes: 0, peakAt: '' };
  for (const n of graph.nodes) {
    live += bytesOf(n.name);
    if (live > peak.peakBytes) peak = { peakBytes: live, peakAt: n.name };
    for (const src of n.inbound) {
      const left = (readersLeft.get(src) ?? 1) - 1;
      readersLeft.set(src, left);
      if (left === 0 && !outputs.has(src)) live -= bytesOf(src);
    }
    // An output nobody reads (a dead end) is freed at once.
    if (!readersLeft.has(n.name) && !outputs.has(n.name)) live -= bytesOf(n.name);
  }
  return peak;
}
