/**
 * The report's charts as Vega-Lite specs: plain data, rendered to static SVG by svg.ts.
 * Numbers on axes use d3-format's SI suffixes ("3.9G"), like the terminal tables.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ModelReport } from '../../analysis/types.js';
import { cumulativeMacs, fieldGrowth, inputSide, perLayer, perStage, stages } from './series.js';

export interface Chart {
  /** Stable and free of user text: used as an element id. */
  id: string;
  /** Heading, and the SVG's <title>. */
  title: string;
  /** What the chart shows, for screen readers (aria-label) and the caption. */
  description: string;
  spec: TopLevelSpec;
}

const WIDTH = 760;
const SI = '.3~s';

/** Shared look: system fonts only (nothing fetched), no per-mark aria labels (thousands of marks). */
const CONFIG = {
  font: 'system-ui, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e8e8e8' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 200 },
  mark: { aria: false },
  bar: { aria: false },
  line: { aria: false },
  rect: { aria: false },
  text: { aria: false },
  rule: { aria: false },
  point: { aria: false },
  range: { category: { scheme: 'tableau10' } },
} as const;

export const base = (description: string) => ({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', description, background: 'white', padding: 8, config: CONFIG });

/** Colour by stage with a palette big enough for the stages there are (tableau20 past 10). */
function stageColor(names: string[]) {
  return { field: 'stage', type: 'nominal' as const, title: 'stage', scale: { domain: names, scheme: names.length > 10 ? 'tableau20' : 'tableau10' }, legend: { columns: names.length > 16 ? 2 : 1, symbolLimit: 40 } };
}

export function stageChart(r: ModelReport, id: string): Chart {
  const rows = perStage(r).filter((s) => s.macs > 0 || s.params > 0);
  const order = rows.map((s) => s.stage);
  const panel = (field: 'macs' | 'params', title: string) => ({
    width: 300,
    height: { step: 18 },
    layer: [
      { mark: { type: 'bar', color: field === 'macs' ? '#4c78a8' : '#f58518' } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' }, encoding: { text: { field, type: 'quantitative', format: SI } } },
    ],
    encoding: {
      y: { field: 'stage', type: 'nominal', sort: order, title: null, axis: { labelLimit: 160 } },
      x: { field, type: 'quantitative', title, axis: { format: SI }, scale: { nice: true } },
    },
  });
  return {
    id,
    title: 'MACs and parameters per stage',
    description: `Horizontal bars: MACs and parameters of each stage of ${r.model.name} (${rows.length} with a cost), in network order.`,
    spec: {
      ...base(`MACs and parameters per stage of ${r.model.name}`),
      data: { values: rows },
      hconcat: [panel('macs', 'MACs'), panel('params', 'parameters')],
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
}

export function layerChart(r: ModelReport, id: string): Chart {
  const { bars, unit } = perLayer(r);
  const what = unit === 'layer' ? 'layer' : unit === 1 ? 'stage' : 'block';
  const by = unit === 1 ? 'along the network' : 'by stage';
  const folded = unit === 'layer' ? '' : ` (${r.layers.length} layers folded into ${bars.length} ${what}s to stay readable)`;
  const panel = (field: 'macs' | 'params', title: string, xAxis: boolean) => ({
    width: WIDTH - 160,
    height: 150,
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'start', type: 'quantitative', title: xAxis ? 'layer index (topological order)' : null, scale: { domain: [0, r.layers.length], nice: false }, axis: xAxis ? { format: 'd' } : { labels: false, ticks: false } },
      x2: { field: 'end' },
      y: { field, type: 'quantitative', title: `${title} per ${what}`, axis: { format: SI } },
      color: stageColor(stages(r).filter((s) => bars.some((b) => b.stage === s))),
    },
  });
  return {
    id,
    title: `MACs and parameters per ${what}, ${by}`,
    description: `Bars along the network, one per ${what}${folded}, height = MACs (top) and parameters (bottom), colour = stage.`,
    spec: {
      ...base(`MACs and parameters per ${what} of ${r.model.name}`),
      data: { values: bars },
      vconcat: [panel('macs', 'MACs', false), panel('params', 'parameters', true)],
      spacing: 6,
    } as TopLevelSpec,
  };
}

/** One or several models' running MAC totals on one chart. */
/** x runs over the layers of the longest model, not past it. */
const layerAxis = (models: { report: ModelReport }[]) => ({
  field: 'index',
  type: 'quantitative',
  title: 'layer index (topological order)',
  scale: { domain: [0, Math.max(...models.map((m) => m.report.layers.length - 1))], nice: false },
  axis: { format: 'd' },
});

export function cumulativeChart(models: { label: string; report: ModelReport }[], id: string): Chart {
  const values = models.flatMap(({ label, report }) => cumulativeMacs(report).map((p) => ({ ...p, model: label })));
  const several = models.length > 1;
  return {
    id,
    title: several ? 'Cumulative MACs through depth, each model' : 'Cumulative MACs through depth',
    description: `Step line: total MACs of layers 0..i against layer index i (topological order)${several ? ', one line per model' : ''}; where it climbs steeply is where the compute goes.`,
    spec: {
      ...base('Cumulative MACs against layer index'),
      width: WIDTH - (several ? 160 : 40),
      height: 260,
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: layerAxis(models),
        y: { field: 'macs', type: 'quantitative', title: 'cumulative MACs', axis: { format: SI } },
        color: several ? { field: 'model', type: 'nominal', title: 'model', sort: models.map((m) => m.label) } : { value: '#4c78a8' },
      },
    } as TopLevelSpec,
  };
}

/** Receptive-field size through the layers (log scale: it grows geometrically with stride); null when no layer has a known field. */
export function fieldChart(models: { label: string; report: ModelReport }[], id: string): Chart | null {
  const values = models.flatMap(({ label, report }) => fieldGrowth(report).map((p) => ({ ...p, model: label })));
  if (values.length === 0) return null;
  const sides = models.map(({ report }) => inputSide(report)).filter((s): s is number => s !== null);
  const several = models.length > 1;
  const inputs = [...new Set(sides)].map((side) => ({ side, label: `input ${side} px` }));
  return {
    id,
    title: several ? 'Receptive-field growth, each model' : 'Receptive-field growth',
    description: `Step line: the largest receptive field reached so far, in input pixels (largest axis, log scale), against layer index${several ? ', one line per model' : ''}; dashed: the input size. Global layers (which see the whole input) are left out.`,
    spec: {
      ...base('Receptive-field size against layer index'),
      width: WIDTH - (several ? 160 : 40),
      height: 260,
      layer: [
        {
          data: { values },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x: layerAxis(models),
            y: { field: 'size', type: 'quantitative', title: 'receptive field (px, log)', scale: { type: 'log', nice: false }, axis: { format: '~s' } },
            color: several ? { field: 'model', type: 'nominal', title: 'model', sort: models.map((m) => m.label) } : { value: '#54a24b' },
          },
        },
        {
          data: { values: inputs },
          layer: [
            { mark: { type: 'rule', strokeDash: [4, 4], color: '#888' }, encoding: { y: { field: 'side', type: 'quantitative' } } },
            { mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, x: 0, color: '#666', fontSize: 10 }, encoding: { y: { field: 'side', type: 'quantitative' }, text: { field: 'label' } } },
          ],
        },
      ],
    } as TopLevelSpec,
  };
}

/** Actual against counterfactual MACs of each module's bottleneck sites; null when there are none. */
export function savingsChart(r: ModelReport, id: string): Chart | null {
  const modules = r.savings.modules;
  if (modules.length === 0) return null;
  const values = modules.flatMap((m) => [
    { module: m.module, kind: 'actual', macs: m.actual.macs, ratio: '' },
    { module: m.module, kind: 'one plain conv per site', macs: m.counterfactual.macs, ratio: `${Number(m.ratio.toFixed(1))}x` },
  ]);
  const order = modules.map((m) => m.module);
  return {
    id,
    title: 'Bottleneck savings per module',
    description: `Paired bars per module: MACs of its ${r.savings.total.sites} bottleneck sites as built, against one plain convolution in place of each site; the label gives the ratio.`,
    spec: {
      ...base(`Bottleneck savings per module of ${r.model.name}`),
      width: WIDTH - 260,
      height: { step: 12 },
      data: { values },
      encoding: {
        y: { field: 'module', type: 'nominal', sort: order, title: null, axis: { labelLimit: 160 } },
        yOffset: { field: 'kind', sort: ['actual', 'one plain conv per site'] },
        x: { field: 'macs', type: 'quantitative', title: 'MACs of the sites', axis: { format: SI } },
        color: { field: 'kind', type: 'nominal', title: null, sort: ['actual', 'one plain conv per site'], scale: { range: ['#4c78a8', '#c8c8c8'] }, legend: { orient: 'top', labelLimit: 300 } },
      },
      layer: [{ mark: 'bar' }, { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 }, encoding: { text: { field: 'ratio' }, color: { value: '#333' } } }],
    } as TopLevelSpec,
  };
}

/** Params, MACs and depth of each model, side by side. */
export function totalsChart(models: { label: string; report: ModelReport }[], id: string): Chart {
  const values = models.map(({ label, report }) => ({ model: label, params: report.totals.params.total, macs: report.totals.macs, depth: report.totals.depth }));
  const order = models.map((m) => m.label);
  const panel = (field: 'params' | 'macs' | 'depth', title: string) => ({
    width: 170,
    height: { step: 22 },
    layer: [
      { mark: 'bar' },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10, color: '#333' }, encoding: { text: { field, type: 'quantitative', format: field === 'depth' ? 'd' : SI } } },
    ],
    encoding: {
      y: { field: 'model', type: 'nominal', sort: order, title: null, axis: field === 'params' ? { labelLimit: 160 } : null },
      x: { field, type: 'quantitative', title, axis: { format: field === 'depth' ? 'd' : SI, tickCount: 4 }, scale: { nice: true } },
      color: { field: 'model', type: 'nominal', sort: order, legend: null },
    },
  });
  return {
    id,
    title: 'Totals side by side',
    description: `Horizontal bars per model: parameters, MACs and depth (layers with weights) of ${models.length} models.`,
    spec: {
      ...base('Parameters, MACs and depth of each model'),
      data: { values },
      hconcat: [panel('params', 'parameters'), panel('macs', 'MACs'), panel('depth', 'depth (layers with weights)')],
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
}
