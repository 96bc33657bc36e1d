/**
 * TensorFlow.js graph models: the fixture classifier of fixtures/graph/ (written by
 * scripts/make-graph-fixtures.mts) and small graphs written here, with figures as closed
 * forms from their weights' shapes and strides; hostile graphs; control flow.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../../src/analysis/types.js';
import { analyzeOpened } from '../../src/api.js';
import { DnarchError } from '../../src/errors.js';
import { openModelFile, type FileOptions } from '../../src/load/formats.js';
import { convAttrs, ints, placeholder, shapeJson, str, writeGraph, type GraphSpec } from './graph/write-graph.js';

const CLASSIFIER = 'fixtures/graph/classifier/model.json';
const tmp = mkdtempSync(join(tmpdir(), 'dnarch-graph-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let seq = 0;
const fresh = (): string => join(tmp, `g${seq++}`);

async function analyse(file: string, opts: FileOptions = {}): Promise<ModelReport> {
  return analyzeOpened(await openModelFile(file, opts), file).report;
}
async function refusal(file: string, opts: FileOptions = {}): Promise<string> {
  const e = await openModelFile(file, opts).then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(DnarchError);
  expect((e as DnarchError).code).toMatch(/BAD_INPUT|BAD_OPTION/);
  const message = (e as DnarchError).message;
  expect(message).not.toContain('\n');
  return message;
}
const layer = (r: ModelReport, name: string) => {
  const l = r.layers.find((x) => x.name === name);
  if (!l) throw new Error(`no layer ${name}: ${r.layers.map((x) => x.name).join(', ')}`);
  return l;
};

// The classifier (see the script): x [1, 32, 32, 3], NHWC.
const STEM = 16 * 16 * 8 * (3 * 3 * 3); // 3x3/2 VALID on 34x34 (padded by 1): 16x16 x 8 filters x 27 taps
const DW = 16 * 16 * 8 * (3 * 3); // 3x3/1 SAME depthwise: one channel per output
const PW = 16 * 16 * 16 * 8; // 1x1 8 -> 16
const BRANCH = 16 * 16 * 16 * (3 * 3 * 8); // 3x3/1 SAME 8 -> 16
const FC = 2048 * 10; // [1, 8*8*32] x [2048, 10]
const PARAMS = (27 * 8 + 8) + (9 * 8 + 8) + (8 * 16 + 16) + (72 * 16) + 16 + (2048 * 10 + 10);

describe('the fixture classifier (with its shard)', () => {
  it('rows as the file writes them: no Const, no Identity; Placeholder as the input', async () => {
    const r = await analyse(CLASSIFIER);
    expect(r.layers.map((l) => l.className).sort()).toEqual(
      ['Placeholder', 'Pad', '_FusedConv2D', 'FusedDepthwiseConv2dNative', 'Conv2D', '_FusedConv2D', 'BiasAdd', 'ConcatV2', 'MaxPool', 'Reshape', '_FusedMatMul', 'Softmax'].sort(),
    );
    expect(r.model.inputShapes).toEqual([[1, 32, 32, 3]]);
    expect(r.model.format?.name).toBe('tfjs-graph');
    expect(r.complete).toBe(true);
  });

  it('MACs per conv and in all, from the weights shapes and strides', async () => {
    const r = await analyse(CLASSIFIER);
    expect(layer(r, 'stem/conv').macs).toBe(STEM);
    expect(layer(r, 'block/dw').macs).toBe(DW);
    expect(layer(r, 'block/pw').macs).toBe(PW);
    expect(layer(r, 'branch/conv').macs).toBe(BRANCH);
    expect(layer(r, 'head/fc').macs).toBe(FC);
    expect(r.totals.macs).toBe(STEM + DW + PW + BRANCH + FC);
  });

  it('FLOPs include the fused epilogue: 2 x MACs + (bias + activation) per output', async () => {
    const r = await analyse(CLASSIFIER);
    expect(layer(r, 'stem/conv').flops).toBe(2 * STEM + 16 * 16 * 8 * 2); // BiasAdd + Relu
    expect(layer(r, 'block/dw').flops).toBe(2 * DW + 16 * 16 * 8 * 2); // BiasAdd + Relu6
    expect(layer(r, 'branch/conv').flops).toBe(2 * BRANCH); // plain Conv2D: no epilogue
    expect(layer(r, 'branch/bias').flops).toBe(16 * 16 * 16); // its BiasAdd, apart
    expect(layer(r, 'head/fc').flops).toBe(2 * FC + 10); // BiasAdd only
  });

  it('params are the float weights; int32 constants (paddings, axis, shape) apart', async () => {
    const r = await analyse(CLASSIFIER);
    expect(r.totals.params.total).toBe(PARAMS);
    expect(r.totals.constants).toEqual({ config: { tensors: 3, elements: 8 + 1 + 2 }, quantization: { tensors: 0, elements: 0 } });
    expect(r.totals.weightBytes).toEqual({ float32: 4 * PARAMS });
  });

  it('shapes from the shard: Pad, ConcatV2 and Reshape read their constants', async () => {
    const r = await analyse(CLASSIFIER);
    expect(layer(r, 'stem/pad').outputShape).toEqual([1, 34, 34, 3]);
    expect(layer(r, 'merge/concat').outputShape).toEqual([1, 16, 16, 32]);
    expect(layer(r, 'head/pool').outputShape).toEqual([1, 8, 8, 32]);
    expect(layer(r, 'head/flatten').outputShape).toEqual([1, 2048]);
  });

  it('receptive field through pad, conv and pool; the depthwise + pointwise site', async () => {
    const r = await analyse(CLASSIFIER);
    // Pad 1, 3x3/2: r = 3, S = 2, P = 1; 3x3/1 SAME: r = 3 + 2 x 2 = 7, P = 1 + 1 x 2 = 3; 2x2/2: r = 7 + 1 x 2 = 9, S = 4.
    expect(layer(r, 'stem/conv').receptiveField).toEqual({ size: [3, 3], stride: [2, 2], padding: [1, 1] });
    expect(r.totals.receptiveField).toEqual({ size: [9, 9], stride: [4, 4], padding: [3, 3] });
    expect(r.savings.sites.map((s) => [s.kind, s.layers])).toEqual([['depthwise-separable', ['block/dw', 'block/pw']]]);
  });

  it('name scopes are the block path', async () => {
    const r = await analyse(CLASSIFIER);
    expect(layer(r, 'block/dw').block).toEqual(['block']);
    expect(layer(r, 'x').block).toEqual([]);
  });

  it('--batch 3: the open batch dimension, MACs three times', async () => {
    const r = await analyse(CLASSIFIER, { batch: 3 });
    expect(r.totals.macs).toBe(3 * (STEM + DW + PW + BRANCH + FC));
  });
});

describe('without the shards', () => {
  it('what depends on a constant they hold is unknown, with the reason; params are still counted', async () => {
    const dir = fresh();
    mkdirSync(dir);
    const file = join(dir, 'model.json');
    copyFileSync(CLASSIFIER, file);
    const r = await analyse(file);
    expect(r.totals.params.total).toBe(PARAMS);
    expect(layer(r, 'stem/pad').outputShape).toEqual([null, null, null, null]);
    expect(layer(r, 'stem/conv').unknownCost).toBe(true);
    expect(r.complete).toBe(false);
    expect(r.unknownCost).toContain('stem/conv');
    expect(r.notes?.join('\n')).toMatch(/1 shard not beside model\.json \(group1-shard1of1\.bin\).*"stem\/pad\/paddings", read by "stem\/pad"/);
  });
});

describe('open input dimensions', () => {
  // The classifier with its input's height and width left open (-1), as detectors write them.
  function openClassifier(): string {
    const dir = fresh();
    mkdirSync(dir);
    const json = JSON.parse(readFileSync(CLASSIFIER, 'utf8'));
    json.signature.inputs.x.tensorShape = shapeJson([-1, -1, -1, 3]);
    json.modelTopology.node.find((n: { name: string }) => n.name === 'x').attr.shape.shape = shapeJson([-1, -1, -1, 3]);
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    copyFileSync(CLASSIFIER.replace('model.json', 'group1-shard1of1.bin'), join(dir, 'group1-shard1of1.bin'));
    return join(dir, 'model.json');
  }

  it('batch 1, other open dimensions unknown and named with the option that sizes them', async () => {
    const r = await analyse(openClassifier());
    expect(r.model.inputShapes).toEqual([[1, null, null, 3]]);
    expect(layer(r, 'stem/conv').unknownCost).toBe(true);
    expect(r.notes?.join('\n')).toContain('input "x" leaves dimension 1, dimension 2 open [?, ?, ?, 3]: give --input-shape x=1x<d1>x<d2>x3 (or --input-size');
  });

  it('--input-size and --input-shape size them, in the ONNX forms (the input named as its node or its tensor)', async () => {
    const file = openClassifier();
    for (const opts of [{ inputSize: [32, 32] as [number, number] }, { inputShapes: [{ name: 'x', dims: [1, 32, 32, 3] }] }, { inputShapes: [{ dims: [1, 32, 32, 3] }] }, { inputShapes: [{ name: 'x:0', dims: [1, 32, 32, 3] }] }]) {
      const r = await analyse(file, opts);
      expect(r.totals.macs).toBe(STEM + DW + PW + BRANCH + FC);
      expect(r.complete).toBe(true);
    }
    // 64x64: every conv's output has 4 times the positions; the Reshape to [-1, 2048] makes 4 rows for the matmul.
    const big = await analyse(file, { inputSize: [64, 64] });
    expect(big.totals.macs).toBe(4 * (STEM + DW + PW + BRANCH + FC));
  });

  it('a shape for an input the graph lacks, or one that contradicts the file, is one line', async () => {
    expect(await refusal(openClassifier(), { inputShapes: [{ name: 'y', dims: [1, 32, 32, 3] }] })).toMatch(/no input of that name \(inputs: "x"\)/);
    expect(await refusal(CLASSIFIER, { inputShapes: [{ name: 'x', dims: [1, 32, 32, 4] }] })).toMatch(/dimension 3 of "x" is 3/);
  });
});

describe('op rules', () => {
  it('MatMul with transpose_b is a Dense layer of units = rows of the stored matrix', async () => {
    const file = writeGraph(fresh(), {
      consts: [{ name: 'w', shape: [16, 8], dtype: 'float32' }],
      nodes: [placeholder('a', [4, 8]), { name: 'mm', op: 'MatMul', input: ['a', 'w'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: true } } }],
    });
    const r = await analyse(file);
    expect(layer(r, 'mm').outputShape).toEqual([4, 16]);
    expect(layer(r, 'mm').macs).toBe(4 * 8 * 16);
  });

  it('MatMul of two activations with transpose_a; BatchMatMulV2 with adj_x broadcasting its batch', async () => {
    const file = writeGraph(fresh(), {
      nodes: [
        placeholder('a', [8, 4]), placeholder('b', [8, 5]),
        { name: 'mm', op: 'MatMul', input: ['a', 'b'], attr: { transpose_a: { b: true } } },
        placeholder('p', [2, 1, 3, 5]), placeholder('q', [6, 3, 7]),
        { name: 'bmm', op: 'BatchMatMulV2', input: ['p', 'q'], attr: { adj_x: { b: true } } },
      ],
    });
    const r = await analyse(file);
    expect(layer(r, 'mm').outputShape).toEqual([4, 5]);
    expect(layer(r, 'mm').macs).toBe(4 * 8 * 5);
    // [2, 1, 5, 3] x [6, 3, 7] -> [2, 6, 5, 7]: 2 x 6 batches of 5 x 3 x 7.
    expect(layer(r, 'bmm').outputShape).toEqual([2, 6, 5, 7]);
    expect(layer(r, 'bmm').macs).toBe(2 * 6 * 5 * 3 * 7);
  });

  it('_FusedConv2D with FusedBatchNorm + Relu: 2 (scale, shift) + 1 per output besides 2 x MACs', async () => {
    const file = writeGraph(fresh(), {
      consts: [{ name: 'w', shape: [3, 3, 4, 6], dtype: 'float32' }, ...['s', 'o', 'm', 'v'].map((n) => ({ name: n, shape: [6], dtype: 'float32' as const }))],
      nodes: [placeholder('x', [1, 10, 10, 4]), { name: 'c', op: '_FusedConv2D', input: ['x', 'w', 's', 'o', 'm', 'v'], attr: convAttrs('VALID', [1, 1, 1, 1], ['FusedBatchNorm', 'Relu'], { epsilon: { f: 0.001 } }) }],
    });
    const r = await analyse(file);
    const macs = 8 * 8 * 6 * (3 * 3 * 4);
    expect(layer(r, 'c').macs).toBe(macs);
    expect(layer(r, 'c').flops).toBe(2 * macs + 8 * 8 * 6 * 3);
    expect(r.totals.params.total).toBe(3 * 3 * 4 * 6 + 4 * 6);
  });

  it('NCHW, EXPLICIT padding, dilations; a depthwise multiplier; Conv3D', async () => {
    const file = writeGraph(fresh(), {
      consts: [
        { name: 'w1', shape: [3, 3, 4, 8], dtype: 'float32' },
        { name: 'w2', shape: [5, 5, 8, 2], dtype: 'float32' },
        { name: 'w3', shape: [3, 3, 3, 2, 4], dtype: 'float32' },
      ],
      nodes: [
        placeholder('x', [1, 4, 20, 20]),
        { name: 'nchw', op: 'Conv2D', input: ['x', 'w1'], attr: { ...convAttrs('EXPLICIT', [1, 1, 2, 2]), data_format: str('NCHW'), explicit_paddings: ints([0, 0, 0, 0, 1, 2, 1, 2]) } },
        placeholder('y', [1, 12, 12, 8]),
        { name: 'dw', op: 'DepthwiseConv2dNative', input: ['y', 'w2'], attr: { ...convAttrs('VALID', [1, 1, 1, 1]), dilations: ints([1, 2, 2, 1]) } },
        placeholder('v', [1, 6, 6, 6, 2]),
        { name: 'c3', op: 'Conv3D', input: ['v', 'w3'], attr: { ...convAttrs('SAME', [1, 1, 1, 1, 1]), dilations: ints([1, 1, 1, 1, 1]), data_format: str('NDHWC') } },
      ],
    });
    const r = await analyse(file);
    // NCHW 20 + 1 + 2 = 23, 3x3 stride 2: floor((23 - 3) / 2) + 1 = 11.
    expect(layer(r, 'nchw').outputShape).toEqual([1, 8, 11, 11]);
    expect(layer(r, 'nchw').macs).toBe(11 * 11 * 8 * (3 * 3 * 4));
    // 5x5 dilated by 2 spans 9: 12 - 9 + 1 = 4; multiplier 2: 16 channels, each one 5x5 window.
    expect(layer(r, 'dw').outputShape).toEqual([1, 4, 4, 16]);
    expect(layer(r, 'dw').macs).toBe(4 * 4 * 16 * 25);
    expect(layer(r, 'c3').outputShape).toEqual([1, 6, 6, 6, 4]);
    expect(layer(r, 'c3').macs).toBe(6 * 6 * 6 * 4 * (27 * 2));
  });

  it('a channels-last input transposed to NCHW: the NCHW conv, then a Mean over axes 2 and 3 is a global pooling', async () => {
    const file = writeGraph(fresh(), {
      consts: [{ name: 'perm', shape: [4], dtype: 'int32', values: [0, 3, 1, 2] }, { name: 'w', shape: [3, 3, 3, 4], dtype: 'float32' }, { name: 'axes', shape: [2], dtype: 'int32', values: [2, 3] }],
      nodes: [
        placeholder('x', [1, 8, 8, 3]),
        { name: 't', op: 'Transpose', input: ['x', 'perm'] },
        { name: 'c', op: 'Conv2D', input: ['t', 'w'], attr: { ...convAttrs('SAME', [1, 1, 1, 1]), data_format: str('NCHW') } },
        { name: 'r', op: 'Relu', input: ['c'] },
        { name: 'gap', op: 'Mean', input: ['r', 'axes'] },
      ],
    });
    const r = await analyse(file);
    expect(layer(r, 'c').outputShape).toEqual([1, 4, 8, 8]);
    expect(layer(r, 'c').macs).toBe(8 * 8 * 4 * 27);
    // The transpose keeps the field (r = 1); the 3x3 conv: r = 3; the Mean over H and W sees the whole 8x8 input.
    expect(layer(r, 'r').receptiveField).toEqual({ size: [3, 3], stride: [1, 1], padding: [1, 1] });
    expect(layer(r, 'gap').receptiveField).toMatchObject({ size: [8, 8], global: true });
    expect(layer(r, 'gap').outputShape).toEqual([1, 4]);
  });

  it('Conv2DBackpropInput reads its output size from its constant; MACs per input element', async () => {
    const file = writeGraph(fresh(), {
      consts: [{ name: 'sizes', shape: [4], dtype: 'int32', values: [1, 16, 16, 4] }, { name: 'w', shape: [3, 3, 4, 8], dtype: 'float32' }],
      nodes: [placeholder('x', [1, 8, 8, 8]), { name: 'up', op: 'Conv2DBackpropInput', input: ['sizes', 'w', 'x'], attr: convAttrs('SAME', [1, 2, 2, 1]) }],
    });
    const r = await analyse(file);
    expect(layer(r, 'up').outputShape).toEqual([1, 16, 16, 4]);
    // Each of the 8x8x8 input elements is scattered through the 3x3 kernel to the 4 output channels.
    expect(layer(r, 'up').macs).toBe(8 * 8 * 8 * 9 * 4);
    expect(r.totals.constants?.config).toEqual({ tensors: 1, elements: 4 });
  });

  it('Mean over height and width is a global pooling; StridedSlice and Shape arithmetic', async () => {
    const file = writeGraph(fresh(), {
      consts: [
        { name: 'axes', shape: [2], dtype: 'int32', values: [1, 2] },
        { name: 'b', shape: [1], dtype: 'int32', values: [1] }, { name: 'e', shape: [1], dtype: 'int32', values: [3] }, { name: 's', shape: [1], dtype: 'int32', values: [1] },
      ],
      nodes: [
        placeholder('x', [1, 7, 9, 5]),
        { name: 'gap', op: 'Mean', input: ['x', 'axes'], attr: { keep_dims: { b: false } } },
        { name: 'shape', op: 'Shape', input: ['x'] },
        { name: 'hw', op: 'StridedSlice', input: ['shape', 'b', 'e', 's'], attr: { begin_mask: {}, end_mask: {}, ellipsis_mask: {}, new_axis_mask: {}, shrink_axis_mask: {} } },
        { name: 'resize', op: 'ResizeBilinear', input: ['x', 'hw'] },
      ],
    });
    const r = await analyse(file);
    expect(layer(r, 'gap').outputShape).toEqual([1, 5]);
    expect(r.layers.find((l) => l.name === 'gap')?.flops).toBe(7 * 9 * 5);
    expect(layer(r, 'resize').outputShape).toEqual([1, 7, 9, 5]);
  });

  it('bool and string constants in the manifest: configuration, not parameters, and the reason values are not read', async () => {
    const dir = fresh();
    const file = writeGraph(dir, { consts: [{ name: 'w', shape: [4], dtype: 'float32' }], nodes: [placeholder('x', [1, 4]), { name: 'm', op: 'Mul', input: ['x', 'w'] }] });
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.weightsManifest[0].weights.push({ name: 'flag', shape: [], dtype: 'bool' }, { name: 'vocab', shape: [3], dtype: 'string' });
    writeFileSync(file, JSON.stringify(json));
    const r = await analyse(file);
    expect(r.totals.params.total).toBe(4);
    expect(r.totals.constants?.config).toEqual({ tensors: 2, elements: 1 + 3 });
    expect(r.notes?.join('\n')).toContain('the manifest also stores bool, string constants (2 tensors, configuration)');
    expect(layer(r, 'm').macs).toBe(0);
    expect(layer(r, 'm').flops).toBe(4);
  });

  it('an op with no rule is listed as unsupported, never counted as 0 silently', async () => {
    const file = writeGraph(fresh(), { nodes: [placeholder('x', [1, 4]), { name: 'odd', op: 'MyCustomOp', input: ['x'] }] });
    const r = await analyse(file);
    expect(r.unsupported).toEqual([{ className: 'MyCustomOp', layers: ['odd'] }]);
    expect(r.complete).toBe(false);
    expect(r.notes?.join('\n')).toContain('no shape rule for MyCustomOp (x1)');
  });
});

describe('hostile graphs: one line, exit 2 (BAD_INPUT), nothing half-done', () => {
  const relu = (name: string, input: string) => ({ name, op: 'Relu', input: [input] });
  const cases: [string, GraphSpec, RegExp][] = [
    ['a cycle outside control flow', { nodes: [placeholder('x', [1, 4]), { name: 'a', op: 'AddV2', input: ['x', 'b'] }, relu('b', 'a')] }, /cycle outside control flow: "(a|b)" -> "(a|b)" -> "(a|b)"/],
    ['an input naming no node', { nodes: [placeholder('x', [1, 4]), relu('r', 'ghost:0')] }, /node "r" \(Relu\) reads "ghost", which is no node of the graph/],
    ['two nodes of one name', { nodes: [placeholder('x', [1, 4]), relu('r', 'x'), relu('r', 'x')] }, /two nodes are named "r"/],
    ['negative strides', { consts: [{ name: 'w', shape: [3, 3, 3, 4], dtype: 'float32' }], nodes: [placeholder('x', [1, 8, 8, 3]), { name: 'c', op: 'Conv2D', input: ['x', 'w'], attr: convAttrs('VALID', [1, -2, -2, 1]) }] }, /node "c" \(Conv2D\): strides \[1,-2,-2,1\]: every entry must be 1\.\./],
    ['a 1e12 dimension', { nodes: [placeholder('x', [1, 1e12, 3])] }, /dim\[1\] is 1000000000000/],
    ['a shape of 2^40 elements and more', { nodes: [placeholder('x', [2 ** 20, 2 ** 20, 4]), relu('r', 'x')] }, /more than 2\^40 elements/],
    ['a kernel larger than its input', { consts: [{ name: 'w', shape: [9, 9, 3, 4], dtype: 'float32' }], nodes: [placeholder('x', [1, 4, 4, 3]), { name: 'c', op: 'Conv2D', input: ['x', 'w'], attr: convAttrs('VALID', [1, 1, 1, 1]) }] }, /node "c" \(Conv2D\): a window of 9 does not fit an input of 4/],
    ['an attribute of the wrong form', { nodes: [placeholder('x', [1, 8, 8, 3]), { name: 'p', op: 'MaxPool', input: ['x'], attr: { ksize: { i: 'three' }, strides: ints([1, 1, 1, 1]) } }] }, /node "p".*attribute "ksize"/],
    ['a padding mode that is none', { nodes: [placeholder('x', [1, 8, 8, 3]), { name: 'p', op: 'MaxPool', input: ['x'], attr: { ksize: ints([1, 2, 2, 1]), strides: ints([1, 1, 1, 1]), padding: str('HUGE') } }] }, /padding "HUGE" is not SAME, VALID or EXPLICIT/],
    ['a node without a name', { nodes: [{ name: '', op: 'Relu' } as never] }, /modelTopology\.node\[0\] has no name/],
    ['a Reshape that loses elements', { consts: [{ name: 's', shape: [2], dtype: 'int32', values: [5, 5] }], nodes: [placeholder('x', [1, 24]), { name: 'r', op: 'Reshape', input: ['x', 's'] }] }, /node "r" \(Reshape\): cannot reshape \[1, 24\] \(24 elements\) to \[5,5\]/],
  ];
  it.each(cases)('%s', async (_what, spec, message) => {
    expect(await refusal(writeGraph(fresh(), spec))).toMatch(message);
  });

  it('a shard path that leaves the model directory is refused', async () => {
    const dir = fresh();
    const file = writeGraph(dir, { consts: [{ name: 'w', shape: [2], dtype: 'float32' }], nodes: [placeholder('x', [1, 2]), { name: 'm', op: 'Mul', input: ['x', 'w'] }] });
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.weightsManifest[0].paths = ['../../etc/passwd'];
    writeFileSync(file, JSON.stringify(json));
    expect(await refusal(file)).toMatch(/weightsManifest path "\.\.\/\.\.\/etc\/passwd"/);
  });

  it('names, op types, attribute and weight names that are Object.prototype keys are ordinary strings', async () => {
    const keys = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
    const file = writeGraph(fresh(), {
      consts: keys.map((k) => ({ name: `${k}`, shape: [4], dtype: 'float32' as const })),
      nodes: [
        placeholder('x', [1, 4]),
        // Each op type a prototype key (no rule: unsupported), each node named after one, reading a weight named after one.
        ...keys.map((k, i) => ({ name: `n/${k}`, op: k, input: [i === 0 ? 'x' : `n/${keys[i - 1]}`, k], attr: { [k]: { i: '1' }, T: { type: 'DT_FLOAT' } } })),
        { name: '__proto__/relu', op: 'Relu', input: ['x'], attr: JSON.parse('{"__proto__": {"b": true}, "constructor": {"s": "eA=="}}') },
      ],
    });
    const r = await analyse(file);
    expect(r.unsupported.map((u) => u.className).sort()).toEqual([...keys].sort());
    expect(r.totals.params.total).toBe(5 * 4);
    expect(layer(r, '__proto__/relu').outputShape).toEqual([1, 4]);
    expect(layer(r, '__proto__/relu').block).toEqual(['__proto__']);
  });
});

describe('control flow: listed and explained, not walked', () => {
  it('a TF1 while loop (Enter, Merge, Switch, NextIteration, Exit, LoopCond): its back edge is no cycle', async () => {
    const file = writeGraph(fresh(), {
      consts: [{ name: 'limit', shape: [], dtype: 'float32' }, { name: 'one', shape: [], dtype: 'float32' }, { name: 'w', shape: [4, 3], dtype: 'float32' }],
      nodes: [
        placeholder('x', [1, 4]),
        { name: 'head/fc', op: 'MatMul', input: ['x', 'w'] },
        { name: 'loop/enter', op: 'Enter', input: ['head/fc'], attr: { frame_name: str('loop') } },
        { name: 'loop/merge', op: 'Merge', input: ['loop/enter', 'loop/next'] },
        { name: 'loop/less', op: 'Less', input: ['loop/merge', 'limit'] },
        { name: 'loop/cond', op: 'LoopCond', input: ['loop/less'] },
        { name: 'loop/switch', op: 'Switch', input: ['loop/merge', 'loop/cond'] },
        { name: 'loop/add', op: 'AddV2', input: ['loop/switch:1', 'one'] },
        { name: 'loop/next', op: 'NextIteration', input: ['loop/add'] },
        { name: 'loop/exit', op: 'Exit', input: ['loop/switch'] },
        { name: 'out', op: 'Relu', input: ['loop/exit'] },
      ],
    });
    const r = await analyse(file);
    expect(layer(r, 'head/fc').macs).toBe(4 * 3);
    for (const op of ['Enter', 'Merge', 'Switch', 'NextIteration', 'Exit', 'LoopCond']) expect(r.unsupported.map((u) => u.className)).toContain(op);
    expect(layer(r, 'loop/merge').note).toMatch(/control flow \(Merge\): loops and branches are not walked/);
    expect(layer(r, 'out').unknownCost).toBe(true);
    const note = r.notes?.find((n) => n.startsWith('control flow:'));
    expect(note).toMatch(/Enter x1, Merge x1, .*LoopCond x1.*not walked as straight-line code/);
    expect(r.complete).toBe(false);
  });

  it('a loop\'s stacked output (TensorListStack) has [num_elements, ...element_shape]: what reads it is costed', async () => {
    const file = writeGraph(fresh(), {
      consts: [{ name: 'shape', shape: [3], dtype: 'int32', values: [8, 8, 3] }, { name: 'n', shape: [], dtype: 'int32', values: [1] }, { name: 'w', shape: [3, 3, 3, 4], dtype: 'float32' }],
      nodes: [
        placeholder('x', [1, 8, 8, 3]),
        { name: 'list', op: 'TensorListReserve', input: ['shape', 'n'] },
        { name: 'while', op: 'StatelessWhile', input: ['list', 'x'], attr: { body: { func: { name: 'b' } } } },
        { name: 'stack', op: 'TensorListStack', input: ['while', 'shape'], attr: { num_elements: { i: '1' } } },
        { name: 'conv', op: 'Conv2D', input: ['stack', 'w'], attr: convAttrs('SAME', [1, 1, 1, 1]) },
      ],
    });
    const r = await analyse(file);
    expect(layer(r, 'stack').outputShape).toEqual([1, 8, 8, 3]);
    expect(r.unsupported.map((u) => u.className)).toEqual(['TensorListReserve', 'StatelessWhile', 'TensorListStack']);
    expect(layer(r, 'conv').macs).toBe(8 * 8 * 4 * 27);
  });

  it('a TF2 StatelessWhile calling library functions: named in the note; their constants are the caller\'s parameters', async () => {
    const body = { signature: { name: 'body_fn', inputArg: [{ name: 'i', type: 'DT_FLOAT' }] }, nodeDef: [{ name: 'body_fn/c', op: 'Const' }, { name: 'body_fn/add', op: 'AddV2', input: ['i', 'body_fn/c:output:0'] }] };
    const cond = { signature: { name: 'cond_fn' }, nodeDef: [{ name: 'cond_fn/less', op: 'Less' }] };
    const file = writeGraph(fresh(), {
      consts: [{ name: 'body_fn/c', shape: [3], dtype: 'float32' }],
      library: { function: [body, cond] },
      nodes: [
        placeholder('x', [1, 3]),
        { name: 'while', op: 'StatelessWhile', input: ['x'], attr: { body: { func: { name: 'body_fn' } }, cond: { func: { name: 'cond_fn' } } } },
        { name: 'out', op: 'Sigmoid', input: ['while'] },
      ],
    });
    const r = await analyse(file);
    expect(layer(r, 'while').params.total).toBe(3);
    expect(r.totals.params.total).toBe(3);
    expect(r.notes?.find((n) => n.startsWith('control flow:'))).toMatch(/StatelessWhile x1; 2 library functions \(body_fn, cond_fn: 3 ops\) are called, not analysed/);
    expect(layer(r, 'out').unknownCost).toBe(true);
  });
});
