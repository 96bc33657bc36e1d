import type { LayerReport, ModelReport } from '../analysis/types.js';

/** A row of a per-layer table: one layer, or a block of layers folded together. */
export interface Row {
  name: string;
  /** Layer class, or "N layers" for a folded block. */
  kind: string;
  outputShape: LayerReport['outputShape'];
  params: number;
  macs: number;
  flops: number;
  activationBytes: number;
  /** Receptive field of the row's output (a block's: its last layer's). */
  receptiveField: LayerReport['receptiveField'];
  /** Nesting level, for indentation. */
  level: number;
  layers: number;
  /** Some layer of the row has an unknown cost (open shapes): its MACs and FLOPs are at least these. */
  unknownCost?: true;
}

const rowOf = (l: LayerReport): Row => ({
  name: l.name,
  kind: l.supported ? l.className : `${l.className} (unsupported)`,
  outputShape: l.outputShape,
  params: l.params.total,
  macs: l.macs,
  flops: l.flops,
  activationBytes: l.activationBytes,
  receptiveField: l.receptiveField,
  level: 0,
  layers: 1,
  ...(l.unknownCost ? { unknownCost: true as const } : {}),
});

/** A row's MACs or FLOPs as text: "?" when unknown, "≥ n" when only part of it is known. */
export function costText(row: Row, value: number, format: (n: number) => string): string {
  if (!row.unknownCost) return format(value);
  return value > 0 ? `≥ ${format(value)}` : '?';
}

/**
 * Rows for a report. Without `depth`, one row per layer. With `depth` N, layers are folded
 * into one row per block-path prefix of length N, or their whole path when it is shorter
 * (ResNet: 1 = stages, 2 = blocks, with the stem as one row), keeping first-appearance
 * order; layers outside any block (the input) stay as they are.
 */
export function foldRows(report: ModelReport, depth?: number): Row[] {
  if (depth === undefined) return report.layers.map(rowOf);
  const rows: Row[] = [];
  const open = new Map<string, Row>();
  for (const l of report.layers) {
    if (l.block.length === 0) {
      rows.push(rowOf(l));
      continue;
    }
    const path = l.block.slice(0, depth);
    const key = path.join('/');
    let row = open.get(key);
    if (!row) {
      const name = path[path.length - 1];
      row = { name, kind: '', outputShape: l.outputShape, params: 0, macs: 0, flops: 0, activationBytes: 0, receptiveField: null, level: path.length - 1, layers: 0 };
      open.set(key, row);
      rows.push(row);
    }
    row.outputShape = l.outputShape; // a block's output is its last layer's
    row.receptiveField = l.receptiveField;
    row.params += l.params.total;
    row.macs += l.macs;
    row.flops += l.flops;
    row.activationBytes += l.activationBytes;
    row.layers += 1;
    row.kind = `${row.layers} layers`;
    if (l.unknownCost) row.unknownCost = true;
  }
  return rows;
}
