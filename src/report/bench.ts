import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { BenchOk, BenchReport, BenchResult } from '../bench/types.js';
import { profileHeader, profileTable } from './profile.js';
import { bytes, msText, si, sig3 } from './units.js';


const threadsText = (r: BenchOk): string => (r.threads === null ? 'default' : String(r.threads));

const HEAD = ['engine', 'version', 'threads', 'batch', 'first ms', 'runs', 'p50 ms', 'p90 ms', 'mean ms', '± sd', 'img/s', 'GFLOP/s'];

/**
 * The memory column: each engine's own process's peak when the engines ran isolated (one
 * child process each), else what the engine added to the one process they shared.
 */
const memoryHead = (r: BenchReport): string => (r.settings.isolated ? 'peak RSS' : 'RSS growth');
const head = (r: BenchReport): string[] => [...HEAD, memoryHead(r)];

function okCells(r: BenchOk, isolated: boolean): string[] {
  const l = r.latencyMs;
  const memory = isolated ? bytes(r.peakRssBytes) : r.rssGrowthBytes === undefined ? '-' : `+${bytes(r.rssGrowthBytes)}`;
  return [
    r.engine, r.version, threadsText(r), String(r.batch), msText(r.firstRunMs), String(r.runs),
    msText(l.p50), msText(l.p90), msText(l.mean), msText(l.stddev),
    sig3(r.throughput), sig3(r.gflopsPerSecond), memory,
  ];
}

/** A failure's reason already names the engine; an unavailable engine's does not. */
const skipText = (r: Exclude<BenchResult, BenchOk>): string => (r.status === 'failed' ? `failed: ${r.reason}` : `${r.engine}: unavailable: ${r.reason}`);

/** One line per engine that was not timed (same reason at every batch: said once). */
function skipped(r: BenchReport): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of r.results) {
    if (x.status === 'ok') continue;
    const line = skipText(x);
    if (seen.has(line)) continue;
    seen.add(line);
    out.push(line);
  }
  return out;
}

function header(r: BenchReport): string[] {
  const m = r.model;
  const inputs = m.inputShapes.map((s) => s.join('x')).join(', ');
  return [
    `${m.name}${m.source === m.name ? '' : ` (${m.source})`}, input ${inputs}, ${si(m.flopsPerImage)} FLOPs / ${si(m.macsPerImage)} MACs per image${m.complete ? '' : ' (incomplete: some layers have unknown cost)'}`,
    `Weights: ${m.weightsNote ?? (m.weights === 'file' ? "the file's own" : 'seeded random')}`,
  ];
}

const notes = (r: BenchReport): string[] =>
  [...new Set(r.results.filter((x): x is BenchOk => x.status === 'ok' && x.note !== undefined).map((x) => `${x.engine}: ${x.note}`))];

const FOOT =
  'Latency per batch: forward pass + output download; warm-up runs excluded (first run shown apart). ' +
  'img/s = batch x 1000 / mean; GFLOP/s from analysis FLOPs (not MACs) / mean. ';
const memoryFoot = (r: BenchReport): string =>
  r.settings.isolated
    ? 'peak RSS: the largest resident set of that engine\'s own process (each engine ran in a child process, with the model loaded there).'
    : "RSS growth: the process's largest resident set during that engine's runs minus before it loaded the model (the whole process's peak is peakRssBytes in JSON).";

export function renderBenchTable(r: BenchReport, opts: { color?: boolean } & ProfileView = {}): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const lines = header(r);
  const ok = r.results.filter((x): x is BenchOk => x.status === 'ok');
  if (ok.length > 0) {
    const t = new Table({
      head: head(r).map((h) => c.bold(h)),
      colAligns: ['left', 'left', ...head(r).slice(2).map(() => 'right' as const)],
      style: { head: [], border: [], compact: true },
    });
    for (const x of ok) t.push(okCells(x, r.settings.isolated === true));
    lines.push('', t.toString());
  }
  for (const s of skipped(r)) lines.push(c.yellow(s));
  for (const n of notes(r)) lines.push(c.dim(`note: ${n}`));
  if (r.profile) lines.push('', ...profileLines(r, 'table', opts));
  lines.push('', c.dim(FOOT + memoryFoot(r)));
  return `${lines.join('\n')}\n`;
}

export interface ProfileView {
  /** Rows shown (default: the --profile N of the run, else 10). */
  top?: number;
  /** Fold rows into blocks this deep. */
  depth?: number;
}

function profileLines(r: BenchReport, style: 'table' | 'markdown', view: ProfileView): string[] {
  const p = r.profile!;
  const { title, head, rows } = profileTable(p, view.top ?? r.settings.profile ?? 10, view.depth);
  const header = profileHeader(p);
  if (style === 'markdown') return [`### Profile on ${p.engine}`, '', ...header.map((l) => `${l}  `), '', title, '', mdTable(head, rows)];
  const t = new Table({ head, colAligns: ['left', 'left', ...head.slice(2).map(() => 'right' as const)], style: { head: [], border: [], compact: true } });
  for (const row of rows) t.push(row);
  return [...header, title, t.toString()];
}

const esc = (s: string): string => s.replace(/\|/g, '\\|');

function mdTable(head: string[], rows: string[][]): string {
  const align = head.map((_, i) => (i < 2 || head[i] === 'bound' ? '---' : '---:'));
  return [head, align, ...rows].map((row) => `| ${row.map(esc).join(' | ')} |`).join('\n');
}

export function renderBenchMarkdown(r: BenchReport, view: ProfileView = {}): string {
  const lines = [`## dnarch bench: ${r.model.name}`, '', ...header(r).map((l) => `${l}  `), ''];
  const ok = r.results.filter((x): x is BenchOk => x.status === 'ok');
  if (ok.length > 0) lines.push(mdTable(head(r), ok.map((x) => okCells(x, r.settings.isolated === true))), '');
  for (const s of skipped(r)) lines.push(`- ${s}`);
  for (const n of notes(r)) lines.push(`- note: ${n}`);
  if (r.profile) lines.push('', ...profileLines(r, 'markdown', view));
  lines.push('', FOOT + memoryFoot(r));
  return `${lines.join('\n')}\n`;
}
