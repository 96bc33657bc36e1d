/** `dnarch list --format json`: the zoo's architectures with their facts. zod only. */
import { z } from 'zod';
import { Count, SchemaVersionSchema } from '../analysis/report-schema.js';

export const ZooModelSchema = z
  .strictObject({
    name: z.string().describe('The name to pass to summarize, compare, ...'),
    aliases: z.array(z.string()).describe('Other names accepted for it.'),
    family: z.string(),
    year: z.int().describe('Year of the paper.'),
    paper: z.string().describe('Authors, title and arXiv id of the paper.'),
    inputSize: z.int().positive().describe('Default input height and width in pixels.'),
    params: Count.describe("Parameters at the default input size and classes, with the classifier."),
    macs: Count.describe("MACs at the default input size and classes, with the classifier."),
  })
  .meta({ id: 'ZooModel' });

export const ListOutputSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  models: z.array(ZooModelSchema),
});

export type ZooModel = z.infer<typeof ZooModelSchema>;
export type ListOutput = z.infer<typeof ListOutputSchema>;
