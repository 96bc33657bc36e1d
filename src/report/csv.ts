import type { ModelReport } from '../analysis/types.js';
import { foldRows } from './fold.js';
import { shapeText } from './units.js';

/** RFC 4180 quoting: fields with a comma, quote or newline are quoted, quotes doubled. */
const field = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per layer (or folded block) with raw numbers, for spreadsheets and scripts. */
export function renderCsv(r: ModelReport, opts: { depth?: number } = {}): string {
  const header = ['name', 'type', 'output_shape', 'layers', 'params', 'macs', 'flops', 'activation_bytes'];
  const lines = foldRows(r, opts.depth).map((row) =>
    [row.name, row.kind, shapeText(row.outputShape), row.layers, row.params, row.macs, row.flops, row.activationBytes]
      .map(field)
      .join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
