// Writes small, complete TensorFlow.js graph models (model.json + group1-shard1of1.bin) for the
// tests of running graph models (test/bench/graph-run.test.ts, test/cli/graph-bench.test.ts):
//
//   fixtures/graph-run/convnet/    Placeholder x [-1,4,4,1] -> _FusedConv2D 3x3 SAME 1->2 (BiasAdd,
//                                  Relu) -> MaxPool 2x2/2 -> Reshape [-1, 8] (an int32 constant in
//                                  the shard) -> MatMul [8,3] -> Softmax. float32 weights.
//   fixtures/graph-run/quantized/  the same graph, its float weights stored uint8-quantized
//                                  (kernel, matmul) and float16 (bias); the int32 shape as it is.
//   fixtures/graph-run/float-only/ x [-1,2] -> MatMul [2,3] -> BiasAdd -> Relu: no int32 constant,
//                                  so it can run on seeded weights when its shard is missing.
//   fixtures/graph-run/while-loop/ a TF1 while loop (Enter/Merge/Switch/LoopCond/NextIteration/Exit):
//                                  i = 0; while i < 3: x = x * 2, i = i + 1; output x (x * 8).
//   fixtures/graph-run/open-dims/  input_tensor uint8 [1,-1,-1,3] (signature.inputs, as the TF2
//                                  detectors have it) -> Cast float -> Conv2D 1x1 3->2 -> Mean over
//                                  [1, 2] (an int32 constant) -> [1, 2].
//
// Every weight value is written here by hand; the tests compute the outputs from the same numbers
// with plain loops of their own. Nodes and attributes are written in the converter's JSON forms
// ({"i": "1"}, {"list": {"i": [...]}}, base64 {"s": ...}, {"type": "DT_FLOAT"}).
// Run: npx tsx scripts/make-graph-run-fixtures.mts
import { mkdirSync, writeFileSync } from 'node:fs';

type Json = Record<string, unknown>;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const ints = (xs: number[]) => ({ list: { i: xs.map(String) } });
const type = (t: string) => ({ type: t });
const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });

function placeholder(name: string, dtype: string, shape: number[]): Json {
  return { name, op: 'Placeholder', attr: { dtype: type(dtype), shape: { shape: dims(shape) } } };
}
function konst(name: string, dtype: string, shape: number[]): Json {
  return { name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: dims(shape) } }, dtype: type(dtype) } };
}
const node = (name: string, op: string, input: string[], attr: Json = {}): Json => ({ name, op, input, attr });

const f32 = (xs: number[]) => {
  const b = Buffer.alloc(4 * xs.length);
  xs.forEach((x, i) => b.writeFloatLE(x, 4 * i));
  return b;
};
const i32 = (xs: number[]) => {
  const b = Buffer.alloc(4 * xs.length);
  xs.forEach((x, i) => b.writeInt32LE(x, 4 * i));
  return b;
};
const u8 = (xs: number[]) => Buffer.from(xs);
const f16 = (bits: number[]) => {
  const b = Buffer.alloc(2 * bits.length);
  bits.forEach((x, i) => b.writeUInt16LE(x, 2 * i));
  return b;
};

interface Weight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  bytes: Buffer;
  quantization?: Json;
}

function write(dir: string, nodes: Json[], weights: Weight[], extra: Json = {}): void {
  mkdirSync(dir, { recursive: true });
  const json = {
    format: 'graph-model',
    generatedBy: 'dnarch fixture',
    convertedBy: 'scripts/make-graph-run-fixtures.mts',
    ...extra,
    modelTopology: { node: nodes, library: {}, versions: { producer: 1286 } },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype, ...(w.quantization ? { quantization: w.quantization } : {}) })),
      },
    ],
  };
  writeFileSync(`${dir}/model.json`, JSON.stringify(json, null, 1) + '\n');
  writeFileSync(`${dir}/group1-shard1of1.bin`, Buffer.concat(weights.map((w) => w.bytes)));
}

// ---- convnet and quantized: the same graph ---------------------------------------------------
// Conv kernel [3,3,1,2] (HWIO): channel 0 = the 3x3 values k0, channel 1 = k1; index (h, w, 0, c)
// is at (h * 3 + w) * 2 + c.
const K0 = [1, 0, -1, 2, 0, -2, 1, 0, -1]; // a Sobel x filter
const K1 = [0, 0.5, 0, 0.5, 1, 0.5, 0, 0.5, 0];
const KERNEL = K0.flatMap((v, i) => [v, K1[i]]);
const BIAS = [0.25, -0.5];
// MatMul [8, 3]: row r = 0.1 * (r + 1) * [1, -1, 0.5]
const DENSE = Array.from({ length: 8 }, (_, r) => [0.1 * (r + 1), -0.1 * (r + 1), 0.05 * (r + 1)]).flat();

const convNodes = (): Json[] => [
  placeholder('x', 'DT_FLOAT', [-1, 4, 4, 1]),
  konst('conv/kernel', 'DT_FLOAT', [3, 3, 1, 2]),
  konst('conv/bias', 'DT_FLOAT', [2]),
  konst('flatten/shape', 'DT_INT32', [2]),
  konst('dense/kernel', 'DT_FLOAT', [8, 3]),
  node('conv/Relu', '_FusedConv2D', ['x', 'conv/kernel', 'conv/bias'], {
    T: type('DT_FLOAT'),
    strides: ints([1, 1, 1, 1]),
    padding: { s: b64('SAME') },
    data_format: { s: b64('NHWC') },
    dilations: ints([1, 1, 1, 1]),
    fused_ops: { list: { s: [b64('BiasAdd'), b64('Relu')] } },
    num_args: { i: '1' },
    epsilon: { f: 0 },
    explicit_paddings: { list: {} },
    use_cudnn_on_gpu: { b: true },
  }),
  node('pool/MaxPool', 'MaxPool', ['conv/Relu'], {
    T: type('DT_FLOAT'),
    ksize: ints([1, 2, 2, 1]),
    strides: ints([1, 2, 2, 1]),
    padding: { s: b64('VALID') },
    data_format: { s: b64('NHWC') },
  }),
  node('flatten/Reshape', 'Reshape', ['pool/MaxPool', 'flatten/shape'], { T: type('DT_FLOAT'), Tshape: type('DT_INT32') }),
  node('dense/MatMul', 'MatMul', ['flatten/Reshape', 'dense/kernel'], { T: type('DT_FLOAT'), transpose_a: { b: false }, transpose_b: { b: false } }),
  node('probs', 'Softmax', ['dense/MatMul'], { T: type('DT_FLOAT') }),
];

write('fixtures/graph-run/convnet', convNodes(), [
  { name: 'conv/kernel', shape: [3, 3, 1, 2], dtype: 'float32', bytes: f32(KERNEL) },
  { name: 'conv/bias', shape: [2], dtype: 'float32', bytes: f32(BIAS) },
  { name: 'flatten/shape', shape: [2], dtype: 'int32', bytes: i32([-1, 8]) },
  { name: 'dense/kernel', shape: [8, 3], dtype: 'float32', bytes: f32(DENSE) },
]);

// Quantized: kernel uint8 with min -2, scale 1/60 (value = q / 60 - 2: q = 60 * (v + 2), a whole
// number for these values); bias float16 (0.25 = 0x3400, -0.5 = 0xb800); dense uint8 with min -1, scale 1/128
// (q = 128 * (v + 1), rounded: the test dequantizes the stored q itself).
const Q_KERNEL = KERNEL.map((v) => Math.round(60 * (v + 2)));
const Q_DENSE = DENSE.map((v) => Math.round(128 * (v + 1)));
write('fixtures/graph-run/quantized', convNodes(), [
  { name: 'conv/kernel', shape: [3, 3, 1, 2], dtype: 'float32', bytes: u8(Q_KERNEL), quantization: { dtype: 'uint8', min: -2, scale: 1 / 60, original_dtype: 'float32' } },
  { name: 'conv/bias', shape: [2], dtype: 'float32', bytes: f16([0x3400, 0xb800]), quantization: { dtype: 'float16', original_dtype: 'float32' } },
  { name: 'flatten/shape', shape: [2], dtype: 'int32', bytes: i32([-1, 8]) },
  { name: 'dense/kernel', shape: [8, 3], dtype: 'float32', bytes: u8(Q_DENSE), quantization: { dtype: 'uint8', min: -1, scale: 1 / 128, original_dtype: 'float32' } },
]);

// ---- float-only: MatMul [2,3] -> BiasAdd -> Relu; signature as the TF2 converter writes it ----
write(
  'fixtures/graph-run/float-only',
  [
    placeholder('input_1', 'DT_FLOAT', [-1, 2]),
    konst('dense/kernel', 'DT_FLOAT', [2, 3]),
    konst('dense/bias', 'DT_FLOAT', [3]),
    node('dense/MatMul', 'MatMul', ['input_1', 'dense/kernel'], { T: type('DT_FLOAT'), transpose_a: { b: false }, transpose_b: { b: false } }),
    node('dense/BiasAdd', 'BiasAdd', ['dense/MatMul', 'dense/bias'], { T: type('DT_FLOAT'), data_format: { s: b64('NHWC') } }),
    node('Identity', 'Relu', ['dense/BiasAdd'], { T: type('DT_FLOAT') }),
  ],
  [
    { name: 'dense/kernel', shape: [2, 3], dtype: 'float32', bytes: f32([1, -2, 0.5, 3, 1, -1]) },
    { name: 'dense/bias', shape: [3], dtype: 'float32', bytes: f32([0.5, 0, -0.25]) },
  ],
  {
    signature: {
      inputs: { input_1: { name: 'input_1:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 2]) } },
      outputs: { output_1: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 3]) } },
    },
  },
);

// ---- while-loop: TF1 control flow -------------------------------------------------------------
const frame = { frame_name: { s: b64('while/while_context') }, parallel_iterations: { i: '10' } };
const enter = (name: string, input: string, dtype: string, isConstant: boolean) =>
  node(name, 'Enter', [input], { T: type(dtype), ...frame, is_constant: { b: isConstant } });
write(
  'fixtures/graph-run/while-loop',
  [
    placeholder('x', 'DT_FLOAT', [-1, 3]),
    konst('while/i0', 'DT_INT32', []),
    konst('while/limit', 'DT_INT32', []),
    konst('while/one', 'DT_INT32', []),
    konst('while/two', 'DT_FLOAT', []),
    enter('while/Enter', 'x', 'DT_FLOAT', false),
    enter('while/Enter_1', 'while/i0', 'DT_INT32', false),
    enter('while/Less/Enter', 'while/limit', 'DT_INT32', true),
    enter('while/add/Enter', 'while/one', 'DT_INT32', true),
    enter('while/mul/Enter', 'while/two', 'DT_FLOAT', true),
    node('while/Merge', 'Merge', ['while/Enter', 'while/NextIteration'], { T: type('DT_FLOAT'), N: { i: '2' } }),
    node('while/Merge_1', 'Merge', ['while/Enter_1', 'while/NextIteration_1'], { T: type('DT_INT32'), N: { i: '2' } }),
    node('while/Less', 'Less', ['while/Merge_1', 'while/Less/Enter'], { T: type('DT_INT32') }),
    node('while/LoopCond', 'LoopCond', ['while/Less']),
    node('while/Switch', 'Switch', ['while/Merge', 'while/LoopCond'], { T: type('DT_FLOAT') }),
    node('while/Switch_1', 'Switch', ['while/Merge_1', 'while/LoopCond'], { T: type('DT_INT32') }),
    node('while/Identity', 'Identity', ['while/Switch:1'], { T: type('DT_FLOAT') }),
    node('while/Identity_1', 'Identity', ['while/Switch_1:1'], { T: type('DT_INT32') }),
    node('while/mul', 'Mul', ['while/Identity', 'while/mul/Enter'], { T: type('DT_FLOAT') }),
    node('while/add', 'AddV2', ['while/Identity_1', 'while/add/Enter'], { T: type('DT_INT32') }),
    node('while/NextIteration', 'NextIteration', ['while/mul'], { T: type('DT_FLOAT') }),
    node('while/NextIteration_1', 'NextIteration', ['while/add'], { T: type('DT_INT32') }),
    node('while/Exit', 'Exit', ['while/Switch'], { T: type('DT_FLOAT') }),
    node('y', 'Identity', ['while/Exit'], { T: type('DT_FLOAT') }),
  ],
  [
    { name: 'while/i0', shape: [], dtype: 'int32', bytes: i32([0]) },
    { name: 'while/limit', shape: [], dtype: 'int32', bytes: i32([3]) },
    { name: 'while/one', shape: [], dtype: 'int32', bytes: i32([1]) },
    { name: 'while/two', shape: [], dtype: 'float32', bytes: f32([2]) },
  ],
);

// ---- open-dims: a uint8 image of any size, as the TF2 detectors take it ------------------------
write(
  'fixtures/graph-run/open-dims',
  [
    placeholder('input_tensor', 'DT_UINT8', [1, -1, -1, 3]),
    konst('conv/kernel', 'DT_FLOAT', [1, 1, 3, 2]),
    konst('mean/axes', 'DT_INT32', [2]),
    node('Cast', 'Cast', ['input_tensor'], { SrcT: type('DT_UINT8'), DstT: type('DT_FLOAT'), Truncate: { b: false } }),
    node('conv/Conv2D', 'Conv2D', ['Cast', 'conv/kernel'], {
      T: type('DT_FLOAT'),
      strides: ints([1, 1, 1, 1]),
      padding: { s: b64('VALID') },
      data_format: { s: b64('NHWC') },
      dilations: ints([1, 1, 1, 1]),
      explicit_paddings: { list: {} },
      use_cudnn_on_gpu: { b: true },
    }),
    node('Identity', 'Mean', ['conv/Conv2D', 'mean/axes'], { T: type('DT_FLOAT'), Tidx: type('DT_INT32'), keep_dims: { b: false } }),
  ],
  [
    // kernel[0][0][c][o]: o = 0 averages the channels' thirds, o = 1 takes channel 0 minus channel 2
    { name: 'conv/kernel', shape: [1, 1, 3, 2], dtype: 'float32', bytes: f32([1 / 3, 1, 1 / 3, 0, 1 / 3, -1]) },
    { name: 'mean/axes', shape: [2], dtype: 'int32', bytes: i32([1, 2]) },
  ],
  {
    signature: {
      inputs: { 'input_tensor:0': { name: 'input_tensor:0', dtype: 'DT_UINT8', tensorShape: dims([1, -1, -1, 3]) } },
      outputs: { 'Identity:0': { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([1, 2]) } },
    },
  },
);
