/**
 * The Comparison (`dnarch compare --format json`) as zod schemas; compare.ts infers its types
 * from them and src/schema/ publishes them as JSON Schema. zod only, no TensorFlow.js.
 */
import { z } from 'zod';
import { SchemaVersionSchema, ShapeSchema, SavingsTotalSchema, SiteKindSchema, TotalsSchema } from './report-schema.js';

export const DirectionSchema = z
  .enum(['lower', 'higher'])
  .nullable()
  .describe('Which way a row improves; null when neither way is "better" (depth, input size, ...).');

export const UnitSchema = z.enum(['params', 'bytes', 'macs', 'flops', 'layers', 'pixels', 'sites', 'ratio']);

export const MetricSchema = z.enum([
  'params',
  'weights',
  'macs',
  'flops',
  'peakActivations',
  'depth',
  'layers',
  'input',
  'receptiveField',
  'bottleneckSites',
  'macsWithoutBottlenecks',
  'savedByBottlenecks',
]);

export const CellValueSchema = z.union([z.number(), z.string(), z.null()]);

export const ComparedModelSchema = z
  .strictObject({
    label: z.string().describe('Column heading: unique among the compared models.'),
    name: z.string().describe("The report's model name (Keras' name for zoo models)."),
    source: z.string(),
    inputShapes: z.array(ShapeSchema.nullable()),
    wholeShapes: z.literal(true).optional().describe('Op-level graphs (ONNX): input shapes are whole tensors, layout unknown.'),
    totals: TotalsSchema,
    savings: SavingsTotalSchema,
    sitesByKind: z
      .partialRecord(SiteKindSchema, z.int().nonnegative())
      .describe('Bottleneck sites by kind, kinds in order of first appearance.'),
    complete: z.boolean().describe('False when some layer has no cost handler: its MACs and FLOPs are lower bounds.'),
  })
  .meta({ id: 'ComparedModel' });

export const ComparisonRowSchema = z
  .strictObject({
    metric: MetricSchema,
    label: z.string().describe('Row heading for people.'),
    unit: UnitSchema,
    direction: DirectionSchema,
    values: z
      .array(CellValueSchema)
      .describe('One per model, in the order given. Input and receptive field are text ("299x299", "1311/32/618").'),
    ratios: z
      .array(z.number().nullable())
      .describe("value / the first model's value, for rows where that means something; else null."),
    best: z
      .int()
      .nonnegative()
      .nullable()
      .describe('Index of the best model in this row; null when the row has no direction or no model stands out.'),
  })
  .meta({ id: 'ComparisonRow' });

export const ComparisonSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  models: z.array(ComparedModelSchema),
  rows: z.array(ComparisonRowSchema),
  reading: z.array(z.string()).describe('Sentences that read the rows: size against compute, where the compute goes, receptive fields.'),
});
