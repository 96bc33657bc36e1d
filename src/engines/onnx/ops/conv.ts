import { attr, type OnnxGraph, type Value } from '../graph.js';
import { exportError, pair, requireChannelsLast, requireWeight, value, weight, type LayerCall, type OnnxMapper } from '../layer-call.js';
import { applyActivation } from './activation.js';

/**
 * Explicit ONNX pads [top, left, bottom, right] for tfjs' padding of a window over a
 * known input: 'same' pads as TensorFlow does, the odd pixel at the bottom / right.
 * `undefined` when the input size is unknown (then auto_pad SAME_UPPER, the same rule).
 */
export function windowPads(
  padding: unknown,
  input: [number | null, number | null],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): number[] | undefined {
  if (padding !== 'same') return [0, 0, 0, 0];
  if (input[0] == null || input[1] == null) return undefined;
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 2; i++) {
    const n = input[i] as number;
    const effective = (kernel[i] - 1) * dilations[i] + 1;
    const out = Math.ceil(n / strides[i]);
    const total = Math.max((out - 1) * strides[i] + effective - n, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return [...before, ...after];
}

/** pads / auto_pad attributes for a window op. */
export function padAttrs(pads: number[] | undefined) {
  return pads ? [attr.ints('pads', pads)] : [attr.string('auto_pad', 'SAME_UPPER')];
}

/** HWIO [kh, kw, in, out] -> OIHW [out, in, kh, kw]. */
export function hwioToOihw(data: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o];
  return out;
}

/** Depthwise [kh, kw, C, M] -> [C * M, 1, kh, kw]: TF's output channel c * M + m is group c's m-th. */
export function depthwiseToOihw(data: Float32Array, [kh, kw, c, m]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let ch = 0; ch < c; ch++)
        for (let k = 0; k < m; k++) out[((ch * m + k) * kh + y) * kw + x] = data[((y * kw + x) * c + ch) * m + k];
  return out;
}

interface ConvSpec {
  weights: Float32Array;
  /** OIHW. */
  dims: number[];
  bias?: Float32Array;
  group: number;
  strides: [number, number];
  dilations: [number, number];
  padding: unknown;
}

/** One ONNX Conv over an NCHW value; returns the NCHW output name. */
function conv(g: OnnxGraph, x: Value, spec: ConvSpec, base: string, suffix: string): string {
  const [h, w] = [x.shape[1], x.shape[2]];
  const kernel: [number, number] = [spec.dims[2], spec.dims[3]];
  const inputs = [g.nchw(x), g.floats(`${base}/${suffix}`, spec.weights, spec.dims)];
  if (spec.bias) inputs.push(g.floats(`${base}/bias`, spec.bias, [spec.bias.length]));
  return g.node('Conv', inputs, [
    attr.ints('kernel_shape', kernel),
    attr.ints('strides', spec.strides),
    attr.ints('dilations', spec.dilations),
    attr.int('group', spec.group),
    ...padAttrs(windowPads(spec.padding, [h, w], kernel, spec.strides, spec.dilations)),
  ], base);
}

function common(call: LayerCall) {
  requireChannelsLast(call);
  const { config, layer } = call;
  return {
    strides: pair(config.strides ?? 1, 'strides', layer),
    dilations: pair(config.dilationRate ?? 1, 'dilation rate', layer),
    padding: config.padding,
  };
}

function finish(g: OnnxGraph, call: LayerCall, y: string): Value[] {
  const out = value(y, call.outputShapes[0], 'nchw');
  return [applyActivation(g, out, call.config.activation, call.base, call.layer)];
}

type Kernel = { data: Float32Array; shape: number[] };

/** A tfjs HWIO kernel as an ONNX Conv weight in `groups` groups: [out, in / groups, kh, kw]. */
function grouped(kernel: Kernel, groups: number) {
  const [kh, kw, ci, co] = kernel.shape;
  return { weights: hwioToOihw(kernel.data, kernel.shape), dims: [co, ci, kh, kw], group: groups };
}

/** A depthwise kernel [kh, kw, C, M] as a grouped ONNX Conv weight, one group per input channel. */
function depthwise(kernel: Kernel) {
  const [kh, kw, c, m] = kernel.shape;
  return { weights: depthwiseToOihw(kernel.data, kernel.shape), dims: [c * m, 1, kh, kw], group: c };
}

const bias = (call: LayerCall) => weight(call.layer, 'bias')?.data;

/** Conv2D, with Keras' `groups` (src/zoo/grouped-conv.ts) as ONNX's `group`. */
export const conv2d: OnnxMapper = (g, call) => {
  const kernel = grouped(requireWeight(call.layer, 'kernel'), Number(call.config.groups ?? 1));
  return finish(g, call, conv(g, call.inputs[0], { ...common(call), ...kernel, bias: bias(call) }, call.base, 'kernel'));
};

export const depthwiseConv2d: OnnxMapper = (g, call) => {
  const kernel = depthwise(requireWeight(call.layer, 'depthwise_kernel'));
  return finish(g, call, conv(g, call.inputs[0], { ...common(call), ...kernel, bias: bias(call) }, call.base, 'depthwise_kernel'));
};

/**
 * SeparableConv2D: depthwise (strides, padding, dilation; no bias) then a 1x1 pointwise
 * conv with the bias. The multiplier comes from the kernel's shape: tfjs' getConfig drops it.
 */
export const separableConv2d: OnnxMapper = (g, call) => {
  const dw = depthwise(requireWeight(call.layer, 'depthwise_kernel'));
  const pw = grouped(requireWeight(call.layer, 'pointwise_kernel'), 1);
  const mid = conv(g, call.inputs[0], { ...common(call), ...dw }, call.base, 'depthwise_kernel');
  const channels = dw.dims[0];
  if (pw.dims[1] !== channels) throw exportError(call.layer, `pointwise kernel takes ${pw.dims[1]} channels, depthwise makes ${channels}`);
  const midValue = value(mid, [call.inputs[0].shape[0], null, null, channels], 'nchw');
  const pointwise = { ...pw, bias: bias(call), strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], padding: 'valid' };
  return finish(g, call, conv(g, midValue, pointwise, call.base, 'pointwise_kernel'));
};
