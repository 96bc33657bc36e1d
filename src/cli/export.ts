import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { DnarchError, fsReason } from '../errors.js';
import type { ExportResult } from '../engines/export-types.js';
import { grouped, mib } from '../report/units.js';
import { addFileOptions, addModelOptions, modelOptions, type FileFlags, type ModelFlags } from './model-options.js';
import { modelArg, type ModelArg } from './model-arg.js';
import { emit, stageFile } from './output.js';
import { parseSeed } from './parse.js';
import { showProgress, withStatus } from './terminal.js';
import { SCHEMA_VERSION } from '../analysis/types.js';

interface ExportFlags extends ModelFlags, Omit<FileFlags, 'batch'> {
  onnx?: string;
  tfjs?: string;
  seed: number;
  seededWeights?: boolean;
  force?: boolean;
  format: 'table' | 'json';
}

/** Fails before any work when --onnx cannot be written: no parent directory, a directory in the way, or a file without --force. */
async function checkOnnxTarget(file: string, force: boolean): Promise<void> {
  try {
    await access(dirname(resolve(file)), constants.W_OK);
  } catch (e) {
    throw new DnarchError('IO', `cannot write --onnx ${file}: ${fsReason(e)} (its directory must exist and be writable)`);
  }
  if (!(await stat(dirname(resolve(file)))).isDirectory()) throw new DnarchError('IO', `cannot write --onnx ${file}: ${dirname(file)} is not a directory`);
  let s;
  try {
    s = await stat(file);
  } catch {
    return;
  }
  if (s.isDirectory()) throw new DnarchError('IO', `cannot write --onnx ${file}: it is a directory`);
  if (!force) throw new DnarchError('IO', `--onnx ${file} exists: choose another file or add --force to replace it`);
}

const TOP_OPS = 6;

/** Small exports in bytes, the rest in MiB. */
const size = (bytes: number): string => (bytes < 2 ** 20 ? `${grouped(bytes)} bytes` : mib(bytes));

function text(r: ExportResult): string {
  const weights = r.weights.kind === 'seeded' ? `seeded random (seed ${r.weights.seed})` : 'from the model file';
  const lines = [`${r.model}: ${grouped(r.params)} parameters, weights: ${weights}`];
  if (r.onnx) {
    const ops = Object.entries(r.onnx.opTypes);
    const shown = ops.slice(0, TOP_OPS).map(([op, n]) => `${op} ${n}`).join(', ') + (ops.length > TOP_OPS ? ', ...' : '');
    lines.push(`  onnx  ${r.onnx.file}  ${size(r.onnx.bytes)}  opset ${r.onnx.opset ?? '?'}, IR ${r.onnx.irVersion}, ${r.onnx.nodes} nodes (${shown})`);
  }
  if (r.tfjs) {
    const shards = r.tfjs.files.length - 1;
    lines.push(
      `  tfjs  ${r.tfjs.dir}  model.json + ${shards} weight shard${shards === 1 ? '' : 's'} (${size(r.tfjs.weightBytes)}, ${r.tfjs.weights} tensors)`,
    );
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/** Loads the model, serialises every requested format in memory, then writes them: an unsupported layer stops it before any file exists. */
async function exportModel(m: ModelArg, f: ExportFlags): Promise<ExportResult> {
  const [{ loadRunnableModel }, { tfjsLayout, tfjsInfo, writeDirectoryAtomic }] = await Promise.all([
    import('../engines/runnable-model.js'),
    import('../engines/tfjs-export.js'),
  ]);
  const source = m.kind;
  const runnable = await loadRunnableModel(m.target, { model: m.options, inputShapes: f.inputShape, weights: f.weights, seed: f.seed, unusableWeights: f.seededWeights ? 'seed' : 'refuse' });
  try {
    // A file's note says why its own weights were not used; a zoo model's is about timing.
    const notes = source === 'file' && runnable.note ? [runnable.note] : [];
    let onnx: ExportResult['onnx'];
    let onnxBytes: Uint8Array | undefined;
    if (f.onnx) {
      const [{ exportOnnx }, { summarizeOnnx }] = await Promise.all([import('../engines/onnx/export.js'), import('../engines/onnx-summary.js')]);
      onnxBytes = exportOnnx(runnable.model);
      const s = summarizeOnnx(onnxBytes);
      onnx = { file: f.onnx, bytes: onnxBytes.byteLength, irVersion: s.irVersion, opset: s.opset, nodes: s.nodes, opTypes: s.opTypes };
    }
    const layout = f.tfjs ? await tfjsLayout(runnable.model, { convertedBy: 'dnarch export' }) : undefined;

    const staged = f.onnx && onnxBytes ? await stageFile(f.onnx, onnxBytes, '--onnx') : undefined;
    if (f.tfjs && layout) {
      try {
        await writeDirectoryAtomic(f.tfjs, layout.files, { force: f.force });
      } catch (e) {
        await staged?.abort();
        throw e;
      }
      notes.push(...layout.notes.map((n) => `tfjs: ${n}`));
    }
    await staged?.commit();
    return {
      schemaVersion: SCHEMA_VERSION,
      model: runnable.name,
      source,
      params: runnable.model.countParams(),
      weights: runnable.weights === 'seeded' ? { kind: 'seeded', seed: f.seed } : { kind: 'file' },
      ...(onnx ? { onnx } : {}),
      ...(f.tfjs && layout ? { tfjs: tfjsInfo(f.tfjs, layout) } : {}),
      notes,
    };
  } finally {
    runnable.dispose();
  }
}

export function exportCommand(program: Command): void {
  const cmd = program
    .command('export')
    .description('write a model with its weights as ONNX (--onnx) and/or a TensorFlow.js layers-model directory (--tfjs)')
    .argument('<model>', 'a zoo model name (see `dnarch list`), optionally NAME@key=value,..., or a path to a model file with weights')
    .option('--onnx <file>', 'write an ONNX model (opset 17) to this file')
    .option('--tfjs <dir>', 'write a tfjs layers-model (model.json + 4 MiB weight shards) into this directory')
    .option('--seed <n>', 'seed of the random weights of zoo models and weightless files (as bench uses)', parseSeed, 1)
    .option('--seeded-weights', "a file whose weight shards are missing: write seeded random weights instead (they are not the model's)")
    .option('--force', 'replace an existing --onnx file or non-empty --tfjs directory')
    .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json']).default('table'));
  addFileOptions(addModelOptions(cmd), { batch: false }).action(async (name: string, f: ExportFlags) => {
    const m = modelArg(name, modelOptions(f));
    if (!f.onnx && !f.tfjs) throw new DnarchError('BAD_OPTION', 'nothing to write: give --onnx <file> and/or --tfjs <dir>');
    if (f.onnx && f.tfjs && resolve(f.onnx) === resolve(f.tfjs)) throw new DnarchError('BAD_OPTION', '--onnx and --tfjs name the same path');
    const { checkTfjsTarget } = await import('../engines/tfjs-export.js');
    if (f.onnx) await checkOnnxTarget(f.onnx, Boolean(f.force));
    if (f.tfjs) await checkTfjsTarget(f.tfjs, { force: f.force });

    const result = await withStatus(showProgress(f.format), `exporting ${m.label}`, () => exportModel(m, f));
    await emit(f.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : text(result));
  });
}
