import { analyzeGraph } from '../../src/analysis/analyze.js';
import type { LayerReport, ModelReport } from '../../src/analysis/types.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import type { BuildOptions, Builder, BuiltModel } from '../../src/zoo/types.js';

/** Keras' defaults for an ImageNet model at 224 (include_top, 1000 classes): what a zoo test builds unless it says otherwise. */
export const DEFAULTS: BuildOptions = { inputSize: [224, 224], classes: 1000, includeTop: true, pooling: 'none', alpha: 1 };

/** The analysis of a built model, read from its LayersModel (built on access), which stays usable. */
export const reportOf = (built: BuiltModel): ModelReport => analyzeGraph(graphFromTfjs(built.model, built.blocks));

/** Builds `builder` with `opts` over DEFAULTS, analyses it and frees its weights. */
export function analyse(builder: Builder, opts: Partial<BuildOptions> = {}): ModelReport {
  const built = builder({ ...DEFAULTS, ...opts });
  const report = reportOf(built);
  built.model.dispose();
  return report;
}

/** The layer called `name`, or an error that names it (rather than an undefined further down). */
export function layerNamed(report: ModelReport, name: string): LayerReport {
  const layer = report.layers.find((l) => l.name === name);
  if (!layer) throw new Error(`no layer ${name}`);
  return layer;
}
