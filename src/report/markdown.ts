import type { ModelReport } from '../analysis/types.js';
import { costText, foldRows } from './fold.js';
import { totalsLines } from './summary.js';
import { fieldText, grouped, shapeText } from './units.js';

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** A GitHub-flavoured Markdown table and totals, for pull requests and job summaries. */
export function renderMarkdown(r: ModelReport, opts: { depth?: number } = {}): string {
  const head = '| Layer | Type | Output | RF | Params | MACs | FLOPs | Activation bytes |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|';
  const rows = foldRows(r, opts.depth).map(
    (row) =>
      `| ${escape(row.name)} | ${escape(row.kind)} | ${shapeText(row.outputShape, r.model.wholeShapes)} | ${fieldText(row.receptiveField)} | ${grouped(row.params)} | ` +
      `${costText(row, row.macs, grouped)} | ${costText(row, row.flops, grouped)} | ${grouped(row.activationBytes)} |`,
  );
  const totals = totalsLines(r).map(([k, v]) => `| ${escape(k.trim())} | ${escape(v)} |`);
  return [
    `## ${escape(r.model.name)}`,
    '',
    head,
    rule,
    ...rows,
    '',
    '| Total | |',
    '|---|---|',
    ...totals,
    '',
  ].join('\n');
}
