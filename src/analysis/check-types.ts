import { z } from 'zod';
import { BUDGET_METRICS } from './budget-defs.js';

export const BudgetMetricSchema = z.enum(BUDGET_METRICS);

export const BudgetResultSchema = z.object({
  metric: BudgetMetricSchema,
  /** The command-line option that sets it, e.g. "--max-macs". */
  option: z.string(),
  /** count (params, MACs, FLOPs), bytes, or ms. */
  unit: z.enum(['count', 'bytes', 'ms']),
  /** The measured value; a lower bound when `lowerBound` is true. */
  value: z.number(),
  limit: z.number(),
  /** limit - value: negative when over budget. */
  headroom: z.number(),
  /** headroom as a percentage of the limit; null when the limit is 0. */
  headroomPct: z.number().nullable(),
  /**
   * pass: value <= limit. fail: value > limit. unknown: the value is only a lower bound
   * (the model has layers dnarch cannot cost) and it is within the limit, so the budget may or
   * may not hold; `dnarch check` counts unknown as a failure.
   */
  status: z.enum(['pass', 'fail', 'unknown']),
  lowerBound: z.boolean(),
  note: z.string().optional(),
});
export type BudgetResult = z.infer<typeof BudgetResultSchema>;

export const CheckReportSchema = z.object({
  schemaVersion: z.literal(1),
  model: z.object({ name: z.string(), source: z.string() }),
  /** False when some layer has no cost handler: MACs and FLOPs are then lower bounds. */
  complete: z.boolean(),
  unsupported: z.array(z.object({ className: z.string(), layers: z.number().int() })),
  /** How latency was measured, when a latency budget was given. */
  latency: z.object({ engine: z.string(), batch: z.number().int(), runs: z.number().int(), statistic: z.literal('p50') }).optional(),
  budgets: z.array(BudgetResultSchema),
  /** True when every budget passed (none failed, none unknown). */
  passed: z.boolean(),
});
export type CheckReport = z.infer<typeof CheckReportSchema>;
