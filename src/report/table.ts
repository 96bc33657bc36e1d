import { Chalk } from 'chalk';
import type { ModelReport } from '../analysis/types.js';
import { costText, foldRows, type Row } from './fold.js';
import { renderLongTable } from './long-table.js';
import { totalsLines } from './summary.js';
import { fieldText, grouped, shapeText, si } from './units.js';

export interface TableOptions {
  /** Fold rows by block path to this depth. */
  depth?: number;
  color: boolean;
}

const BAR_WIDTH = 12;

/** A proportional bar of eighth-blocks for a share in [0, 1]. */
export function bar(share: number, width = BAR_WIDTH): string {
  const eighths = Math.round(Math.max(0, Math.min(1, share)) * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  return '█'.repeat(full) + (rest ? ' ▏▎▍▌▋▊▉'[rest] : '');
}

function rowCells(row: Row, totalMacs: number, whole: boolean, c: InstanceType<typeof Chalk>): string[] {
  const share = totalMacs > 0 ? row.macs / totalMacs : 0;
  return [
    '  '.repeat(row.level) + row.name,
    row.kind.includes('unsupported') ? c.yellow(row.kind) : c.dim(row.kind),
    shapeText(row.outputShape, whole),
    fieldText(row.receptiveField),
    row.params ? grouped(row.params) : c.dim('0'),
    row.unknownCost ? c.yellow(costText(row, row.macs, si)) : row.macs ? si(row.macs) : c.dim('0'),
    row.unknownCost ? c.yellow(costText(row, row.flops, si)) : row.flops ? si(row.flops) : c.dim('0'),
    `${c.cyan(bar(share))} ${share >= 0.001 ? (share * 100).toFixed(1) + '%' : ''}`.trimEnd(),
  ];
}

/** The terminal table: one row per layer (or folded block), then the totals. */
export function renderTable(r: ModelReport, opts: TableOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const table = renderLongTable(
    {
      head: ['Layer', 'Type', 'Output', 'RF', 'Params', 'MACs', 'FLOPs', 'Share of MACs'].map((h) => c.bold(h)),
      colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'],
      style: { head: [], border: [], compact: true },
    },
    foldRows(r, opts.depth).map((row) => rowCells(row, r.totals.macs, r.model.wholeShapes === true, c)),
  );
  const totals = totalsLines(r).map(([k, v]) => {
    const label = c.bold(k.padEnd(16));
    return k === 'Incomplete' || k === 'Misaligned' ? c.yellow(`${label}${v}`) : `${label}${v}`;
  });
  return `${table}\n\n${totals.join('\n')}\n`;
}
