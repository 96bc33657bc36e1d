/**
 * Einsum: explicit ('ij,jk->ik') and implicit ('ij,jk': the labels that appear once, in
 * alphabetical order, after the broadcast ellipsis dims) outputs, with '...' broadcasting.
 */
import { getString } from './attributes.js';
import { broadcastShapes } from './broadcast.js';
import { type Dim, fact, need, quote, type Shape, showShape } from './facts.js';
import type { InferRule, TensorFact } from './types.js';
import { ShapeError } from './types.js';

interface Term {
  labels: string[];
  /** Position of '...' among the labels, or -1. */
  ellipsis: number;
}

const parseTerm = (text: string, equation: string): Term => {
  const labels: string[] = [];
  let ellipsis = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '.') {
      if (ellipsis !== -1 || text.slice(i, i + 3) !== '...') throw new ShapeError(`equation ${quote(equation)} has a misplaced '.'`);
      ellipsis = labels.length;
      i += 2;
    } else if (/^[a-zA-Z]$/.test(c)) {
      labels.push(c);
    } else {
      throw new ShapeError(`equation ${quote(equation)} has the character ${quote(c)}`);
    }
  }
  return { labels, ellipsis };
};

/** The ellipsis dims of one operand; null when its rank is unknown. */
const ellipsisDims = (t: Term, f: TensorFact, i: number, equation: string): Shape | null => {
  if (f.shape === null) return null;
  const extra = f.shape.length - t.labels.length;
  if (extra < 0 || (t.ellipsis === -1 && extra !== 0)) {
    throw new ShapeError(`operand ${i} of shape ${showShape(f.shape)} does not fit term ${quote(equation.split('->')[0].split(',')[i])}`);
  }
  return t.ellipsis === -1 ? [] : f.shape.slice(t.ellipsis, t.ellipsis + extra);
};

const einsum: InferRule = (node, inputs) => {
  const equation = getString(node, 'equation');
  if (equation === undefined) throw new ShapeError('attribute "equation" is missing');
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow === -1 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(',').map((t) => parseTerm(t, equation));
  if (terms.length !== node.input.length) {
    throw new ShapeError(`equation ${quote(equation)} has ${terms.length} operands, the node ${node.input.length}`);
  }
  const ops = terms.map((_, i) => need(inputs, i, `operand ${i}`));
  // Per label: its size when some operand knows one other than 1 (size-1 dims broadcast, as in
  // numpy and PyTorch), and whether some operand leaves it unknown.
  const sizes = new Map<string, { known: number | null; unknown: boolean }>();
  const counts = new Map<string, number>();
  const ell: (Shape | null)[] = [];
  terms.forEach((t, i) => {
    const dims = ellipsisDims(t, ops[i], i, equation);
    ell.push(dims);
    const extra = dims?.length ?? 0;
    t.labels.forEach((l, j) => {
      counts.set(l, (counts.get(l) ?? 0) + 1);
      const shape = ops[i].shape;
      const d = shape === null ? null : shape[t.ellipsis !== -1 && j >= t.ellipsis ? j + extra : j];
      const s = sizes.get(l) ?? { known: null, unknown: false };
      if (d === null) s.unknown = true;
      else if (d !== 1) {
        if (s.known !== null && s.known !== d) throw new ShapeError(`label '${l}' is ${s.known} in one operand and ${d} in operand ${i}`);
        s.known = d;
      }
      sizes.set(l, s);
    });
  });
  const usesEllipsis = terms.some((t) => t.ellipsis !== -1);
  const ellOut = usesEllipsis ? broadcastShapes(ell) : [];
  let out: Term;
  if (arrow !== -1) {
    out = parseTerm(eq.slice(arrow + 2), equation);
    const seen = new Set<string>();
    for (const l of out.labels) {
      if (!sizes.has(l)) throw new ShapeError(`output label '${l}' of ${quote(equation)} is in no operand`);
      if (seen.has(l)) throw new ShapeError(`output label '${l}' of ${quote(equation)} repeats`);
      seen.add(l);
    }
  } else {
    const once = [...counts].filter(([, c]) => c === 1).map(([l]) => l);
    // ASCII order, as numpy: upper case before lower case.
    out = { labels: once.sort(), ellipsis: usesEllipsis ? 0 : -1 };
  }
  const dtype = ops[0].dtype;
  if (out.ellipsis !== -1 && ellOut === null) return [fact(dtype, null)];
  const labelDims = out.labels.map((l): Dim => {
    const s = sizes.get(l);
    return s === undefined ? null : (s.known ?? (s.unknown ? null : 1));
  });
  const shape = out.ellipsis === -1 ? labelDims : [...labelDims.slice(0, out.ellipsis), ...(ellOut as Shape), ...labelDims.slice(out.ellipsis)];
  return [fact(dtype, shape)];
};

export const EINSUM_RULES: [string, InferRule][] = [['Einsum', einsum]];
