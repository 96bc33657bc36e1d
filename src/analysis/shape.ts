import type { LayerNode, Shape } from '../graph/types.js';

/** A shape, or nothing known about it (null: even the rank is unknown; undefined: no such tensor). */
export type MaybeShape = Shape | null | undefined;

/**
 * Number of elements of one sample (batch 1): the product of every dimension after the
 * batch axis. NaN when a dimension is unknown (e.g. a model with a free spatial size),
 * which the aggregation reports instead of guessing.
 */
export function sampleElements(shape: MaybeShape): number {
  if (!shape) return NaN;
  let n = 1;
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i];
    if (d == null) return NaN;
    n *= d;
  }
  return n;
}

/** Every element of a whole tensor (op-level graphs); NaN when a dimension is unknown. */
export function wholeElements(shape: MaybeShape): number {
  if (!shape) return NaN;
  let n = 1;
  for (const d of shape) {
    if (d == null) return NaN;
    n *= d;
  }
  return n;
}

/** The elements one run of `node` reads or writes in `shape`: per sample in layers graphs, whole in op-level graphs. */
export const elements = (node: Pick<LayerNode, 'wholeShapes'>, shape: MaybeShape): number =>
  node.wholeShapes ? wholeElements(shape) : sampleElements(shape);

/** Channel count under the layer's data format (channels last unless said otherwise). */
export function channels(shape: MaybeShape, dataFormat?: unknown): number {
  if (!shape || shape.length < 2) return NaN;
  const d = dataFormat === 'channelsFirst' ? shape[1] : shape[shape.length - 1];
  return d ?? NaN;
}

export const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
