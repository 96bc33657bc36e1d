/**
 * The ModelDiff (`dnarch diff --format json`) as zod schemas, for the TypeScript types and the
 * published JSON Schema. zod only, no TensorFlow.js.
 */
import { z } from 'zod';
import { Count, OutputShapeSchema, ReceptiveFieldSchema, SchemaVersionSchema } from './report-schema.js';

export const NumberDeltaSchema = z
  .strictObject({
    a: z.number(),
    b: z.number(),
    delta: z.number().describe('b - a'),
    deltaPct: z.number().nullable().describe('(b - a) / a x 100; null when a is 0.'),
  })
  .meta({ id: 'NumberDelta' });
export type NumberDelta = z.infer<typeof NumberDeltaSchema>;


export const DiffModelSchema = z.strictObject({
  label: z.string().describe('As given on the command line (zoo name or path).'),
  name: z.string(),
  source: z.string(),
  complete: z.boolean().describe('False when some layer has no cost handler: its MACs and FLOPs are lower bounds.'),
  wholeShapes: z.literal(true).optional().describe("Op-level graphs (ONNX): this side's shapes are whole tensors, the batch an ordinary dimension."),
});

export const LayerBriefSchema = z
  .strictObject({
    name: z.string(),
    className: z.string(),
    outputShape: OutputShapeSchema,
    params: Count,
    macs: Count,
  })
  .meta({ id: 'LayerBrief' });
export type LayerBrief = z.infer<typeof LayerBriefSchema>;

export const ConfigChangeSchema = z
  .strictObject({
    key: z.string().describe("A key of the layer's tfjs config (camelCase), e.g. filters."),
    a: z.unknown().optional().describe('Its value in model a; absent when a has no such key.'),
    b: z.unknown().optional().describe('Its value in model b; absent when b has no such key.'),
  })
  .meta({ id: 'ConfigChange' });
export type ConfigChange = z.infer<typeof ConfigChangeSchema>;

const Pair = <T extends z.ZodType>(t: T) => z.strictObject({ a: t, b: t });

export const LayerChangeSchema = z
  .strictObject({
    name: z.string().describe('Layers are matched by name.'),
    className: Pair(z.string()).optional(),
    config: z.array(ConfigChangeSchema).describe("Config keys whose values differ (the layer's name excluded)."),
    outputShape: Pair(OutputShapeSchema).optional(),
    inbound: Pair(z.array(z.string())).optional().describe('The layers it reads, when they differ.'),
    params: NumberDeltaSchema.optional(),
    macs: NumberDeltaSchema.optional(),
    receptiveField: Pair(ReceptiveFieldSchema.nullable()).optional(),
  })
  .describe('A layer present in both models that differs in any of these; fields that are equal are left out.')
  .meta({ id: 'LayerChange' });
export type LayerChange = z.infer<typeof LayerChangeSchema>;

export const DIFF_TOTALS = ['params', 'macs', 'flops', 'weightBytes', 'activationPeakBytes', 'activationSumBytes', 'depth', 'layers'] as const;

export const ModelDiffSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  a: DiffModelSchema,
  b: DiffModelSchema,
  identical: z.boolean().describe('No layer added, removed or changed, and equal totals.'),
  totals: z.strictObject(Object.fromEntries(DIFF_TOTALS.map((k) => [k, NumberDeltaSchema])) as Record<(typeof DIFF_TOTALS)[number], typeof NumberDeltaSchema>),
  savings: z
    .strictObject({
      sites: NumberDeltaSchema,
      savedMacs: NumberDeltaSchema.describe('MACs the bottleneck sites save: counterfactual - actual, model-wide.'),
      modelRatio: NumberDeltaSchema.describe('MACs without bottlenecks / MACs as built.'),
    })
    .describe('Bottleneck savings totals of each model.'),
  receptiveField: z
    .strictObject({ a: ReceptiveFieldSchema.nullable(), b: ReceptiveFieldSchema.nullable(), changed: z.boolean() })
    .describe('Receptive field of the last spatial layer of each model.'),
  layers: z.strictObject({
    added: z.array(LayerBriefSchema).describe('In b, not in a (by name), in b\'s order.'),
    removed: z.array(LayerBriefSchema).describe('In a, not in b, in a\'s order.'),
    changed: z.array(LayerChangeSchema).describe("In both, different, in b's order."),
    unchanged: Count,
  }),
});
export type ModelDiff = z.infer<typeof ModelDiffSchema>;
