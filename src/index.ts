/** dnarch's library API: the numbers without the CLI. */
export { analyze, analyzeOpened, analyzeWithGraph, buildModel, zooEntry, zooGraph, type AnalyzedModel, type ZooModel } from './api.js';
export { openModelFile, type FileOptions, type OpenedModel } from './load/formats.js';
export { analyzeGraph } from './analysis/analyze.js';
export { COST_HANDLERS, type CostHandler, type LayerCost } from './analysis/cost.js';
export type { LayerReport, ModelReport, ParamCount, Totals } from './analysis/types.js';
export { graphFromSymbolic, graphFromTfjs } from './graph/from-tfjs.js';
export { layerOrder } from './graph/layer-order.js';
export type { LayerGraph, LayerNode, Shape, WeightInfo } from './graph/types.js';
export { DnarchError, type ErrorCode } from './errors.js';
export { ZOO, type ZooEntry } from './zoo/registry.js';
export type { ModelOptions } from './zoo/options.js';
export type { BuildOptions, Pooling } from './zoo/types.js';
