import type { Shape } from '../graph/types.js';

/**
 * Number of elements of one sample (batch 1): the product of every dimension after the
 * batch axis. NaN when a dimension is unknown (e.g. a model with a free spatial size),
 * which the aggregation reports instead of guessing.
 */
export function sampleElements(shape: Shape | undefined): number {
  if (!shape) return NaN;
  let n = 1;
  for (let i = 1; i < shape.length; i++) {
    const d = shape[i];
    if (d == null) return NaN;
    n *= d;
  }
  return n;
}

/** Channel count under the layer's data format (channels last unless said otherwise). */
export function channels(shape: Shape | undefined, dataFormat?: unknown): number {
  if (!shape || shape.length < 2) return NaN;
  const d = dataFormat === 'channelsFirst' ? shape[1] : shape[shape.length - 1];
  return d ?? NaN;
}

export const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
