import type { z } from 'zod';
import type {
  CellValueSchema,
  ComparedModelSchema,
  ComparisonRowSchema,
  ComparisonSchema,
  DirectionSchema,
  MetricSchema,
  UnitSchema,
} from './compare-schema.js';
import type { Shape } from '../graph/types.js';
import { perAxis, si } from '../report/units.js';
import { SCHEMA_VERSION, type ModelReport, type ReceptiveField, type SiteKind } from './types.js';

// The output types, inferred from the zod schemas that `dnarch schema compare` publishes.
export type Direction = z.infer<typeof DirectionSchema>;
export type Unit = z.infer<typeof UnitSchema>;
export type Metric = z.infer<typeof MetricSchema>;
export type CellValue = z.infer<typeof CellValueSchema>;
export type ComparedModel = z.infer<typeof ComparedModelSchema>;
export type ComparisonRow = z.infer<typeof ComparisonRowSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;

interface RowDef {
  metric: Metric;
  label: string;
  unit: Unit;
  direction: Direction;
  /** Ratios against the first model make sense (quantities, not text or ratios themselves). */
  ratio: boolean;
  /** A MAC/FLOP count, which is only a lower bound when a report is incomplete. */
  cost: boolean;
  value: (m: ComparedModel) => CellValue;
}

const sumValues = (r: Record<string, number>): number => Object.values(r).reduce((s, v) => s + v, 0);
const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

/**
 * "299x299": the spatial axes of each input (batch and channels dropped); null when none
 * is known. Whole shapes (ONNX) say nothing of their layout, so they are shown whole.
 */
export function inputText(shapes: (Shape | null)[], whole = false): string | null {
  if (shapes.length === 0) return null;
  const one = (s: Shape | null) => {
    if (!s) return '?';
    const spatial = whole ? s : s.length > 2 ? s.slice(1, -1) : s.slice(1);
    return spatial.map((d) => (d == null ? '?' : d)).join('x') || 'scalar';
  };
  return shapes.map(one).join(', ');
}

/** "1311/32/618": size / effective stride / effective padding. */
export function receptiveFieldText(rf: ReceptiveField | null): string | null {
  if (!rf) return null;
  return `${perAxis(rf.size)}/${perAxis(rf.stride)}/${perAxis(rf.padding)}`;
}

/** The rows, top to bottom, with the direction of each as data. */
export const ROWS: readonly RowDef[] = [
  { metric: 'params', label: 'Params', unit: 'params', direction: 'lower', ratio: true, cost: false, value: (m) => m.totals.params.total },
  { metric: 'weights', label: 'Weights', unit: 'bytes', direction: 'lower', ratio: true, cost: false, value: (m) => sumValues(m.totals.weightBytes) },
  { metric: 'macs', label: 'MACs', unit: 'macs', direction: 'lower', ratio: true, cost: true, value: (m) => m.totals.macs },
  { metric: 'flops', label: 'FLOPs', unit: 'flops', direction: 'lower', ratio: true, cost: true, value: (m) => m.totals.flops },
  { metric: 'peakActivations', label: 'Peak activations', unit: 'bytes', direction: 'lower', ratio: true, cost: false, value: (m) => m.totals.activations.peakBytes },
  { metric: 'depth', label: 'Depth (layers with weights)', unit: 'layers', direction: null, ratio: true, cost: false, value: (m) => m.totals.depth },
  { metric: 'layers', label: 'Layers', unit: 'layers', direction: null, ratio: true, cost: false, value: (m) => m.totals.layers },
  { metric: 'input', label: 'Input (HxW)', unit: 'pixels', direction: null, ratio: false, cost: false, value: (m) => inputText(m.inputShapes, m.wholeShapes) },
  { metric: 'receptiveField', label: 'Receptive field (size/stride/padding)', unit: 'pixels', direction: null, ratio: false, cost: false, value: (m) => receptiveFieldText(m.totals.receptiveField) },
  { metric: 'bottleneckSites', label: 'Bottleneck sites', unit: 'sites', direction: null, ratio: true, cost: false, value: (m) => m.savings.sites },
  { metric: 'macsWithoutBottlenecks', label: 'MACs without bottlenecks', unit: 'macs', direction: null, ratio: true, cost: true, value: (m) => m.savings.modelMacsWithout },
  { metric: 'savedByBottlenecks', label: 'Saved by bottlenecks', unit: 'ratio', direction: null, ratio: false, cost: true, value: (m) => finite(m.savings.modelRatio) },
];

/** Parameter counts this close (relative to the first model) are called similar in the reading. */
export const SIMILAR_WITHIN = 0.1;

/** Column headings: the report names, with "#2", "#3" added where two models share a name. */
function uniqueLabels(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n} #${k}`;
  });
}

function comparedModel(r: ModelReport, label: string): ComparedModel {
  const sitesByKind: Partial<Record<SiteKind, number>> = {};
  for (const s of r.savings.sites) sitesByKind[s.kind] = (sitesByKind[s.kind] ?? 0) + 1;
  return {
    label,
    name: r.model.name,
    source: r.model.source,
    inputShapes: r.model.inputShapes,
    ...(r.model.wholeShapes ? { wholeShapes: true as const } : {}),
    totals: r.totals,
    savings: r.savings.total,
    sitesByKind,
    complete: r.complete,
  };
}

/** The first minimum (or maximum); null when every model has the same value or a value is missing. */
function bestIndex(values: CellValue[], direction: Direction): number | null {
  if (!direction || values.some((v) => typeof v !== 'number')) return null;
  const nums = values as number[];
  if (nums.every((v) => v === nums[0])) return null;
  const target = direction === 'lower' ? Math.min(...nums) : Math.max(...nums);
  return nums.indexOf(target);
}

function row(def: RowDef, models: ComparedModel[]): ComparisonRow {
  const values = models.map(def.value);
  const first = values[0];
  const ratios = values.map((v) => (def.ratio && typeof v === 'number' && typeof first === 'number' && first !== 0 ? v / first : null));
  // A lower bound cannot win a "lower is better" row.
  const bounded = def.cost && models.some((m) => !m.complete);
  return {
    metric: def.metric,
    label: def.label,
    unit: def.unit,
    direction: def.direction,
    values,
    ratios,
    best: bounded ? null : bestIndex(values, def.direction),
  };
}

// ---------------------------------------------------------------- reading

/** 0.9604 -> "0.96x", 8.6 -> "8.6x", 12.345 -> "12.3x", 0.0123 -> "0.012x": never "0x" for a non-zero ratio. */
export function times(r: number): string {
  if (r !== 0 && Math.abs(r) < 0.1) return `${Number(r.toPrecision(2))}x`;
  const digits = r >= 100 ? 0 : r >= 10 ? 1 : 2;
  return `${Number(r.toFixed(digits))}x`;
}

const perParam = (m: ComparedModel): string =>
  m.totals.params.total > 0 ? String(Math.round(m.totals.macs / m.totals.params.total)) : 'n/a';

/** "20 factorized, 9 reduction": kinds by count, most first. */
function kindsText(m: ComparedModel): string {
  return Object.entries(m.sitesByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
}

/** Size against compute, each model against the first. */
function sizeAgainstCompute(a: ComparedModel, b: ComparedModel): string | null {
  const pa = a.totals.params.total;
  const pb = b.totals.params.total;
  const ma = a.totals.macs;
  const mb = b.totals.macs;
  if (pa <= 0 || ma <= 0) return null;
  const pr = pb / pa;
  const mr = mb / ma;
  const similarParams = Math.abs(pr - 1) <= SIMILAR_WITHIN;
  const similarMacs = Math.abs(mr - 1) <= SIMILAR_WITHIN;
  const size = similarParams
    ? `${b.label} has a parameter count within ${SIMILAR_WITHIN * 100}% of ${a.label}'s (${times(pr)}: ${si(pb)} vs ${si(pa)})`
    : `${b.label} has ${times(pr)} the parameters of ${a.label} (${si(pb)} vs ${si(pa)})`;
  // "but" when compute does not follow size: same size and different compute, or opposite ways.
  const contrast = (similarParams && !similarMacs) || (!similarParams && !similarMacs && pr < 1 !== mr < 1);
  const compute = `needs ${times(mr)} its MACs (${si(mb)} vs ${si(ma)})`;
  return `${size} ${contrast ? 'but' : 'and'} ${compute}: ${perParam(b)} vs ${perParam(a)} MACs per parameter.`;
}

function bottlenecks(m: ComparedModel): string {
  const s = m.savings;
  if (s.sites === 0) return `${m.label} has no bottleneck sites.`;
  const kinds = Object.keys(m.sitesByKind);
  const which = kinds.length === 1 && s.sites > 1 ? `all ${kinds[0]}` : kindsText(m);
  const sites = `${m.label} has ${s.sites} bottleneck site${s.sites === 1 ? '' : 's'} (${which})`;
  if (!(s.modelMacs > 0)) return `${sites}.`;
  return (
    `${sites}; with one plain convolution in place of each, its MACs would go from ` +
    `${si(s.modelMacs)} to ${si(s.modelMacsWithout)} (${times(s.modelMacsWithout / s.modelMacs)}).`
  );
}

/** True when the field is larger than every input on every spatial axis. */
function exceedsInput(m: ComparedModel): boolean {
  const rf = m.totals.receptiveField;
  // A whole shape does not say which of its axes are spatial: no claim either way.
  if (!rf || m.inputShapes.length === 0 || m.wholeShapes) return false;
  return m.inputShapes.every((shape) => {
    if (!shape) return false;
    const spatial = shape.slice(1, -1);
    return spatial.length === rf.size.length && spatial.every((d, i) => d != null && rf.size[i] > d);
  });
}

function fields(models: ComparedModel[]): string | null {
  if (models.every((m) => !m.totals.receptiveField)) return null;
  const list = models.map((m) => `${m.label} ${receptiveFieldText(m.totals.receptiveField) ?? 'n/a'}`).join(', ');
  const inputs = new Set(models.map((m) => inputText(m.inputShapes, m.wholeShapes) ?? 'n/a'));
  const all = models.length === 2 ? 'both' : 'all';
  const than = inputs.size === 1 ? `the ${[...inputs][0]} input` : 'their inputs';
  const larger = models.every(exceedsInput) ? `; ${all} larger than ${than}` : '';
  return `Receptive field at the last spatial layer (size/stride/padding in pixels): ${list}${larger}.`;
}

function incomplete(m: ComparedModel): string {
  return `${m.label} has layers of unknown cost (no cost handler, or open shapes): its MACs and FLOPs are lower bounds.`;
}

function reading(models: ComparedModel[]): string[] {
  const [first, ...rest] = models;
  const lines: string[] = [];
  for (const m of rest) {
    const s = sizeAgainstCompute(first, m);
    if (s) lines.push(s);
  }
  for (const m of models) lines.push(bottlenecks(m));
  const rf = fields(models);
  if (rf) lines.push(rf);
  for (const m of models) if (!m.complete) lines.push(incomplete(m));
  return lines;
}

/**
 * Puts reports side by side: one row per metric, ratios against the first report, the
 * best model of each row where lower is better, and a reading of the numbers.
 * `labels` name the columns (default: the reports' model names).
 */
export function compareReports(reports: ModelReport[], labels?: string[]): Comparison {
  if (reports.length === 0) throw new RangeError('compareReports needs at least one report');
  const names = uniqueLabels(reports.map((r, i) => labels?.[i] ?? r.model.name));
  const models = reports.map((r, i) => comparedModel(r, names[i]));
  return {
    schemaVersion: SCHEMA_VERSION,
    models,
    rows: ROWS.map((def) => row(def, models)),
    reading: reading(models),
  };
}
