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
