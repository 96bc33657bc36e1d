import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { Chart } from './charts.js';
import { escapeHtml } from './escape.js';

/**
 * Renders a chart to a static SVG string in Node: Vega-Lite -> Vega -> a headless View.
 * Nothing is loaded (the data is inline; the loader refuses anyway), no canvas is needed.
 * The root gets role="img", an aria-label and a <title>, so the chart has an accessible name.
 */
export async function chartSvg(chart: Chart): Promise<string> {
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`charts load nothing; refused ${uri}`);
  };
  const view = new vega.View(vega.parse(compile(chart.spec).spec), { renderer: 'none', loader });
  try {
    const svg = await view.toSVG();
    return accessible(compact(svg), chart);
  } finally {
    view.finalize();
  }
}

/** Geometry attributes whose numbers vega writes with up to 17 digits. */
const GEOMETRY = /\s(d|transform|x|y|x1|x2|y1|y2|width|height|viewBox)="([^"]*)"/g;

/** Coordinates to 1/100 px: the same picture, a third less file. Text and labels are left alone. */
function compact(svg: string): string {
  return svg.replace(GEOMETRY, (_, name: string, value: string) => ` ${name}="${value.replace(/(\d\.\d\d)\d+/g, '$1')}"`);
}

/** Inline SVG in HTML needs no namespaces; the root tag gains its accessible name. */
function accessible(svg: string, chart: Chart): string {
  const open = svg.indexOf('>');
  const root = svg
    .slice(0, open)
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/\s+version="1\.1"/, '');
  const label = escapeHtml(`${chart.title}: ${chart.description}`);
  return `${root} role="img" aria-label="${label}"><title>${escapeHtml(chart.title)}</title>${svg.slice(open + 1)}`;
}
