import type { LayerReport, ModelReport } from '../../analysis/types.js';

/** Stage of a layer outside every block (the input, usually). */
export const NO_STAGE = '(no block)';

/**
 * More bars than this and a per-layer chart turns to mush (and its SVG to megabytes):
 * layers are then folded into blocks, or stages, until the count fits.
 */
export const MAX_BARS = 650;

/** A bar of the per-layer chart: one layer, or a run of layers folded into their block. */
export interface LayerBar {
  /** Layer index (topological order) of the first layer and one past the last. */
  start: number;
  end: number;
  name: string;
  stage: string;
  macs: number;
  params: number;
}

export interface PerLayer {
  bars: LayerBar[];
  /** What one bar stands for: 'layer', or the block depth it is folded to (1 = stage). */
  unit: 'layer' | number;
}

export const stageOf = (l: LayerReport): string => l.block[0] ?? NO_STAGE;

/** Stages in order of first appearance. */
export function stages(report: ModelReport): string[] {
  return [...new Set(report.layers.map(stageOf))];
}

/** Sum of MACs and params per stage, in order of first appearance. */
export function perStage(report: ModelReport): { stage: string; macs: number; params: number; layers: number }[] {
  const by = new Map<string, { stage: string; macs: number; params: number; layers: number }>();
  for (const l of report.layers) {
    const s = stageOf(l);
    const row = by.get(s) ?? { stage: s, macs: 0, params: 0, layers: 0 };
    row.macs += l.macs;
    row.params += l.params.total;
    row.layers += 1;
    by.set(s, row);
  }
  return [...by.values()];
}

/** Folds consecutive layers sharing the first `depth` entries of their block path. */
function fold(layers: LayerReport[], depth: number | undefined): LayerBar[] {
  const bars: LayerBar[] = [];
  let key: string | null = null;
  layers.forEach((l, i) => {
    const path = depth === undefined || l.block.length === 0 ? null : l.block.slice(0, depth);
    const k = path ? path.join('/') : `#${i}`;
    const last = bars[bars.length - 1];
    if (last && k === key) {
      last.end = i + 1;
      last.macs += l.macs;
      last.params += l.params.total;
      return;
    }
    key = k;
    bars.push({ start: i, end: i + 1, name: path ? path[path.length - 1] : l.name, stage: stageOf(l), macs: l.macs, params: l.params.total });
  });
  return bars;
}

/** Bars with a cost: zero-height bars draw nothing and only weigh the file down. */
const costly = (bars: LayerBar[]): LayerBar[] => bars.filter((b) => b.macs > 0 || b.params > 0);

/** Per-layer MACs and params, folded into blocks (deepest level first) when there are too many. */
export function perLayer(report: ModelReport, maxBars = MAX_BARS): PerLayer {
  const direct = costly(fold(report.layers, undefined));
  if (direct.length <= maxBars) return { bars: direct, unit: 'layer' };
  const deepest = Math.max(1, ...report.layers.map((l) => l.block.length));
  for (let d = deepest; d > 1; d--) {
    const bars = costly(fold(report.layers, d));
    if (bars.length <= maxBars) return { bars, unit: d };
  }
  return { bars: costly(fold(report.layers, 1)), unit: 1 };
}

/**
 * Running total of MACs after each layer, as the points where it changes (plus the first
 * and last layer): a step line through them is exact, and a 4,000-layer model stays small.
 */
export function cumulativeMacs(report: ModelReport): { index: number; macs: number }[] {
  const points: { index: number; macs: number }[] = [];
  let sum = 0;
  report.layers.forEach((l, i) => {
    sum += l.macs;
    if (i === 0 || l.macs > 0 || i === report.layers.length - 1) points.push({ index: i, macs: sum });
  });
  return points;
}

/**
 * The largest receptive field reached so far (largest axis), through the layers, as the
 * points where it grows. A running maximum: in topological order a branch (a shortcut, an
 * Inception tower) comes back with a smaller field and the raw series would zigzag.
 * Layers with an unknown field are skipped, and so are global ones: they see the whole
 * input, whatever their nominal size (the chart marks the input size instead).
 */
export function fieldGrowth(report: ModelReport): { index: number; size: number }[] {
  const points: { index: number; size: number }[] = [];
  let lastIndex = -1;
  report.layers.forEach((l, i) => {
    const rf = l.receptiveField;
    if (!rf || rf.global || rf.size.length === 0) return;
    const size = Math.max(...rf.size);
    const prev = points[points.length - 1];
    if (!prev || size > prev.size) points.push({ index: i, size });
    lastIndex = i;
  });
  // The plateau after the last growth, drawn to the last layer with a known field.
  const tail = points[points.length - 1];
  if (tail && lastIndex > tail.index) points.push({ index: lastIndex, size: tail.size });
  return points;
}

/** Largest spatial side of the model's first input; null when unknown (or not spatial). */
export function inputSide(report: ModelReport): number | null {
  const shape = report.model.inputShapes[0];
  if (!shape || shape.length < 3) return null;
  // Whole shapes (ONNX) do not say where their channels are: the largest dimension after the batch.
  const spatial = report.model.wholeShapes ? shape.slice(1) : shape.slice(1, -1);
  return spatial.every((d): d is number => typeof d === 'number') ? Math.max(...spatial) : null;
}

/** The `n` layers with the most MACs, heaviest first. */
export function heaviest(report: ModelReport, n = 10): { layer: LayerReport; index: number }[] {
  return report.layers
    .map((layer, index) => ({ layer, index }))
    .filter((x) => x.layer.macs > 0)
    .sort((a, b) => b.layer.macs - a.layer.macs || a.index - b.index)
    .slice(0, n);
}
