import type { Shape } from '../../../../graph/types.js';
import { ShapeError, showShape } from './types.js';

/** numpy broadcasting of shapes; an unknown dimension against d > 1 is d, against 1 unknown. */
export function broadcast(shapes: (Shape | null)[]): Shape | null {
  if (shapes.some((s) => s === null)) return null;
  const known = shapes as Shape[];
  const rank = Math.max(0, ...known.map((s) => s.length));
  const out: (number | null)[] = [];
  for (let i = 0; i < rank; i++) {
    let d: number | null = 1;
    let open = false;
    for (const s of known) {
      const x = s[s.length - rank + i];
      if (x === undefined || x === 1) continue;
      if (x === null) {
        open = true;
        continue;
      }
      if (d !== 1 && d !== x) throw new ShapeError(`shapes ${known.map(showShape).join(' and ')} do not broadcast`);
      d = x;
    }
    out.push(d === 1 && open ? null : d);
  }
  return out;
}

/** Element-wise values of small known operands (shape arithmetic): same length, or a scalar against a vector. */
export function combine(values: (number[] | undefined)[], f: (...xs: number[]) => number): number[] | undefined {
  if (values.some((v) => v === undefined)) return undefined;
  const vs = values as number[][];
  const n = Math.max(...vs.map((v) => v.length));
  if (n > 64 || vs.some((v) => v.length !== n && v.length !== 1)) return undefined;
  return Array.from({ length: n }, (_, i) => f(...vs.map((v) => (v.length === 1 ? v[0] : v[i]))));
}
