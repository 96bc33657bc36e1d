/**
 * FLOPs per output element of each activation function. These are conventions (the
 * hardware cost of exp or tanh varies), listed once here and in the README.
 */
export const ACTIVATION_FLOPS: Readonly<Record<string, number>> = {
  linear: 0,
  relu: 1,
  relu6: 1,
  leakyrelu: 1,
  prelu: 1,
  hardsigmoid: 3,
  elu: 3,
  selu: 3,
  softmax: 3,
  sigmoid: 4,
  tanh: 4,
  softplus: 4,
  softsign: 2,
  swish: 5,
  silu: 5,
  mish: 8,
  gelu: 8,
};

/** Cost per element of a named activation; 1 for names not in the table. */
export function activationFlopsPerElement(name: unknown): number {
  if (name == null) return 0;
  const key = String(name).toLowerCase().replace(/_/g, '');
  return ACTIVATION_FLOPS[key] ?? 1;
}
