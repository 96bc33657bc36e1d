import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { budgetDef } from '../analysis/budget-defs.js';
import type { BudgetResult, CheckReport } from '../analysis/check-types.js';
import { bytes, grouped, si } from './units.js';
import { printableStrings } from '../errors.js';

/** A value in its budget's unit: compact for the terminal, exact counts for Markdown. */
function amount(v: number, unit: BudgetResult['unit'], exact: boolean): string {
  switch (unit) {
    case 'bytes':
      // In binary units (MiB) as every report prints sizes, whatever unit the limit was written in.
      return bytes(v);
    case 'ms':
      return `${Number(v.toPrecision(4))} ms`;
    case 'count':
      return exact ? grouped(v) : si(v);
  }
}

const signed = (text: string, v: number): string => (v >= 0 ? `+${text}` : `-${text}`);

function headroomText(b: BudgetResult, exact: boolean): string {
  // On a lower-bound value the headroom is at most this much.
  const abs = `${b.lowerBound ? '≤ ' : ''}${signed(amount(Math.abs(b.headroom), b.unit, exact), b.headroom)}`;
  return b.headroomPct === null ? abs : `${abs} (${b.headroomPct >= 0 ? '+' : ''}${b.headroomPct.toFixed(1)}%)`;
}

const valueText = (b: BudgetResult, exact: boolean): string => `${b.lowerBound ? '≥ ' : ''}${amount(b.value, b.unit, exact)}`;

const STATUS = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' } as const;

/** "3 of 4 budgets pass", then what failed. */
export function verdict(c: CheckReport): string {
  const n = c.budgets.length;
  const passed = c.budgets.filter((b) => b.status === 'pass').length;
  if (c.passed) return n === 1 ? 'the budget passes' : `all ${n} budgets pass`;
  const failed = c.budgets.filter((b) => b.status === 'fail').length;
  const unknown = n - passed - failed;
  return [`${passed} of ${n} ${n === 1 ? 'budget passes' : 'budgets pass'}`, failed ? `${failed} over budget` : '', unknown ? `${unknown} unknown` : ''].filter(Boolean).join(', ');
}

/** Why some totals are lower bounds, when they are. */
function incompleteNote(c: CheckReport): string | null {
  if (c.complete) return null;
  const classes = c.unsupported.map((u) => `${u.className} (${u.layers})`).join(', ');
  const why = [classes ? `no cost handler for ${classes}` : '', c.unknownCost ? `${c.unknownCost} layer(s) whose shapes are not known (open input sizes take --input-size or --input-shape)` : ''].filter(Boolean).join('; ');
  return `Totals are incomplete: ${why}. MACs and FLOPs are lower bounds (≥); a budget on a lower bound is UNKNOWN and fails the check.`;
}

function latencyNote(c: CheckReport): string | null {
  if (!c.latency) return null;
  const { engine, batch, runs, weights } = c.latency;
  return `Latency: median (p50) of ${runs} timed runs, engine ${engine}, batch ${batch}${weights === 'seeded' ? ', seeded random weights' : ''}.`;
}

export function renderCheckTable(c: CheckReport, opts: { color: boolean }): string {
  const ch = new Chalk({ level: opts.color ? 1 : 0 });
  const paint = { pass: ch.green, fail: ch.red.bold, unknown: ch.yellow.bold };
  const table = new Table({
    head: ['Budget', 'Value', 'Limit', 'Headroom', 'Status'].map((h) => ch.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [], compact: true },
  });
  for (const b of c.budgets) {
    table.push([`${budgetDef(b.metric).label} (${b.option})`, valueText(b, false), amount(b.limit, b.unit, false), headroomText(b, false), paint[b.status](STATUS[b.status])]);
  }
  const notes = [incompleteNote(c), latencyNote(c)].filter((s): s is string => s !== null);
  return [`${ch.bold(c.model.name)}: ${verdict(c)}`, table.toString(), ...notes, ''].join('\n');
}

const MD_STATUS = { pass: '✅ pass', fail: '❌ fail', unknown: '⚠️ unknown' } as const;
const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** For $GITHUB_STEP_SUMMARY or a pull-request comment: verdict first, then the table. */
export function renderCheckMarkdown(c: CheckReport): string {
  const icon = c.passed ? '✅' : '❌';
  const rows = c.budgets.map(
    (b) => `| ${budgetDef(b.metric).label} | ${escape(valueText(b, true))} | ${amount(b.limit, b.unit, true)} | ${headroomText(b, true)} | ${MD_STATUS[b.status]} |`,
  );
  const notes = [incompleteNote(c), latencyNote(c)].filter((s): s is string => s !== null);
  return [
    `### ${icon} dnarch check \`${escape(c.model.name)}\`: ${verdict(c)}`,
    '',
    '| Budget | Value | Limit | Headroom | Status |',
    '|---|---:|---:|---:|---|',
    ...rows,
    '',
    ...notes.flatMap((n) => [`> ${n}`, '']),
  ].join('\n');
}

export const CHECK_FORMATS = ['table', 'markdown', 'json'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export function renderCheck(c: CheckReport, format: CheckFormat, opts: { color: boolean }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(c, null, 2)}\n`;
    case 'markdown':
      return renderCheckMarkdown(printableStrings(c));
    case 'table':
      return renderCheckTable(printableStrings(c), opts);
  }
}
