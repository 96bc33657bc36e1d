/**
 * A bench profile as text: what ran it and how far to trust it (coverage, slowdown, the
 * roofs), then the N slowest rows with their roofline columns, or the same folded into
 * blocks (--depth).
 */
import { ridge, roofline } from '../bench/roofline.js';
import type { BenchProfile, ProfileLayer } from '../bench/types.js';
import { msText, pct, si, sig3 } from './units.js';

/** Rows folded by the first `depth` entries of their block path (rows outside blocks stay). */
export function foldProfile(p: BenchProfile, depth: number): ProfileLayer[] {
  const groups = new Map<string, ProfileLayer[]>();
  for (const r of p.layers) {
    const key = r.block.length > 0 ? `b:${r.block.slice(0, depth).join('/')}` : `r:${r.name}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const out = [...groups].map(([key, rows]): ProfileLayer => {
    if (key.startsWith('r:') && rows.length === 1) return rows[0];
    const sum = (f: (r: ProfileLayer) => number) => rows.reduce((s, r) => s + f(r), 0);
    const ms = sum((r) => r.ms);
    const flops = sum((r) => r.flops);
    return {
      name: key.slice(2),
      className: `${rows.reduce((s, r) => s + r.layers.length, 0)} layers`,
      mapped: rows.some((r) => r.mapped),
      layers: rows.flatMap((r) => r.layers),
      ops: [...new Set(rows.flatMap((r) => r.ops))],
      block: rows[0].block.slice(0, depth),
      ms,
      share: sum((r) => r.share),
      macs: sum((r) => r.macs),
      flops,
      ...roofline(flops * p.batch, sum((r) => r.bytes), ms, p.peaks),
    };
  });
  return out.sort((a, b) => b.ms - a.ms);
}

const HEAD = ['layer', 'class', 'ms', 'share', 'MACs', 'GFLOP/s', 'of peak', 'bytes', 'FLOP/B', 'bound'];

function cells(r: ProfileLayer, folded: boolean): string[] {
  const fused = !folded && r.layers.length > 1 ? ` (+${r.layers.length - 1} fused)` : '';
  return [
    `${r.name}${fused}`,
    r.className,
    msText(r.ms),
    pct(r.share),
    si(r.macs),
    sig3(r.gflops),
    pct(r.ofPeak),
    si(r.bytes),
    sig3(r.intensity),
    r.bound ?? '-',
  ];
}

/** The lines above the table: the engine, the runs, and how far the numbers can be trusted. */
export function profileHeader(p: BenchProfile): string[] {
  const how = p.method === 'onnxruntime-profiler' ? "ONNX Runtime's own profiler (its kernels, after its fusions, mapped back to layers)" : 'layer by layer, each layer waited for';
  const lines = [`Profile on ${p.engine}: ${how}; batch ${p.batch}, median of ${p.runs} profiled runs kept apart from the timed ones.`];
  const slow = p.slowdown === null ? '' : `; profiled runs took ${msText(p.runMs)} ms, ${p.slowdown >= 1 ? `${pct(p.slowdown - 1)} slower than` : `${pct(1 - p.slowdown)} faster than`} the unprofiled p50 ${msText(p.timedP50Ms!)} ms`;
  lines.push(`Sum of ${p.method === 'onnxruntime-profiler' ? 'kernel' : 'layer'} times ${msText(p.totalMs)} ms${slow}.`);
  if (p.method === 'onnxruntime-profiler') {
    const u = p.unattributed;
    const lost = u.layers > 0 ? `; ${u.layers} layer(s) with ${si(u.macs)} MACs got no kernel (${u.names.slice(0, 3).join(', ')}${u.layers > 3 ? ', ...' : ''}: removed by the engine or the export)` : '';
    lines.push(`Coverage: ${pct(p.coverage)} of the kernel time is mapped to layers${lost}.`);
  }
  if (p.peaks) {
    const k = p.peaks;
    lines.push(
      `This machine's measured peaks (${k.cpu}, ${k.threads === null ? 'default' : k.threads} threads${k.cached ? ', cached' : ''}): ${sig3(k.gflops)} GFLOP/s, ${sig3(k.gbPerS)} GB/s; ridge ${sig3(ridge(k))} FLOP/byte.`,
    );
  }
  if (p.model) {
    lines.push(`The model ran at ${sig3(p.model.gflops)} GFLOP/s (analysis FLOPs / unprofiled p50)${p.model.ofPeak === null ? '' : `: ${pct(p.model.ofPeak)} of the measured peak`}.`);
  }
  if (p.method === 'layer-by-layer') lines.push('No roofline here: the peaks are measured on onnxruntime, not on this engine (bound and of peak: -).');
  return lines;
}

/** The N slowest rows (or blocks), as header cells and rows. */
export function profileTable(p: BenchProfile, top: number, depth?: number): { title: string; head: string[]; rows: string[][] } {
  const rows = depth === undefined ? p.layers : foldProfile(p, depth);
  const shown = rows.slice(0, top);
  const what = depth === undefined ? 'rows (layers with what the engine fused into them)' : `blocks (depth ${depth})`;
  const head = depth === undefined ? HEAD : ['block', ...HEAD.slice(1)];
  return { title: `The ${shown.length} slowest of ${rows.length} ${what}:`, head, rows: shown.map((r) => cells(r, depth !== undefined)) };
}
