/**
 * The HTML report as text: self-contained, one SVG per chart, hostile names escaped, and
 * the numbers on the page equal to published figures (Keras' resnet50 table).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/api.js';
import type { ModelReport } from '../../src/analysis/types.js';
import { renderHtml } from '../../src/report/html/page.js';
import { cumulativeMacs, fieldGrowth, perLayer } from '../../src/report/html/series.js';
import { dnarch, expectUsageError, ok } from '../cli/run.js';
import { kerasReference } from '../reference.js';

const VERSION = '9.9.9-test';
let resnet50: ModelReport;
let page: string;

beforeAll(async () => {
  resnet50 = await analyze('resnet50');
  page = await renderHtml([resnet50], { version: VERSION });
});

/** Each <figure class="chart">...</figure>, in order. */
const figures = (html: string): string[] => [...html.matchAll(/<figure class="chart"[\s\S]*?<\/figure>/g)].map((m) => m[0]);

/** The text of a totals-table cell, tags stripped. */
function cellText(html: string, metric: string, column = 0): string {
  const cells = [...html.matchAll(new RegExp(`<td[^>]*data-metric="${metric}"[^>]*>([\\s\\S]*?)</td>`, 'g'))];
  expect(cells.length, `cells for ${metric}`).toBeGreaterThan(column);
  return cells[column][1].replace(/<[^>]+>/g, '');
}

const digits = (s: string): number => Number(s.split(' ')[0].replace(/,/g, ''));

describe('self-contained page', () => {
  it('fetches nothing: no remote src/href/url(), no script, no linked stylesheet', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(page).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(page).not.toMatch(/@import/i);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/<iframe|<object|<embed/i);
    // The only links are in-page anchors.
    for (const m of page.matchAll(/href="([^"]*)"/g)) expect(m[1].startsWith('#'), m[1]).toBe(true);
  });

  it('has one SVG per chart, each with a size, a <title> and an aria-label', () => {
    const figs = figures(page);
    // stages, per-layer, cumulative MACs, receptive field, savings (resnet50 has 16 bottleneck blocks)
    expect(figs.map((f) => /id="([^"]+)"/.exec(f)![1])).toEqual(['m1-stages', 'm1-layers', 'm1-cumulative', 'm1-field', 'm1-savings']);
    expect(page.match(/<svg\b/g)).toHaveLength(figs.length);
    for (const f of figs) {
      expect(f.match(/<svg\b/g)).toHaveLength(1);
      const svg = /<svg\b[^>]*>/.exec(f)![0];
      expect(Number(/\bwidth="(\d+(\.\d+)?)"/.exec(svg)![1])).toBeGreaterThan(0);
      expect(Number(/\bheight="(\d+(\.\d+)?)"/.exec(svg)![1])).toBeGreaterThan(0);
      expect(svg).toMatch(/role="img"/);
      expect(svg).toMatch(/aria-label="[^"]{20,}"/);
      expect(f).toMatch(/<svg\b[^>]*><title>[^<]+<\/title>/);
      // Marks, not an empty frame.
      expect(f).toMatch(/class="mark-(rect|line|text)[^"]*role-mark/);
    }
  });
});

describe('numbers on the page', () => {
  const ref = kerasReference('resnet50');

  it('params, depth and receptive field equal the published Keras figures', () => {
    expect(digits(cellText(page, 'params'))).toBe(ref.params.total);
    expect(page).toContain('25,636,712');
    expect(digits(cellText(page, 'depth'))).toBe(ref.depth);
    expect(cellText(page, 'receptiveField')).toBe(`${ref.receptiveField.size}/${ref.receptiveField.effectiveStride}/${ref.receptiveField.effectivePadding}`);
  });

  it('MACs match the published GMACs, and FLOPs are more than 2 x MACs', () => {
    const macs = digits(cellText(page, 'macs'));
    expect(macs / 1e9).toBeCloseTo(ref.gmacs, 2);
    expect(digits(cellText(page, 'flops'))).toBeGreaterThan(2 * macs);
  });

  it('the chart series add up to the totals: no layer lost when folding', () => {
    for (const max of [1000, 50, 8, 1]) {
      const { bars } = perLayer(resnet50, max);
      expect(bars.reduce((s, b) => s + b.macs, 0)).toBe(resnet50.totals.macs);
      expect(bars.reduce((s, b) => s + b.params, 0)).toBe(resnet50.totals.params.total);
      // Bars never overlap and keep network order.
      for (let i = 1; i < bars.length; i++) expect(bars[i].start).toBeGreaterThanOrEqual(bars[i - 1].end);
    }
    expect(perLayer(resnet50, 1000).unit).toBe('layer');
    // 6 stages (conv1..conv5, top) plus the input layer, which has no cost and is dropped.
    expect(perLayer(resnet50, 8)).toMatchObject({ unit: 1 });
    expect(perLayer(resnet50, 8).bars.map((b) => b.stage)).toEqual(['conv1', 'conv2', 'conv3', 'conv4', 'conv5', 'top']);
    const cum = cumulativeMacs(resnet50);
    expect(cum[cum.length - 1].macs).toBe(resnet50.totals.macs);
    const rf = fieldGrowth(resnet50);
    expect(Math.max(...rf.map((p) => p.size))).toBe(ref.receptiveField.size);
    for (let i = 1; i < rf.length; i++) expect(rf[i].size).toBeGreaterThanOrEqual(rf[i - 1].size);
  });
});

describe('hostile names', () => {
  const payloads = ['<script>alert(1)</script>', '<img src=x onerror=alert(2)>', '" onmouseover="alert(3)', "'><svg onload=alert(4)>", '</title></svg><script>alert(5)</script>'];

  /** resnet50 with model, layer, class, block and module names replaced by payloads. */
  function hostile(): ModelReport {
    const r: ModelReport = structuredClone(resnet50);
    const pick = (i: number) => payloads[i % payloads.length];
    r.model.name = pick(0);
    r.model.source = pick(1);
    r.layers.forEach((l, i) => {
      l.name = `${pick(i)}${i}`;
      if (l.block.length > 0) l.block = [`${pick(i % 3)}${l.block[0]}`, ...l.block.slice(1)];
    });
    // The heaviest layers' class names show in a table.
    for (const l of r.layers) if (l.macs > 0) l.className = pick(2);
    r.savings.modules.forEach((m, i) => (m.module = `${pick(i + 3)}${m.module}`));
    r.unsupported = [{ className: pick(4), layers: [pick(0)] }];
    r.complete = false;
    return r;
  }

  it('are shown as text and never become markup', async () => {
    const html = await renderHtml([hostile(), resnet50], { version: VERSION, labels: [payloads[1], payloads[2]] });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg onload/i);
    // A payload's "<" is always escaped, so every tag is ours: none may carry an event handler
    // outside a quoted value (a payload's quote that broke out of one would leave it bare).
    const bare = (tag: string) => tag.replace(/"[^"]*"/g, '""');
    const handlers = [...html.matchAll(/<[a-z][^>]*>/gi)].map((m) => bare(m[0])).filter((tag) => /\son\w+\s*=/i.test(tag) || /'/.test(tag));
    expect(handlers).toEqual([]);
    // Still one opening tag per chart: no payload closed an SVG early.
    expect(html.match(/<svg\b/g)).toHaveLength(figures(html).length);
    expect(html.match(/<\/svg>/g)).toHaveLength(figures(html).length);
    // Shown, escaped: in the heading, the layer table and a chart's axis labels.
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot; onmouseover=&quot;alert(3)');
  });
});

describe('missing data', () => {
  it('no known receptive field: no empty chart, a note instead', async () => {
    const r: ModelReport = structuredClone(resnet50);
    for (const l of r.layers) l.receptiveField = null;
    const html = await renderHtml([r], { version: VERSION });
    const ids = figures(html).map((f) => /id="([^"]+)"/.exec(f)![1]);
    expect(ids).toEqual(['m1-stages', 'm1-layers', 'm1-cumulative', 'm1-savings']);
    expect(html).toContain('No layer has a known receptive field');
  });
});

describe('two models', () => {
  it('a comparison with three charts, then each model\'s own, with unique labels', async () => {
    const html = await renderHtml([resnet50, resnet50], { version: VERSION });
    const ids = figures(html).map((f) => /id="([^"]+)"/.exec(f)![1]);
    expect(ids).toEqual(['cmp-totals', 'cmp-cumulative', 'cmp-field', ...['m1', 'm2'].flatMap((m) => ['stages', 'layers', 'cumulative', 'field', 'savings'].map((k) => `${m}-${k}`))]);
    expect(html).toContain('resnet50 #2');
    expect(digits(cellText(html, 'params', 1))).toBe(kerasReference('resnet50').params.total);
  });
});

describe('dnarch report (built CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dnarch-report-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an unknown model: exit 2, one line, nothing written', () => {
    const out = join(dir, 'bad.html');
    const r = dnarch(['report', 'resnet50', 'nosuchnet', '--out', out]);
    expectUsageError(r, ['nosuchnet']);
    expect(existsSync(out)).toBe(false);
  });

  it('without --out the page goes to stdout', () => {
    const html = ok(['report', 'vgg16']);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // VGG16 has no bottleneck sites: four charts and a note instead of the fifth.
    expect(figures(html)).toHaveLength(4);
    expect(html).toContain('No bottleneck sites');
    expect(digits(cellText(html, 'params'))).toBe(kerasReference('vgg16').params.total);
  });
});
