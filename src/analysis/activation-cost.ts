/**
 * FLOPs per output element of each activation function. These are conventions (the
 * hardware cost of exp or tanh varies), listed once here and in the README. Keys are
 * lower case without underscores; names come from model files, so this is a Map.
 */
export const ACTIVATION_FLOPS: ReadonlyMap<string, number> = new Map([
  ['linear', 0],
  ['relu', 1],
  ['relu6', 1],
  ['leakyrelu', 1],
  ['prelu', 1],
  ['thresholdedrelu', 1],
  ['neg', 1],
  ['abs', 1],
  ['sign', 1],
  ['floor', 1],
  ['ceil', 1],
  ['round', 1],
  ['reciprocal', 1],
  ['clipbound', 1],
  ['sqrt', 1],
  ['not', 1],
  ['clip', 2],
  ['softsign', 2],
  ['shrink', 2],
  ['hardsigmoid', 3],
  ['elu', 3],
  ['selu', 3],
  ['celu', 3],
  ['softmax', 3],
  ['sigmoid', 4],
  ['tanh', 4],
  ['softplus', 4],
  ['exp', 4],
  ['log', 4],
  ['erf', 4],
  ['sin', 4],
  ['cos', 4],
  ['hardswish', 5],
  ['swish', 5],
  ['silu', 5],
  ['mish', 8],
  ['gelu', 8],
]);

/** Cost per element of a named activation; 1 for names not in the table. */
export function activationFlopsPerElement(name: unknown): number {
  if (name == null) return 0;
  const key = String(name).toLowerCase().replace(/_/g, '');
  return ACTIVATION_FLOPS.get(key) ?? 1;
}
