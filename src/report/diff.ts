import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { ConfigChange, LayerBrief, LayerChange, ModelDiff, NumberDelta } from '../analysis/diff-types.js';
import type { ReceptiveField } from '../analysis/types.js';
import { bytes, fieldText, grouped, shapeText, si } from './units.js';
import { printableStrings } from '../errors.js';

type TotalKey = keyof ModelDiff['totals'];
type Style = 'compact' | 'exact';

const TOTAL_ROWS: { key: TotalKey; label: string; unit: 'count' | 'bytes' | 'layers' }[] = [
  { key: 'params', label: 'Parameters', unit: 'count' },
  { key: 'macs', label: 'MACs', unit: 'count' },
  { key: 'flops', label: 'FLOPs', unit: 'count' },
  { key: 'weightBytes', label: 'Weights', unit: 'bytes' },
  { key: 'activationPeakBytes', label: 'Peak activations', unit: 'bytes' },
  { key: 'activationSumBytes', label: 'All activations', unit: 'bytes' },
  { key: 'depth', label: 'Depth (layers with weights)', unit: 'layers' },
  { key: 'layers', label: 'Layers', unit: 'layers' },
];

function amount(v: number, unit: 'count' | 'bytes' | 'layers' | 'ratio', style: Style): string {
  switch (unit) {
    case 'bytes':
      return bytes(v);
    case 'layers':
      return grouped(v);
    case 'ratio':
      return `${v.toFixed(2)}x`;
    case 'count':
      return style === 'exact' ? grouped(v) : si(v);
  }
}

const sign = (v: number): string => (v > 0 ? '+' : v < 0 ? '-' : '±');
function pct(d: NumberDelta): string {
  if (d.delta === 0) return '0%';
  return d.deltaPct === null ? 'new' : `${sign(d.delta)}${Math.abs(d.deltaPct).toFixed(1)}%`;
}

const deltaText = (d: NumberDelta, unit: 'count' | 'bytes' | 'layers' | 'ratio', style: Style): string =>
  d.delta === 0 ? '0' : `${sign(d.delta)}${amount(Math.abs(d.delta), unit, style)}`;

/** "MACs +12.3% (3.86G -> 4.33G)" */
const movement = (label: string, d: NumberDelta): string => `${label} ${pct(d)} (${si(d.a)} -> ${si(d.b)})`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The first line: what moved most, then how many layers changed. */
export function headline(d: ModelDiff): string {
  if (d.identical) return `No changes: ${d.b.label} has the same layers and totals as ${d.a.label}`;
  const moved = [movement('MACs', d.totals.macs), movement('params', d.totals.params)];
  const { added, removed, changed } = d.layers;
  return `${moved.join(', ')}; ${plural(added.length, 'layer')} added, ${removed.length} removed, ${changed.length} changed`;
}

const lowerBoundNote = (d: ModelDiff): string | null => {
  const partial = [d.a, d.b].filter((m) => !m.complete).map((m) => m.label);
  return partial.length ? `Some layers of ${partial.join(' and ')} have unknown costs (no cost handler, or open shapes): their MACs and FLOPs are lower bounds.` : null;
};

const rfText = (rf: ReceptiveField | null): string => fieldText(rf);

/** Compact JSON for a config value; absent as "(none)". */
function valueText(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const configText = (c: ConfigChange): string => `${c.key}: ${valueText(c.a)} -> ${valueText(c.b)}`;

/** Everything that differs in one layer, as short clauses. */
export function changeClauses(c: LayerChange, style: Style, whole: { a?: boolean; b?: boolean } = {}): string[] {
  const out: string[] = [];
  if (c.className) out.push(`class: ${c.className.a} -> ${c.className.b}`);
  out.push(...c.config.map(configText));
  if (c.outputShape) out.push(`output: ${shapeText(c.outputShape.a, whole.a)} -> ${shapeText(c.outputShape.b, whole.b)}`);
  if (c.inbound) out.push(`inputs: ${c.inbound.a.join(', ') || '(none)'} -> ${c.inbound.b.join(', ') || '(none)'}`);
  if (c.params) out.push(`params: ${amount(c.params.a, 'count', style)} -> ${amount(c.params.b, 'count', style)} (${deltaText(c.params, 'count', style)})`);
  if (c.macs) out.push(`MACs: ${amount(c.macs.a, 'count', style)} -> ${amount(c.macs.b, 'count', style)} (${deltaText(c.macs, 'count', style)})`);
  if (c.receptiveField) out.push(`RF: ${rfText(c.receptiveField.a)} -> ${rfText(c.receptiveField.b)}`);
  return out;
}

interface Row {
  label: string;
  a: string;
  b: string;
  delta: string;
  pct: string;
}

function totalRows(d: ModelDiff, style: Style): Row[] {
  const rows = TOTAL_ROWS.map(({ key, label, unit }) => {
    const t = d.totals[key];
    return { label, a: amount(t.a, unit, style), b: amount(t.b, unit, style), delta: deltaText(t, unit, style), pct: pct(t) };
  });
  const s = d.savings;
  rows.push(
    { label: 'Bottleneck sites', a: grouped(s.sites.a), b: grouped(s.sites.b), delta: deltaText(s.sites, 'layers', style), pct: pct(s.sites) },
    { label: 'MACs saved by bottlenecks', a: amount(s.savedMacs.a, 'count', style), b: amount(s.savedMacs.b, 'count', style), delta: deltaText(s.savedMacs, 'count', style), pct: pct(s.savedMacs) },
    { label: 'Receptive field', a: rfText(d.receptiveField.a), b: rfText(d.receptiveField.b), delta: d.receptiveField.changed ? 'changed' : '0', pct: '' },
  );
  return rows;
}

const briefCells = (l: LayerBrief, style: Style, whole?: boolean): string[] => [l.name, l.className, shapeText(l.outputShape, whole), amount(l.params, 'count', style), amount(l.macs, 'count', style)];

/** Added layers are b's, removed ones a's: each shape is read as its own model writes shapes. */
const sidesOf = (d: ModelDiff) => ({ a: d.a.wholeShapes === true, b: d.b.wholeShapes === true });

// ---------------------------------------------------------------------------------------------
// Terminal

export function renderDiffTable(d: ModelDiff, opts: { color: boolean }): string {
  const ch = new Chalk({ level: opts.color ? 1 : 0 });
  const table = (head: string[], right: number[]) =>
    new Table({
      head: head.map((h) => ch.bold(h)),
      colAligns: head.map((_, i) => (right.includes(i) ? 'right' : 'left')),
      style: { head: [], border: [], compact: true },
    });
  const out = [ch.bold(`${d.a.label} -> ${d.b.label}: ${headline(d)}`)];
  const note = lowerBoundNote(d);
  if (note) out.push(note);
  if (d.identical) return `${out.join('\n')}\n`;

  const totals = table(['', d.a.label, d.b.label, 'change', '%'], [1, 2, 3, 4]);
  for (const r of totalRows(d, 'compact')) totals.push([r.label, r.a, r.b, r.delta, r.pct]);
  out.push(totals.toString());

  const whole = sidesOf(d);
  for (const [title, list, side] of [['Added', d.layers.added, whole.b], ['Removed', d.layers.removed, whole.a]] as const) {
    if (list.length === 0) continue;
    const t = table(['Layer', 'Type', 'Output', 'Params', 'MACs'], [3, 4]);
    for (const l of list) t.push(briefCells(l, 'compact', side));
    out.push('', ch.bold(`${title} (${list.length})`), t.toString());
  }
  if (d.layers.changed.length) {
    const t = table(['Layer', 'What changed'], []);
    for (const c of d.layers.changed) t.push([c.name, changeClauses(c, 'compact', whole).join('\n')]);
    out.push('', ch.bold(`Changed (${d.layers.changed.length})`), t.toString());
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Markdown (a pull-request comment or $GITHUB_STEP_SUMMARY)

const escape = (s: string): string => s.replace(/\|/g, '\\|').replace(/</g, '&lt;');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

/** Lists longer than this fold into <details>, so a big diff does not bury the comment. */
export const FOLD_AFTER = 10;

function section(title: string, lines: string[], rows: number): string[] {
  if (rows > FOLD_AFTER) return ['<details>', `<summary><b>${title}</b></summary>`, '', ...lines, '', '</details>', ''];
  return [`#### ${title}`, '', ...lines, ''];
}

export function renderDiffMarkdown(d: ModelDiff): string {
  // The headline comes first: it is what a reviewer reads in a collapsed comment or a notification.
  const out = [`### ${escape(headline(d))}`, '', `dnarch diff ${code(d.a.label)} -> ${code(d.b.label)}`, ''];
  const note = lowerBoundNote(d);
  if (note) out.push(`> ${escape(note)}`, '');
  if (d.identical) return out.join('\n');

  out.push(`| | ${escape(d.a.label)} | ${escape(d.b.label)} | change | % |`, '|---|---:|---:|---:|---:|');
  for (const r of totalRows(d, 'exact')) out.push(`| ${r.label} | ${r.a} | ${r.b} | ${r.delta} | ${r.pct} |`);
  out.push('');

  const whole = sidesOf(d);
  for (const [title, list, side] of [['Layers added', d.layers.added, whole.b], ['Layers removed', d.layers.removed, whole.a]] as const) {
    if (list.length === 0) continue;
    const rows = list.map((l) => `| ${briefCells(l, 'exact', side).map(escape).join(' | ')} |`);
    out.push(...section(`${title} (${list.length})`, ['| Layer | Type | Output | Params | MACs |', '|---|---|---|---:|---:|', ...rows], list.length));
  }
  if (d.layers.changed.length) {
    const rows = d.layers.changed.map((c) => `| ${escape(c.name)} | ${changeClauses(c, 'exact', whole).map(escape).join('<br>')} |`);
    out.push(...section(`Layers changed (${d.layers.changed.length})`, ['| Layer | What changed |', '|---|---|', ...rows], rows.length));
  }
  return out.join('\n');
}

export const DIFF_FORMATS = ['table', 'markdown', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function renderDiff(d: ModelDiff, format: DiffFormat, opts: { color: boolean }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(d, null, 2)}\n`;
    case 'markdown':
      return renderDiffMarkdown(printableStrings(d));
    case 'table':
      return renderDiffTable(printableStrings(d), opts);
  }
}
