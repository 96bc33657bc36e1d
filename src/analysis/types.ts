/**
 * The ModelReport's TypeScript types, inferred from the zod schemas in report-schema.ts (the
 * one definition, also published as JSON Schema by `dnarch schema`). Type-only imports: code
 * that needs these types does not load zod.
 */
import type { z } from 'zod';
import type {
  LayerReportSchema,
  MisalignedMergeSchema,
  ModelReportSchema,
  ModuleSavingsSchema,
  ParamCountSchema,
  ReceptiveFieldSchema,
  SavingsSchema,
  SavingsSiteSchema,
  SiteCostSchema,
  SiteKindSchema,
  TotalsSchema,
} from './report-schema.js';

/** Version of every `--format json` document; bumped only on breaking changes. */
export const SCHEMA_VERSION = 1;

export type ParamCount = z.infer<typeof ParamCountSchema>;
export type LayerReport = z.infer<typeof LayerReportSchema>;
/**
 * Receptive field of a layer's output in input pixels, per spatial axis (height, width;
 * one axis for 1D), as defined by Araujo, Norris & Sim, Distill 2019: size r, effective
 * stride S and effective padding P.
 */
export type ReceptiveField = z.infer<typeof ReceptiveFieldSchema>;
/** A merge (Add, Concatenate, ...) whose inputs' fields have different strides or centres. */
export type MisalignedMerge = z.infer<typeof MisalignedMergeSchema>;
export type SiteCost = z.infer<typeof SiteCostSchema>;
export type SiteKind = z.infer<typeof SiteKindSchema>;
/**
 * A bottleneck site: a maximal chain of convolutions that one plain k x k convolution
 * would do in a single step, with what that single convolution would cost.
 */
export type SavingsSite = z.infer<typeof SavingsSiteSchema>;
export type ModuleSavings = z.infer<typeof ModuleSavingsSchema>;
export type Savings = z.infer<typeof SavingsSchema>;
export type Totals = z.infer<typeof TotalsSchema>;
export type ModelReport = z.infer<typeof ModelReportSchema>;
