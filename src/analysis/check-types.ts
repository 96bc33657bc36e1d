/**
 * The CheckReport (`dnarch check --format json`) as zod schemas, for the TypeScript types and
 * the published JSON Schema. zod only, no TensorFlow.js.
 */
import { z } from 'zod';
import { BUDGET_METRICS } from './budget-defs.js';
import { Count, SchemaVersionSchema } from './report-schema.js';

export const BudgetMetricSchema = z.enum(BUDGET_METRICS);

export const BudgetResultSchema = z
  .strictObject({
    metric: BudgetMetricSchema,
    option: z.string().describe('The command-line option that sets it, e.g. "--max-macs".'),
    unit: z.enum(['count', 'bytes', 'ms']).describe('count (params, MACs, FLOPs), bytes (weights, peak activations) or ms (latency).'),
    value: z.number().describe('The measured value; a lower bound when lowerBound is true.'),
    limit: z.number().nonnegative(),
    headroom: z.number().describe('limit - value: negative when over budget.'),
    headroomPct: z.number().nullable().describe('headroom as a percentage of the limit; null when the limit is 0.'),
    status: z
      .enum(['pass', 'fail', 'unknown'])
      .describe(
        'pass: value <= limit. fail: value > limit. unknown: the value is a lower bound (some layer has no cost handler) within the limit, so the budget may or may not hold; dnarch check counts it as a failure.',
      ),
    lowerBound: z.boolean(),
    note: z.string().optional(),
  })
  .meta({ id: 'BudgetResult' });
export type BudgetResult = z.infer<typeof BudgetResultSchema>;

export const CheckReportSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  model: z.strictObject({ name: z.string(), source: z.string() }),
  complete: z.boolean().describe('False when some layer has no cost handler: MACs and FLOPs are then lower bounds.'),
  unsupported: z.array(z.strictObject({ className: z.string(), layers: Count })),
  unknownCost: Count.optional().describe('Layers whose cost is unknown because their shapes are not known (open input sizes: --input-size or --input-shape sizes them; the constants of a graph model whose shards are missing).'),
  latency: z
    .strictObject({
      engine: z.string(),
      batch: z.int().positive(),
      runs: z.int().positive(),
      weights: z.enum(['seeded', 'file']).describe("Whose weights were timed: the file's own, or seeded random ones (zoo models, files without weights or whose shards are missing)."),
      statistic: z.literal('p50'),
    })
    .optional()
    .describe('How latency was measured, when a latency budget was given.'),
  budgets: z.array(BudgetResultSchema),
  passed: z.boolean().describe('True when every budget passed (none failed, none unknown).'),
});
export type CheckReport = z.infer<typeof CheckReportSchema>;
