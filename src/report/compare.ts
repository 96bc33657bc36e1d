import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { times, type CellValue, type Comparison, type ComparisonRow } from '../analysis/compare.js';
import { bytes, grouped, si } from './units.js';
import { printableStrings } from '../errors.js';

/** How a number reads: compact (si) for the terminal, exact (grouped) for Markdown. */
type Style = 'compact' | 'exact';

function valueText(v: CellValue, row: ComparisonRow, style: Style): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string') return v;
  switch (row.unit) {
    case 'bytes':
      return bytes(v);
    case 'ratio':
      return times(v);
    case 'layers':
    case 'sites':
      return grouped(v);
    default:
      return style === 'exact' ? grouped(v) : si(v);
  }
}

/** The value, and its ratio to the first model's for every column after the first. */
function cellText(row: ComparisonRow, i: number, style: Style): string {
  const text = valueText(row.values[i], row, style);
  const r = row.ratios[i];
  return i > 0 && r !== null ? `${text} (${times(r)})` : text;
}


/** Wraps a sentence to `width` columns as a "- " bullet with a hanging indent. */
function bullet(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '-';
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > width && line.trim() !== '-') {
      lines.push(line);
      line = ' ';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Marks the best value of a row when there is no colour to show it (NO_COLOR, a pipe, a file). */
const BEST_MARK = '*';

/**
 * The terminal table: one row per metric, one column per model, best of each row in bold
 * green; without colour, marked with BEST_MARK and explained under the table.
 */
export function renderCompareTable(c: Comparison, opts: { color: boolean }): string {
  const ch = new Chalk({ level: opts.color ? 1 : 0 });
  const table = new Table({
    head: ['', ...c.models.map((m) => m.label)].map((h) => ch.bold(h)),
    colAligns: ['left', ...c.models.map(() => 'right' as const)],
    style: { head: [], border: [], compact: true },
  });
  for (const row of c.rows) {
    const cells = c.models.map((_, i) => {
      const text = cellText(row, i, 'compact');
      if (row.best !== i) return text;
      return opts.color ? ch.bold.green(text) : `${text} ${BEST_MARK}`;
    });
    table.push([ch.bold(row.label), ...cells]);
  }
  const marked = !opts.color && c.rows.some((r) => r.best !== null);
  const legend = marked ? `${BEST_MARK} the lowest value of its row, where lower is better; ratios are against the first model\n` : '';
  const reading = c.reading.map((s) => bullet(s)).join('\n');
  return `${table.toString()}\n${legend}${reading ? `\n${reading}\n` : ''}`;
}

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** A GitHub-flavoured Markdown table with exact counts, best of each row in bold, then the reading. */
export function renderCompareMarkdown(c: Comparison): string {
  const head = `| | ${c.models.map((m) => escape(m.label)).join(' | ')} |`;
  const rule = `|---|${c.models.map(() => '---:').join('|')}|`;
  const rows = c.rows.map((row) => {
    const cells = c.models.map((_, i) => {
      const text = escape(cellText(row, i, 'exact'));
      return row.best === i ? `**${text}**` : text;
    });
    return `| ${escape(row.label)} | ${cells.join(' | ')} |`;
  });
  return [
    `## ${c.models.map((m) => escape(m.label)).join(' vs ')}`,
    '',
    head,
    rule,
    ...rows,
    '',
    'Ratios are against the first model; **bold** marks the lowest value where lower is better.',
    '',
    ...c.reading.map((s) => `- ${s}`),
    '',
  ].join('\n');
}

/** RFC 4180 quoting: fields with a comma, quote or newline are quoted, quotes doubled. */
const field = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** One row per metric with raw values (bytes, counts), then the best model's label. */
export function renderCompareCsv(c: Comparison): string {
  const header = ['metric', 'unit', 'direction', ...c.models.map((m) => m.label), 'best'];
  const lines = c.rows.map((row) =>
    [row.metric, row.unit, row.direction ?? '', ...row.values.map((v) => v ?? ''), row.best === null ? '' : c.models[row.best].label]
      .map(field)
      .join(','),
  );
  return `${[header.map(field).join(','), ...lines].join('\n')}\n`;
}

/** Exactly the Comparison, nothing else. */
export const renderCompareJson = (c: Comparison): string => `${JSON.stringify(c, null, 2)}\n`;

export const COMPARE_FORMATS = ['table', 'json', 'markdown', 'csv'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

export function renderComparison(c: Comparison, format: CompareFormat, opts: { color: boolean }): string {
  switch (format) {
    case 'json':
      return renderCompareJson(c);
    case 'markdown':
      return renderCompareMarkdown(printableStrings(c));
    case 'csv':
      return renderCompareCsv(c);
    case 'table':
      return renderCompareTable(printableStrings(c), opts);
  }
}
