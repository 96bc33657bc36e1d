import type { LayersModel } from '@tensorflow/tfjs-layers';
import { analyzeGraph } from './analysis/analyze.js';
import type { ModelReport } from './analysis/types.js';
import { DnarchError } from './errors.js';
import type { LayerGraph } from './graph/types.js';
import type { FileOptions, OpenedModel } from './load/formats.js';
import { looksLikePath } from './load/paths.js';
import { resolveOptions, type ModelOptions } from './zoo/options.js';
import { findModel, ZOO, type ZooEntry } from './zoo/registry.js';
import { unknownModelMessage } from './zoo/suggest.js';
import type { BuildOptions, BuiltModel } from './zoo/types.js';

/**
 * The library's entry points. TensorFlow.js is imported only on the paths that build a
 * tfjs model (the zoo, layers-format files, a LayersModel passed in): an ONNX file is read
 * and analysed without it.
 */

/** Finds a zoo model by name or alias, or throws UNKNOWN_MODEL with a suggestion. */
export function zooEntry(name: string): ZooEntry {
  const entry = findModel(name);
  if (entry) return entry;
  throw new DnarchError('UNKNOWN_MODEL', unknownModelMessage(name, ZOO));
}

export interface ZooModel extends BuiltModel {
  entry: ZooEntry;
  options: BuildOptions;
}

/**
 * Builds a zoo architecture in tfjs with zero-initialised kernels. Its `model` (a tfjs
 * LayersModel) is built on first access; `dispose()` frees the weights either way.
 */
export async function buildModel(name: string, options: ModelOptions = {}): Promise<ZooModel> {
  const entry = zooEntry(name);
  const resolved = resolveOptions(entry, options);
  const { ensureAnalysisBackend } = await import('./engines/analysis-backend.js');
  const [builder] = await Promise.all([entry.load(), ensureAnalysisBackend()]);
  try {
    // Not a spread: `model` is a getter on the built object's prototype.
    return Object.assign(builder(resolved), { entry, options: resolved });
  } catch (e) {
    // tfjs allocates each weight as one typed array; past ~2^32 elements V8 refuses.
    if (e instanceof RangeError) {
      const [h, w] = resolved.inputSize;
      throw new DnarchError('BAD_OPTION', `${entry.name} at ${h}x${w} is too large to build: ${e.message} (try a smaller --input-size)`);
    }
    throw e;
  }
}

/** The LayerGraph of a built zoo model, in linear time: no tfjs LayersModel is built. */
async function graphOf(built: BuiltModel): Promise<LayerGraph> {
  const { graphFromSymbolic } = await import('./graph/from-tfjs.js');
  return graphFromSymbolic(built.inputs, built.outputs, built.name, built.blocks);
}

/** The plain LayerGraph of a zoo model. */
export async function zooGraph(name: string, options: ModelOptions = {}): Promise<LayerGraph> {
  const built = await buildModel(name, options);
  try {
    return await graphOf(built);
  } finally {
    built.dispose();
  }
}

/**
 * Options that shape a zoo architecture; a model file brings its own shape, but for the
 * size of open input dimensions (--input-size), which goes with the file's options.
 */
export function fileSizing(file: string, options: ModelOptions, sizes: FileOptions): FileOptions {
  const { inputSize, ...zooOnly } = options;
  if (Object.values(zooOnly).some((v) => v !== undefined)) {
    throw new DnarchError('BAD_OPTION', `--classes, --no-top, --pooling and --alpha apply to zoo models, not to ${file}`);
  }
  if (inputSize === undefined) return sizes;
  return { ...sizes, inputSize: typeof inputSize === 'number' ? [inputSize, inputSize] : inputSize };
}

/** The sizes of a model file's open dimensions (ONNX): refused for zoo models, which have --input-size. */
function rejectFileOptions(name: string, file: FileOptions): void {
  if (file.weights !== undefined) throw new DnarchError('BAD_OPTION', `--weights gives Keras .h5 weights to a topology file; ${name} is a zoo model`);
  if (file.inputShapes?.length || file.batch !== undefined) {
    throw new DnarchError('BAD_OPTION', `--input-shape and --batch set the open dimensions of model files; ${name} is a zoo model (use --input-size)`);
  }
}

/** A model's plain LayerGraph and its report: for callers that need the layers' configs too (diff). */
export interface AnalyzedModel {
  graph: LayerGraph;
  report: ModelReport;
}

/** Analyses a model file opened by its format's reader. */
export function analyzeOpened(opened: OpenedModel, source: string): AnalyzedModel {
  const report = analyzeGraph(opened.graph, {
    source,
    format: opened.format,
    engine: opened.engine,
    notes: opened.notes,
    paramsByDtype: opened.paramsByDtype,
    constants: opened.constants,
  });
  return { graph: opened.graph, report };
}

/** A tfjs LayersModel built here (a zoo model being run): `blocks` gives its layers' block paths. */
export async function analyzeLayersModel(model: LayersModel, blocks?: Map<string, string[]>): Promise<ModelReport> {
  const { graphFromTfjs } = await import('./graph/from-tfjs.js');
  return analyzeGraph(graphFromTfjs(model, blocks), { source: 'tfjs' });
}

/** As `analyze`, keeping the LayerGraph the report was computed from. */
export async function analyzeWithGraph(model: string | LayersModel, options: ModelOptions = {}, file: FileOptions = {}): Promise<AnalyzedModel> {
  if (typeof model !== 'string') {
    const { graphFromTfjs } = await import('./graph/from-tfjs.js');
    const graph = graphFromTfjs(model);
    return { graph, report: analyzeGraph(graph, { source: 'tfjs' }) };
  }
  if (looksLikePath(model)) {
    const { openModelFile } = await import('./load/formats.js');
    return analyzeOpened(await openModelFile(model, fileSizing(model, options, file)), model);
  }
  if (!file.lenient) rejectFileOptions(model, file);
  const built = await buildModel(model, options);
  try {
    const graph = await graphOf(built);
    return { graph, report: analyzeGraph(graph, { source: 'zoo', family: built.entry.family, options: { ...built.options } }) };
  } finally {
    built.dispose();
  }
}

/**
 * Analyses a zoo model by name, a model file (tfjs layers-model, Keras JSON or .keras,
 * ONNX), or a tfjs LayersModel you built yourself. `file` gives an ONNX file's open
 * dimensions (--input-shape, --batch).
 */
export async function analyze(model: string | LayersModel, options: ModelOptions = {}, file: FileOptions = {}): Promise<ModelReport> {
  return (await analyzeWithGraph(model, options, file)).report;
}
