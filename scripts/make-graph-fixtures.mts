/**
 * Writes fixtures/graph/classifier/: a small TensorFlow.js graph model (model.json and its
 * shard) as tensorflowjs_converter writes one, NHWC, with every constant a shape depends on
 * (Pad amounts, ConcatV2 axis, Reshape target) in the shard. Its figures are closed forms
 * written in test/load/graph-model.test.ts. Run with: npx tsx scripts/make-graph-fixtures.mts
 *
 *   x [-1, 32, 32, 3]
 *   stem/pad      Pad 1 on height and width                    -> [1, 34, 34, 3]
 *   stem/conv     _FusedConv2D 3x3/2 VALID to 8, BiasAdd+Relu  -> [1, 16, 16, 8]
 *   block/dw      FusedDepthwiseConv2dNative 3x3/1 SAME, BiasAdd+Relu6 -> [1, 16, 16, 8]
 *   block/pw      _FusedConv2D 1x1 to 16, BiasAdd+Relu         -> [1, 16, 16, 16]
 *   branch/conv   Conv2D 3x3/1 SAME to 16 (reads stem/conv)    -> [1, 16, 16, 16]
 *   branch/bias   BiasAdd
 *   merge/concat  ConcatV2 on axis 3                           -> [1, 16, 16, 32]
 *   head/pool     MaxPool 2x2/2 VALID                          -> [1, 8, 8, 32]
 *   head/flatten  Reshape to [-1, 2048]                        -> [1, 2048]
 *   head/fc       _FusedMatMul by [2048, 10], BiasAdd          -> [1, 10]
 *   head/softmax  Softmax, then Identity (the output)
 */
import { mkdirSync, writeFileSync } from 'node:fs';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const ints = (v: number[]) => ({ list: { i: v.map(String) } });
const T = { T: { type: 'DT_FLOAT' } };
const shapeJson = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

interface Weight { name: string; shape: number[]; dtype: 'float32' | 'int32'; values: number[] }
const weights: Weight[] = [];
const nodes: Record<string, unknown>[] = [];

function constant(name: string, shape: number[], dtype: 'float32' | 'int32', values?: number[]): string {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = values ?? Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 10);
  weights.push({ name, shape, dtype, values: v });
  const dt = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
  nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype: dt, tensorShape: shapeJson(shape) } }, dtype: { type: dt } } });
  return name;
}
const op = (name: string, opName: string, input: string[], attr: Record<string, unknown> = {}): string => {
  nodes.push({ name, op: opName, input, attr: { ...T, ...attr } });
  return name;
};
const conv = (padding: string, strides: number[], fused: string[]) => ({
  strides: ints(strides), dilations: ints([1, 1, 1, 1]), padding: { s: b64(padding) }, data_format: { s: b64('NHWC') },
  explicit_paddings: { list: {} }, ...(fused.length ? { fused_ops: { list: { s: fused.map(b64) } }, num_args: { i: '1' } } : {}),
});

nodes.push({ name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shapeJson([-1, 32, 32, 3]) } } });
op('stem/pad', 'Pad', ['x', constant('stem/pad/paddings', [4, 2], 'int32', [0, 0, 1, 1, 1, 1, 0, 0])], { Tpaddings: { type: 'DT_INT32' } });
op('stem/conv', '_FusedConv2D', ['stem/pad', constant('stem/conv/weights', [3, 3, 3, 8], 'float32'), constant('stem/conv/bias', [8], 'float32')], conv('VALID', [1, 2, 2, 1], ['BiasAdd', 'Relu']));
op('block/dw', 'FusedDepthwiseConv2dNative', ['stem/conv', constant('block/dw/weights', [3, 3, 8, 1], 'float32'), constant('block/dw/bias', [8], 'float32')], conv('SAME', [1, 1, 1, 1], ['BiasAdd', 'Relu6']));
op('block/pw', '_FusedConv2D', ['block/dw', constant('block/pw/weights', [1, 1, 8, 16], 'float32'), constant('block/pw/bias', [16], 'float32')], conv('SAME', [1, 1, 1, 1], ['BiasAdd', 'Relu']));
op('branch/conv', 'Conv2D', ['stem/conv', constant('branch/conv/weights', [3, 3, 8, 16], 'float32')], conv('SAME', [1, 1, 1, 1], []));
op('branch/bias', 'BiasAdd', ['branch/conv', constant('branch/bias/bias', [16], 'float32')], { data_format: { s: b64('NHWC') } });
op('merge/concat', 'ConcatV2', ['block/pw', 'branch/bias', constant('merge/concat/axis', [], 'int32', [3])], { N: { i: '2' }, Tidx: { type: 'DT_INT32' } });
op('head/pool', 'MaxPool', ['merge/concat'], { ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: { s: b64('VALID') }, data_format: { s: b64('NHWC') } });
op('head/flatten', 'Reshape', ['head/pool', constant('head/flatten/shape', [2], 'int32', [-1, 2048])], { Tshape: { type: 'DT_INT32' } });
op('head/fc', '_FusedMatMul', ['head/flatten', constant('head/fc/weights', [2048, 10], 'float32'), constant('head/fc/bias', [10], 'float32')],
  { transpose_a: { b: false }, transpose_b: { b: false }, fused_ops: { list: { s: [b64('BiasAdd')] } }, num_args: { i: '1' }, epsilon: { f: 0 } });
op('head/softmax', 'Softmax', ['head/fc']);
op('Identity', 'Identity', ['head/softmax']);

const bytes = Buffer.concat(weights.map((w) => Buffer.from((w.dtype === 'float32' ? Float32Array.from(w.values) : Int32Array.from(w.values)).buffer)));
const model = {
  format: 'graph-model',
  generatedBy: 'dnarch fixtures',
  convertedBy: 'scripts/make-graph-fixtures.mts',
  signature: {
    inputs: { x: { name: 'x:0', dtype: 'DT_FLOAT', tensorShape: shapeJson([-1, 32, 32, 3]) } },
    outputs: { output_0: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: shapeJson([-1, 10]) } },
  },
  modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
  weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })) }],
};
mkdirSync('fixtures/graph/classifier', { recursive: true });
writeFileSync('fixtures/graph/classifier/model.json', JSON.stringify(model));
writeFileSync('fixtures/graph/classifier/group1-shard1of1.bin', bytes);
console.log(`fixtures/graph/classifier: ${nodes.length} nodes, ${weights.length} constants, ${bytes.length} bytes of shard`);
