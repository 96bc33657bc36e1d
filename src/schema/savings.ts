/** `dnarch savings --format json`: the ModelReport's model and savings parts only. zod only. */
import { z } from 'zod';
import { ModelInfoSchema, SavingsSchema, SchemaVersionSchema } from '../analysis/report-schema.js';

export const SavingsOutputSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  model: ModelInfoSchema,
  savings: SavingsSchema,
});

export type SavingsOutput = z.infer<typeof SavingsOutputSchema>;
