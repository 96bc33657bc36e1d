/** `dnarch peaks --format json`: this machine's measured roofs. zod only. */
import { z } from 'zod';
import { SchemaVersionSchema } from '../analysis/report-schema.js';
import { PeaksSchema } from '../bench/types.js';

export const PeaksOutputSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  peaks: PeaksSchema,
  ridge: z.number().positive().describe('Ridge point of the roofline: gflops / gbPerS, in FLOPs per byte.'),
  cacheFile: z.string().describe('Where the peaks are kept (per user; bench --profile reads them from there).'),
});

export type PeaksOutput = z.infer<typeof PeaksOutputSchema>;
