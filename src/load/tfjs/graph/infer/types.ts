import type { Shape } from '../../../../graph/types.js';
import type { TfNode } from '../model-json.js';

/**
 * What shape inference knows of one tensor of a graph model: its whole shape (the batch an
 * ordinary dimension; a null dimension unknown, a null shape not even the rank), and its
 * values when they are known before the model runs (constants read from the shards, and
 * what shape arithmetic makes of them).
 */
export interface Fact {
  shape: Shape | null;
  value?: number[];
  /** TensorFlow dtype name (DT_FLOAT, DT_INT32, ...) when known. */
  dtype?: string;
}

export const UNKNOWN: Fact = { shape: null };

/** The inputs of a node cannot be valid for its op: a one-line reason, without the node's name. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export interface RuleContext {
  node: TfNode;
  /** Facts of the node's data inputs, by position. */
  inputs: Fact[];
  /**
   * The values of input i, or undefined when they are not known. A value that a constant
   * holds in shards that are not there is recorded, to say why shapes are unknown.
   */
  value(i: number): number[] | undefined;
  /** The values of input i when known, for passing values on: a missing one is not recorded. */
  known(i: number): number[] | undefined;
}

/** One op's rule: one fact per output the node has (more are read as unknown). */
export type Rule = (c: RuleContext) => Fact[];

/** Most elements a tensor may have (2^40): beyond, the shape is absurd and refused. */
export const MAX_ELEMENTS = 2 ** 40;

export const showShape = (s: Shape | null): string => (s === null ? '[?]' : `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]`);

/** Checks that a shape is one a tensor can have: dimensions 0 or more, not absurdly many elements. */
export function checkShape(s: Shape | null): Shape | null {
  if (s === null) return s;
  let n = 1;
  for (const d of s) {
    if (d === null) continue;
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`its output would have shape ${showShape(s)}: a dimension below 0`);
    n *= d;
  }
  if (n > MAX_ELEMENTS) throw new ShapeError(`its output would have shape ${showShape(s)}: more than 2^40 elements`);
  return s;
}
