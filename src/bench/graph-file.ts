import { analyzeOpened } from '../api.js';
import type { ModelReport } from '../analysis/types.js';
import type { GraphFileModel } from '../engines/graph-model.js';
import { detectFormat, openModelFile } from '../load/formats.js';
import type { InputShapeArg } from '../load/onnx/inputs.js';
import { resolveModelPath } from '../load/paths.js';

/** What bench takes from the analysis: the FLOPs and MACs per image, and the rows (for a profile). */
export type BenchAnalysis = Pick<ModelReport, 'complete' | 'layers'> & { totals: Pick<ModelReport['totals'], 'flops' | 'macs'> };

/**
 * A TensorFlow.js graph model made ready for bench: run as it is on the tfjs engines through
 * tfjs-converter (src/engines/graph-model.ts), analysed at batch 1 with the sizes asked
 * (--input-shape, --input-size), as `summarize` would. Undefined for files of other formats.
 *
 * The analysis is the graph reader's (src/load/tfjs/graph/, through openModelFile): a file it
 * refuses, bench refuses too.
 */

export async function loadGraphForBench(
  target: string,
  opts: { inputShapes?: InputShapeArg[]; inputSize?: [number, number]; batches?: number[]; seed?: number },
): Promise<{ model: GraphFileModel; report: BenchAnalysis; notes: string[] } | undefined> {
  const { file } = await resolveModelPath(target);
  const detected = await detectFormat(file);
  if (detected.name !== 'tfjs-graph') return undefined;
  const { graphFileModel } = await import('../engines/graph-model.js');
  const model = await graphFileModel(target, file, (await detected.sniff.json()) as Record<string, unknown>, opts);
  // The sizes as the user gave them: the analysis reads them as `summarize` does.
  const opened = await openModelFile(file, { inputShapes: opts.inputShapes, inputSize: opts.inputSize });
  return { model, report: analyzeOpened(opened, target).report, notes: [] };
}
