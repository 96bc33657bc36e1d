/**
 * The report's view of a bench profile (dnarch bench --profile --format json): time per
 * layer on the engine that ran it, and the layers on this machine's roofline.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { BenchProfile } from '../../bench/types.js';
import { pct, sig3 } from '../units.js';
import { base, type Chart } from './charts.js';

const SI = '.3~s';

/** Bound colours: the same in both charts. */
const BOUND = { field: 'bound', type: 'nominal' as const, title: 'bound', scale: { domain: ['compute', 'memory', 'no roof'], range: ['#4c78a8', '#e45756', '#9d9d9d'] } };

/** Rows shown in the time chart: the slowest, enough to read. */
export const TIME_ROWS = 25;

const label = (l: BenchProfile['layers'][number]): string => (l.layers.length > 1 ? `${l.name} (+${l.layers.length - 1})` : l.name);

export function profileTimeChart(p: BenchProfile, id: string): Chart {
  const seen = new Map<string, number>();
  const rows = p.layers.slice(0, TIME_ROWS).map((l) => {
    // Rows of one name (ORT's own reorders) stay apart on the axis.
    const n = (seen.get(label(l)) ?? 0) + 1;
    seen.set(label(l), n);
    return { label: n > 1 ? `${label(l)} #${n}` : label(l), ms: l.ms, share: pct(l.share), bound: l.bound ?? 'no roof' };
  });
  const how = p.method === 'onnxruntime-profiler' ? "ONNX Runtime's own profiler" : 'layer by layer';
  return {
    id,
    title: `Time per layer on ${p.engine}`,
    description: `Horizontal bars: median time of the ${rows.length} slowest of ${p.layers.length} rows on ${p.engine} (${how}, batch ${p.batch}, ${p.runs} profiled runs), slowest first; colour: compute- or memory-bound on this machine; label: share of the profiled time.`,
    spec: {
      ...base(`Time per layer on ${p.engine}`),
      width: 480,
      height: { step: 16 },
      data: { values: rows },
      encoding: {
        y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 240 } },
        x: { field: 'ms', type: 'quantitative', title: 'ms per batch (median)', axis: { format: '.3~g' } },
      },
      layer: [
        { mark: 'bar', encoding: { color: BOUND } },
        { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' }, encoding: { text: { field: 'share' } } },
      ],
    } as unknown as TopLevelSpec,
  };
}

/** The roofline: attainable GFLOP/s = min(peak, bandwidth x intensity), with each row at its intensity. Null without peaks. */
export function rooflineChart(p: BenchProfile, id: string): Chart | null {
  const peaks = p.peaks;
  if (!peaks) return null;
  const points = p.layers
    .filter((l) => l.gflops !== null && l.intensity !== null && l.intensity > 0)
    .map((l) => ({ label: label(l), intensity: l.intensity as number, gflops: l.gflops as number, ms: l.ms, bound: l.bound ?? 'no roof' }));
  if (points.length === 0) return null;
  const ridge = peaks.gflops / peaks.gbPerS;
  const lo = Math.min(ridge / 10, ...points.map((q) => q.intensity)) / 2;
  const hi = Math.max(ridge * 10, ...points.map((q) => q.intensity)) * 2;
  const roof = [
    { intensity: lo, gflops: peaks.gbPerS * lo, roof: 'memory' },
    { intensity: ridge, gflops: peaks.gflops, roof: 'memory' },
    { intensity: ridge, gflops: peaks.gflops, roof: 'compute' },
    { intensity: hi, gflops: peaks.gflops, roof: 'compute' },
  ];
  const ymin = Math.min(peaks.gbPerS * lo, ...points.map((q) => q.gflops)) / 2;
  const x = { field: 'intensity', type: 'quantitative', title: 'arithmetic intensity (FLOPs per byte moved, log)', scale: { type: 'log', domain: [lo, hi], nice: false }, axis: { format: '~s' } };
  const y = { field: 'gflops', type: 'quantitative', title: 'achieved GFLOP/s (log)', scale: { type: 'log', domain: [ymin, peaks.gflops * 2], nice: false }, axis: { format: '~s' } };
  const labels = [
    { intensity: ridge, gflops: peaks.gflops * 1.35, text: `compute peak ${sig3(peaks.gflops)} GFLOP/s` },
    { intensity: lo, gflops: peaks.gbPerS * lo, text: `memory ${sig3(peaks.gbPerS)} GB/s` },
  ];
  return {
    id,
    title: `Roofline of ${p.engine} on this machine`,
    description: `Points: each of ${points.length} rows at its arithmetic intensity (FLOPs per byte of weights, inputs and outputs) and achieved GFLOP/s, size = time; lines: the measured roofs (${sig3(peaks.gflops)} GFLOP/s compute peak, ${sig3(peaks.gbPerS)} GB/s memory bandwidth), ridge at ${sig3(ridge)} FLOP/byte. Points above the memory roof ran from the caches, which the bandwidth (of main memory) does not count.`,
    spec: {
      ...base(`Roofline of ${p.engine}`),
      width: 640,
      height: 360,
      layer: [
        { data: { values: roof }, mark: { type: 'line', color: '#333', strokeWidth: 2 }, encoding: { x, y, detail: { field: 'roof' } } },
        { data: { values: labels }, mark: { type: 'text', align: 'left', baseline: 'bottom', dy: -4, fontSize: 10, color: '#333' }, encoding: { x, y, text: { field: 'text' } } },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, opacity: 0.75 },
          encoding: { x, y, color: BOUND, size: { field: 'ms', type: 'quantitative', title: 'ms', scale: { range: [20, 400] }, legend: { format: SI } } },
        },
      ],
    } as unknown as TopLevelSpec,
  };
}
