import type { ModelReport } from '../analysis/types.js';
import { foldRows } from './fold.js';
import { fieldText, perAxis, shapeText } from './units.js';

/** RFC 4180 quoting: fields with a comma, quote or newline are quoted, quotes doubled. */
const field = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One CSV line from raw values. */
export const csvLine = (values: (string | number)[]): string => values.map(field).join(',');

/** One row per layer (or folded block) with raw numbers, for spreadsheets and scripts. */
export function renderCsv(r: ModelReport, opts: { depth?: number } = {}): string {
  const header = ['name', 'type', 'output_shape', 'layers', 'params', 'macs', 'flops', 'activation_bytes', 'rf_size', 'rf_stride', 'rf_padding'];
  const lines = foldRows(r, opts.depth).map((row) =>
    csvLine([
      row.name, row.kind, shapeText(row.outputShape, r.model.wholeShapes), row.layers, row.params, row.macs, row.flops, row.activationBytes,
      fieldText(row.receptiveField), row.receptiveField ? perAxis(row.receptiveField.stride) : '', row.receptiveField ? perAxis(row.receptiveField.padding) : '',
    ]),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
