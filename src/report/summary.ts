import type { ModelReport } from '../analysis/types.js';
import { savingsSentence } from './savings.js';
import { grouped, mib, perAxis, shapeText, si } from './units.js';

function fieldLine(rf: ModelReport['totals']['receptiveField']): string {
  if (!rf) return 'unknown (a layer on the way has no receptive-field rule)';
  return `${perAxis(rf.size)} px, effective stride ${perAxis(rf.stride)}, effective padding ${perAxis(rf.padding)} (last spatial layer)`;
}

/** The totals under a per-layer table, as label / value pairs shared by every text format. */
export function totalsLines(r: ModelReport): [string, string][] {
  const t = r.totals;
  const weights = Object.entries(t.weightBytes)
    .map(([dtype, b]) => `${mib(b)} ${dtype}`)
    .join(', ');
  const lines: [string, string][] = [
    ['Model', `${r.model.name} (input ${r.model.inputShapes.map(shapeText).join(', ')})`],
    ['Params', `${grouped(t.params.total)} (${si(t.params.total)})`],
    ['  trainable', grouped(t.params.trainable)],
    ['  non-trainable', grouped(t.params.nonTrainable)],
    ['Weights', weights || '0'],
    ['MACs', `${grouped(t.macs)} (${si(t.macs)})`],
    ['FLOPs', `${grouped(t.flops)} (${si(t.flops)}; 2 x MACs + element-wise)`],
    ['Activations', `${mib(t.activations.sumBytes)} in all, peak ${mib(t.activations.peakBytes)} at ${t.activations.peakAt}`],
    ['Depth', `${t.depth} layers with weights, ${t.layers} layers in all`],
    ['Receptive field', fieldLine(t.receptiveField)],
    ['Bottlenecks', savingsSentence(r.model.name, r.savings)],
    ['Engine', `${r.engine.analysis} (${r.engine.note})`],
  ];
  if (r.misalignedMerges.length > 0) {
    const first = r.misalignedMerges[0];
    lines.push(['Misaligned', `${r.misalignedMerges.length} merge(s), first ${first.layer}: ${first.reason}`]);
  }
  if (!r.complete) {
    const missing = r.unsupported.map((u) => `${u.className} x${u.layers.length}`).join(', ');
    lines.push(['Incomplete', `no cost for ${missing}: totals are lower bounds`]);
  }
  return lines;
}
