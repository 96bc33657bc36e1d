/**
 * The HTML report: one self-contained page (inline CSS, charts as inline SVG, no script,
 * nothing fetched). Every string that comes from a model goes through escapeHtml.
 */
import { compareReports, receptiveFieldText, times, type CellValue, type ComparisonRow } from '../../analysis/compare.js';
import type { ModelReport } from '../../analysis/types.js';
import { bytes, fieldText, gmacs, grouped, shapeText, si } from '../units.js';
import type { BenchProfile } from '../../bench/types.js';
import { profileHeader, profileTable } from '../profile.js';
import { incompleteReason } from '../summary.js';
import { profileTimeChart, rooflineChart } from './profile-charts.js';
import { cumulativeChart, fieldChart, layerChart, savingsChart, stageChart, totalsChart, type Chart } from './charts.js';
import { escapeHtml as esc } from './escape.js';
import { heaviest, stageOf } from './series.js';
import { STYLE } from './style.js';
import { chartSvg } from './svg.js';

export interface HtmlOptions {
  /** dnarch's version, shown in the header. */
  version: string;
  /** Names for the models' sections (default: the reports' model names). */
  labels?: string[];
  /** A bench profile per model (dnarch bench --profile --format json), where one was given. */
  profiles?: (BenchProfile | undefined)[];
}

interface Labelled {
  label: string;
  report: ModelReport;
}

/** A table cell for a comparison row: exact counts with their SI reading. */
function cell(row: ComparisonRow, v: CellValue): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string') return esc(v);
  switch (row.unit) {
    case 'bytes':
      return bytes(v);
    case 'macs':
    case 'flops':
    case 'params':
      return `${grouped(v)} <span class="si">(${si(v)})</span>`;
    case 'ratio':
      return times(v);
    default:
      return grouped(v);
  }
}

function totalsTable(reports: ModelReport[], labels: string[]): string {
  const cmp = compareReports(reports, labels);
  const head = cmp.models.map((m) => `<th scope="col">${esc(m.label)}</th>`).join('');
  const body = cmp.rows
    .map((row) => {
      const cells = row.values.map((v, i) => `<td class="${typeof v === 'number' ? 'num' : ''}${row.best === i && reports.length > 1 ? ' best' : ''}" data-metric="${row.metric}">${cell(row, v)}</td>`).join('');
      return `<tr><th scope="row">${esc(row.label)}</th>${cells}</tr>`;
    })
    .join('\n');
  const caption = reports.length > 1 ? 'Totals (batch 1; best of each "lower is better" row in bold)' : 'Totals (batch 1)';
  return `<table class="totals"><caption>${caption}</caption><thead><tr><th scope="col">metric</th>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

async function figure(chart: Chart): Promise<string> {
  return `<figure class="chart" id="${chart.id}"><h3>${esc(chart.title)}</h3>${await chartSvg(chart)}<figcaption>${esc(chart.description)}</figcaption></figure>`;
}

/** The line of key facts under a model's heading. */
function facts(r: ModelReport): string {
  const t = r.totals;
  const items: [string, string][] = [
    ['params', `${grouped(t.params.total)} (${si(t.params.total)})`],
    ['MACs', `${r.complete ? '' : '≥ '}${gmacs(t.macs)}${r.complete ? '' : ' (lower bound)'}`],
    ['FLOPs', `${r.complete ? '' : '≥ '}${si(t.flops)}${r.complete ? '' : ' (lower bound)'}`],
    ['depth', `${grouped(t.depth)} layers with weights, ${grouped(t.layers)} in all`],
    ['receptive field', `${esc(receptiveFieldText(t.receptiveField) ?? 'n/a')} px (size/stride/padding)`],
    ['input', esc(r.model.inputShapes.map((s) => shapeText(s, r.model.wholeShapes)).join(', ') || 'n/a')],
  ];
  return `<dl class="facts">${items.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

function heaviestTable(r: ModelReport): string {
  const rows = heaviest(r, 10);
  if (rows.length === 0) return '';
  const total = r.totals.macs;
  const body = rows
    .map(({ layer: l, index }) => {
      const share = total > 0 ? `${((100 * l.macs) / total).toFixed(1)}%` : 'n/a';
      return `<tr><td class="num">${index}</td><td class="name">${esc(l.name)}</td><td>${esc(l.className)}</td><td>${esc(stageOf(l))}</td><td>${esc(shapeText(l.outputShape, r.model.wholeShapes))}</td><td class="num">${grouped(l.params.total)}</td><td class="num">${si(l.macs)}</td><td class="num">${share}</td><td class="num">${esc(fieldText(l.receptiveField))}</td></tr>`;
    })
    .join('\n');
  return `<table class="layers"><caption>Heaviest layers by MACs</caption><thead><tr><th scope="col">#</th><th scope="col">layer</th><th scope="col">class</th><th scope="col">stage</th><th scope="col">output</th><th scope="col">params</th><th scope="col">MACs</th><th scope="col">share</th><th scope="col">RF</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function warnings(r: ModelReport): string {
  const out: string[] = [];
  if (!r.complete) {
    out.push(`<p class="warn">Incomplete: ${esc(incompleteReason(r))}: MACs and FLOPs are lower bounds.</p>`);
  }
  if (r.misalignedMerges.length > 0) {
    out.push(`<p class="note">${r.misalignedMerges.length} merge${r.misalignedMerges.length === 1 ? '' : 's'} with misaligned receptive fields (see <code>dnarch summarize --format json</code>).</p>`);
  }
  return out.join('\n');
}

/** The slowest rows of a profile with their roofline columns: the cells of the text table. */
function profileRows(p: BenchProfile): string {
  const { head, rows } = profileTable(p, 10);
  const th = head.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  const body = rows.map((cells) => `<tr>${cells.map((c, i) => `<td class="${i === 0 ? 'name' : i > 1 && i < 9 ? 'num' : ''}">${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="layers profile"><caption>Slowest layers on ${esc(p.engine)}</caption><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** What the profile is, its time per layer, its roofline and its slowest rows. */
async function profileSection(p: BenchProfile, id: string): Promise<string> {
  const figures: string[] = [];
  for (const c of [profileTimeChart(p, `${id}-profile-time`), rooflineChart(p, `${id}-roofline`)]) if (c) figures.push(await figure(c));
  const notes = p.peaks ? '' : '<p class="note">No roofline: the peaks are measured on onnxruntime, and this profile ran on a TensorFlow.js engine.</p>';
  return `<section class="profile" id="${id}-profile" aria-labelledby="${id}-profile-h">
<h3 id="${id}-profile-h">Profile on ${esc(p.engine)}</h3>
${profileHeader(p).map((l) => `<p class="note">${esc(l)}</p>`).join('\n')}
${figures.join('\n')}
${notes}
${profileRows(p)}
</section>`;
}

async function modelSection(m: Labelled, i: number, several: boolean, profile?: BenchProfile): Promise<string> {
  const r = m.report;
  const id = `m${i + 1}`;
  const charts: (Chart | null)[] = [stageChart(r, `${id}-stages`), layerChart(r, `${id}-layers`), cumulativeChart([m], `${id}-cumulative`), fieldChart([m], `${id}-field`), savingsChart(r, `${id}-savings`)];
  const figures: string[] = [];
  for (const c of charts) if (c) figures.push(await figure(c));
  const notes: string[] = [];
  if (!charts[3]) notes.push('<p class="note">No layer has a known receptive field (no spatial layers, or only opaque ones): no receptive-field chart.</p>');
  if (!charts[4]) notes.push('<p class="note">No bottleneck sites (1x1 reductions, bottleneck blocks, depthwise-separable or factorized convolutions) in this model.</p>');
  return `<section class="model" id="${id}" aria-labelledby="${id}-h">
<h2 id="${id}-h">${esc(m.label)}${m.label !== r.model.name ? ` <span class="sub">(${esc(r.model.name)})</span>` : ''}</h2>
<p class="source">source: ${esc(r.model.source)}${r.model.family ? `, family ${esc(r.model.family)}` : ''}</p>
${facts(r)}
${warnings(r)}
${several ? '' : totalsTable([r], [m.label])}
${figures.join('\n')}
${notes.join('\n')}
${heaviestTable(r)}
${profile ? await profileSection(profile, id) : ''}
</section>`;
}

async function comparisonSection(models: Labelled[]): Promise<string> {
  const charts = [totalsChart(models, 'cmp-totals'), cumulativeChart(models, 'cmp-cumulative'), fieldChart(models, 'cmp-field')];
  const figures: string[] = [];
  for (const c of charts) if (c) figures.push(await figure(c));
  const reading = compareReports(
    models.map((m) => m.report),
    models.map((m) => m.label),
  ).reading;
  return `<section class="comparison" id="comparison" aria-labelledby="comparison-h">
<h2 id="comparison-h">Comparison</h2>
${totalsTable(
  models.map((m) => m.report),
  models.map((m) => m.label),
)}
<ul class="reading">${reading.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
${figures.join('\n')}
</section>`;
}

function conventions(r: ModelReport): string {
  const rows = Object.entries(r.conventions)
    .map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`)
    .join('');
  return `<section class="conventions" id="conventions" aria-labelledby="conventions-h"><h2 id="conventions-h">Conventions</h2>
<p><strong>MACs</strong> are multiply-accumulates (what papers and torchvision call FLOPs); <strong>FLOPs</strong> here are 2 x MACs plus element-wise work. Counts are for batch 1.</p>
<dl>${rows}</dl></section>`;
}

/** Renders one or several model reports as a single self-contained HTML page. */
export async function renderHtml(reports: ModelReport[], opts: HtmlOptions): Promise<string> {
  if (reports.length === 0) throw new RangeError('renderHtml needs at least one report');
  // Column headings and section titles: unique even when a model is given twice.
  const labels = compareReports(reports, opts.labels).models.map((m) => m.label);
  const models = reports.map((report, i) => ({ label: labels[i], report }));
  const several = models.length > 1;
  const names = labels.join(' vs ');
  const sections: string[] = [];
  for (const [i, m] of models.entries()) sections.push(await modelSection(m, i, several, opts.profiles?.[i]));
  const nav = several
    ? `<nav aria-label="sections"><a href="#comparison">Comparison</a>${models.map((m, i) => ` · <a href="#m${i + 1}">${esc(m.label)}</a>`).join('')} · <a href="#conventions">Conventions</a></nav>`
    : '';
  const engine = reports[0].engine;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dnarch ${esc(opts.version)}">
<title>dnarch report: ${esc(names)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>dnarch report: ${esc(names)}</h1>
<p class="meta">dnarch ${esc(opts.version)} · analysis: ${esc(engine.analysis)} (${esc(engine.note)}) · MACs = multiply-accumulates, FLOPs = 2 x MACs + element-wise work, batch 1</p>
${nav}
</header>
<main>
${several ? await comparisonSection(models) : ''}
${sections.join('\n')}
${conventions(reports[0])}
</main>
</body>
</html>
`;
}
