/** `dnarch engines --format json`: the inference engines this machine has. zod only. */
import { z } from 'zod';
import { SchemaVersionSchema } from '../analysis/report-schema.js';

export const EngineStatusSchema = z
  .strictObject({
    name: z.string(),
    description: z.string(),
    available: z.boolean(),
    version: z.string().optional().describe('Installed version of the package behind the engine.'),
    reason: z.string().optional().describe('Why it is unavailable, or a caveat when it is available.'),
  })
  .meta({ id: 'EngineStatus' });

export const EnginesOutputSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  engines: z.array(EngineStatusSchema),
});

export type EngineStatus = z.infer<typeof EngineStatusSchema>;
export type EnginesOutput = z.infer<typeof EnginesOutputSchema>;
