import { analyzeOpened } from '../api.js';
import type { ModelReport } from '../analysis/types.js';
import { DnarchError } from '../errors.js';
import type { OnnxFileModel } from '../engines/engine.js';
import { detectFormat, openModelFile } from '../load/formats.js';
import { sizeExample, type InputShapeArg } from '../load/onnx/inputs.js';
import { resolveModelPath } from '../load/paths.js';

/**
 * An ONNX file made ready for bench: analysed at batch 1 (FLOPs per image), its inputs
 * sized from the file and --input-shape, the batch left to each --batch where the file's
 * first dimension is open. Undefined for files of other formats.
 */
export async function loadOnnxForBench(
  target: string,
  opts: { inputShapes?: InputShapeArg[]; inputSize?: [number, number]; batches?: number[] },
): Promise<{ model: OnnxFileModel; report: ModelReport } | undefined> {
  const { file } = await resolveModelPath(target);
  if ((await detectFormat(file)).name !== 'onnx') return undefined;
  const opened = await openModelFile(file, { inputShapes: opts.inputShapes, inputSize: opts.inputSize });
  const onnx = opened.onnx;
  if (!onnx) return undefined;
  if (onnx.missingExternal.length > 0) {
    throw new DnarchError('BAD_INPUT', `${target} cannot run: its external data ${onnx.missingExternal.join('; ')}`);
  }
  const inputs = onnx.inputs.map((p) => {
    if (p.dims === null || p.open.length > 0) {
      throw new DnarchError('BAD_OPTION', `${target}: input ${JSON.stringify(p.name)} leaves ${p.open.join(', ')} open: give --input-shape ${p.name}=${sizeExample(p)} to run it`);
    }
    if (p.elemType === 0) throw new DnarchError('BAD_INPUT', `${target}: input ${JSON.stringify(p.name)} is not a tensor: bench cannot make it`);
    const dims = p.dims as number[];
    return { name: p.name, shape: dims, batchAxis: false, ...(p.batchIndex !== null ? { batchIndex: p.batchIndex } : {}), elemType: p.elemType };
  });
  const fixed = inputs.every((i) => i.batchIndex === undefined);
  const batches = opts.batches ?? [1];
  if (fixed && batches.some((b) => b !== 1)) {
    throw new DnarchError('BAD_OPTION', `--batch ${batches.join(',')}: ${target} fixes the batch of every input (no open batch dimension), so it runs only as it is`);
  }
  return { model: { kind: 'onnx-file', name: target, file, inputs, nodeLayers: onnx.nodeLayers }, report: analyzeOpened(opened, target).report };
}
