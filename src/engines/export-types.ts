import { z } from 'zod';

/** What `dnarch export --format json` prints: what was written, and from which weights. */

const Bytes = z.number().int().nonnegative();

export const OnnxExportInfoSchema = z
  .strictObject({
    file: z.string(),
    bytes: Bytes,
    irVersion: z.number().int(),
    opset: z.number().int().nullable().describe('Opset version of the default ONNX domain.'),
    nodes: z.number().int().nonnegative(),
    opTypes: z.record(z.string(), z.number().int()).describe('Node count per ONNX op type, most frequent first.'),
  })
  .meta({ id: 'OnnxExportInfo' });

export const TfjsExportInfoSchema = z
  .strictObject({
    dir: z.string(),
    files: z.array(z.strictObject({ name: z.string(), bytes: Bytes })).describe('model.json, then the weight shards in order.'),
    weights: z.number().int().nonnegative().describe('Weight tensors in the manifest.'),
    weightBytes: Bytes,
  })
  .meta({ id: 'TfjsExportInfo' });

export const ExportResultSchema = z
  .strictObject({
    schemaVersion: z.literal(1),
    model: z.string().describe('The zoo name or the model file as given.'),
    source: z.enum(['zoo', 'file']),
    params: z.number().int().nonnegative().describe('Parameters of the exported model (all weights, trainable or not).'),
    weights: z
      .strictObject({
        kind: z.enum(['seeded', 'file']).describe("'seeded': deterministic random values; 'file': the model file's own."),
        seed: z.number().int().optional(),
      }),
    onnx: OnnxExportInfoSchema.optional(),
    tfjs: TfjsExportInfoSchema.optional(),
    notes: z.array(z.string()).describe('What a reader of the exported files needs to know (layers some runtimes cannot load).'),
  })
  .meta({ id: 'ExportResult' });

export type OnnxExportInfo = z.infer<typeof OnnxExportInfoSchema>;
export type TfjsExportInfo = z.infer<typeof TfjsExportInfoSchema>;
export type ExportResult = z.infer<typeof ExportResultSchema>;
