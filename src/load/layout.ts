/** Tensor layouts of op-level graphs (ONNX, TensorFlow), shared by their readers. */

export type Layout = 'channelsFirst' | 'channelsLast';

/** The layout a transpose moves channels to, when that is all it does ([0, 3, 1, 2]: first; [0, 2, 3, 1]: last). */
export function layoutChange(perm: readonly number[] | undefined): Layout | undefined {
  const r = perm?.length ?? 0;
  if (!perm || r < 3) return undefined;
  const toFirst = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  if (perm.every((p, i) => p === toFirst[i])) return 'channelsFirst';
  if (perm.every((p, i) => p === toLast[i])) return 'channelsLast';
  return undefined;
}

/** The spatial axes of a rank-`rank` tensor in a layout (NCHW: 2.., NHWC: 1..rank-2). */
export const spatialAxes = (rank: number, layout: Layout): number[] => Array.from({ length: rank - 2 }, (_, i) => i + (layout === 'channelsLast' ? 1 : 2));

/**
 * What a mean or max reduction is priced as: over exactly the spatial axes it is global
 * pooling (`${global}2D`), else a plain reduction. `axes` may be negative.
 */
export function reduceKind(global: string | null, rank: number | undefined, axes: readonly number[] | undefined, layout: Layout): { kind: string; config: Record<string, unknown> } {
  const sorted = axes?.map((a) => (rank !== undefined && a < 0 ? a + rank : a)).sort((x, y) => x - y);
  if (global && rank !== undefined && rank >= 3 && sorted) {
    const spatial = spatialAxes(rank, layout);
    if (sorted.length === spatial.length && sorted.every((a, i) => a === spatial[i])) return { kind: `${global}${rank - 2}D`, config: {} };
  }
  return { kind: 'Reduce', config: {} };
}
