/**
 * The third-party TensorFlow.js graph models of ../shared/real-models (graph/ and two at its
 * top; see its README.md and SOURCES.tsv), their shards absent as collected: parameters,
 * int32 constants and inputs against the columns of graph/SOURCES.tsv (computed by whoever
 * collected the files, not by dnarch), what stays unknown without the shards, and for the
 * classifier (chaosmail/is-my-mask-safe, a ShuffleNet V2 on 224x224x3) the MACs of its first
 * three convolutions and in all, by hand, from the weights' shapes and strides.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { analyzeOpened } from '../../src/api.js';
import { openModelFile } from '../../src/load/formats.js';
import { schemaErrors } from '../schema/validate.js';

const DIR = fileURLToPath(new URL('../../../shared/real-models/', import.meta.url));
const GRAPH = join(DIR, 'graph');
const present = existsSync(join(GRAPH, 'SOURCES.tsv'));
const tmp = mkdtempSync(join(tmpdir(), 'dnarch-graph-real-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Source { file: string; weightParams: number; intConsts: number; inputs: string }

function sources(): Source[] {
  const [header, ...rows] = readFileSync(join(GRAPH, 'SOURCES.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  return rows.map((row) => {
    const cell = new Map(row.split('\t').map((v, i) => [cols[i], v]));
    return { file: cell.get('file') as string, weightParams: Number(cell.get('weight_params')), intConsts: Number(cell.get('int_consts')), inputs: cell.get('inputs') as string };
  });
}

const analyse = async (file: string): Promise<ModelReport> => analyzeOpened(await openModelFile(file), file).report;

/** 'Placeholder:float32[-1, 224, 224, 3]', 'input_tensor:0:uint8[1, -1, -1, 3]' -> the node's name and dims. */
function parseInputs(text: string): { name: string; dims: number[] }[] {
  return text.split(';').map((t) => {
    const m = /^(.*):\w+\[(.*)\]$/.exec(t.trim());
    if (!m) throw new Error(`inputs column: ${t}`);
    return { name: m[1].replace(/:\d+$/, ''), dims: m[2].split(',').map((d) => Number(d)) };
  });
}

describe.runIf(present)('graph/SOURCES.tsv: every graph model', () => {
  const all = present ? sources() : [];
  it.each(all.map((s) => [s.file, s] as const))('%s: params = weight_params, int32 constants = int_consts, inputs as the column says', async (_f, s) => {
    const r = await analyse(join(GRAPH, s.file));
    expect(r.totals.params.total).toBe(s.weightParams);
    expect(r.totals.constants?.config.elements ?? 0).toBe(s.intConsts);
    // The batch (a -1 first) is taken as 1; other open dimensions stay unknown.
    const inputs = parseInputs(s.inputs);
    expect(r.model.inputShapes).toEqual(inputs.map((i) => i.dims.map((d, k) => (d === -1 ? (k === 0 ? 1 : null) : d))));
    expect(inputs.map((i) => r.layers.find((l) => l.name === i.name)?.className)).toEqual(inputs.map(() => 'Placeholder'));
    // No shard is here: the report says so, and nothing is guessed.
    expect(r.notes?.join('\n')).toMatch(/not beside model\.json/);
    // What `summarize --format json` prints: valid against the published schema (multi-output rows included).
    expect(schemaErrors('summarize', JSON.parse(JSON.stringify(r)))).toBeNull();
  });

  it('the control-flow detectors name their loop ops and are incomplete, never 0 silently', async () => {
    for (const f of ['Jesse0502__Yolov5-demo__public__web_model__model.json', 'victordibia__handtrack.js__models__webmodel__ssd320fpnlite__int8__model.json', 'Bar856__objdet__web_model__model.json']) {
      const r = await analyse(join(GRAPH, f));
      expect(r.complete).toBe(false);
      expect(r.notes?.find((n) => n.startsWith('control flow:'))).toMatch(/not walked as straight-line code/);
      expect(r.unsupported.length).toBeGreaterThan(0);
    }
    const tf2 = await analyse(join(GRAPH, 'Bar856__objdet__web_model__model.json'));
    expect(tf2.notes?.find((n) => n.startsWith('control flow:'))).toMatch(/2 library functions \(__inference_map_while_body_7801_14793, __inference_map_while_cond_7800_7829/);
  });

  it('uint8 and float16 manifests: the same element count, their stored bytes as stored', async () => {
    const u8 = await analyse(join(GRAPH, 'victordibia__handtrack.js__models__webmodel__ssd320fpnlite__int8__model.json'));
    const f16 = await analyse(join(GRAPH, 'victordibia__handtrack.js__models__webmodel__ssd320fpnlite__fp16__model.json'));
    expect(u8.totals.paramsByDtype).toEqual({ uint8: 2960393 });
    expect(f16.totals.paramsByDtype).toEqual({ float16: 2960393 });
    expect(u8.totals.weightBytes).toEqual({ uint8: 2960393 });
    expect(f16.totals.weightBytes).toEqual({ float16: 2 * 2960393 });
  });
});

describe.runIf(present)('the two graph models at the top of real-models/', () => {
  /** Float elements of the manifest, summed here from the file (the top SOURCES.tsv leaves weight_params empty for them). */
  const floatElements = (file: string): number =>
    (JSON.parse(readFileSync(file, 'utf8')).weightsManifest as { weights: { shape: number[]; dtype: string }[] }[])
      .flatMap((g) => g.weights).filter((w) => w.dtype === 'float32').reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);

  it('CosmoSliderWeb: an MLP of _FusedMatMul, complete without its shards', async () => {
    const file = join(DIR, 'AarhusCosmology__CosmoSliderWeb__web_model__model.json');
    const r = await analyse(file);
    expect(r.totals.params.total).toBe(floatElements(file));
    expect(r.model.inputShapes).toEqual([[1, 6]]);
    // MACs: each _FusedMatMul of [1, in] by its [in, out] weights.
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const shapes = new Map<string, number[]>(json.weightsManifest.flatMap((g: { weights: { name: string; shape: number[] }[] }) => g.weights.map((w) => [w.name, w.shape])));
    const matmuls = json.modelTopology.node.filter((n: { op: string }) => n.op === '_FusedMatMul');
    const macs = matmuls.reduce((s: number, n: { input: string[] }) => s + (shapes.get(n.input[1]) as number[]).reduce((a, b) => a * b, 1), 0);
    expect(r.totals.macs).toBe(macs);
    expect(r.complete).toBe(true);
  });

  it('the YOLOv5 copy at the top is the graph/ one: same counts', async () => {
    const file = join(DIR, 'Jesse0502__Yolov5-demo__web_model__model.json');
    const r = await analyse(file);
    expect(r.totals.params.total).toBe(floatElements(file));
    expect(r.totals.params.total).toBe(7242720);
    expect(r.model.inputShapes).toEqual([[1, 640, 640, 3]]);
  });
});

/**
 * The classifier's int32 constants, as its own graph fixes them (they are in its first shard,
 * which is not in the collection). Every Pad reads one constant, conv0/pad_size/paddings;
 * block0_1_concat joins an unpadded slice of the 28x28 map with the output of a 3x3 stride-1
 * VALID depthwise of its padded copy, so each spatial axis is padded by 2 in all (28 + 2 - 2
 * = 28), batch and channels by 0 (the depthwise filter reads exactly the input's channels);
 * how the 2 splits (0+2, 1+1, 2+0) moves no size, so it changes no MAC: 1+1 here. The channel
 * shuffle reshapes [1, H, W, C] to [1, H*W, 2, C/2], swaps the last two axes and reshapes back
 * (its inner shape moves no MAC; the convolutions after it read [1, H, W, C], as their
 * weights say); the split takes channels [0, C/2) and [C/2, C), C/2 being what each branch's
 * 1x1 conv reads; concat is on the channels; fc/Reshape is [-1, 1024] (read from the
 * repository's second shard, which holds it). Stages: C = 116, 232, 464 at H = 28, 14, 7.
 */
const CHAOSMAIL = 'chaosmail__is-my-mask-safe__web_model__model.json';
const STAGES: [number, number][] = [[28, 116], [14, 232], [7, 464]];
function derivedInts(): Map<string, number[]> {
  const v = new Map<string, number[]>([
    ['conv0/pad_size/paddings', [0, 0, 1, 1, 1, 1, 0, 0]],
    ['block0_0_concat/axis', [3]],
    ['block0_0_transpose/perm', [0, 1, 3, 2]],
    ['block0_1_slice-Slice0/begin', [0, 0, 0, 0]],
    ['fc/Reshape/shape', [-1, 1024]],
  ]);
  STAGES.forEach(([h, c], s) => {
    v.set(`block${s}_0_reshape0/shape`, [-1, h * h, 2, c / 2]);
    v.set(`block${s}_0_reshape1/shape`, [-1, h, h, c]);
    v.set(`block${s}_1_slice-Slice0/size`, [-1, -1, -1, c / 2]);
    v.set(`block${s}_1_slice-Slice1/begin`, [0, 0, 0, c / 2]);
  });
  return v;
}

/** A copy of the classifier with shards: float weights zero (no MAC reads a value), int32 constants as derived above. */
function withDerivedShards(): string {
  const src = join(GRAPH, CHAOSMAIL);
  const json = JSON.parse(readFileSync(src, 'utf8'));
  const ints = derivedInts();
  const group = json.weightsManifest[0] as { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] };
  const parts = group.weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    if (w.dtype === 'float32') return Buffer.alloc(4 * n);
    const values = ints.get(w.name);
    if (!values || values.length !== n) throw new Error(`no derived value for ${w.name} ${JSON.stringify(w.shape)}`);
    return Buffer.from(Int32Array.from(values).buffer);
  });
  const bytes = Buffer.concat(parts);
  // The converter's 4 MiB shards.
  const cut = 4 * 2 ** 20;
  writeFileSync(join(tmp, group.paths[0]), bytes.subarray(0, cut));
  writeFileSync(join(tmp, group.paths[1]), bytes.subarray(cut));
  copyFileSync(src, join(tmp, 'model.json'));
  return join(tmp, 'model.json');
}

describe.runIf(present)('the classifier: chaosmail/is-my-mask-safe (ShuffleNet V2, 224x224x3)', () => {
  const layer = (r: ModelReport, name: string) => r.layers.find((l) => l.name === name);

  it('without its shards: the first Pad needs their paddings, so every conv after it is unknown and named', async () => {
    const r = await analyse(join(GRAPH, CHAOSMAIL));
    expect(r.model.inputShapes).toEqual([[1, 224, 224, 3]]);
    expect(layer(r, 'conv0/conv0')?.unknownCost).toBe(true);
    expect(r.unknownCost).toContain('block0_0_conv3/depthwise');
    expect(r.notes?.join('\n')).toMatch(/17 constants held there \(first: "conv0\/pad_size\/paddings", read by "conv0\/pad_size"\)/);
    expect(r.complete).toBe(false);
  });

  it('with its int32 constants: the first three convs and the total MACs, by hand', async () => {
    const r = await analyse(withDerivedShards());
    // conv0: pad 224 -> 226, 3x3 stride 2 VALID: floor((226 - 3) / 2) + 1 = 112; 24 filters of 3x3x3.
    expect(layer(r, 'conv0/conv0')?.macs).toBe(112 * 112 * 24 * (3 * 3 * 3));
    // pad 112 -> 114, max pool 3x3/2 VALID: 56; block0_0_conv0 is 1x1 from 24 to 58 at 56x56.
    expect(layer(r, 'block0_0_conv0/block0_0_conv0')?.macs).toBe(56 * 56 * 58 * 24);
    // block0_0_conv3: pad 56 -> 58, 3x3/2 VALID depthwise on 24 channels: 28x28x24 outputs of 9 taps.
    expect(layer(r, 'block0_0_conv3/depthwise')?.macs).toBe(28 * 28 * 24 * 9);

    // Every conv from its weights [kh, kw, in, out] at its output size: conv0 112, each stage's
    // first 1x1 (conv0) at the stage's input size, the rest at its output size; conv1 at 7; fc 1024 x 2.
    const json = JSON.parse(readFileSync(join(GRAPH, CHAOSMAIL), 'utf8'));
    const at = (name: string): number => {
      if (name === 'conv0/weights') return 112;
      if (name === 'conv1/weights') return 7;
      const [, s, k, conv] = /^block(\d)_(\d+)_conv(\d)\//.exec(name) as RegExpExecArray;
      const out = STAGES[Number(s)][0];
      return k === '0' && conv === '0' ? 2 * out : out;
    };
    let total = 1024 * 2;
    for (const w of json.weightsManifest[0].weights as { name: string; shape: number[] }[]) {
      if (!/\/weights$/.test(w.name) || w.name === 'fc/weights') continue;
      const [kh, kw, cin, cout] = w.shape;
      const depthwise = cout === 1 && kh === 3;
      const r2 = at(w.name) ** 2;
      total += depthwise ? r2 * cin * kh * kw : r2 * cout * kh * kw * cin;
    }
    expect(r.totals.macs).toBe(total);
    expect(layer(r, 'loss')?.outputShape).toEqual([1, 2]);
    expect(r.complete).toBe(true);
  });

  it('with its int32 constants: the receptive field through the channel shuffles, and its 19 depthwise + pointwise sites', async () => {
    const r = await analyse(withDerivedShards());
    // Distill's (r, S, P): Pad 1 + 3x3/2: (3, 2, 1); Pad 1 + max pool 3x3/2: (7, 4, 3). Each stage's first
    // block: Pad 1 + depthwise 3x3/2 (r += 2S, P += S, S *= 2); each other block: Pad 1 + 3x3/1 (r += 2S, P += S).
    // Stage 0 (1 + 3 blocks): (15, 8, 7) then (63, 8, 31); stage 1 (1 + 7): (79, 16, 39) then (303, 16, 151);
    // stage 2 (1 + 3): (335, 32, 167) then (527, 32, 263); conv1 is 1x1; pool1 7x7/1 VALID: r = 527 + 6 x 32 = 719.
    expect(layer(r, 'conv1/conv1')?.receptiveField).toEqual({ size: [527, 527], stride: [32, 32], padding: [263, 263] });
    expect(r.totals.receptiveField).toEqual({ size: [719, 719], stride: [32, 32], padding: [263, 263] });
    // Every block's depthwise 3x3 then 1x1 (the three first blocks have two branches): 3 x 2 + 13.
    expect(r.savings.sites.length).toBe(19);
    expect(new Set(r.savings.sites.map((x) => x.kind))).toEqual(new Set(['depthwise-separable']));
    expect(r.savings.sites[0].layers).toEqual(['block0_0_conv3/depthwise', 'block0_0_conv4/BiasAdd']);
  });
});
