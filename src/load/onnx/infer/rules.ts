/** The one registry of shape rules, keyed by op type of the default (ai.onnx) domain. */
import { CONTROL_FLOW_RULES } from './control-flow.js';
import { CONV_RULES } from './conv.js';
import { EINSUM_RULES } from './einsum.js';
import { ELEMENTWISE_RULES } from './elementwise.js';
import { GATHER_RULES } from './gather.js';
import { MATMUL_RULES } from './matmul.js';
import { NORMALIZATION_RULES } from './normalization.js';
import { POOL_RULES } from './pool.js';
import { QUANTIZE_RULES } from './quantize.js';
import { RECURRENT_RULES } from './recurrent.js';
import { REDUCE_RULES } from './reduce.js';
import { RESHAPE_RULES } from './reshape.js';
import { RESIZE_RULES } from './resize.js';
import { SHAPE_OP_RULES } from './shape-ops.js';
import { SLICE_RULES } from './slice.js';
import type { InferRule } from './types.js';
import { UNARY_RULES } from './unary.js';

/** Every family's entries, in one list so that a test can check no op is registered twice. */
export const RULE_ENTRIES: readonly (readonly [string, InferRule])[] = [
  ...UNARY_RULES,
  ...NORMALIZATION_RULES,
  ...ELEMENTWISE_RULES,
  ...CONV_RULES,
  ...POOL_RULES,
  ...MATMUL_RULES,
  ...EINSUM_RULES,
  ...RECURRENT_RULES,
  ...RESHAPE_RULES,
  ...SLICE_RULES,
  ...GATHER_RULES,
  ...SHAPE_OP_RULES,
  ...REDUCE_RULES,
  ...RESIZE_RULES,
  ...QUANTIZE_RULES,
  ...CONTROL_FLOW_RULES,
];

// A Map, not an object: op types come from the file, and 'constructor' must find nothing.
export const SHAPE_RULES: ReadonlyMap<string, InferRule> = new Map(RULE_ENTRIES);
