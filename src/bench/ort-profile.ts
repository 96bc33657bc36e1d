/**
 * ONNX Runtime's profile of a model, as rows of the model's layers on this machine's
 * roofline: the kernels ORT ran (its trace), mapped back to layers (kernel-map.ts), timed
 * as the median over the profiled runs, with the analysis' MACs and FLOPs and ORT's own
 * byte counts.
 */
import type { LayerReport } from '../analysis/types.js';
import type { OrtTrace } from '../engines/ort-trace.js';
import type { NodeLayer } from '../load/onnx/node-layers.js';
import { mapKernels } from './kernel-map.js';
import { modelRate, roofline } from './roofline.js';
import { percentile } from './stats.js';
import type { BenchProfile, Peaks, ProfileLayer } from './types.js';

export interface OrtProfileInput {
  trace: OrtTrace;
  nodeLayers: readonly NodeLayer[];
  layers: readonly LayerReport[];
  batch: number;
  peaks: Peaks | null;
  /** p50 of the unprofiled runs of the same engine and batch. */
  timedP50Ms: number | null;
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

/** Union-find over string keys: kernels and layers that share work become one row. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p !== x) {
      p = this.find(p);
      this.parent.set(x, p);
    }
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

export function buildOrtProfile(input: OrtProfileInput): BenchProfile {
  const { trace, batch, peaks } = input;
  const runs = trace.runs.filter((r) => r.length > 0);
  if (runs.length === 0) throw new Error('ONNX Runtime profiled no kernels');
  const first = runs[0];
  const { matched, kernelOfNode } = mapKernels(input.nodeLayers, first);
  const layerIndex = new Map(input.layers.map((l, i) => [l.name, i]));
  const report = new Map(input.layers.map((l) => [l.name, l]));

  // Keys: 'k:' + kernel, 'l:' + layer. A layer's nodes may go to several kernels, a kernel may compute several layers.
  const groups = new Groups();
  const layersOfKernel = new Map<string, Set<string>>();
  const attributed = new Set<string>();
  for (const [node, kernel] of kernelOfNode) {
    for (const layer of [node.layer, ...(node.also ?? [])]) {
      if (layer === undefined || !report.has(layer)) continue;
      attributed.add(layer);
      groups.union(`k:${kernel}`, `l:${layer}`);
      layersOfKernel.set(kernel, (layersOfKernel.get(kernel) ?? new Set()).add(layer));
    }
  }
  const kernels = [...new Set(first.map((k) => k.node))];
  // Kernels of no layer (ORT's layout reorders: hundreds of them in a deep net) make one row per op.
  const opOfKernel = new Map(first.map((k) => [k.node, k.op]));
  for (const k of kernels) if (!layersOfKernel.has(k)) groups.union(`op:${opOfKernel.get(k)}`, `k:${k}`);
  const rowKeys = new Map<string, { kernels: string[]; layers: Set<string> }>();
  for (const k of kernels) {
    const root = groups.find(`k:${k}`);
    const row = rowKeys.get(root) ?? { kernels: [], layers: new Set<string>() };
    row.kernels.push(k);
    for (const l of layersOfKernel.get(k) ?? []) row.layers.add(l);
    rowKeys.set(root, row);
  }
  const rowOfKernel = new Map<string, string>();
  for (const [root, row] of rowKeys) for (const k of row.kernels) rowOfKernel.set(k, root);

  // Per run, per row: the sum of its kernels' times.
  const perRun = runs.map((run) => {
    const t = new Map<string, number>();
    for (const k of run) {
      const root = rowOfKernel.get(k.node);
      if (root !== undefined) t.set(root, (t.get(root) ?? 0) + k.us / 1000);
    }
    return t;
  });
  // Weights: ORT's parameter_size leaves out what it pre-packed (a Gemm's or MatMul's B), so
  // the larger of it and the weights of the model nodes the kernel computes.
  const weightsOfKernel = new Map<string, number>();
  for (const [node, kernel] of kernelOfNode) weightsOfKernel.set(kernel, (weightsOfKernel.get(kernel) ?? 0) + node.weightBytes);
  const bytesOf = new Map<string, number>();
  for (const k of first) {
    const weights = Math.max(k.paramBytes, bytesOf.has(k.node) ? 0 : (weightsOfKernel.get(k.node) ?? 0));
    bytesOf.set(k.node, (bytesOf.get(k.node) ?? 0) + weights + k.inputBytes + k.outputBytes);
  }

  const rows: ProfileLayer[] = [...rowKeys].map(([root, row]) => {
    const layers = [...row.layers].sort((a, b) => (layerIndex.get(a) ?? 0) - (layerIndex.get(b) ?? 0));
    const reports = layers.map((l) => report.get(l)!);
    // The layer with the most MACs; of equals (a quantized Add and its Q/DQ, all 0), the one a kernel is named after.
    const named = new Set(row.kernels.map((k) => matched.get(k)?.layer));
    const rank = (l: LayerReport) => [l.macs, named.has(l.name) ? 1 : 0];
    const primary = reports.reduce<LayerReport | undefined>((best, l) => {
      if (best === undefined) return l;
      const [a, b] = [rank(l), rank(best)];
      return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]) ? l : best;
    }, undefined);
    const ms = median(perRun.map((t) => t.get(root) ?? 0));
    const macs = reports.reduce((s, l) => s + l.macs, 0);
    const flops = reports.reduce((s, l) => s + l.flops, 0);
    const bytes = row.kernels.reduce((s, k) => s + (bytesOf.get(k) ?? 0), 0);
    const ops = [...new Set(row.kernels.map((k) => opOfKernel.get(k) ?? '?'))];
    const several = row.kernels.length > 1 ? ` x${row.kernels.length}` : '';
    return {
      name: primary?.name ?? (several ? `${ops.join('+')}${several}` : row.kernels[0]),
      className: primary?.className ?? `${ops.join('+')} (no layer)`,
      mapped: primary !== undefined,
      layers,
      ops,
      block: primary?.block ?? [],
      ms,
      share: 0,
      macs,
      flops,
      ...roofline(flops * batch, bytes, ms, peaks),
    };
  });
  const sum = rows.reduce((s, r) => s + r.ms, 0);
  for (const r of rows) r.share = sum > 0 ? r.ms / sum : 0;
  rows.sort((a, b) => b.ms - a.ms);

  const allUs = runs.flat().reduce((s, k) => s + k.us, 0);
  const mappedUs = runs.flat().reduce((s, k) => s + ((layersOfKernel.get(k.node)?.size ?? 0) > 0 ? k.us : 0), 0);
  const missing = input.layers.filter((l) => l.className !== 'InputLayer' && l.className !== 'Input' && !attributed.has(l.name));
  const runMs = median(trace.runUs.slice(0, runs.length).map((u) => u / 1000));
  const modelFlops = input.layers.reduce((s, l) => s + l.flops, 0);
  return {
    engine: 'onnxruntime',
    method: 'onnxruntime-profiler',
    batch,
    runs: runs.length,
    repeats: runs.length,
    totalMs: median(runs.map((r) => r.reduce((s, k) => s + k.us, 0) / 1000)),
    runMs,
    timedP50Ms: input.timedP50Ms,
    ...modelRate(modelFlops * batch, runMs, input.timedP50Ms, peaks),
    coverage: allUs > 0 ? mappedUs / allUs : 0,
    unattributed: { layers: missing.length, macs: missing.reduce((s, l) => s + l.macs, 0), names: missing.slice(0, 20).map((l) => l.name) },
    peaks,
    layers: rows,
  };
}
