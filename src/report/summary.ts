import type { ModelReport } from '../analysis/types.js';
import { savingsSentence } from './savings.js';
import { bytes, grouped, perAxis, shapeText, si } from './units.js';

function fieldLine(rf: ModelReport['totals']['receptiveField']): string {
  if (!rf) return 'unknown (a layer on the way has no receptive-field rule)';
  return `${perAxis(rf.size)} px, effective stride ${perAxis(rf.stride)}, effective padding ${perAxis(rf.padding)} (last spatial layer)`;
}

/** "≥ " before a total that is a lower bound. */
const atLeast = (r: ModelReport): string => (r.complete ? '' : '≥ ');

const SHOWN_NAMES = 4;

/** Why a report's totals are lower bounds: classes without a cost handler, layers on shapes left open. */
export function incompleteReason(r: Pick<ModelReport, 'unsupported' | 'unknownCost'>): string {
  const parts: string[] = [];
  if (r.unsupported.length > 0) parts.push(`no cost for ${r.unsupported.map((u) => `${u.className} x${u.layers.length}`).join(', ')}`);
  const unknown = r.unknownCost ?? [];
  if (unknown.length > 0) {
    const names = unknown.slice(0, SHOWN_NAMES).join(', ') + (unknown.length > SHOWN_NAMES ? `, ... (${unknown.length} in all)` : '');
    parts.push(`cost unknown for ${unknown.length} layer${unknown.length === 1 ? '' : 's'} whose shapes are not known (${names})`);
  }
  return parts.join('; ');
}

/** The totals under a per-layer table, as label / value pairs shared by every text format. */
export function totalsLines(r: ModelReport): [string, string][] {
  const t = r.totals;
  const weights = Object.entries(t.weightBytes)
    .map(([dtype, b]) => `${bytes(b)} ${dtype}`)
    .join(', ');
  const lines: [string, string][] = [
    ['Model', `${r.model.name} (input ${r.model.inputShapes.map((s) => shapeText(s, r.model.wholeShapes)).join(', ')})`],
    ...formatLine(r),
    ['Params', `${grouped(t.params.total)} (${si(t.params.total)})`],
    ['  trainable', grouped(t.params.trainable)],
    ['  non-trainable', grouped(t.params.nonTrainable)],
    ...byDtype(t),
    ['Weights', weights || '0'],
    ...constantsLine(t),
    ['MACs', `${atLeast(r)}${grouped(t.macs)} (${si(t.macs)})`],
    ['FLOPs', `${atLeast(r)}${grouped(t.flops)} (${si(t.flops)}; 2 x MACs + element-wise)`],
    ['Activations', `${bytes(t.activations.sumBytes)} in all, peak ${bytes(t.activations.peakBytes)} at ${t.activations.peakAt}`],
    ['Depth', `${t.depth} layers with weights, ${t.layers} layers in all`],
    ['Receptive field', fieldLine(t.receptiveField)],
    ['Bottlenecks', savingsSentence(r.model.name, r.savings)],
    ['Engine', `${r.engine.analysis} (${r.engine.note})`],
  ];
  if (r.misalignedMerges.length > 0) {
    const first = r.misalignedMerges[0];
    lines.push(['Misaligned', `${r.misalignedMerges.length} merge(s), first ${first.layer}: ${first.reason}`]);
  }
  if (!r.complete) lines.push(['Incomplete', `${incompleteReason(r)}: totals are lower bounds (≥)`]);
  for (const note of r.notes ?? []) lines.push(['Note', note]);
  return lines;
}

/** "onnx: producer pytorch 1.13.0, opsets ai.onnx 13, IR 7" for model files that describe themselves. */
function formatLine(r: ModelReport): [string, string][] {
  const f = r.model.format;
  if (!f) return [];
  const details = Object.entries(f.details).map(([k, v]) => `${k} ${v}`);
  return [['Format', details.length ? `${f.name}: ${details.join(', ')}` : f.name]];
}

/** Parameters by stored dtype, when they are not all float32 (a quantized model). */
function byDtype(t: ModelReport['totals']): [string, string][] {
  const entries = Object.entries(t.paramsByDtype ?? {});
  if (entries.length === 0 || (entries.length === 1 && entries[0][0] === 'float32')) return [];
  return [['  by dtype', entries.map(([d, n]) => `${d} ${grouped(n)}`).join(', ')]];
}

/** Stored tensors that are not parameters (shapes, axes, scales, zero points), counted apart. */
function constantsLine(t: ModelReport['totals']): [string, string][] {
  const c = t.constants;
  if (!c || c.config.tensors + c.quantization.tensors === 0) return [];
  const part = (label: string, x: { tensors: number; elements: number }) => `${grouped(x.tensors)} ${label} (${grouped(x.elements)} elements)`;
  const parts = [c.config.tensors ? part('config', c.config) : '', c.quantization.tensors ? part('quantization', c.quantization) : ''].filter(Boolean);
  return [['Constants', `${parts.join(', ')}: not parameters`]];
}
