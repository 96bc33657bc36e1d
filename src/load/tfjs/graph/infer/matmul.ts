import type { Shape } from '../../../../graph/types.js';
import { broadcast } from './broadcast.js';
import { checkShape, ShapeError, showShape, type Fact, type Rule } from './types.js';

/**
 * MatMul and _FusedMatMul (rank 2, transpose_a / transpose_b), BatchMatMul and
 * BatchMatMulV2 (batch dimensions broadcast in V2, adj_x / adj_y).
 */

/** The operand as multiplied: its last two axes swapped when `t`. */
export const oriented = (s: Shape | null, t: boolean): Shape | null => (s && t && s.length >= 2 ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s);

export const matmul = (batched: boolean): Rule => (c): Fact[] => {
  const [ta, tb] = batched ? ['adj_x', 'adj_y'] : ['transpose_a', 'transpose_b'];
  const a = oriented(c.inputs[0]?.shape ?? null, c.node.attrs.bool(ta) ?? false);
  const b = oriented(c.inputs[1]?.shape ?? null, c.node.attrs.bool(tb) ?? false);
  if (a === null || b === null) return [{ shape: null }];
  if (a.length < 2 || b.length < 2 || (!batched && (a.length !== 2 || b.length !== 2))) {
    throw new ShapeError(`operands ${showShape(a)} and ${showShape(b)} are not ${batched ? 'batches of ' : ''}matrices`);
  }
  const k1 = a[a.length - 1];
  const k2 = b[b.length - 2];
  if (k1 !== null && k2 !== null && k1 !== k2) throw new ShapeError(`operands ${showShape(a)} and ${showShape(b)} do not multiply (${k1} vs ${k2})`);
  const batch = broadcast([a.slice(0, -2), b.slice(0, -2)]);
  return [{ shape: checkShape(batch === null ? null : [...batch, a[a.length - 2], b[b.length - 1]]) }];
};
