import { attr, onnxAxis, type OnnxGraph, type Value } from '../graph.js';
import { exportError, single, value, type Layer, type OnnxMapper } from '../layer-call.js';

/**
 * tfjs' activation functions (config names) as ONNX nodes applied to `x`; `axis` is
 * softmax's (tfjs: the last). Returns `x` itself for 'linear'.
 */
export function applyActivation(g: OnnxGraph, x: Value, activation: unknown, base: string, layer: Layer): Value {
  const name = activation == null ? 'linear' : String(activation);
  const out = (n: string): Value => value(n, x.shape, x.layout);
  const unary = (op: string, attributes = [] as ReturnType<typeof attr.int>[]) => out(g.node(op, [x.name], attributes, base));
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return unary('Relu');
    case 'relu6':
      return out(g.node('Clip', [x.name, g.scalar(`${base}/min`, 0), g.scalar(`${base}/max`, 6)], [], base));
    case 'sigmoid':
      return unary('Sigmoid');
    case 'tanh':
      return unary('Tanh');
    case 'elu':
      return unary('Elu', [attr.float('alpha', 1)]);
    case 'selu':
      return unary('Selu');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'hardSigmoid':
      return unary('HardSigmoid', [attr.float('alpha', 0.2), attr.float('beta', 0.5)]);
    case 'swish': // tfjs: x * sigmoid(x); opset 17 has no Swish
      return out(g.node('Mul', [x.name, g.node('Sigmoid', [x.name], [], base)], [], base));
    case 'softmax':
      return unary('Softmax', [attr.int('axis', onnxAxis(-1, x.shape.length, x.layout))]);
    default:
      throw exportError(layer, `no ONNX mapping for activation "${name}"`);
  }
}

export const activationLayer: OnnxMapper = (g, call) => {
  const [x] = single(call);
  return [applyActivation(g, x, call.config.activation, call.base, call.layer)];
};

/** ReLU(max_value): a Clip when bounded. tfjs' ReLU has no negative slope or threshold. */
export const reluLayer: OnnxMapper = (g, call) => {
  const [x] = single(call);
  const max = call.config.maxValue;
  if (max == null) return [applyActivation(g, x, 'relu', call.base, call.layer)];
  const y = g.node('Clip', [x.name, g.scalar(`${call.base}/min`, 0), g.scalar(`${call.base}/max`, Number(max))], [], call.base);
  return [value(y, x.shape, x.layout)];
};

export const leakyReluLayer: OnnxMapper = (g, call) => {
  const [x] = single(call);
  const y = g.node('LeakyRelu', [x.name], [attr.float('alpha', Number(call.config.alpha ?? 0.3))], call.base);
  return [value(y, x.shape, x.layout)];
};

export const eluLayer: OnnxMapper = (g, call) => {
  const [x] = single(call);
  const y = g.node('Elu', [x.name], [attr.float('alpha', Number(call.config.alpha ?? 1))], call.base);
  return [value(y, x.shape, x.layout)];
};

/** Softmax layer: tfjs' default axis is 1 (sic), so the config's axis is taken as it is. */
export const softmaxLayer: OnnxMapper = (g, call) => {
  const [x] = single(call);
  const axis = call.config.axis ?? 1;
  if (typeof axis !== 'number') throw exportError(call.layer, `softmax over axes ${JSON.stringify(axis)} has no ONNX mapping`);
  const y = g.node('Softmax', [x.name], [attr.int('axis', onnxAxis(axis, x.shape.length, x.layout))], call.base);
  return [value(y, x.shape, x.layout)];
};

/** Dropout and friends: identities at inference. */
export const identityLayer: OnnxMapper = (_g, call) => [call.inputs[0]];

/**
 * Zeros of x's shape (Rescaling by 0: ResNet option A's extra channels) as a
 * BatchNormalization of scale 0, bias 0, mean 0, variance 1 (made by ConstantOfShape: no
 * weights). The same zeros as Mul(x, 0) for finite x, but ONNX Runtime runs it in its blocked
 * NCHWc layout, where a Mul by a scalar falls out of it: every later residual Add of the
 * stage then paid a reorder out and back in (17% of ResNet1202's time).
 */
function zerosLike(g: OnnxGraph, x: Value, channels: number, base: string): Value {
  const filled = (key: string, v: number) => g.filled(`${base}/${key}`, channels, v);
  const inputs = [x.name, filled('scale', 0), filled('bias', 0), filled('mean', 0), filled('variance', 1)];
  return value(g.node('BatchNormalization', inputs, [attr.float('epsilon', 1e-5)], base), x.shape, x.layout);
}

/** Rescaling: x * scale + offset, as tfjs computes it. */
export const rescalingLayer: OnnxMapper = (g, call) => {
  const [x] = single(call);
  const { scale, offset } = call.config;
  if (typeof scale !== 'number' || typeof (offset ?? 0) !== 'number') {
    throw exportError(call.layer, 'only scalar scale and offset are supported');
  }
  if (scale === 0 && !offset && x.layout === 'nchw' && typeof x.shape[3] === 'number') return [zerosLike(g, x, x.shape[3], call.base)];
  let y = g.node('Mul', [x.name, g.scalar(`${call.base}/scale`, scale)], [], call.base);
  if (offset) y = g.node('Add', [y, g.scalar(`${call.base}/offset`, offset as number)], [], call.base);
  return [value(y, x.shape, x.layout)];
};
