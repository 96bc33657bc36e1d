import type { MaybeShape } from './shape.js';

/**
 * Multiply-accumulates of the op-level products, from their operands' whole shapes. NaN
 * when a dimension is unknown: the caller reports the cost as unknown, never guessed.
 */

const known = (s: MaybeShape): s is number[] => Array.isArray(s) && s.every((d) => d != null);

/** numpy broadcasting of two shapes' leading (batch) dimensions; NaN entries if they do not broadcast. */
function broadcast(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    out.push(x === y || y === 1 ? x : x === 1 ? y : NaN);
  }
  return out;
}

/** numpy matmul A @ B: batch x M x K x N (1-D operands promoted, as numpy does). */
export function matmulMacs(a: MaybeShape, b: MaybeShape): number {
  if (!known(a) || !known(b) || a.length === 0 || b.length === 0) return NaN;
  const left = a.length === 1 ? [1, a[0]] : a;
  const right = b.length === 1 ? [b[0], 1] : b;
  const [m, k] = left.slice(-2);
  const n = right[right.length - 1];
  const batch = broadcast(left.slice(0, -2), right.slice(0, -2)).reduce((p, d) => p * d, 1);
  return batch * m * k * n;
}

/**
 * Einsum of two operands: one multiply-accumulate per point of the space spanned by all
 * its labels (contracted and kept), `...` standing for the broadcast batch dimensions.
 * One operand (a transpose, trace or sum) multiplies nothing; three or more are contracted
 * pairwise in an order the equation does not fix, so their cost is unknown (NaN).
 */
export function einsumMacs(equation: string, shapes: MaybeShape[]): number {
  const lhs = equation.replace(/\s+/g, '').split('->')[0];
  const terms = lhs.split(',');
  if (terms.length !== shapes.length || terms.length === 0) return NaN;
  if (terms.length === 1) return 0;
  if (terms.length > 2) return NaN;
  const sizes = new Map<string, number>();
  let ellipsis: number[] = [];
  for (const [i, term] of terms.entries()) {
    const shape = shapes[i];
    if (!known(shape)) return NaN;
    const [before, after] = term.includes('...') ? term.split('...') : [term, undefined];
    const tail = after ?? '';
    const fixed = before.length + tail.length;
    if (after === undefined ? fixed !== shape.length : fixed > shape.length) return NaN;
    const middle = after === undefined ? [] : shape.slice(before.length, shape.length - tail.length);
    ellipsis = broadcast(ellipsis, middle);
    const labels = [...before, ...tail];
    const dims = [...shape.slice(0, before.length), ...shape.slice(shape.length - tail.length)];
    for (const [j, label] of labels.entries()) {
      const seen = sizes.get(label);
      // A label of size 1 broadcasts against the other operand's size.
      sizes.set(label, seen === undefined || seen === 1 ? dims[j] : dims[j] === 1 || dims[j] === seen ? seen : NaN);
    }
  }
  let macs = ellipsis.reduce((p, d) => p * d, 1);
  for (const size of sizes.values()) macs *= size;
  return macs;
}
