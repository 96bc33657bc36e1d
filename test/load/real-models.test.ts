/**
 * Every third-party model file in ../shared/real-models (beside the checkout; see its
 * README.md and SOURCES.tsv): layers models and Keras JSON files are normalized, built by
 * tfjs, walked into a LayerGraph and analysed; their parameter count must be SOURCES.tsv's
 * weight_params (the sum over the file's weightsManifest of each weight's element count,
 * computed by whoever collected the files, not by dnarch). Graph models get the message
 * saying what they are. The suite is skipped, saying so, when the directory is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import type { ModelReport } from '../../src/analysis/types.js';
import { ensureAnalysisBackend } from '../../src/engines/analysis-backend.js';
import { DnarchError } from '../../src/errors.js';
import { graphFromTfjs } from '../../src/graph/from-tfjs.js';
import type { LayerGraph } from '../../src/graph/types.js';
import { modelFromTopology } from '../../src/load/tfjs/build-model.js';
import { normalizeTopology } from '../../src/load/keras/config.js';
import { loadModelFile } from '../../src/load/tfjs/model-file.js';

const DIR = fileURLToPath(new URL('../../../shared/real-models/', import.meta.url));
const present = existsSync(join(DIR, 'SOURCES.tsv'));

interface Source {
  file: string;
  format: 'layers-model' | 'graph-model' | 'keras-json';
  layerClasses: string[];
  weightParams?: number;
}

function sources(): Source[] {
  const [header, ...rows] = readFileSync(join(DIR, 'SOURCES.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  return rows.map((row) => {
    const cell = Object.fromEntries(row.split('\t').map((v, i) => [cols[i], v]));
    return {
      file: cell.file,
      format: cell.format as Source['format'],
      layerClasses: cell.layer_classes ? cell.layer_classes.split(',') : [],
      ...(cell.weight_params ? { weightParams: Number(cell.weight_params) } : {}),
    };
  });
}

/**
 * Files without a weights manifest (a Keras to_json() file has no weights): their count,
 * written out from the layer configs.
 * - CogitoNTNU siamese_model.json: one Sequential tower called on three inputs (weights
 *   counted once): Conv2D 3->64 3x3 (3*3*3*64 + 64 = 1,792), Conv2D 64->64 3x3 twice
 *   (3*3*64*64 + 64 = 36,928 each), Flatten of 32x32x64 = 65,536, Dense 65,536->64
 *   (65,536*64 + 64 = 4,194,368); the Lambda (the triplet loss) has none.
 */
const CLOSED_FORM: Record<string, number> = {
  CogitoNTNU__photo_caching: 1792 + 2 * 36928 + 4194368,
};
const closedForm = (file: string): number | undefined =>
  Object.entries(CLOSED_FORM).find(([k]) => file.replace(/-/g, '_').startsWith(k))?.[1];

/** Classes tfjs has no layer for: the files' custom layers, listed as unsupported. */
const CUSTOM = new Set(['Lambda', 'CTCLayer', 'TensorFlowOpLayer']);
/** Containers are expanded into their layers: they are no node of the graph. */
const CONTAINERS = new Set(['Functional', 'Model', 'Sequential']);

async function analyseFile(file: string): Promise<{ graph: LayerGraph; report: ModelReport }> {
  const json = JSON.parse(readFileSync(join(DIR, file), 'utf8'));
  const model = await modelFromTopology(file, normalizeTopology(file, json));
  try {
    const graph = graphFromTfjs(model);
    return { graph, report: analyzeGraph(graph, { source: file }) };
  } finally {
    model.dispose();
  }
}

describe.skipIf(!present)(`real third-party models${present ? '' : ' (skipped: ../shared/real-models is absent)'}`, () => {
  beforeAll(() => ensureAnalysisBackend());
  const all = present ? sources() : [];

  it('SOURCES.tsv lists the files', () => {
    expect(all.length).toBeGreaterThanOrEqual(16);
    for (const s of all) expect(existsSync(join(DIR, s.file)), s.file).toBe(true);
  });

  const analysable = all.filter((s) => s.format !== 'graph-model');
  it.each(analysable.map((s) => [s.file, s] as const))('%s', async (_, source) => {
    const { graph, report } = await analyseFile(source.file);
    const expected = source.weightParams ?? closedForm(source.file);
    if (expected === undefined) throw new Error(`no weight_params nor closed form for ${source.file}`);
    expect(report.totals.params.total).toBe(expected);

    // Every class the file names is in the graph, nested ones included (a wrapper's layer in
    // its config); containers are expanded; InputLayer aside (tfjs adds one to a Sequential
    // that names none).
    const wrapped = (n: LayerGraph['nodes'][number]) => (n.config.layer as { className?: string } | undefined)?.className;
    const classes = new Set(graph.nodes.flatMap((n) => [n.className, wrapped(n) ?? []].flat()));
    const named = source.layerClasses.filter((c) => !CONTAINERS.has(c) && c !== 'InputLayer');
    expect([...classes].filter((c) => c !== 'InputLayer').sort()).toEqual(named.sort());

    // Custom classes are unsupported and make the totals incomplete; nothing else is refused.
    const custom = source.layerClasses.filter((c) => CUSTOM.has(c));
    const unsupported = report.unsupported.map((u) => u.className);
    for (const c of custom) expect(unsupported).toContain(c);
    if (custom.length > 0) expect(report.complete).toBe(false);
    expect(report.totals.macs).toBeGreaterThan(0);
    expect(Number.isFinite(report.totals.macs)).toBe(true);
  });

  const graphModels = all.filter((s) => s.format === 'graph-model');
  it.each(graphModels.map((s) => [s.file] as const))('%s is refused as a graph model', async (file) => {
    const err = await loadModelFile(join(DIR, file)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DnarchError);
    // The layers builder (what export loads) says what it converts.
    expect((err as DnarchError).message).toMatch(/is a TensorFlow\.js graph model: export converts layers models/);
    expect(() => normalizeTopology(file, JSON.parse(readFileSync(join(DIR, file), 'utf8')))).toThrow(/graph model/);
  });

  it('the nested and shared structure of three of them', async () => {
    // Siamese: the tower is called three times; its layers count once (17 layers, 41 calls).
    const siamese = await analyseFile('CogitoNTNU__photo-caching__model_training__siamese_model.json');
    expect(siamese.graph.nodes.length).toBe(3 + 3 * 12 + 2);
    expect(siamese.report.totals.layers).toBe(17);
    expect(siamese.graph.nodes.find((n) => n.name === 'sequential@2/conv2d')?.sharedWith).toBe('sequential/conv2d');
    expect(siamese.report.layers.find((l) => l.name === 'lambda')?.outputShape).toEqual([null, 1]); // Lambda's output_shape
    // Conv2D MACs per tower call: 128*128*64*27 + 64*64*64*576 + 32*32*64*576, Dense 65,536*64.
    expect(siamese.report.totals.macs).toBe(3 * (128 * 128 * 64 * 27 + 64 * 64 * 64 * 576 + 32 * 32 * 64 * 576 + 65536 * 64));

    // Teachable Machine: Sequential(Sequential(Model MobileNetV2, GAP), Sequential(Dense, Dense)).
    const tm = await analyseFile('Blckjackk__root-facts-react-starter__public__model__model.json');
    expect(tm.graph.inputs).toEqual(['sequential_1/model1/input_1']);
    expect(tm.graph.nodes.find((n) => n.name === 'sequential_1/model1/Conv1')?.block).toEqual(['sequential_1', 'model1']);
    expect(tm.graph.outputs).toEqual(['sequential_3/dense_Dense2']);

    // Anime4K: TensorFlowOpLayer DepthToSpace(2) takes 96x96x12 to 192x192x3.
    const anime = await analyseFile('ANPULI__Anime4K-ML__models__model.json');
    const d2s = anime.graph.nodes.find((n) => n.name === 'tf_op_layer_DepthToSpace')!;
    expect(d2s.inputShapes[0]!.slice(1, 3)).toEqual(d2s.outputShapes[0]!.slice(1, 3).map((d) => d! / 2));
    expect(d2s.outputShapes[0]![3]).toBe(d2s.inputShapes[0]![3]! / 4);
  });
});
