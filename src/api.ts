import type { LayersModel } from '@tensorflow/tfjs-layers';
import { analyzeGraph } from './analysis/analyze.js';
import type { ModelReport } from './analysis/types.js';
import { ensureAnalysisBackend } from './engines/analysis-backend.js';
import { DnarchError } from './errors.js';
import { graphFromSymbolic, graphFromTfjs } from './graph/from-tfjs.js';
import { loadModelFile, looksLikePath } from './load/model-file.js';
import type { LayerGraph } from './graph/types.js';
import { resolveOptions, type ModelOptions } from './zoo/options.js';
import { allNames, findModel, type ZooEntry } from './zoo/registry.js';
import { closest } from './zoo/suggest.js';
import type { BuildOptions, BuiltModel } from './zoo/types.js';

/** Finds a zoo model by name or alias, or throws UNKNOWN_MODEL with a suggestion. */
export function zooEntry(name: string): ZooEntry {
  const entry = findModel(name);
  if (entry) return entry;
  const guess = closest(name, allNames());
  const hint = guess ? `did you mean "${guess}"?` : 'run `dnarch list` to see the zoo';
  throw new DnarchError('UNKNOWN_MODEL', `unknown model "${name}": ${hint}`);
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
const graphOf = (built: BuiltModel): LayerGraph => graphFromSymbolic(built.inputs, built.outputs, built.name, built.blocks);

/** The plain LayerGraph of a zoo model. */
export async function zooGraph(name: string, options: ModelOptions = {}): Promise<LayerGraph> {
  const built = await buildModel(name, options);
  try {
    return graphOf(built);
  } finally {
    built.dispose();
  }
}

/** Options that shape a zoo architecture; a model file brings its own shape. */
function rejectZooOptions(file: string, options: ModelOptions): void {
  if (Object.values(options).some((v) => v !== undefined)) {
    throw new DnarchError('BAD_OPTION', `--input-size, --classes, --no-top, --pooling and --alpha apply to zoo models, not to ${file}`);
  }
}

/** A model's plain LayerGraph and its report: for callers that need the layers' configs too (diff). */
export interface AnalyzedModel {
  graph: LayerGraph;
  report: ModelReport;
}

/** As `analyze`, keeping the LayerGraph the report was computed from. */
export async function analyzeWithGraph(model: string | LayersModel, options: ModelOptions = {}): Promise<AnalyzedModel> {
  if (typeof model !== 'string') {
    const graph = graphFromTfjs(model);
    return { graph, report: analyzeGraph(graph, { source: 'tfjs' }) };
  }
  if (looksLikePath(model)) {
    rejectZooOptions(model, options);
    await ensureAnalysisBackend();
    const loaded = await loadModelFile(model);
    try {
      const graph = graphFromTfjs(loaded);
      return { graph, report: analyzeGraph(graph, { source: model }) };
    } finally {
      loaded.dispose();
    }
  }
  const built = await buildModel(model, options);
  try {
    const graph = graphOf(built);
    return { graph, report: analyzeGraph(graph, { source: 'zoo', family: built.entry.family, options: { ...built.options } }) };
  } finally {
    built.dispose();
  }
}

/**
 * Analyses a zoo model by name, a model file (a path to a tfjs layers-model or Keras
 * JSON), or a tfjs LayersModel you built yourself.
 */
export async function analyze(model: string | LayersModel, options: ModelOptions = {}): Promise<ModelReport> {
  return (await analyzeWithGraph(model, options)).report;
}
