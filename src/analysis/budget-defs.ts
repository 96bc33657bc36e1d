import type { QuantityKind } from './quantity.js';

// Kept free of zod: the CLI builds its options from these at start-up.

/** The budgets `dnarch check` knows, in the order it reports them. */
export const BUDGET_METRICS = ['params', 'macs', 'flops', 'weightBytes', 'activationPeakBytes', 'latencyMs'] as const;
export type BudgetMetric = (typeof BUDGET_METRICS)[number];

/** One budget: the flag and budget-file key that set it, and the unit its values are in. */
export interface BudgetDef {
  metric: BudgetMetric;
  option: string;
  fileKey: string;
  kind: QuantityKind;
  label: string;
}

export const BUDGET_DEFS: readonly BudgetDef[] = [
  { metric: 'params', option: '--max-params', fileKey: 'maxParams', kind: 'count', label: 'Parameters' },
  { metric: 'macs', option: '--max-macs', fileKey: 'maxMacs', kind: 'count', label: 'MACs' },
  { metric: 'flops', option: '--max-flops', fileKey: 'maxFlops', kind: 'count', label: 'FLOPs' },
  { metric: 'weightBytes', option: '--max-weights-mb', fileKey: 'maxWeightsMb', kind: 'bytes', label: 'Weights' },
  { metric: 'activationPeakBytes', option: '--max-activation-mb', fileKey: 'maxActivationMb', kind: 'bytes', label: 'Peak activations' },
  { metric: 'latencyMs', option: '--max-latency-ms', fileKey: 'maxLatencyMs', kind: 'ms', label: 'Latency (p50)' },
];

export const budgetDef = (m: BudgetMetric): BudgetDef => BUDGET_DEFS.find((d) => d.metric === m)!;
