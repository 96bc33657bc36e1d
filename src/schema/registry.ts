/**
 * Which command prints which JSON document: command name -> the zod schema of its
 * `--format json` output, with a title and a description for the published JSON Schema.
 * Adding a command is one line. Every schema module here must import zod only (never
 * TensorFlow.js): `dnarch schema` answers without building a model.
 */
import type { z } from 'zod';
import { CheckReportSchema } from '../analysis/check-types.js';
import { ComparisonSchema } from '../analysis/compare-schema.js';
import { ModelDiffSchema } from '../analysis/diff-types.js';
import { ModelReportSchema } from '../analysis/report-schema.js';
import { BenchReportSchema } from '../bench/types.js';
import { ExportResultSchema } from '../engines/export-types.js';
import { EnginesOutputSchema } from './engines.js';
import { ListOutputSchema } from './list.js';
import { PeaksOutputSchema } from './peaks.js';
import { SavingsOutputSchema } from './savings.js';

export interface OutputSchema {
  schema: z.ZodType;
  /** Name of the document type, e.g. "ModelReport". */
  title: string;
  description: string;
}

const out = (schema: z.ZodType, title: string, description: string): OutputSchema => ({ schema, title, description });

export const OUTPUT_SCHEMAS: Readonly<Record<string, OutputSchema>> = {
  list: out(ListOutputSchema, 'ZooList', 'dnarch list --format json: the architectures dnarch can build, with their published facts.'),
  summarize: out(ModelReportSchema, 'ModelReport', 'dnarch summarize --format json: per-layer and total parameters, MACs, FLOPs, memory, receptive fields and bottleneck savings of one model.'),
  compare: out(ComparisonSchema, 'Comparison', 'dnarch compare --format json: models side by side, one row per metric, with ratios against the first model and a reading.'),
  savings: out(SavingsOutputSchema, 'SavingsReport', "dnarch savings --format json: a model's bottleneck sites and what they save (the ModelReport's model and savings parts)."),
  check: out(CheckReportSchema, 'CheckReport', 'dnarch check --format json: each budget against the measured value, with headroom and pass / fail / unknown.'),
  diff: out(ModelDiffSchema, 'ModelDiff', 'dnarch diff --format json: two models layer by layer (added, removed, changed by name) with totals and savings deltas.'),
  bench: out(BenchReportSchema, 'BenchReport', 'dnarch bench --format json: inference latency, throughput and memory per engine and batch size, with the settings used.'),
  engines: out(EnginesOutputSchema, 'Engines', 'dnarch engines --format json: the inference engines this machine has, and why not when not.'),
  peaks: out(PeaksOutputSchema, 'Peaks', "dnarch peaks --format json: this machine's measured compute peak and memory bandwidth on onnxruntime (the roofs of bench --profile)."),
  export: out(ExportResultSchema, 'ExportResult', 'dnarch export --format json: the files written (ONNX, tfjs layers-model) and from which weights.'),
};

/** Command names with a published schema, in registry order. */
export const schemaCommands = (): string[] => Object.keys(OUTPUT_SCHEMAS);
