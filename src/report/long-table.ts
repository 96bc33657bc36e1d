import { createRequire } from 'node:module';
import Table from 'cli-table3';

/**
 * cli-table3 lays a table out in time quadratic in its rows (its layout manager looks for
^ * row-span conflicts among all the rows above each cell): 20,000 rows take minutes. A long
 * table is drawn here as consecutive cli-table3 tables of CHUNK rows, all given the column
 * widths the whole table would have, and joined where one's bottom border meets the next
 * one's top border: the same text as one table, in linear time (test/report/long-table.test.ts).
 */

const CHUNK = 32;

type Options = ConstructorParameters<typeof Table>[0] & { head: string[] };

/** cli-table3's own measure of a cell's width (ANSI codes stripped, wide characters as 2): the widths must match its own. */
const { strlen } = createRequire(import.meta.url)('cli-table3/src/utils.js') as { strlen: (s: string) => number };

export function renderLongTable(options: Options, rows: string[][]): string {
  if (rows.length <= CHUNK) {
    const table = new Table(options);
    table.push(...rows);
    return table.toString();
  }
  // Each cell's width as cli-table3 computes it: its text plus one space of padding each side.
  const colWidths = options.head.map((h, i) => rows.reduce((w, row) => Math.max(w, strlen(row[i] ?? '') + 2), strlen(h) + 2));
  const parts: string[] = [];
  for (let at = 0; at < rows.length; at += CHUNK) {
    const first = at === 0;
    const last = at + CHUNK >= rows.length;
    const table = new Table({ ...options, colWidths, ...(first ? {} : { head: [] }) });
    table.push(...rows.slice(at, at + CHUNK));
    let lines = table.toString().split('\n');
    if (!first) lines = lines.slice(1); // its top border: the rows continue the previous chunk
    if (!last) lines = lines.slice(0, -1); // its bottom border
    parts.push(lines.join('\n'));
  }
  return parts.join('\n');
}
