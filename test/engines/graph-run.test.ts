import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchModel } from '../../src/bench/bench.js';
import type { BenchOk } from '../../src/bench/types.js';
import type { InputFill } from '../../src/engines/engine.js';
import { graphFileModel, type GraphFileModel } from '../../src/engines/graph-model.js';
import { OnnxruntimeEngine } from '../../src/engines/onnxruntime-engine.js';
import { TfjsEngine } from '../../src/engines/tfjs-engine.js';
import { DnarchError } from '../../src/errors.js';
import { graphInputs, sizeGraphInputs, type GraphInput } from '../../src/load/tfjs/graph-run/inputs.js';
import type { InputShapeArg } from '../../src/load/onnx/inputs.js';

// Fixtures written by scripts/make-graph-run-fixtures.mts; the weights below are the ones it
// writes, restated here, and every expected output is computed from them with plain loops.
const FIX = 'fixtures/graph-run';
const REAL = '/work/shared/real-models/graph';

const json = (dir: string) => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
const load = (dir: string, opts: Parameters<typeof graphFileModel>[3] = {}) => graphFileModel(dir, join(dir, 'model.json'), json(dir), opts);

/** One batch through an engine, with the inputs `fill` gives. */
async function runOn(engine: 'cpu' | 'wasm', m: GraphFileModel, batch: number, fill?: InputFill): Promise<Float32Array[]> {
  const s = await new TfjsEngine(engine).load(m);
  try {
    const p = await s.prepare(batch, fill);
    try {
      return await p.run();
    } finally {
      p.dispose();
    }
  } finally {
    await s.dispose();
  }
}

const close = (got: ArrayLike<number>, want: number[], tol: number, what: string) => {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${what}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThan(tol);
};

// ---- convnet: conv 3x3 SAME (+bias, relu) -> maxpool 2x2 -> flatten -> matmul -> softmax ----
const K0 = [1, 0, -1, 2, 0, -2, 1, 0, -1];
const K1 = [0, 0.5, 0, 0.5, 1, 0.5, 0, 0.5, 0];
const BIAS = [0.25, -0.5];
const DENSE = Array.from({ length: 8 }, (_, r) => [0.1 * (r + 1), -0.1 * (r + 1), 0.05 * (r + 1)]);

function convnet(image: number[], kernels: number[][], bias: number[], dense: number[][]): number[] {
  const at = (h: number, w: number) => (h < 0 || w < 0 || h > 3 || w > 3 ? 0 : image[h * 4 + w]);
  const conv = (h: number, w: number, c: number) => {
    let s = bias[c];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += at(h + i - 1, w + j - 1) * kernels[c][i * 3 + j];
    return Math.max(0, s);
  };
  const flat: number[] = [];
  for (let ph = 0; ph < 2; ph++) {
    for (let pw = 0; pw < 2; pw++) {
      for (let c = 0; c < 2; c++) flat.push(Math.max(conv(2 * ph, 2 * pw, c), conv(2 * ph, 2 * pw + 1, c), conv(2 * ph + 1, 2 * pw, c), conv(2 * ph + 1, 2 * pw + 1, c)));
    }
  }
  const logits = [0, 1, 2].map((o) => flat.reduce((s, v, r) => s + v * dense[r][o], 0));
  const e = logits.map((l) => Math.exp(l - Math.max(...logits)));
  return e.map((v) => v / e.reduce((a, b) => a + b, 0));
}

/** Two 4x4 images with positive and negative values, so that the ReLU and the max pool both matter. */
const IMAGES = [Array.from({ length: 16 }, (_, i) => ((i * 7) % 11) / 5 - 0.8), Array.from({ length: 16 }, (_, i) => Math.sin(i) * 1.5)];
const imageFill: InputFill = () => Float32Array.from(IMAGES.flat());

describe('graph models run through tfjs-converter with their own weights', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dnarch-graph-run-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('convnet: the output of a batch of two equals the conv / pool / matmul / softmax computed here', { timeout: 60_000 }, async () => {
    const m = await load(`${FIX}/convnet`);
    expect(m.weights).toBe('file');
    expect(m.asyncOps).toEqual([]);
    expect(m.inputs).toEqual([{ name: 'x', shape: [1, 4, 4, 1], batchAxis: false, batchIndex: 0, dtype: 'float32' }]);
    const want = IMAGES.flatMap((img) => convnet(img, [K0, K1], BIAS, DENSE));
    for (const engine of ['cpu', 'wasm'] as const) {
      const [out] = await runOn(engine, m, 2, imageFill);
      close(out, want, 1e-5, engine);
    }
  });

  it('quantized: uint8 kernels and a float16 bias are dequantized as the manifest says (value = q * scale + min)', { timeout: 60_000 }, async () => {
    const m = await load(`${FIX}/quantized`);
    // The script stores the kernel as q = 60 (v + 2) (whole numbers: exact after dequantization) and
    // the dense weights as q = round(128 (v + 1)), which dequantize to q / 128 - 1.
    const dense = DENSE.map((row) => row.map((v) => Math.round(128 * (v + 1)) / 128 - 1));
    expect(dense[0][0]).not.toBe(DENSE[0][0]);
    const want = IMAGES.flatMap((img) => convnet(img, [K0, K1], BIAS, dense));
    const [out] = await runOn('cpu', m, 2, imageFill);
    close(out, want, 1e-5, 'quantized');
  });

  it('while-loop: a TF1 loop (Enter/Merge/Switch/NextIteration/Exit) runs with executeAsync: x doubled 3 times', { timeout: 60_000 }, async () => {
    const m = await load(`${FIX}/while-loop`);
    expect(m.asyncOps).toEqual(expect.arrayContaining(['Enter', 'Merge', 'Switch', 'LoopCond', 'NextIteration', 'Exit']));
    const x = [0.5, -1.25, 3, 0.125, 2, -0.75];
    const [out] = await runOn('cpu', m, 2, () => Float32Array.from(x));
    close(out, x.map((v) => v * 8), 1e-6, 'loop');
  });

  it('open-dims: a uint8 image of the size asked is fed as bytes (int32 0-255): mean over the image of a 1x1 conv', { timeout: 60_000 }, async () => {
    const m = await load(`${FIX}/open-dims`, { inputShapes: [{ dims: [2, 3, 3] }] });
    expect(m.inputs).toEqual([{ name: 'input_tensor', shape: [1, 2, 3, 3], batchAxis: false, dtype: 'uint8' }]);
    const bytes = Array.from({ length: 2 * 3 * 3 }, (_, i) => (i * 37 + 11) % 256);
    const [out] = await runOn('cpu', m, 1, () => Float32Array.from(bytes, (b) => (b + 0.5) / 256));
    // kernel[c][o]: o0 = (c0 + c1 + c2) / 3, o1 = c0 - c2, averaged over the 6 pixels
    let o0 = 0;
    let o1 = 0;
    for (let p = 0; p < 6; p++) {
      const [c0, c1, c2] = bytes.slice(3 * p, 3 * p + 3);
      o0 += (c0 + c1 + c2) / 3 / 6;
      o1 += (c0 - c2) / 6;
    }
    close(out, [o0, o1], 1e-4, 'open-dims');
  });

  it('shards missing, float weights only: seeded weights with a note, deterministic per seed', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmp, 'float-only-'));
    copyFileSync(`${FIX}/float-only/model.json`, join(dir, 'model.json'));
    const m = await load(dir, { seed: 3 });
    expect(m.weights).toBe('seeded');
    expect(m.substituted).toBe(true);
    expect(m.note).toMatch(/weight shards are missing \(group1-shard1of1\.bin: not in .*\): seeded random weights stand in for them/);
    const [a] = await runOn('cpu', m, 2);
    const [b] = await runOn('cpu', await load(dir, { seed: 3 }), 2);
    const [c] = await runOn('cpu', await load(dir, { seed: 4 }), 2);
    expect(a.length).toBe(2 * 3);
    expect(Array.from(a).every(Number.isFinite)).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
    // the file's own weights give another output: relu(x W + b) with W, b as the script writes them
    const own = await load(`${FIX}/float-only`);
    const [o] = await runOn('cpu', own, 1, () => Float32Array.from([1, 2]));
    close(o, [Math.max(0, 1 * 1 + 2 * 3 + 0.5), Math.max(0, 1 * -2 + 2 * 1), Math.max(0, 1 * 0.5 + 2 * -1 - 0.25)], 1e-6, 'float-only');
  });

  it('shards missing and int32 constants in them: one error naming how many and one of them', async () => {
    const dir = mkdtempSync(join(tmp, 'convnet-'));
    copyFileSync(`${FIX}/convnet/model.json`, join(dir, 'model.json'));
    const e = await load(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DnarchError);
    expect((e as DnarchError).code).toBe('BAD_INPUT');
    expect((e as DnarchError).message).toMatch(/bench needs its weight shards \(group1-shard1of1\.bin: not in .*\): the graph keeps 1 int32 constant \(2 values\) .*"flatten\/shape", read by Reshape/);
    expect((e as DnarchError).message).not.toContain('\n');
  });

  it('a broken graph is one line naming the node: a dangling input, a node that is not one, a constant without a value', async () => {
    const broken = async (mutate: (j: { modelTopology: { node: unknown[] }; weightsManifest: { weights: unknown[] }[] }) => void): Promise<string> => {
      const dir = mkdtempSync(join(tmp, 'broken-'));
      const j = json(`${FIX}/float-only`) as Parameters<typeof mutate>[0];
      mutate(j);
      writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
      copyFileSync(`${FIX}/float-only/group1-shard1of1.bin`, join(dir, 'group1-shard1of1.bin'));
      const e = await load(dir).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DnarchError);
      return (e as DnarchError).message;
    };
    expect(await broken((j) => ((j.modelTopology.node[3] as { input: string[] }).input = ['nothere', 'dense/kernel']))).toMatch(/node "dense\/MatMul" reads "nothere", which is no node of the graph/);
    expect(await broken((j) => j.modelTopology.node.push(null))).toMatch(/modelTopology\.node\[6\] is not a node with a name and an op/);
    expect(await broken((j) => j.modelTopology.node.push({ name: 'extra', op: 'Const' }))).toMatch(/constant "extra" has no value: it is not in the weightsManifest/);
    expect(await broken((j) => ((j.modelTopology.node[3] as { input: string[] }).input = ['Identity', 'dense/kernel']))).toMatch(/node "[^"]+" is on a cycle that is no TF1 loop/);
  });

  it('two inputs are fed by name, each its own values: a + 2 b', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmp, 'two-'));
    const ph = (name: string) => ({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } } });
    const j = {
      format: 'graph-model',
      modelTopology: {
        node: [
          ph('b'),
          ph('a'),
          { name: 'two', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: {} } }, dtype: { type: 'DT_FLOAT' } } },
          { name: 'b2', op: 'Mul', input: ['b', 'two'], attr: { T: { type: 'DT_FLOAT' } } },
          { name: 'sum', op: 'AddV2', input: ['a', 'b2'], attr: { T: { type: 'DT_FLOAT' } } },
        ],
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'two', shape: [], dtype: 'float32' }] }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    writeFileSync(join(dir, 'w.bin'), Buffer.from(new Float32Array([2]).buffer));
    const m = await load(dir);
    expect(m.inputs.map((i) => i.name)).toEqual(['b', 'a']);
    const values = [[1, 2, 3], [10, 20, 30]]; // input 0 is b, input 1 is a
    const [out] = await runOn('cpu', m, 1, (i) => Float32Array.from(values[i]));
    close(out, [10 + 2 * 1, 20 + 2 * 2, 30 + 2 * 3], 1e-6, 'a + 2b');
    expect(() => sizeGraphInputs([{ name: 'b', dtype: 'float32', shape: [-1, -1] }, { name: 'a', dtype: 'float32', shape: [-1, 3] }], 'm.json', { inputShapes: [{ dims: [4] }] })).toThrow(
      /--input-shape 4: m\.json has 2 inputs \("b", "a"\): write --input-shape NAME=4/,
    );
  });

  it('onnxruntime refuses a graph model in one line', async () => {
    const m = await load(`${FIX}/float-only`);
    const e = await new OnnxruntimeEngine().load(m).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DnarchError);
    expect((e as DnarchError).message).toMatch(/is a TensorFlow\.js graph model: it runs on the tfjs engines .*not on onnxruntime/);
  });

  it('benchModel as check --max-latency-ms calls it (auto engine, --input-size): a tfjs engine times it', { timeout: 60_000 }, async () => {
    const r = await benchModel(`${FIX}/open-dims`, { engines: 'auto', batches: [1], runs: 2, warmup: 0, model: { inputSize: [8, 8] } });
    const timed = r.results.find((x): x is BenchOk => x.status === 'ok');
    expect(timed?.engine).toMatch(/^(tfjs-node|wasm|cpu)$/);
    expect(r.results.some((x) => x.engine === 'onnxruntime')).toBe(false);
    expect(r.model.inputShapes).toEqual([[1, 8, 8, 3]]);
    expect(r.model.weights).toBe('file');
  });
});

describe('graph model inputs: where they are written, and how they are sized', () => {
  /** SOURCES.tsv writes each file's inputs as name:dtype[dims] (the name may end in :0). */
  const sources = readFileSync(`${REAL}/SOURCES.tsv`, 'utf8').trim().split('\n');
  const head = sources[0].split('\t');
  const rows = sources.slice(1).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [head[i], v])) as Record<string, string>);

  it.each(rows.map((r) => [r.file, r.inputs]))('%s: inputs as SOURCES.tsv lists them (%s)', (file, listed) => {
    const want = listed.split(';').map((s) => {
      const m = /^(.*):(\w+)\[(.*)\]$/.exec(s.trim()) as RegExpExecArray;
      return { name: m[1].replace(/:0$/, ''), dtype: m[2], shape: m[3].split(',').map(Number) };
    });
    expect(graphInputs(JSON.parse(readFileSync(`${REAL}/${file}`, 'utf8')), file)).toEqual(want);
  });

  it('userDefinedMetadata.signature (converter 1.x) is read when there is no top-level signature', () => {
    const j = { userDefinedMetadata: { signature: { inputs: { 'img:0': { name: 'img:0', dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '-1' }, { size: '8' }] } } } } }, modelTopology: { node: [] } };
    expect(graphInputs(j, 'f')).toEqual([{ name: 'img', dtype: 'float32', shape: [-1, 8] }]);
  });

  const image: GraphInput[] = [{ name: 'input_tensor', dtype: 'uint8', shape: [1, -1, -1, 3] }];
  const batchOpen: GraphInput[] = [{ name: 'x', dtype: 'float32', shape: [-1, 224, 224, 3] }];
  const size = (inputs: GraphInput[], opts: { inputShapes?: InputShapeArg[]; inputSize?: [number, number]; batches?: number[] }) => sizeGraphInputs(inputs, 'm.json', opts);
  const refused = (f: () => unknown): DnarchError => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DnarchError);
      return e as DnarchError;
    }
    throw new Error('not refused');
  };

  it('an open batch is 1 and takes --batch; a fixed one refuses other batch sizes', () => {
    expect(size(batchOpen, { batches: [1, 8] })).toEqual([{ name: 'x', dtype: 'float32', shape: [1, 224, 224, 3], batchIndex: 0 }]);
    const e = refused(() => size(image, { inputSize: [320, 320], batches: [2] }));
    expect(e.message).toMatch(/--batch 2: m\.json fixes the batch of every input \("input_tensor" \[1, 320, 320, 3\]\)/);
  });

  it('open height and width without a size: an error naming the input and both options', () => {
    const e = refused(() => size(image, {}));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toBe('m.json: input "input_tensor" leaves dimensions 1, 2 open [1, -1, -1, 3]: give --input-size HxW or --input-shape 1x<h>x<w>x3 to run it');
  });

  it('--input-size, --input-shape with or without the batch give the same shape; fixed sizes are checked', () => {
    const want = [{ name: 'input_tensor', dtype: 'uint8', shape: [1, 300, 200, 3] }];
    expect(size(image, { inputSize: [300, 200] })).toEqual(want);
    expect(size(image, { inputShapes: [{ dims: [300, 200, 3] }] })).toEqual(want);
    expect(size(image, { inputShapes: [{ name: 'input_tensor:0', dims: [1, 300, 200, 3] }] })).toEqual(want);
    expect(refused(() => size(image, { inputShapes: [{ dims: [300, 200, 4] }] })).message).toMatch(/dimension 3 of input "input_tensor" is fixed at 3/);
    expect(refused(() => size(batchOpen, { inputSize: [160, 160] })).message).toMatch(/fixed height of 224/);
    expect(refused(() => size(image, { inputShapes: [{ name: 'nope', dims: [1, 2, 2, 3] }] })).message).toMatch(/has no input of that name \(inputs: "input_tensor"\)/);
    expect(refused(() => size(batchOpen, { inputShapes: [{ dims: [8, 224, 224, 3] }] })).message).toMatch(/comes from --batch: write --input-shape 224x224x3 --batch 8/);
  });
});
