import type { FileOptions, ModelFormat, OpenedModel, Sniff } from '../format.js';

/**
 * TensorFlow.js model.json files, told by their JSON shape: a layers model has a layers
 * topology under `modelTopology`; a graph model (tensorflowjs_converter of a SavedModel or
 * frozen graph) has TensorFlow nodes under `modelTopology.node`.
 */

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The parsed JSON of a file that starts like JSON, else undefined (no read for other files). */
export async function jsonObject(s: Sniff): Promise<Record<string, unknown> | undefined> {
  const first = new TextDecoder('latin1').decode(s.head).replace(/^\u00EF\u00BB\u00BF/, '').trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  return asObject(await s.json());
}

/** True for a graph model's JSON: `modelTopology.node` is a list. */
export const isGraphModelJson = (obj: Record<string, unknown> | undefined): boolean =>
  Array.isArray(asObject(obj?.modelTopology)?.node);

/** A layers-format file (tfjs model.json, Keras to_json(), .keras): built through tfjs for its graph. */
export async function openLayersModel(s: Sniff, name: string, opts: FileOptions): Promise<OpenedModel> {
  const { layersGraph } = await import('./layers-file.js');
  const notes: string[] = [];
  return {
    file: s.file,
    graph: await layersGraph(s.file, opts, notes),
    format: { name, details: {} },
    notes,
    engine: { analysis: 'tfjs cpu', note: 'shape inference only: no weights are computed or read' },
  };
}

export const TFJS_GRAPH_FORMAT: ModelFormat = {
  name: 'tfjs-graph',
  match: async (s) => isGraphModelJson(await jsonObject(s)),
  open: async (s, opts) => {
    const { openGraphModel } = await import('./graph/open.js');
    const o = await openGraphModel(s.file, (await jsonObject(s)) as Record<string, unknown>, opts);
    return {
      file: s.file,
      graph: o.graph,
      format: { name: 'tfjs-graph', details: o.details },
      notes: o.notes,
      engine: { analysis: 'dnarch TensorFlow graph shape inference', note: 'shapes are inferred from the graph; constants are read from the shards only when they are beside model.json' },
      paramsByDtype: o.paramsByDtype,
      constants: o.constants,
    };
  },
};

export const TFJS_LAYERS_FORMAT: ModelFormat = {
  name: 'tfjs-layers',
  match: async (s) => Object.hasOwn((await jsonObject(s)) ?? {}, 'modelTopology'),
  open: (s, opts) => openLayersModel(s, 'tfjs-layers', opts),
};
