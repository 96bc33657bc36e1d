import type { ModelReport } from '../analysis/types.js';
import { printableStrings } from '../errors.js';
import { renderCsv } from './csv.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface RenderOptions {
  depth?: number;
  color: boolean;
}

/** One model report in the chosen format; text formats show names from the file escaped, JSON and CSV as they are (quoted). */
export function renderReport(r: ModelReport, format: Format, opts: RenderOptions): string {
  switch (format) {
    case 'json':
      return renderJson(r);
    case 'markdown':
      return renderMarkdown(printableStrings(r), opts);
    case 'csv':
      return renderCsv(r, opts);
    case 'table':
      return renderTable(printableStrings(r), opts);
  }
}
