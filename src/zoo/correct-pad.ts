import type { SymbolicTensor } from '@tensorflow/tfjs-layers';

/** ZeroPadding2D's `padding` argument: [[top, bottom], [left, right]]. */
export type Padding2D = [[number, number], [number, number]];

/**
 * Keras' imagenet_utils.correct_pad (channels-last): the explicit padding placed before a
 * strided 'valid' convolution so that it matches TF's 'same' on even inputs while
 * keeping the windows of the original TF-slim checkpoints. An even input (or an unknown
 * one, which Keras treats as even) gets one less before than after: (k // 2 - 1, k // 2);
 * an odd input gets k // 2 on both sides.
 */
export function correctPad(x: SymbolicTensor, kernelSize: number): Padding2D {
  const [, rows, cols] = x.shape;
  const adjust = (dim: number | null): number => (dim == null ? 1 : 1 - (dim % 2));
  const half = Math.floor(kernelSize / 2);
  return [
    [half - adjust(rows), half],
    [half - adjust(cols), half],
  ];
}
