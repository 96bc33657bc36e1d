/**
 * The ModelReport (`dnarch summarize --format json`) as zod schemas: the one definition the
 * TypeScript types (types.ts, by z.infer) and the published JSON Schema (src/schema/) come
 * from. zod only: the schema command must answer without loading TensorFlow.js.
 *
 * Objects are strict (additionalProperties: false in the JSON Schema), so a field added to
 * the output without being added here fails the schema tests instead of going unpublished.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from './types.js';

/**
 * A count (params, MACs, bytes, layers): a whole number >= 0, with no upper bound. Counts up
 * to 2^53 (9.0e15) are exact; a larger one (a 1000x1000 kernel over a 10000x10000x100 input
 * has 1e16 MACs) is the nearest double, still a whole number. zod's z.int() would cap it at
 * Number.MAX_SAFE_INTEGER, and the published schema with it, so a true count broke the
 * schema; the JSON Schema type stays "integer".
 */
export const Count = z.number().nonnegative().multipleOf(1).meta({ type: 'integer' });

export const SchemaVersionSchema = z
  .literal(SCHEMA_VERSION)
  .describe('Version of this JSON format; bumped only on breaking changes (a field removed, renamed or retyped).');

export const ShapeSchema = z
  .array(z.int().nonnegative().nullable())
  .describe('A tensor shape; null where the size is not fixed (the batch axis first, as in Keras).')
  .meta({ id: 'Shape' });

export const OutputShapeSchema = z
  .union([ShapeSchema, z.array(ShapeSchema.nullable())])
  .nullable()
  .describe('Output shape; several when the layer has several outputs; null where even the rank is unknown.')
  .meta({ id: 'OutputShape' });

export const ParamCountSchema = z
  .strictObject({
    total: Count,
    trainable: Count,
    nonTrainable: Count,
  })
  .meta({ id: 'ParamCount' });

export const ReceptiveFieldSchema = z
  .strictObject({
    size: z.array(z.number()).describe('Size r in input pixels, per spatial axis (height, width; one axis for 1D).'),
    stride: z.array(z.number()).describe('Effective stride S, per spatial axis.'),
    padding: z.array(z.number()).describe('Effective padding P, per spatial axis.'),
    global: z.boolean().optional().describe('True after global pooling / flatten / dense: every output sees the whole input.'),
  })
  .describe(
    "Receptive field of a layer's output in input pixels, per spatial axis, as defined by Araujo, Norris & Sim, Distill 2019.",
  )
  .meta({ id: 'ReceptiveField' });

export const LayerReportSchema = z
  .strictObject({
    name: z.string(),
    className: z.string(),
    outputShape: OutputShapeSchema,
    params: ParamCountSchema,
    macs: Count,
    flops: Count,
    activationBytes: Count.describe("Bytes of this layer's outputs for batch 1 at float32."),
    inbound: z.array(z.string()),
    block: z.array(z.string()).describe('Stage / block / module path, outermost first.'),
    supported: z.boolean().describe('False when no cost handler knows this class (its MACs and FLOPs are then 0).'),
    unknownCost: z
      .literal(true)
      .optional()
      .describe('Set when the class has a cost handler but the shapes it needs are open (an input size not given): its MACs and FLOPs are unknown, shown as 0 here.'),
    note: z.string().optional().describe('Why the cost is missing or partial, when it is.'),
    receptiveField: ReceptiveFieldSchema.nullable().describe(
      "Receptive field of this layer's output; null when it cannot be known (see the note).",
    ),
  })
  .meta({ id: 'LayerReport' });

export const MisalignedMergeSchema = z
  .strictObject({
    layer: z.string(),
    inputs: z.array(z.string()),
    reason: z.string(),
  })
  .describe("A merge (Add, Concatenate, ...) whose inputs' fields have different strides or centres.")
  .meta({ id: 'MisalignedMerge' });

export const SiteCostSchema = z.strictObject({ macs: Count, params: Count }).meta({ id: 'SiteCost' });

export const SiteKindSchema = z
  .enum(['depthwise-separable', 'reduction', 'bottleneck', 'factorized', 'reduced-factorized'])
  .meta({ id: 'SiteKind' });

export const SavingsSiteSchema = z
  .strictObject({
    kind: SiteKindSchema,
    layers: z.array(z.string()).describe('The convolution layers of the chain, in order (BN / activations between are not listed).'),
    module: z.string().describe('The module (outermost block) the chain belongs to.'),
    kernel: z.array(z.int().positive()).describe('Kernel of the counterfactual convolution, per spatial axis.'),
    input: z.array(z.int().nonnegative()).describe('Chain input [...spatial, channels].'),
    output: z.array(z.int().nonnegative()).describe('Chain output [...spatial, channels].'),
    actual: SiteCostSchema.describe("Kernels and biases of the chain's convolutions (BatchNormalization excluded on both sides)."),
    counterfactual: SiteCostSchema.describe('One plain k x k convolution from the chain input width to its output width.'),
    ratio: z.number().describe('counterfactual.macs / actual.macs.'),
  })
  .describe(
    'A bottleneck site: a maximal chain of convolutions that one plain k x k convolution would do in a single step, with what that single convolution would cost.',
  )
  .meta({ id: 'SavingsSite' });

export const ModuleSavingsSchema = z
  .strictObject({
    module: z.string(),
    sites: Count,
    actual: SiteCostSchema,
    counterfactual: SiteCostSchema,
    ratio: z.number(),
  })
  .meta({ id: 'ModuleSavings' });

export const SavingsTotalSchema = z
  .strictObject({
    sites: Count,
    actual: SiteCostSchema,
    counterfactual: SiteCostSchema,
    modelMacs: Count.describe('MACs of the model as it is.'),
    modelMacsWithout: Count.describe('MACs of the model with every site replaced by its counterfactual.'),
    modelRatio: z.number().describe('modelMacsWithout / modelMacs.'),
  })
  .meta({ id: 'SavingsTotal' });

export const SavingsSchema = z
  .strictObject({
    sites: z.array(SavingsSiteSchema),
    modules: z.array(ModuleSavingsSchema),
    total: SavingsTotalSchema,
  })
  .meta({ id: 'Savings' });

export const ConstantCountSchema = z.strictObject({ tensors: Count, elements: Count }).meta({ id: 'ConstantCount' });

export const TotalsSchema = z
  .strictObject({
    params: ParamCountSchema,
    weightBytes: z.record(z.string(), Count).describe('Bytes of weights per dtype, e.g. { "float32": 102546848 }.'),
    macs: Count,
    flops: Count,
    activations: z.strictObject({
      sumBytes: Count.describe("Sum of every layer's output bytes (batch 1, float32)."),
      peakBytes: Count.describe('Largest set of tensors alive at once when layers run in topological order.'),
      peakAt: z.string().describe('The layer at whose step the peak happens.'),
    }),
    depth: Count.describe('Layers that own weights (the keras.io "Depth" column).'),
    layers: Count.describe('All layers, InputLayer included, as len(model.layers).'),
    receptiveField: ReceptiveFieldSchema.nullable().describe(
      'Receptive field of the last spatial layer before global pooling / flatten.',
    ),
    paramsByDtype: z
      .record(z.string(), Count)
      .optional()
      .describe('Op-level graphs: parameters per stored dtype, e.g. { "int8": 2574552, "int32": 7970 } for a quantized model.'),
    constants: z
      .strictObject({
        config: ConstantCountSchema.describe('Constants that configure ops: shapes, axes, pads, sizes, Resize scales, Clip bounds.'),
        quantization: ConstantCountSchema.describe('Scales and zero points of quantized tensors.'),
      })
      .optional()
      .describe('Op-level graphs: stored tensors that are not parameters, reported apart.'),
  })
  .meta({ id: 'Totals' });

export const ModelInfoSchema = z
  .strictObject({
    name: z.string(),
    source: z.string().describe("'zoo' for built-in architectures, else the model file."),
    family: z.string().optional(),
    inputShapes: z.array(ShapeSchema.nullable()),
    options: z.record(z.string(), z.unknown()).optional().describe('Build options of a zoo model (input size, classes, top, ...).'),
    format: z
      .strictObject({
        name: z.string().describe("The file's format, e.g. 'onnx'."),
        details: z.record(z.string(), z.string()).describe('What the file says of itself: producer, opsets, IR version, ...'),
      })
      .optional()
      .describe('Model files: the format detected (by content) and its own description.'),
    wholeShapes: z
      .literal(true)
      .optional()
      .describe('Op-level graphs (ONNX): shapes are whole tensors, the batch included as an ordinary dimension.'),
  })
  .meta({ id: 'ModelInfo' });

export const ModelReportSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  model: ModelInfoSchema,
  engine: z.strictObject({ analysis: z.string(), note: z.string() }).describe('How the numbers were obtained.'),
  conventions: z.record(z.string(), z.string()).describe('What MACs, FLOPs, receptive field and savings mean here.'),
  layers: z.array(LayerReportSchema),
  totals: TotalsSchema,
  unsupported: z
    .array(z.strictObject({ className: z.string(), layers: z.array(z.string()) }))
    .describe('Class names no cost handler knows, with the layers of each.'),
  unknownCost: z
    .array(z.string())
    .optional()
    .describe('Layers whose cost is unknown because their shapes are not known (open input sizes: --input-size or --input-shape sizes them; the constants of a graph model whose shards are missing).'),
  complete: z.boolean().describe('False when some layer\'s cost is unknown: totals are then lower bounds.'),
  misalignedMerges: z.array(MisalignedMergeSchema),
  savings: SavingsSchema,
  notes: z
    .array(z.string())
    .optional()
    .describe('What the reader assumed or could not do: the batch taken for a symbolic dimension, sizes still needed, ops it could not follow.'),
});
