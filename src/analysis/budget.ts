import { z } from 'zod';
import { ENGINE_NAMES, type EngineName } from '../engines/engine.js';
import { DnarchError } from '../errors.js';
import { BUDGET_DEFS, BUDGET_METRICS, budgetDef, type BudgetMetric } from './budget-defs.js';
import type { BudgetResult, CheckReport } from './check-types.js';
import { quantityFromJson, type QuantityKind } from './quantity.js';
import { type ModelReport, SCHEMA_VERSION } from './types.js';

/** Limits in base units: a count, bytes, or milliseconds. */
export type Budgets = Partial<Record<BudgetMetric, number>>;

/** Measured values in the same units; latency only when it was measured. */
export type Measured = Record<Exclude<BudgetMetric, 'latencyMs'>, number> & { latencyMs?: number };

// ---------------------------------------------------------------------------------------------
// The budget file (dnarch.budget.json)

const EXAMPLE: Record<QuantityKind, string> = { count: '"3.9G"', bytes: '"120MB"', ms: '"50ms"' };

const quantity = (kind: QuantityKind) =>
  z.union([z.number(), z.string()], { error: `expected a number or a string such as ${EXAMPLE[kind]}` }).transform((v, ctx) => {
    try {
      return quantityFromJson(v, kind);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });

const budgetKeys = Object.fromEntries(BUDGET_DEFS.map((d) => [d.fileKey, quantity(d.kind).optional()]));

export const BudgetFileSchema = z.strictObject({
  $schema: z.string().optional(),
  ...budgetKeys,
  /** How to measure maxLatencyMs; flags --engine, --batch, --runs override. */
  latency: z
    .strictObject({
      engine: z.enum(ENGINE_NAMES).optional(),
      batch: z.number().int().min(1).optional(),
      runs: z.number().int().min(1).optional(),
    })
    .optional(),
});

export interface BudgetFile {
  budgets: Budgets;
  latency: { engine?: EngineName; batch?: number; runs?: number };
}

/** "$.latency.runs", "$.maxMacs", "$" */
function jsonPath(path: PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const known = ['$schema', ...BUDGET_DEFS.map((d) => d.fileKey), 'latency'];
    const where = issue.path.length ? jsonPath(issue.path) : '$';
    const expected = issue.path.length ? 'engine, batch, runs' : known.join(', ');
    return `${where}: unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (expected one of ${expected})`;
  }
  return `${jsonPath(issue.path)}: ${issue.message}`;
}

/** Parses and validates a budget file's text; `file` names it in errors (exit 2). */
export function parseBudgetFile(text: string, file: string): BudgetFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DnarchError('BAD_INPUT', `--budget ${file}: not valid JSON: ${(e as Error).message}`);
  }
  const r = BudgetFileSchema.safeParse(json);
  if (!r.success) throw new DnarchError('BAD_INPUT', `--budget ${file}: ${issueText(r.error.issues[0])}`);
  const data = r.data as Record<string, unknown> & { latency?: BudgetFile['latency'] };
  const budgets: Budgets = {};
  for (const d of BUDGET_DEFS) if (typeof data[d.fileKey] === 'number') budgets[d.metric] = data[d.fileKey] as number;
  return { budgets, latency: { ...data.latency } };
}

/** Command-line limits win over the file's, budget by budget. */
export const mergeBudgets = (file: Budgets, flags: Budgets): Budgets => ({ ...file, ...flags });

// ---------------------------------------------------------------------------------------------
// Evaluation: pure, over measured values

/** What a report measures, in budget units. */
export function measuredFromReport(r: ModelReport): Measured {
  return {
    params: r.totals.params.total,
    macs: r.totals.macs,
    flops: r.totals.flops,
    weightBytes: Object.values(r.totals.weightBytes).reduce((s, b) => s + b, 0),
    activationPeakBytes: r.totals.activations.peakBytes,
  };
}

/**
 * MACs and FLOPs of a layer without a cost handler count as 0, so with such layers those
 * totals are lower bounds. Parameters, weight bytes and activations come from the weights
 * and shapes tfjs knows and stay exact.
 */
const LOWER_BOUND_WHEN_INCOMPLETE: ReadonlySet<BudgetMetric> = new Set(['macs', 'flops']);

/** One budget against one measured value. */
export function evaluateBudget(metric: BudgetMetric, value: number, limit: number, lowerBound: boolean): BudgetResult {
  const d = budgetDef(metric);
  const headroom = limit - value;
  const status = value > limit ? 'fail' : lowerBound ? 'unknown' : 'pass';
  const result: BudgetResult = {
    metric,
    option: d.option,
    unit: d.kind,
    value,
    limit,
    headroom,
    headroomPct: limit === 0 ? null : (headroom / limit) * 100,
    status,
    lowerBound,
  };
  if (status === 'unknown') result.note = 'a lower bound: some layers have no cost handler';
  return result;
}

export interface LatencyRun {
  engine: string;
  batch: number;
  runs: number;
  /** Whose weights were timed: the file's own, or seeded random ones (zoo models, files without usable weights). */
  weights: 'seeded' | 'file';
}

/** Every budget given, in the canonical order, against what was measured. */
export function evaluateBudgets(budgets: Budgets, measured: Measured, complete: boolean, openShapes = false): BudgetResult[] {
  const results: BudgetResult[] = [];
  for (const metric of BUDGET_METRICS) {
    const limit = budgets[metric];
    if (limit === undefined) continue;
    const value = measured[metric];
    if (value === undefined) throw new Error(`no measured value for ${metric}`);
    // Layers on open shapes have unknown outputs too: their activations are not counted either.
    const lowerBound = !complete && (LOWER_BOUND_WHEN_INCOMPLETE.has(metric) || (openShapes && metric === 'activationPeakBytes'));
    const result = evaluateBudget(metric, value, limit, lowerBound);
    if (result.status === 'unknown' && openShapes) result.note = 'a lower bound: some layers have no cost handler or open shapes';
    results.push(result);
  }
  return results;
}

/** The whole check of one model: its report, the budgets, and latency when it was measured. */
export function checkModel(r: ModelReport, budgets: Budgets, latency?: { ms: number; run: LatencyRun }): CheckReport {
  if (Object.keys(budgets).length === 0) {
    throw new DnarchError('BAD_OPTION', 'nothing to check: give a budget such as --max-macs 4G, or --budget dnarch.budget.json');
  }
  const measured = { ...measuredFromReport(r), ...(latency ? { latencyMs: latency.ms } : {}) };
  const unknownCost = r.unknownCost?.length ?? 0;
  const results = evaluateBudgets(budgets, measured, r.complete, unknownCost > 0);
  return {
    schemaVersion: SCHEMA_VERSION,
    model: { name: r.model.name, source: r.model.source },
    complete: r.complete,
    unsupported: r.unsupported.map((u) => ({ className: u.className, layers: u.layers.length })),
    ...(unknownCost > 0 ? { unknownCost } : {}),
    ...(latency ? { latency: { ...latency.run, statistic: 'p50' as const } } : {}),
    budgets: results,
    passed: results.every((b) => b.status === 'pass'),
  };
}

/** Why a check's totals are lower bounds: classes without a cost handler, layers on open shapes. */
function incompleteWhy(c: Pick<CheckReport, 'unsupported' | 'unknownCost'>): string {
  return [
    c.unsupported.length ? `no cost handler for ${c.unsupported.map((u) => u.className).join(', ')}` : '',
    c.unknownCost ? `${c.unknownCost} layer(s) whose shapes are not known (open input sizes take --input-size or --input-shape)` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The one-line reason `dnarch check` exits 1, or null when every budget passed. */
export function checkFailure(c: CheckReport): string | null {
  if (c.passed) return null;
  const failed = c.budgets.filter((b) => b.status === 'fail').map((b) => b.option);
  const unknown = c.budgets.filter((b) => b.status === 'unknown').map((b) => b.option);
  const parts = [
    failed.length ? `over budget: ${failed.join(', ')}` : '',
    unknown.length ? `cannot tell (totals are lower bounds; ${incompleteWhy(c)}): ${unknown.join(', ')}` : '',
  ].filter(Boolean);
  return `check failed: ${parts.join('; ')}`;
}
