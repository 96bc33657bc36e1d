/**
 * Writes the small ONNX fixtures of fixtures/onnx/ with the project's protobufjs encoder.
 * Their figures are closed forms, written in test/cli/onnx.test.ts; weights are a fixed
 * ramp so that onnxruntime can run them. Run with: npx tsx scripts/make-onnx-fixtures.mts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { encodeModel, type AttributeMsg, type Dim, type ModelMsg, type NodeMsg, type TensorMsg, type ValueInfoMsg } from '../src/load/onnx/proto.js';

const FLOAT = 1;
const INT64 = 7;

const floats = (name: string, dims: number[]): TensorMsg => {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 10);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer) };
};
const int64s = (name: string, values: number[]): TensorMsg => ({ name, dims: [values.length], dataType: INT64, int64Data: values });
const ints = (name: string, v: number[]): AttributeMsg => ({ name, type: 7, ints: v });
const int = (name: string, i: number): AttributeMsg => ({ name, type: 2, i });
const node = (name: string, opType: string, input: string[], output: string[], attribute: AttributeMsg[] = []): NodeMsg => ({ name, opType, input, output, attribute });
const info = (name: string, dims: (number | string)[]): ValueInfoMsg => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d): Dim => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
});
const model = (name: string, nodes: NodeMsg[], initializer: TensorMsg[], input: ValueInfoMsg[], output: ValueInfoMsg[]): Uint8Array =>
  encodeModel({ irVersion: 8, producerName: 'dnarch fixtures', producerVersion: '1', opsetImport: [{ domain: '', version: 17 }], graph: { name, node: nodes, initializer, input, output } } as ModelMsg);

/**
 * tiny-cnn: [N,3,32,32] -> 3x3 conv to 8 (pad 1) -> ReLU -> 3x3 depthwise stride 2 (pad 1)
 * -> 1x1 conv to 16 -> global average pool -> flatten -> Gemm to 10 -> softmax.
 */
const tinyCnn = model(
  'tiny-cnn',
  [
    node('/stem/conv/Conv', 'Conv', ['input', 'w1', 'b1'], ['c1'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [1, 1])]),
    node('/stem/relu/Relu', 'Relu', ['c1'], ['r1']),
    node('/block/dw/Conv', 'Conv', ['r1', 'w2', 'b2'], ['c2'], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1]), ints('strides', [2, 2]), int('group', 8)]),
    node('/block/pw/Conv', 'Conv', ['c2', 'w3', 'b3'], ['c3'], [ints('kernel_shape', [1, 1])]),
    node('/head/pool/GlobalAveragePool', 'GlobalAveragePool', ['c3'], ['p']),
    node('/head/Flatten', 'Flatten', ['p'], ['f']),
    node('/head/fc/Gemm', 'Gemm', ['f', 'w4', 'b4'], ['g'], [int('transB', 1)]),
    node('/head/Softmax', 'Softmax', ['g'], ['output']),
  ],
  [floats('w1', [8, 3, 3, 3]), floats('b1', [8]), floats('w2', [8, 1, 3, 3]), floats('b2', [8]), floats('w3', [16, 8, 1, 1]), floats('b3', [16]), floats('w4', [10, 16]), floats('b4', [10])],
  [info('input', ['N', 3, 32, 32])],
  [info('output', ['N', 10])],
);

/**
 * open-size: an image input of open height and width, [N,3,H,W], and a second input
 * [N,4]: a 3x3 conv to 4, global pool, flatten, added to the second input.
 */
const openSize = model(
  'open-size',
  [
    node('conv', 'Conv', ['image', 'w', ''], ['c'], [ints('kernel_shape', [3, 3])]),
    node('pool', 'GlobalAveragePool', ['c'], ['p']),
    node('flatten', 'Flatten', ['p'], ['f']),
    node('add', 'Add', ['f', 'extra'], ['output']),
  ],
  [floats('w', [4, 3, 3, 3])],
  [info('image', ['batch', 3, 'height', 'width']), info('extra', ['batch', 4])],
  [info('output', ['batch', 4])],
);

/** attention: scores = Q K^T of two activations [1,2,5,8] (Q from a MatMul by a weight), softmax. */
const attention = model(
  'attention',
  [
    node('q', 'MatMul', ['x', 'wq'], ['q_out']),
    node('kt', 'Transpose', ['x'], ['x_t'], [ints('perm', [0, 1, 3, 2])]),
    node('scores', 'MatMul', ['q_out', 'x_t'], ['s']),
    node('softmax', 'Softmax', ['s'], ['output'], [int('axis', -1)]),
  ],
  [floats('wq', [8, 8])],
  [info('x', [1, 2, 5, 8])],
  [info('output', [1, 2, 5, 5])],
);

/** reshape-chain: PyTorch's x.view(x.size(0), -1) as Shape -> Gather -> Unsqueeze -> Concat -> Reshape. */
const reshapeChain = model(
  'reshape-chain',
  [
    node('shape', 'Shape', ['x'], ['s']),
    node('gather', 'Gather', ['s', 'zero'], ['n'], [int('axis', 0)]),
    node('unsqueeze', 'Unsqueeze', ['n', 'axes'], ['n1']),
    node('concat', 'Concat', ['n1', 'minus_one'], ['target'], [int('axis', 0)]),
    node('reshape', 'Reshape', ['x', 'target'], ['flat']),
    node('fc', 'Gemm', ['flat', 'w', 'b'], ['output'], [int('transB', 1)]),
  ],
  [{ name: 'zero', dims: [], dataType: INT64, int64Data: [0] }, int64s('axes', [0]), int64s('minus_one', [-1]), floats('w', [5, 48]), floats('b', [5])],
  [info('x', ['N', 3, 4, 4])],
  [info('output', ['N', 5])],
);

mkdirSync('fixtures/onnx', { recursive: true });
for (const [name, bytes] of Object.entries({ 'tiny-cnn': tinyCnn, 'open-size': openSize, attention, 'reshape-chain': reshapeChain })) {
  writeFileSync(`fixtures/onnx/${name}.onnx`, bytes);
  console.log(`fixtures/onnx/${name}.onnx: ${bytes.length} bytes`);
}
