import type { LayerGraph } from '../graph/types.js';
import { DIFF_TOTALS, type ConfigChange, type LayerBrief, type LayerChange, type ModelDiff, type NumberDelta } from './diff-types.js';
import { type LayerReport, type ModelReport, type ReceptiveField, SCHEMA_VERSION, type Totals } from './types.js';

/** One side of a diff: the report, and the graph it came from (the report carries no configs). */
export interface DiffSide {
  label: string;
  graph: LayerGraph;
  report: ModelReport;
}

export function numberDelta(a: number, b: number): NumberDelta {
  return { a, b, delta: b - a, deltaPct: a === 0 ? null : ((b - a) / a) * 100 };
}

/** JSON with object keys sorted, so equal configs compare equal whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x,
  );
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** A config's own value for a key (config keys come from model files: 'constructor' finds nothing). */
const own = (o: Record<string, unknown>, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

/** Keys whose values differ; the name is left out since layers are matched by it. */
export function configChanges(a: Record<string, unknown>, b: Record<string, unknown>): ConfigChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => k !== 'name');
  const changes: ConfigChange[] = [];
  for (const key of keys) {
    if (same(own(a, key), own(b, key))) continue;
    const change: ConfigChange = { key };
    if (Object.hasOwn(a, key)) change.a = a[key];
    if (Object.hasOwn(b, key)) change.b = b[key];
    changes.push(change);
  }
  return changes;
}

/** Two global fields are the same field (the whole input) whatever sizes they carry. */
const sameField = (a: ReceptiveField | null, b: ReceptiveField | null): boolean => (a?.global && b?.global ? true : same(a, b));

const brief = (l: LayerReport): LayerBrief => ({ name: l.name, className: l.className, outputShape: l.outputShape, params: l.params.total, macs: l.macs });

function layerChange(la: LayerReport, lb: LayerReport, ca: Record<string, unknown>, cb: Record<string, unknown>): LayerChange | null {
  const c: LayerChange = { name: lb.name, config: configChanges(ca, cb) };
  if (la.className !== lb.className) c.className = { a: la.className, b: lb.className };
  if (!same(la.outputShape, lb.outputShape)) c.outputShape = { a: la.outputShape, b: lb.outputShape };
  if (!same(la.inbound, lb.inbound)) c.inbound = { a: la.inbound, b: lb.inbound };
  if (la.params.total !== lb.params.total) c.params = numberDelta(la.params.total, lb.params.total);
  if (la.macs !== lb.macs) c.macs = numberDelta(la.macs, lb.macs);
  if (!sameField(la.receptiveField, lb.receptiveField)) c.receptiveField = { a: la.receptiveField, b: lb.receptiveField };
  return Object.keys(c).length > 2 || c.config.length > 0 ? c : null;
}

const weightBytes = (t: Totals): number => Object.values(t.weightBytes).reduce((s, v) => s + v, 0);

const TOTAL_OF: Record<(typeof DIFF_TOTALS)[number], (t: Totals) => number> = {
  params: (t) => t.params.total,
  macs: (t) => t.macs,
  flops: (t) => t.flops,
  weightBytes,
  activationPeakBytes: (t) => t.activations.peakBytes,
  activationSumBytes: (t) => t.activations.sumBytes,
  depth: (t) => t.depth,
  layers: (t) => t.layers,
};

const savedMacs = (r: ModelReport): number => r.savings.total.counterfactual.macs - r.savings.total.actual.macs;
/** A model without MACs has no meaningful ratio; 1 (nothing saved) keeps the JSON a number. */
const modelRatio = (r: ModelReport): number => (Number.isFinite(r.savings.total.modelRatio) ? r.savings.total.modelRatio : 1);

/** What changed from model a to model b: layers by name, totals, savings, receptive field. */
export function diffModels(a: DiffSide, b: DiffSide): ModelDiff {
  const configOf = (g: LayerGraph) => new Map(g.nodes.map((n) => [n.name, n.config]));
  const [configA, configB] = [configOf(a.graph), configOf(b.graph)];
  const layersA = new Map(a.report.layers.map((l) => [l.name, l]));
  const namesB = new Set(b.report.layers.map((l) => l.name));

  const added = b.report.layers.filter((l) => !layersA.has(l.name)).map(brief);
  const removed = a.report.layers.filter((l) => !namesB.has(l.name)).map(brief);
  const changed: LayerChange[] = [];
  let unchanged = 0;
  for (const lb of b.report.layers) {
    const la = layersA.get(lb.name);
    if (!la) continue;
    const c = layerChange(la, lb, configA.get(la.name) ?? {}, configB.get(lb.name) ?? {});
    if (c) changed.push(c);
    else unchanged += 1;
  }

  const totals = Object.fromEntries(
    DIFF_TOTALS.map((k) => [k, numberDelta(TOTAL_OF[k](a.report.totals), TOTAL_OF[k](b.report.totals))]),
  ) as ModelDiff['totals'];
  const rfA = a.report.totals.receptiveField;
  const rfB = b.report.totals.receptiveField;
  const side = (s: DiffSide) => ({
    label: s.label,
    name: s.report.model.name,
    source: s.report.model.source,
    complete: s.report.complete,
    ...(s.report.model.wholeShapes ? { wholeShapes: true as const } : {}),
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    a: side(a),
    b: side(b),
    identical: added.length === 0 && removed.length === 0 && changed.length === 0 && Object.values(totals).every((d) => d.delta === 0),
    totals,
    savings: {
      sites: numberDelta(a.report.savings.total.sites, b.report.savings.total.sites),
      savedMacs: numberDelta(savedMacs(a.report), savedMacs(b.report)),
      modelRatio: numberDelta(modelRatio(a.report), modelRatio(b.report)),
    },
    receptiveField: { a: rfA, b: rfB, changed: !sameField(rfA, rfB) },
    layers: { added, removed, changed, unchanged },
  };
}
