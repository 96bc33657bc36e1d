import { broadcast, combine } from './broadcast.js';
import { checkShape, type Fact, type Rule } from './types.js';

/** Element-wise ops: unary ones keep their input's shape; binary and n-ary ones broadcast. */

/** Same shape (and values, for copies and casts) as input 0. */
export const same: Rule = (c) => [{ shape: c.inputs[0]?.shape ?? null }];
export const copy: Rule = (c) => [{ shape: c.inputs[0]?.shape ?? null, ...(c.known(0) ? { value: c.known(0) } : {}) }];
/** IdentityN: each output is its input. */
export const copyEach: Rule = (c) => c.inputs.map((f, i) => ({ shape: f.shape, ...(c.known(i) ? { value: c.known(i) } : {}) }));

/** Broadcasting ops with, where known, the values of small integer operands (shape arithmetic). */
export const binary = (f?: (...xs: number[]) => number): Rule => (c): Fact[] => {
  const shape = checkShape(broadcast(c.inputs.map((x) => x.shape)));
  const value = f && c.inputs.length <= 3 ? combine(c.inputs.map((_, i) => c.known(i)), f) : undefined;
  return [{ shape, ...(value ? { value } : {}) }];
};

/** BiasAdd: the bias is added along the channels, the shape is the input's. */
export const biasAdd: Rule = (c) => [{ shape: c.inputs[0]?.shape ?? null }];

/** FusedBatchNorm(V2/V3): y like x; the batch statistics outputs are [C]. */
export const fusedBatchNorm: Rule = (c) => {
  const x = c.inputs[0]?.shape ?? null;
  const format = c.node.attrs.string('data_format') ?? 'NHWC';
  const ch = x === null ? null : format[1] === 'C' ? x[1] : x[x.length - 1];
  const stat = { shape: [ch ?? null] };
  return [{ shape: x }, stat, stat, stat, stat, stat];
};
