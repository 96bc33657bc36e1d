import type { ModelReport, Savings, SavingsSite } from '../analysis/types.js';
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { csvLine } from './csv.js';
import { gmacs, grouped, perAxis, si } from './units.js';

/** "without its bottlenecks inceptionv3 would need 34.5 GMACs, 6.05 times more (63 sites)". */
export function savingsSentence(name: string, s: Savings): string {
  if (s.total.sites === 0) return `${name} has no bottleneck sites: a plain convolution does each of its steps`;
  const times = s.total.modelRatio.toFixed(2);
  return (
    `without its bottlenecks ${name} would need ${gmacs(s.total.modelMacsWithout)} instead of ${gmacs(s.total.modelMacs)}, ` +
    `${times} times more (${s.total.sites} site${s.total.sites === 1 ? '' : 's'})`
  );
}

/** What a site replaced: "1x1 16 -> 5x5" style description of its chain. */
export const chainText = (site: SavingsSite): string =>
  site.layers.length <= 3 ? site.layers.join(' > ') : `${site.layers[0]} > ... > ${site.layers[site.layers.length - 1]} (${site.layers.length})`;

const shape = (v: number[]): string => `${v.slice(0, -1).join('x')}x${v[v.length - 1]}`;

export interface SiteRow {
  module: string;
  kind: string;
  chain: string;
  kernel: string;
  from: string;
  to: string;
  actualMacs: number;
  counterfactualMacs: number;
  actualParams: number;
  counterfactualParams: number;
  ratio: number;
}

export const siteRows = (r: ModelReport): SiteRow[] =>
  r.savings.sites.map((s) => ({
    module: s.module,
    kind: s.kind,
    chain: chainText(s),
    kernel: perAxis(s.kernel),
    from: shape(s.input),
    to: shape(s.output),
    actualMacs: s.actual.macs,
    counterfactualMacs: s.counterfactual.macs,
    actualParams: s.actual.params,
    counterfactualParams: s.counterfactual.params,
    ratio: s.ratio,
  }));

/** Markdown: every site, then one row per module, then the sentence. */
export function renderSavingsMarkdown(r: ModelReport): string {
  const sites = siteRows(r).map(
    (s) =>
      `| ${s.module} | ${s.kind} | ${s.chain} | ${s.kernel} | ${s.from} | ${s.to} | ${grouped(s.actualMacs)} | ${grouped(s.counterfactualMacs)} | ${s.ratio.toFixed(2)}x |`,
  );
  const modules = r.savings.modules.map(
    (m) => `| ${m.module} | ${m.sites} | ${grouped(m.actual.macs)} | ${grouped(m.counterfactual.macs)} | ${m.ratio.toFixed(2)}x |`,
  );
  return [
    `## Bottleneck savings: ${r.model.name}`,
    '',
    '| Module | Kind | Chain | Kernel | In | Out | MACs | MACs as one conv | Saved |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
    ...sites,
    '',
    '| Module | Sites | MACs | MACs as one conv | Saved |',
    '|---|---:|---:|---:|---:|',
    ...modules,
    '',
    savingsSentence(r.model.name, r.savings),
    '',
  ].join('\n');
}

/** CSV: one row per site with raw numbers. */
export function renderSavingsCsv(r: ModelReport): string {
  const head = 'module,kind,layers,kernel,input,output,macs,counterfactual_macs,params,counterfactual_params,ratio';
  const rows = r.savings.sites.map((s) =>
    csvLine([s.module, s.kind, s.layers.join(' '), perAxis(s.kernel), shape(s.input), shape(s.output), s.actual.macs, s.counterfactual.macs, s.actual.params, s.counterfactual.params, s.ratio]),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

/** The terminal view: every site, the modules, and the sentence. */
export function renderSavingsTable(r: ModelReport, opts: { color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const style = { head: [], border: [], compact: true };
  const sites = new Table({
    head: ['Module', 'Kind', 'Chain', 'Kernel', 'In', 'Out', 'MACs', 'As one conv', 'Saved'].map((h) => c.bold(h)),
    colAligns: ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    style,
  });
  for (const s of siteRows(r)) {
    sites.push([s.module, c.dim(s.kind), s.chain, s.kernel, s.from, s.to, si(s.actualMacs), si(s.counterfactualMacs), c.green(`${s.ratio.toFixed(2)}x`)]);
  }
  const modules = new Table({
    head: ['Module', 'Sites', 'MACs', 'As one conv', 'Saved'].map((h) => c.bold(h)),
    colAligns: ['left', 'right', 'right', 'right', 'right'],
    style,
  });
  for (const m of r.savings.modules) {
    modules.push([m.module, m.sites, si(m.actual.macs), si(m.counterfactual.macs), c.green(`${m.ratio.toFixed(2)}x`)]);
  }
  const parts = r.savings.sites.length ? [sites.toString(), '', modules.toString(), ''] : [];
  return `${[...parts, c.bold(savingsSentence(r.model.name, r.savings))].join('\n')}\n`;
}
